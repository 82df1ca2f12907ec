import Foundation
import Store
import Sweep
import Testing
import TestSupport
@testable import Cluster

/// A report that is there while the sweep runs: rewritten as jobs finish, at most every few
/// seconds, saying it is partial and when it was written.
@Suite("Live report", .serialized)
struct LiveReportTests {
    @Test("the coordinator rewrites report.html as results arrive, before the sweep ends")
    func duringRun() throws {
        let rig = try CoordinatorTests.Rig(seeds: 3)
        try rig.start(heartbeat: 5, liveReportInterval: 0)  // the scripted worker sends no heartbeats: 25 s before it counts as lost
        let worker = CoordinatorTests.ScriptedWorker(rig, id: "w1")
        try worker.ready()
        guard case .job(let a)? = try worker.next() else { Issue.record("no job"); return }
        let page = rig.directory + "/report.html"
        func shows(_ text: String) -> Bool { ((try? String(contentsOfFile: page, encoding: .utf8)) ?? "").contains(text) }
        // Written at the loop's first turn, before or after the job was leased.
        #expect(ProcessHarness.poll(timeout: 10) { shows("Partial: 0 of 3 jobs finished") })
        try worker.send(worker.result(for: a))
        #expect(ProcessHarness.poll(timeout: 10) { shows("Partial: 1 of 3 jobs finished") })
        var sent = 1
        while sent < 3, let message = try worker.next() {
            guard case .job(let next) = message else { continue }  // acks of earlier results
            try worker.send(worker.result(for: next))
            sent += 1
        }
        #expect(rig.wait() == .finished)
    }
}
