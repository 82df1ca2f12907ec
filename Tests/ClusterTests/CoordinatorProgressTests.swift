import Sweep
import Testing
@testable import Cluster
import Wire

/// The progress line's ETA in the coordinator, over in-memory channels on virtual time.
@Suite("Coordinator progress")
struct CoordinatorProgressTests {
    @Test("Before any job has finished, the ETA comes from the running job's progress in its heartbeats")
    func etaFromHeartbeats() throws {
        let rig = try CoordinatorRig(yaml: """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 100}
            seeds: [0, 1]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            """)
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
}
