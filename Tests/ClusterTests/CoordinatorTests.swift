import Artifacts
import EBMCore
import Foundation
import Logging
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// The coordinator loop over in-memory channels on virtual time (`CoordinatorRig`): scripted
/// workers send exactly the messages a test needs, so each rule of the protocol is checked on
/// its own, and every timer fires when the test moves the clock.
@Suite("Coordinator over in-memory channels")
struct CoordinatorTests {
    @Test("Results count once, only from the leaseholder with its attempt; late copies are dropped")
    func exactlyOnce() throws {
        let rig = try CoordinatorRig(seeds: 2)
        try rig.start()
        let w1 = ScriptedWorker(rig, id: "w1"), w2 = ScriptedWorker(rig, id: "w2")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        try w2.ready()
        guard case .job(let b)? = try w2.next() else { Issue.record("w2 got no job"); return }

        try w2.send(w2.result(for: a, kde: -9))               // w2 does not hold a
        try w1.send(w1.result(for: a, attempt: 2, kde: -9))   // wrong attempt
        try w1.send(w1.result(for: a))                        // the real one
        try w1.send(w1.result(for: a, kde: -9))               // a replay
        try w2.send(w2.result(for: b))
        #expect(try rig.finish() == .finished)
        let results = try rig.store.results()
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.metrics["kde_nll"] == 1.5 })
        #expect(results.first { $0.jobID == a.jobID }?.worker == "w1")
        let kinds = try rig.store.events().map(\.kind)
        #expect(kinds.filter { $0 == .resultRefused }.count == 2)
        #expect(kinds.contains(.duplicateDropped))
    }

    @Test("Another CURVE key cannot take a live worker's name (and its lease); the same key can")
    func nameBoundToKey() throws {
        let rig = try CoordinatorRig(seeds: 2)
        try rig.start()
        let w1 = ScriptedWorker(rig, id: "w1", key: "key-A")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        // An impostor with another admitted key registers as w1 while w1 keeps heartbeating,
        // for ten heartbeat intervals (twice the liveness): no JOB, not even a heartbeat, for it.
        let impostor = ScriptedWorker(rig, id: "w1", connection: "impostor", key: "key-B")
        try impostor.ready()
        let heartbeatsBefore = w1.heartbeats
        for _ in 0..<10 {
            try w1.heartbeat([.init(jobID: a.jobID, attempt: a.attempt, iteration: 1, loss: 0)])
            try rig.advance(by: rig.settings.heartbeatInterval)
            #expect(try impostor.drain().isEmpty)
            #expect(try w1.drain().isEmpty)
        }
        #expect(impostor.heartbeats == 0)
        #expect(w1.heartbeats - heartbeatsBefore == 10, "w1 stayed registered and heard every heartbeat")
        // w1's lease was not handed back: its result counts, at attempt 1.
        try w1.send(w1.result(for: a))
        // w1 on a new connection with its own key is the same worker coming back.
        let again = ScriptedWorker(rig, id: "w1", connection: "w1-reconnected", key: "key-A")
        try again.ready()
        guard case .job(let b)? = try again.next() else { Issue.record("w1 did not get its name back"); return }
        try again.send(again.result(for: b))
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.job(id: a.jobID)?.attempts == 1)
        #expect(try rig.store.results().allSatisfy { $0.worker == "w1" })
        #expect(try rig.store.events().contains { $0.kind == .refusedRegistration && $0.worker == "w1" })
    }

    @Test("A silent worker is declared lost after liveness × interval, its job requeued to another with the next attempt number")
    func silentWorkerRequeued() throws {
        let rig = try CoordinatorRig(seeds: 1)
        try rig.start()
        let silent = ScriptedWorker(rig, id: "silent"), live = ScriptedWorker(rig, id: "live")
        try silent.ready()
        guard case .job(let first)? = try silent.next() else { Issue.record("no job"); return }
        let silentSince = rig.clock.now
        try live.ready()
        // live keeps heartbeating; silent says nothing more.
        var retry: CoordinatorMessage.Assignment?
        for _ in 0..<20 where retry == nil {
            try live.heartbeat()
            try rig.advance(by: rig.settings.heartbeatInterval)
            if case .job(let a)? = try live.next() { retry = a }
        }
        let again = try #require(retry)
        // Lost once silent for longer than the expiry, and no later than the next turn.
        let silence = rig.clock.now - silentSince
        #expect(silence > rig.settings.liveness.expiry && silence <= rig.settings.liveness.expiry + rig.settings.heartbeatInterval)
        #expect(again.jobID == first.jobID)
        #expect(again.attempt == 2)
        try live.send(live.result(for: again))
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.job(id: first.jobID)?.attempts == 2)
        #expect(try rig.store.events().contains { $0.kind == .workerLost && $0.worker == "silent" })
        // The log says so at warning, with the worker in its metadata; the joins are info.
        let lost = rig.logs.entries.filter { $0.level == .warning && $0.metadata["worker.id"] == "silent" }
        #expect(lost.count == 1 && lost[0].message.description.hasPrefix("worker silent lost"), "\(rig.logs.entries)")
        #expect(rig.logs.entries.filter { $0.level == .info && $0.message.description.contains("joined") }.count == 2)
        let accepted = rig.logs.entries.first { $0.metadata["job.id"] == "\(first.jobID)" && $0.metadata["attempt"] == "2" }
        #expect(accepted?.metadata["worker.id"] == "live" && accepted?.level == .info)
    }

    @Test("A job its worker never reports (a JOB lost or undecodable) is handed back as a lost attempt after three heartbeats")
    func unreportedLeaseReleased() throws {
        let rig = try CoordinatorRig(seeds: 1)
        try rig.start()
        let forgetful = ScriptedWorker(rig, id: "forgetful")
        try forgetful.ready()
        guard case .job(let a)? = try forgetful.next() else { Issue.record("no job"); return }
        // Alive, but its heartbeats never list the job: the third takes the lease back.
        for missed in 1...2 {
            try forgetful.heartbeat()
            try rig.advance(by: rig.settings.heartbeatInterval)
            #expect(try forgetful.next() == nil, "the lease went back after \(missed) heartbeats")
        }
        try forgetful.heartbeat()
        guard case .job(let retry)? = try forgetful.next() else { Issue.record("the lease was not handed back"); return }
        #expect(retry.jobID == a.jobID)
        #expect(retry.attempt == a.attempt + 1)  // counted: a job no worker can start must reach the limit
        try forgetful.send(forgetful.result(for: retry))
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.resultCount() == 1)
    }

    @Test("Heartbeat ids not of this sweep are ignored; a job of the sweep held by another worker is cancelled once")
    func heartbeatClaimsAnsweredOnce() throws {
        let rig = try CoordinatorRig(seeds: 2)
        try rig.start()
        let w1 = ScriptedWorker(rig, id: "w1"), w2 = ScriptedWorker(rig, id: "w2")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        try w2.ready()
        guard case .job(let b)? = try w2.next() else { Issue.record("w2 got no job"); return }
        // w2 lists its own job, w1's job and 500 made-up ones, five times over.
        let claims = [b, a].map { WorkerMessage.RunningJob(jobID: $0.jobID, attempt: $0.attempt, iteration: 1, loss: 0) }
            + (0..<500).map { WorkerMessage.RunningJob(jobID: "ghost-\($0)", attempt: 1, iteration: 1, loss: 0) }
        var answers: [CoordinatorMessage] = []
        let heartbeatsBefore = w2.heartbeats
        for _ in 0..<5 {
            try w2.heartbeat(claims)
            try w1.heartbeat([.init(jobID: a.jobID, attempt: a.attempt, iteration: 1, loss: 0)])
            try rig.advance(by: rig.settings.heartbeatInterval)
            answers += try w2.drain()
        }
        #expect(answers == [.cancel(jobID: a.jobID)])
        #expect(w2.heartbeats - heartbeatsBefore == 5, "every round was a turn of the loop with w2 registered")
        try w1.send(w1.result(for: a))
        try w2.send(w2.result(for: b))
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.resultCount() == 2)
    }

    @Test("Garbage from a peer is counted and dropped; the sweep goes on")
    func garbage() throws {
        let rig = try CoordinatorRig(seeds: 1)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        for junk in [[[0xFF]], [Array("EBM/1".utf8), Array("READY".utf8), Array("{".utf8)]] as [[[UInt8]]] {
            try w.channel.send(junk, to: nil, timeout: nil)
        }
        try w.ready()
        guard case .job(let a)? = try w.next() else { Issue.record("no job"); return }
        try w.send(w.result(for: a))
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.events().filter { $0.kind == .malformed }.count == 2)
    }

    @Test("A stop request hands the running jobs back (not counted) and cancels them; the loop ends interrupted")
    func stopRequest() throws {
        let rig = try CoordinatorRig(seeds: 2)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        try w.ready()
        guard case .job(let a)? = try w.next() else { Issue.record("no job"); return }
        rig.stop.pending = SIGTERM
        #expect(try rig.turn() == .interrupted(SIGTERM))
        #expect(try w.drain() == [.cancel(jobID: a.jobID)])
        let job = try #require(try rig.store.job(id: a.jobID))
        #expect(job.status == .pending && job.attempts == 0)
    }
}
