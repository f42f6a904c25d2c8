import CBLAS
import Foundation

/// Which OpenBLAS kernels this process runs, and the one correction `eos` makes to that choice.
///
/// Debian's OpenBLAS 0.3.21 picks its kernels from the CPU model when the library loads. It does
/// not know newer models (here an AVX-512 Xeon, family 6 model 207) and then falls back to its
/// generic SSE3 "Prescott" kernels: measured here, GEMMs 3–6× slower than its "SkylakeX" kernels
/// on the same CPU (`docs/BENCHMARKS.md`). Only the environment variable `OPENBLAS_CORETYPE`
/// read at load time changes the choice, so the correction is to start the process again with it
/// set: `selectFastKernel` does that, once, and only when
/// - OpenBLAS reports the Prescott fallback,
/// - the CPU has the instructions of the replacement (AVX-512 F/CD/BW/DQ/VL for SkylakeX, else
///   AVX2 and FMA for Haswell: both are the kernels OpenBLAS itself picks for the CPUs it knows
///   with those instruction sets),
/// - `OPENBLAS_CORETYPE` is unset (a user's or a site's choice is never overridden), and
/// - `EOS_BLAS_KERNEL` is unset or `auto` (`keep` runs the kernels OpenBLAS picked).
/// The new start runs `/proc/self/exe` with the same argv: a process started through an explicit
/// loader (`ld-linux.so ./eos`, qemu-user) would restart the loader alone — set `keep` there.
public enum BLASKernel {
    /// OpenBLAS's name of the kernels in use, e.g. `Haswell`, `SkylakeX`, `Prescott`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The environment variable that turns the correction off (`keep`) or on (`auto`, the default).
    public static let policyVariable = "EOS_BLAS_KERNEL"

    /// A one-line error when `policyVariable` holds anything but `auto` or `keep`, nil otherwise.
    public static var policyError: String? {
        guard let policy = ProcessInfo.processInfo.environment[policyVariable], !["auto", "keep"].contains(policy) else { return nil }
        return "\(policyVariable)=\(policy): expected auto or keep"
    }

    /// The kernel set to run instead of `coreName`, or nil to keep it: a pure function of the
    /// reported kernels and the CPU flags of `/proc/cpuinfo`.
    public static func replacement(coreName: String, cpuFlags: Set<String>) -> String? {
        guard coreName.lowercased() == "prescott" else { return nil }
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in `/proc/cpuinfo` (empty where there is none).
    public static var cpuFlags: Set<String> {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }

    /// Starts this process again with `OPENBLAS_CORETYPE` set to `replacement(…)` when the
    /// conditions above hold; returns (doing nothing) otherwise, or if the new start fails.
    /// Call it first thing in `main`, before any thread exists.
    public static func selectFastKernel() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil,
            (environment[policyVariable] ?? "auto") == "auto",
            let kernel = replacement(coreName: coreName, cpuFlags: cpuFlags)
        else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        setenv(selectionMarker, kernel, 1)
        // The original argv bytes (Swift's `CommandLine.arguments` would repair invalid UTF-8).
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when the exec failed: carry on with the kernels we have.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(selectionMarker)
    }

    /// Set by `selectFastKernel` in the environment of the new start, to the kernel it chose.
    static let selectionMarker = "EOS_BLAS_KERNEL_SELECTED"

    /// One line for users when this process (or the `eos` that started it) replaced OpenBLAS's
    /// fallback, nil otherwise.
    public static var selectionNote: String? {
        guard let kernel = ProcessInfo.processInfo.environment[selectionMarker], coreName.lowercased() != "prescott" else { return nil }
        return "OpenBLAS does not recognise this CPU; running its \(kernel) kernels instead of the generic Prescott ones "
            + "(\(policyVariable)=keep keeps those)"
    }

    /// One line for users when OpenBLAS still runs its Prescott fallback where a faster kernel
    /// set exists (the correction was turned off or could not start), nil otherwise.
    public static var advice: String? {
        guard let kernel = replacement(coreName: coreName, cpuFlags: cpuFlags) else { return nil }
        let remedy =
            ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map {
                "OPENBLAS_CORETYPE=\($0) gave no faster kernels here; set it to \(kernel) for full speed"
            } ?? "unset \(policyVariable) or set OPENBLAS_CORETYPE=\(kernel) for full speed"
        return "OpenBLAS runs its generic Prescott kernels on this CPU (3–6× slower matrix products); " + remedy
    }
}
