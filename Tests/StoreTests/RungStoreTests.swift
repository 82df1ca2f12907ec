import Foundation
import EBMCore
import Sweep
import Testing
@testable import Store

@Suite("Rung reports and early stops in the store")
struct RungStoreTests {
    func stoppedResult(_ jobID: String, at iteration: Int, metric: Double) -> JobResult {
        JobResult(jobID: jobID, attempt: 1, status: .stopped,
                  metrics: ["kde_nll": metric, EarlyStopping.stoppedAtKey: Double(iteration)],
                  error: "asha at iteration \(iteration)", worker: "w1", seconds: 3, secondsPerIteration: 0,
                  lossHistory: [], samples: Matrix(rows: 0, columns: 2), checkpoint: [])
    }

    @Test("reports come back in arrival order, a NaN metric as NaN; a repeated job and rung is ignored")
    func order() throws {
        try withTemporaryDirectory { dir in
            let store = try makeStore(in: dir, jobs: makeJobs(3))
            let reports = [RungReport(jobID: "c0ffee-s2", iteration: 100, metric: 2.5, escaped: 0.25),
                           RungReport(jobID: "c0ffee-s0", iteration: 100, metric: .nan, escaped: 1),
                           RungReport(jobID: "c0ffee-s2", iteration: 300, metric: -.infinity, escaped: 0)]
            for r in reports { #expect(try store.record(rung: r, attempt: 1, worker: "w1")) }
            #expect(try !store.record(rung: RungReport(jobID: "c0ffee-s2", iteration: 100, metric: 9, escaped: 0),
                                      attempt: 2, worker: "w2"))
            let stored = try store.rungs()
            #expect(stored.map(\.report.jobID) == ["c0ffee-s2", "c0ffee-s0", "c0ffee-s2"])
            #expect(stored[0].report == reports[0] && stored[0].attempt == 1 && stored[0].worker == "w1")
            #expect(stored[1].report.metric.isNaN && stored[2].report.metric == -.infinity)
            #expect(throws: StoreError.self) {
                try store.record(rung: RungReport(jobID: "nope-s0", iteration: 100, metric: 1, escaped: 0), attempt: 1, worker: "w1")
            }
        }
    }

    @Test("a stop commits with its report: the stopped results, the unstarted jobs, their reasons")
    func stop() throws {
        try withTemporaryDirectory { dir in
            let store = try makeStore(in: dir, jobs: makeJobs(3))
            try store.markLeased(jobID: "c0ffee-s0", worker: "w1", attempt: 1)
            try store.markLeased(jobID: "c0ffee-s1", worker: "w1", attempt: 1)
            try store.record(rung: RungReport(jobID: "c0ffee-s0", iteration: 100, metric: 3.0, escaped: 0), attempt: 1, worker: "w1")
            try store.record(rung: RungReport(jobID: "c0ffee-s1", iteration: 100, metric: 3.2, escaped: 0), attempt: 1, worker: "w1",
                             stopped: [stoppedResult("c0ffee-s0", at: 100, metric: 3.0), stoppedResult("c0ffee-s1", at: 100, metric: 3.2)],
                             unstarted: ["c0ffee-s2"], reason: "asha at iteration 100")
            let jobs = try store.jobs()
            #expect(jobs.map(\.status) == [.stopped, .stopped, .stopped])
            #expect(jobs[2].error == "asha at iteration 100")
            let results = try store.results()
            #expect(results.map(\.status) == [.stopped, .stopped])
            #expect(results[1].metrics[EarlyStopping.stoppedAtKey] == 100 && results[1].metrics["kde_nll"] == 3.2)
            #expect(try store.events(kind: .stopped).map(\.jobID) == ["c0ffee-s2"])
            // A finished job is not stopped again.
            try store.markStopped(jobID: "c0ffee-s2", reason: "again")
            #expect(try store.job(id: "c0ffee-s2")?.error == "asha at iteration 100")
        }
    }

    @Test("a stop that cannot be written leaves the report unwritten too")
    func atomic() throws {
        try withTemporaryDirectory { dir in
            let store = try makeStore(in: dir, jobs: makeJobs(2))
            #expect(throws: StoreError.self) {
                try store.record(rung: RungReport(jobID: "c0ffee-s0", iteration: 100, metric: 3, escaped: 0), attempt: 1,
                                 worker: "w1", stopped: [stoppedResult("unknown-s9", at: 100, metric: 3)])
            }
            #expect(try store.rungs().isEmpty && store.results().isEmpty)
        }
    }

    func diverged(_ jobID: String, after iterations: Int) -> JobResult {
        JobResult(jobID: jobID, attempt: 1, status: .diverged, metrics: [:], error: "diverged", worker: "w1", seconds: 1,
                  secondsPerIteration: 0.01, lossHistory: Array(repeating: 1, count: iterations),
                  samples: Matrix(rows: 0, columns: 2), checkpoint: [])
    }

    @Test("diverged results come back placed among the rung reports as they arrived, with the iteration they reached; a result from before the column last")
    func divergences() throws {
        try withTemporaryDirectory { dir in
            let store = try makeStore(in: dir, jobs: makeJobs(4))
            try store.record(diverged: diverged("c0ffee-s3", after: 40))
            try store.record(rung: RungReport(jobID: "c0ffee-s0", iteration: 100, metric: 2, escaped: 0), attempt: 1, worker: "w1")
            try store.record(diverged: diverged("c0ffee-s1", after: 250), stopped: [stoppedResult("c0ffee-s0", at: 100, metric: 2)],
                             unstarted: ["c0ffee-s2"], reason: "seed c0ffee-s1 diverged at iteration 250")
            let seq = try #require(try store.rungs().first?.seq)
            #expect(try store.divergences() == [.init(jobID: "c0ffee-s3", iteration: 40, rungsBefore: 0),
                                                 .init(jobID: "c0ffee-s1", iteration: 250, rungsBefore: seq)])
            #expect(try store.jobs().map(\.status) == [.stopped, .diverged, .stopped, .diverged])
            #expect(try store.job(id: "c0ffee-s2")?.error == "seed c0ffee-s1 diverged at iteration 250")
            try store.database.execute("UPDATE results SET rungs_before = NULL WHERE job_id = 'c0ffee-s3'")
            #expect(try store.divergences().map(\.jobID) == ["c0ffee-s1", "c0ffee-s3"])
        }
    }
}
