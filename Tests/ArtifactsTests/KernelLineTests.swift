import Sweep
import Testing
@testable import Artifacts

@Suite("The report's note on BLAS kernel families")
struct KernelLineTests {
    func result(_ id: String, kernel: String?) -> ResultSummary {
        ResultSummary(jobID: id, attempt: 1, status: .ok, metrics: [:], worker: "w", seconds: 1, secondsPerIteration: 0.01,
                      iterationsRun: 5, blasKernel: kernel, vectorWidth: kernel == "SkylakeX" ? 512 : 256)
    }

    @Test("results from two kernel families are noted with their counts; one family, or none recorded, says nothing")
    func mixed() throws {
        let line = try #require(SweepArtifacts.kernelLine([result("a", kernel: "SkylakeX"), result("b", kernel: "Haswell"),
                                                           result("c", kernel: "SkylakeX"), result("d", kernel: nil)]))
        #expect(line.contains("Haswell 1, SkylakeX 2") && line.contains("reproducible: portable"))
        #expect(SweepArtifacts.kernelLine([result("a", kernel: "SkylakeX"), result("b", kernel: "SkylakeX")]) == nil)
        #expect(SweepArtifacts.kernelLine([result("a", kernel: nil)]) == nil)
    }
}
