import EBMCore
import Sweep
import Testing
@testable import Wire

@Suite("RESULT ↔ JobResult")
struct JobResultBridgeTests {
    @Test("a JobResult survives JobResult → RESULT → frames → RESULT → JobResult")
    func roundTrip() throws {
        var gen = MessageGenerator(seed: 11)
        for status in [RunStatus.ok, .diverged, .cancelled] {
            let p = gen.payload()
            let result = JobResult(jobID: gen.identifier(), attempt: 2, status: status,
                                   metrics: ["kde_nll": 1.25, "mmd": .nan], error: status == .ok ? nil : "loss became nan",
                                   worker: "w-1", seconds: 12.5, secondsPerIteration: 0.004,
                                   lossHistory: [0.5, 0.25], samples: p.samples, checkpoint: p.checkpoint)
            let decoded = try Codec.decode(Codec.encode(.result(ResultReport(result))), as: WorkerMessage.self)
            guard case .result(let report) = decoded else { Issue.record("not a RESULT"); continue }
            let back = report.jobResult(worker: "w-1")
            #expect(back.jobID == result.jobID && back.status == status && back.attempt == 2)
            #expect(back.metrics["kde_nll"] == 1.25 && back.metrics["mmd"]?.isNaN == true)
            #expect(back.error == result.error && back.worker == "w-1")
            #expect(back.lossHistory == result.lossHistory && back.checkpoint == result.checkpoint)
            #expect(back.samples.storage.map(\.bitPattern) == result.samples.storage.map(\.bitPattern))
        }
    }

    @Test("a failed RESULT becomes a failed JobResult that keeps its reason")
    func failedKeepsReason() {
        let report = ResultReport(jobID: "j", attempt: 1, status: .failed, metrics: [:], error: "bad config",
                                  seconds: 0, secondsPerIteration: 0)
        let result = report.jobResult(worker: "w")
        #expect(result.status == .failed)
        #expect(result.error == "bad config")
        #expect(result.worker == "w")
    }
}
