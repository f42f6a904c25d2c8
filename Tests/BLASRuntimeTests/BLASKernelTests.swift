import Testing
@testable import BLASRuntime

@Suite struct BLASKernelTests {
    static let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func onlyThePrescottFallbackIsReplacedAndByKernelsTheCPUCanRun() {
        #expect(BLASKernel.replacement(coreName: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLASKernel.replacement(coreName: "PRESCOTT", cpuFlags: Self.avx512) == "SkylakeX")
        // AVX-512 without BW/DQ/VL (Knights Landing) gets the AVX2 kernels.
        #expect(BLASKernel.replacement(coreName: "Prescott", cpuFlags: ["avx2", "fma", "avx512f", "avx512cd"]) == "Haswell")
        #expect(BLASKernel.replacement(coreName: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASKernel.replacement(coreName: "Prescott", cpuFlags: ["sse3", "avx", "avx2"]) == nil)
        #expect(BLASKernel.replacement(coreName: "Prescott", cpuFlags: []) == nil)
        for known in ["Haswell", "SkylakeX", "Zen", "Cooperlake", "Sandybridge"] {
            #expect(BLASKernel.replacement(coreName: known, cpuFlags: Self.avx512) == nil)
        }
    }

    @Test func theAdviceNamesTheReplacementWhenTheFallbackRuns() {
        #expect(!BLASKernel.coreName.isEmpty)
        if let kernel = BLASKernel.replacement(coreName: BLASKernel.coreName, cpuFlags: BLASKernel.cpuFlags) {
            #expect(BLASKernel.advice?.contains("OPENBLAS_CORETYPE=\(kernel)") == true)
        } else {
            #expect(BLASKernel.advice == nil)
        }
    }
}
