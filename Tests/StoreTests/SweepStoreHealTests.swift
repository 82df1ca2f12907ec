import Foundation
import Testing
import Sweep
@testable import Store

@Suite("SweepStore: resume heals rows that disagree with the results")
struct SweepStoreHealTests {
    @Test("a job whose row says running but has a stored result is finished when the store is opened")
    func runningWithResultBecomesFinished() throws {
        try withTemporaryDirectory { directory in
            let path: String
            do {
                let store = try makeStore(in: directory, jobs: makeJobs(3))
                path = store.path
                try store.record(makeResult(jobID: "c0ffee-s0", worker: "w1"))
                try store.record(makeResult(jobID: "c0ffee-s1", status: .diverged, worker: "w2"))
                // What a second coordinator did: lease jobs the first had already finished.
                try store.markLeased(jobID: "c0ffee-s0", worker: "w9", attempt: 2)
                try store.markLeased(jobID: "c0ffee-s1", worker: "w9", attempt: 2)
                try store.markLeased(jobID: "c0ffee-s2", worker: "w9", attempt: 1)
            }
            let store = try SweepStore.open(at: path)
            let jobs = try store.jobs()
            #expect(jobs.map(\.status) == [.ok, .diverged, .running])
            #expect(jobs[0].worker == "w1" && jobs[0].finishedAt != nil && jobs[0].seconds != nil)
            #expect(jobs[1].worker == "w2")
            #expect(try store.events(kind: .resumed).last?.detail == "2 jobs with a stored result marked finished")
            // Healed once: opening again changes nothing.
            #expect(try store.finishJobsWithResults() == 0)
        }
    }
}
