import CBLAS
import Foundation

/// Which OpenBLAS kernels this process runs. Debian's OpenBLAS 0.3.21 does not recognise some
/// CPUs (virtual machines that hide the model name) and falls back to its SSE3 "Prescott"
/// kernels: measured here 4–6× slower GEMMs than `OPENBLAS_CORETYPE=Haswell` on the same AVX2 CPU.
/// The kernel is chosen when the library loads, so only the environment of the process can
/// change it; `eos` says so once instead of changing it behind the user's back.
public enum BLASKernel {
    /// OpenBLAS's name of the kernels in use, e.g. `Haswell`, `SkylakeX`, `Prescott`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// True when OpenBLAS runs its generic Prescott kernels on a CPU that has AVX2 and FMA.
    public static var isSlowFallback: Bool {
        guard coreName.lowercased() == "prescott",
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return false }
        let set = Set(flags.split(separator: " ").map(String.init))
        return set.contains("avx2") && set.contains("fma")
    }

    /// One line for users when `isSlowFallback`, nil otherwise.
    public static var advice: String? {
        isSlowFallback
            ? "OpenBLAS runs its generic Prescott kernels on this AVX2 CPU (4–6× slower matrix products); start eos with OPENBLAS_CORETYPE=Haswell in its environment for full speed"
            : nil
    }
}
