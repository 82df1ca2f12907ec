import EBMCore
import Sweep
import Testing
@testable import Cluster
import Wire

/// The progress line's ETA in the coordinator, over in-memory channels on virtual time.
@Suite("Coordinator progress")
struct CoordinatorProgressTests {
    /// One configuration of 100 iterations on `seeds` seeds.
    static func rig(seeds: Int) throws -> CoordinatorRig {
        try CoordinatorRig(yaml: """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 100}
            seeds: [\((0..<seeds).map(String.init).joined(separator: ", "))]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            """)
    }

    @Test("Before any job has finished, the ETA comes from the running job's progress in its heartbeats")
    func etaFromHeartbeats() throws {
        let rig = try Self.rig(seeds: 2)
        try rig.start()
        let worker = ScriptedWorker(rig, id: "w")
        try worker.ready()
        guard case .job(let a)? = try worker.next() else { Issue.record("no job"); return }
        let coordinator = try #require(rig.coordinator)
        try worker.heartbeat([.init(jobID: a.jobID, attempt: a.attempt, iteration: 0, loss: 0)])
        try rig.turn()
        try rig.advance(by: 0.1)   // within the worker's liveness
        #expect(coordinator.progress().eta == nil, "one report is no rate")

        try worker.heartbeat([.init(jobID: a.jobID, attempt: a.attempt, iteration: 10, loss: 0)])
        try rig.turn()
        // 10 of 100 iterations in 0.1 s: a tenth of the job's training FLOPs T. Left: this job's
        // FLOPs F less T/10, and the other seed's F, on one slot, at 0.1 s per T/10.
        let work = coordinator.work(forJob: a.jobID)
        let expected = (2 * work.flops - work.trainingFLOPs / 10) * 0.1 / (work.trainingFLOPs / 10)
        let eta = try #require(coordinator.progress().eta)
        #expect(abs(eta - expected) < 1e-6 * expected && work.flops > work.trainingFLOPs)
    }

    @Test("A job lost with its worker and given to another: the time between the two attempts is not training")
    func requeuedJobRate() throws {
        let rig = try Self.rig(seeds: 1)
        try rig.start()
        let silent = ScriptedWorker(rig, id: "silent"), live = ScriptedWorker(rig, id: "live")
        try silent.ready()
        guard case .job(let first)? = try silent.next() else { Issue.record("no job"); return }
        try live.ready()
        let coordinator = try #require(rig.coordinator)
        // The first attempt: 10 iterations in one heartbeat interval, then silence.
        try silent.heartbeat([.init(jobID: first.jobID, attempt: first.attempt, iteration: 0, loss: 0)])
        try rig.turn()
        try live.heartbeat()
        try rig.advance(by: rig.settings.heartbeatInterval)
        try silent.heartbeat([.init(jobID: first.jobID, attempt: first.attempt, iteration: 10, loss: 0)])
        try rig.turn()
        var retry: CoordinatorMessage.Assignment?
        for _ in 0..<40 where retry == nil {
            try live.heartbeat()
            try rig.advance(by: rig.settings.heartbeatInterval)
            if case .job(let a)? = try live.next() { retry = a }
        }
        let again = try #require(retry)
        // The second attempt's first report, after the silent worker's expiry, says iteration 20
        // (above the first attempt's 10); then 10 more iterations in one interval.
        try live.heartbeat([.init(jobID: again.jobID, attempt: again.attempt, iteration: 20, loss: 0)])
        try rig.turn()
        try rig.advance(by: rig.settings.heartbeatInterval)
        try live.heartbeat([.init(jobID: again.jobID, attempt: again.attempt, iteration: 30, loss: 0)])
        try rig.turn()
        // Two spans of 10 iterations, each one interval long: the silence and the wait are not in it.
        let work = coordinator.work(forJob: again.jobID)
        let rate = try #require(coordinator.remainingTime.progressSecondsPerFLOP)
        let expected = 2 * rig.settings.heartbeatInterval / (work.trainingFLOPs * 20 / 100)
        #expect(abs(rate - expected) < 1e-9 * expected, "\(rate) against \(expected)")
    }

    /// lr 0.001: seed 0 ok at 1.0, seed 1 diverged; lr 0.002: 1.5 and 1.6.
    @Test("The progress line's best is never a configuration with a diverged seed, however good its ok one: the tables rank it last")
    func bestSkipsDiverged() throws {
        let rig = try CoordinatorRig(yaml: """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 100}
            grid: {lr: [0.001, 0.002]}
            seeds: [0, 1]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            """)
        try rig.start()
        let worker = ScriptedWorker(rig, id: "w")
        try worker.ready()
        var answered = 0
        for _ in 0..<100 where answered < 4 {
            try rig.turn()
            for case .job(let a) in try worker.drain() {
                answered += 1
                if a.config.lr == 0.001 && a.config.seed == 1 {
                    try worker.send(.result(ResultReport(
                        jobID: a.jobID, attempt: a.attempt, status: .diverged, metrics: [:], error: "loss became NaN at iteration 3",
                        seconds: 0.1, secondsPerIteration: 0.01, payload: ResultPayload(samples: Matrix(rows: 0, columns: 2), lossHistory: [1, 1, 1]))))
                } else {
                    try worker.send(worker.result(for: a, kde: a.config.lr == 0.001 ? 1.0 : 1.5 + 0.1 * Double(a.config.seed)))
                }
            }
            try worker.heartbeat()
            rig.clock.advance(by: rig.settings.heartbeatInterval)
        }
        try rig.turn()
        let coordinator = try #require(rig.coordinator)
        let best = try #require(coordinator.bestSoFar())
        #expect(coordinator.scheduler.job(withID: best.configID + "-s0")?.config.lr == 0.002)
        #expect(abs(best.mean - 1.55) < 1e-12)
    }
}
