import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

extension CoordinatorEarlyStoppingTests.Worker {
    /// Ends `jobID` as diverged after `iteration` iterations (a divergence check between rungs).
    func diverge(_ jobID: String, at iteration: Int) throws {
        guard let a = held.removeValue(forKey: jobID) else { return }
        try scripted.send(.result(ResultReport(
            jobID: a.jobID, attempt: a.attempt, status: .diverged, metrics: [:],
            error: "diverged at iteration \(iteration): 90 % of a divergence check's samples escaped", seconds: 0.1,
            secondsPerIteration: 0.01,
            payload: ResultPayload(samples: Matrix(rows: 0, columns: 2), lossHistory: Array(repeating: 1, count: iteration)))))
    }
}

/// The diverged-seed rule in the coordinator (docs/design.md, "A diverged seed ends its
/// configuration"), on virtual time with a scripted worker: jobs run in id order, two at a time.
@Suite("Diverged seeds in the coordinator")
struct CoordinatorDivergenceTests {
    typealias Worker = CoordinatorEarlyStoppingTests.Worker

    func configurations(_ rig: CoordinatorRig) throws -> [String] {
        var configs: [String] = []
        for job in try rig.store.jobs() where !configs.contains(job.job.configID) { configs.append(job.job.configID) }
        return configs
    }

    @Test("a diverged result stops its configuration's running seed (CANCEL, its last rung kept) and pending one; a restart rebuilds the rule exactly")
    func divergedResultStopsSiblings() throws {
        let rig = try CoordinatorEarlyStoppingTests.rig()
        let configs = try configurations(rig)
        let (x, y) = (configs[0], configs[1])
        try rig.start()
        let w = try Worker(rig)
        try w.pump { w.held.count == 2 }
        // x looks best at rung 100, then its seed 0 blows up between rungs.
        try w.rung("\(x)-s0", 100, 1.0)
        try w.rung("\(x)-s1", 100, 1.02)
        try w.diverge("\(x)-s0", at: 250)
        try w.pump { w.cancelled == ["\(x)-s1"] && w.held.count == 2 }
        #expect(Set(w.held.keys) == ["\(y)-s0", "\(y)-s1"])
        let reason = "seed \(x)-s0 diverged at iteration 250"
        #expect(try rig.store.job(id: "\(x)-s0")?.status == .diverged)
        let sibling = try #require(try rig.store.result(jobID: "\(x)-s1"))
        #expect(sibling.status == .stopped && sibling.error == reason)
        #expect(sibling.metrics[EarlyStopping.stoppedAtKey] == 100 && sibling.metrics["kde_nll"] == 1.02)
        let pending = try rig.store.job(id: "\(x)-s2")
        #expect(pending?.status == .stopped && pending?.error == reason && pending?.attempts == 0)

        // y is judged without x's values: alone at the rung, it goes on (against x's 1.01 it would stop).
        try w.rung("\(y)-s0", 100, 2.0)
        try w.rung("\(y)-s1", 100, 2.02)
        try w.pump { (try? rig.store.rungs().count) == 4 }
        #expect(w.cancelled == ["\(x)-s1"] && rig.coordinator?.earlyStopping?.pruner.isStopped(configuration: y) == false)

        // A restarted coordinator replays rungs and the diverged result as they came: the same state.
        let live = try #require(rig.coordinator?.earlyStopping?.pruner as? ASHAPruner)
        let again = try rig.makeCoordinator()
        #expect(again.earlyStopping?.pruner as? ASHAPruner == live)
        #expect(try rig.store.job(id: "\(y)-s2")?.status == .pending)
    }

    @Test("a diverged result stops nothing else when no configuration without a diverged seed is left")
    func guardOnTheLastConfigurations() throws {
        let rig = try CoordinatorEarlyStoppingTests.rig()
        let configs = try configurations(rig)
        try rig.start()
        let w = try Worker(rig)
        try w.pump { w.held.count == 2 }
        let (x, y, z) = (configs[0], configs[1], configs[2])
        try w.diverge("\(x)-s0", at: 10)                 // x ends; y and z are clean
        try w.pump { w.held.keys.contains("\(y)-s0") && w.held.count == 2 }
        try w.diverge("\(y)-s0", at: 10)                 // y ends; z is clean
        try w.pump { w.held.keys.contains("\(z)-s0") && w.held.count == 2 }
        try w.diverge("\(z)-s0", at: 10)                 // z is the last: its other seeds go on
        try w.pump { w.held.keys.contains("\(z)-s2") }
        #expect(try rig.store.job(id: "\(z)-s1")?.status == .running)
        #expect(try rig.store.job(id: "\(y)-s2")?.status == .stopped)
    }
}
