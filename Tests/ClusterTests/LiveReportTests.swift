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
        let rig = try CoordinatorRig(seeds: 3)
        try rig.start(liveReportInterval: 0)
        let worker = ScriptedWorker(rig, id: "w1")
        let page = rig.directory + "/report.html"
        func shows(_ text: String) -> Bool {
            rig.coordinator?.liveReport?.waitUntilIdle()   // the rewrite a turn started, on its thread
            return ((try? String(contentsOfFile: page, encoding: .utf8)) ?? "").contains(text)
        }
        // Written at the loop's first turn, before any job was leased.
        #expect(shows("Partial: 0 of 3 jobs finished"))
        try worker.ready()
        guard case .job(let a)? = try worker.next() else { Issue.record("no job"); return }
        try worker.send(worker.result(for: a))
        try rig.turn()
        #expect(shows("Partial: 1 of 3 jobs finished"))
        var sent = 1
        while sent < 3, let message = try worker.next() {
            guard case .job(let next) = message else { continue }  // acks of earlier results
            try worker.send(worker.result(for: next))
            sent += 1
        }
        #expect(try rig.finish() == .finished)
    }
}
