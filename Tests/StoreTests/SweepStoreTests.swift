import Foundation
import Testing
import EBMCore
import Sweep
@testable import Store

@Suite("SweepStore")
struct SweepStoreTests {
    @Test("jobs and the spec survive a close and reopen unchanged")
    func jobsRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let jobs = makeJobs(4) + [Job(id: "big-s", configID: "big", seed: .max, config: .defaults(for: .dsm))]
            do { _ = try makeStore(in: directory, jobs: jobs) }
            let store = try SweepStore.open(at: directory + "/sweep.sqlite")
            #expect(try store.specText == "name: ml_swiss\n")
            #expect(try store.specHash == "hash-1")
            #expect(try store.specPath == "sweeps/ml_swiss.yaml")
            #expect(try store.name == "ml_swiss")
            let stored = try store.jobs()
            #expect(stored.map(\.job) == jobs.sorted { $0.id < $1.id })
            #expect(stored.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.worker == nil })
            #expect(try store.counts() == [.pending: 5, .running: 0, .ok: 0, .diverged: 0, .failed: 0, .stopped: 0])
        }
    }

    @Test("a result reads back bit-exact: doubles, NaN and infinite metrics, blobs")
    func resultRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let jobs = makeJobs(2)
            let store = try makeStore(in: directory, jobs: jobs)
            var result = makeResult(jobID: jobs[0].id, attempt: 2, checkpointBytes: 100_000)
            result.blasKernel = "SkylakeX"; result.vectorWidth = 512
            var diverged = makeResult(jobID: jobs[1].id, status: .diverged, checkpointBytes: 0)
            diverged.samples = Matrix(rows: 0, columns: 2)
            diverged.lossHistory = []
            #expect(try store.record(result))
            #expect(try store.record(diverged))

            let reopened = try SweepStore.openReadOnly(at: store.path)
            let back = try #require(try reopened.result(jobID: jobs[0].id))
            #expect(back.jobID == result.jobID && back.attempt == 2 && back.status == .ok)
            #expect(back.worker == result.worker && back.error == nil)
            #expect(back.seconds.bitPattern == result.seconds.bitPattern)
            #expect(back.secondsPerIteration.bitPattern == result.secondsPerIteration.bitPattern)
            #expect(bitsEqual(back.lossHistory, result.lossHistory))
            #expect(back.samples.rows == 3 && back.samples.columns == 2)
            #expect(bitsEqual(back.samples.storage, result.samples.storage))
            #expect(back.checkpoint == result.checkpoint)
            #expect(back.blasKernel == "SkylakeX" && back.vectorWidth == 512)
            let keys = result.metrics.keys.sorted()
            #expect(back.metrics.keys.sorted() == keys)
            // NaN has no canonical bits through JSON ("NaN" decodes to Double.nan): compare it by kind.
            #expect(back.metrics["nll"]?.isNaN == true)
            let finiteKeys = keys.filter { $0 != "nll" }
            #expect(bitsEqual(finiteKeys.compactMap { back.metrics[$0] }, finiteKeys.compactMap { result.metrics[$0] }))

            let empty = try #require(try reopened.result(jobID: jobs[1].id))
            #expect(empty.status == .diverged && empty.error == diverged.error)
            #expect(empty.checkpoint.isEmpty && empty.lossHistory.isEmpty && empty.samples.count == 0)
            #expect(empty.blasKernel == nil && empty.vectorWidth == nil)
            #expect(try reopened.results().map(\.jobID) == [jobs[0].id, jobs[1].id])

            let finished = try reopened.jobs()
            #expect(finished.map(\.status) == [.ok, .diverged])
            #expect(finished[0].attempts == 2 && finished[0].worker == "w1" && finished[0].seconds == result.seconds)
            #expect(finished[1].error == "loss became NaN at iteration 17")
        }
    }

    @Test("resultSummaries() is results() without the blobs, and never reads them: a damaged blob does not stop it")
    func summariesSkipBlobs() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(3))
            try store.record(makeResult(jobID: "c0ffee-s0"))
            try store.record(makeResult(jobID: "c0ffee-s2", attempt: 2, status: .diverged, checkpointBytes: 1 << 20, worker: "w2"))
            try store.database.execute("UPDATE results SET blas_kernel = 'Haswell', vector_width = 256 WHERE job_id = 'c0ffee-s0'")
            let full = try store.results()
            let summaries = try store.resultSummaries()
            #expect(summaries.first?.blasKernel == "Haswell" && summaries.first?.vectorWidth == 256)
            #expect(summaries.map(\.jobID) == ["c0ffee-s0", "c0ffee-s2"])
            // Field by field (the NaN metric makes == false for the whole struct).
            for (s, r) in zip(summaries, full) {
                #expect(s.jobID == r.jobID && s.attempt == r.attempt && s.status == r.status && s.error == r.error)
                #expect(s.worker == r.worker && s.seconds == r.seconds && s.secondsPerIteration == r.secondsPerIteration)
                #expect(s.blasKernel == r.blasKernel && s.vectorWidth == r.vectorWidth)
                #expect(s.iterationsRun == r.lossHistory.count && s.iterationsRun == 5)
                #expect(s.metrics.keys.sorted() == r.metrics.keys.sorted() && s.metrics["kde_nll"] == r.metrics["kde_nll"])
            }
            // Samples that are not a whole number of doubles: the full read refuses the row.
            try store.database.execute("UPDATE results SET samples = x'0102030405' WHERE job_id = 'c0ffee-s2'")
            #expect(storeError { () throws(StoreError) in _ = try store.results() }?.code == .invalidData)
            #expect(try store.resultSummaries().map(\.status) == [.ok, .diverged])
        }
    }

    @Test("metrics are stored as standard JSON with non-finite values as strings")
    func metricsJSONIsReadable() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            try store.record(makeResult(jobID: "c0ffee-s0"))
            let text = try store.database.query("SELECT metrics_json FROM results") { $0.string(at: 0) }.first ?? ""
            #expect(text.contains("\"nll\":\"NaN\"") && text.contains("\"mmd\":\"Infinity\"")
                    && text.contains("\"swd\":\"-Infinity\""))
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
        }
    }

    @Test("record() commits a job's result exactly once and logs the duplicate")
    func recordExactlyOnce() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            let first = makeResult(jobID: "c0ffee-s0", attempt: 1, worker: "w1")
            var second = makeResult(jobID: "c0ffee-s0", attempt: 2, worker: "w2")
            second.metrics["kde_nll"] = 99
            #expect(try store.record(first))
            #expect(try store.record(second) == false)
            #expect(try store.resultCount() == 1)
            let kept = try #require(try store.result(jobID: "c0ffee-s0"))
            #expect(kept.attempt == 1 && kept.worker == "w1" && kept.metrics["kde_nll"] == first.metrics["kde_nll"])
            #expect(try store.jobs().first?.worker == "w1")
            let dropped = try store.events(kind: .duplicateDropped)
            #expect(dropped.count == 1 && dropped.first?.worker == "w2" && dropped.first?.jobID == "c0ffee-s0")
            #expect(try store.events(kind: .resultAccepted).count == 1)
        }
    }

    @Test("a result for a job the store does not know is refused as unknownJob")
    func recordUnknownJob() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            #expect(throws: StoreError.self) { try store.record(makeResult(jobID: "nope-s0")) }
            let error = try #require(storeError { () throws(StoreError) in
                try store.markLeased(jobID: "nope-s0", worker: "w1", attempt: 1)
            })
            #expect(error.code == .unknownJob && error.message.contains("nope-s0"))
            #expect(try store.resultCount() == 0)
        }
    }

    @Test("lease, requeue and failure update the job and append events")
    func stateChanges() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(3))
            let at = Date(timeIntervalSince1970: 1_790_000_000.125)
            try store.markLeased(jobID: "c0ffee-s0", worker: "w1", attempt: 1, at: at)
            try store.markLeased(jobID: "c0ffee-s1", worker: "w2", attempt: 1, at: at)
            try store.markPending(jobID: "c0ffee-s1", attempts: 1)
            try store.markFailed(jobID: "c0ffee-s2", attempts: 3, reason: "worker lost 3 times")
            let jobs = try store.jobs()
            #expect(jobs[0].status == .running && jobs[0].worker == "w1" && jobs[0].attempts == 1)
            // Timestamps keep milliseconds: the stored text is exact to 1 ms.
            #expect(jobs[0].startedAt == at)
            #expect(jobs[1].status == .pending && jobs[1].worker == nil && jobs[1].attempts == 1)
            #expect(jobs[2].status == .failed && jobs[2].error == "worker lost 3 times" && jobs[2].finishedAt != nil)
            #expect(try store.events().map(\.kind) == [.lease, .lease, .requeue, .failed])
            try store.log(event: StoreEvent(kind: .malformed, worker: "w9", detail: "3 malformed frames"))
            #expect(try store.events(kind: .malformed).first?.detail == "3 malformed frames")
        }
    }

    @Test("every event kind reads back as itself; a kind this build does not know is reported, naming the file")
    func eventKinds() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(1))
            for kind in StoreEvent.Kind.allCases { try store.log(event: StoreEvent(kind: kind, detail: kind.rawValue)) }
            #expect(try store.events().map(\.kind) == StoreEvent.Kind.allCases)
            try store.database.execute("INSERT INTO events (at, kind) VALUES ('2025-01-02T03:04:05.000Z', 'from_the_future')")
            let error = storeError { () throws(StoreError) in _ = try store.events() }
            #expect(error?.message.contains("from_the_future") == true && error?.message.contains(store.path) == true)
        }
    }

    @Test("grow replaces the spec and adds only the new jobs, leaving finished ones and their results alone")
    func grow() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore(in: directory, jobs: makeJobs(2))
            let result = makeResult(jobID: "c0ffee-s0")
            _ = try store.record(result, finishedAt: Date(timeIntervalSince1970: 1_000))
            let before = try #require(try store.job(id: "c0ffee-s0"))
            #expect(try store.grow(specText: "name: ml_swiss\nseeds: [0, 1, 2, 3]\n", specHash: "hash-2",
                                   specPath: "sweeps/more.yaml", jobs: makeJobs(4)) == 2)
            #expect(try store.specHash == "hash-2" && store.specPath == "sweeps/more.yaml")
            #expect(try store.specText.contains("[0, 1, 2, 3]"))
            #expect(try store.counts()[.pending] == 3 && store.counts()[.ok] == 1)
            #expect(try store.job(id: "c0ffee-s0") == before)
            let kept = try #require(try store.result(jobID: "c0ffee-s0"))   // NaN metrics: compare the blobs
            #expect(kept.checkpoint == result.checkpoint && bitsEqual(kept.samples.storage, result.samples.storage))
            #expect(try store.events(kind: .grown).map(\.detail) == ["2 jobs added from sweeps/more.yaml"])
        }
    }
}
