import EBMCore
import Foundation
import Logging
import Sweep
import Testing
@testable import Cluster
import Wire

/// The worker's loop on virtual time: the test plays the coordinator on an in-memory router,
/// moves the clock, and ends each job when it chooses (`ManualJobs`), so heartbeats, reconnects
/// and resends are checked at the exact times they are due.
@Suite("Worker loop on virtual time")
struct WorkerLoopTests {
    /// Times are binary fractions (0.25 s heartbeats, expiry 1.25 s) so sums are exact.
    static let interval = 0.25

    @Test("Heartbeats go out once per interval, not more, not less, while the coordinator speaks")
    func heartbeatCadence() throws {
        let rig = WorkerRig()
        try rig.turn()
        #expect(rig.received().map(\.message.type.rawValue) == ["READY", "HEARTBEAT", "HEARTBEAT"])  // greeting, then the loop's first
        for step in 1...10 {
            rig.send(.heartbeat)
            try rig.advance(by: Self.interval / 2)
            #expect(rig.received().isEmpty, "a heartbeat half an interval early, at step \(step)")
            try rig.advance(by: Self.interval / 2)
            #expect(rig.received().map(\.message.type.rawValue) == ["HEARTBEAT"], "step \(step)")
        }
        #expect(rig.connections.count == 1)
    }

    @Test("Silent coordinator: the worker reconnects after liveness × interval, then after the backoff, with READY and its unacknowledged results")
    func reconnectAfterSilence() throws {
        let rig = WorkerRig()
        try rig.turn()
        // A result the coordinator has not acknowledged, to be offered again on the new connection.
        rig.send(.job(rig.assignment("j1")))
        try rig.turn()
        rig.jobs.started[0].finish()
        try rig.turn()
        #expect(rig.received().filter { $0.message.type.rawValue == "RESULT" }.count == 1)
        rig.send(.heartbeat)       // heard at t = 0: silence counts from here
        try rig.turn()
        // Up to the expiry (1.25 s) the coordinator is not lost; just after it, the worker hangs up.
        while rig.clock.now < rig.settings.liveness.expiry {
            try rig.advance(by: Self.interval)
            #expect(rig.connections.count == 1 && rig.connections[0].isOpen, "at \(rig.clock.now) s")
        }
        try rig.advance(by: Self.interval)   // 1.5 s
        #expect(!rig.connections[0].isOpen)
        #expect(rig.connections.count == 1, "no new connection before the backoff")
        try rig.advance(by: rig.settings.reconnectInitial)  // 1.75 s
        #expect(rig.connections.count == 2)
        let greeting = rig.received().filter { $0.connection == 1 }.map(\.message.type.rawValue)
        #expect(greeting.prefix(3) == ["READY", "HEARTBEAT", "RESULT"])
        // Silent again: the backoff has doubled (0.5 s), counted from the next hang-up.
        let reconnectedAt = rig.clock.now
        while rig.connections.count == 2 { try rig.advance(by: Self.interval) }
        #expect(rig.clock.now - reconnectedAt == rig.settings.liveness.expiry + Self.interval + 2 * rig.settings.reconnectInitial)
    }

    @Test("A message from the coordinator keeps the connection: no reconnect while it speaks within the expiry")
    func heardKeepsConnection() throws {
        let rig = WorkerRig()
        try rig.turn()
        for _ in 0..<40 {   // 10 s, eight times the expiry, hearing something every 1 s
            if Int(rig.clock.now / Self.interval) % 4 == 0 { rig.send(.heartbeat) }
            try rig.advance(by: Self.interval)
        }
        #expect(rig.connections.count == 1)
    }

    @Test("A connect that fails is retried after the backoff, which doubles up to its limit")
    func connectRetried() throws {
        let rig = WorkerRig()
        try rig.turn()
        rig.failingConnects = 2
        while rig.attempts == 1 { try rig.advance(by: Self.interval) }   // lost at 1.5 s, first retry at 1.75 s
        #expect(rig.clock.now == 1.75 && rig.connections.count == 1)
        try rig.advance(by: 0.25)
        #expect(rig.attempts == 2, "the second retry waits the doubled backoff (0.5 s)")
        try rig.advance(by: 0.25)
        #expect(rig.attempts == 3 && rig.connections.count == 1, "then 1 s")
        try rig.advance(by: 0.75)
        #expect(rig.attempts == 3)
        try rig.advance(by: 0.25)
        #expect(rig.attempts == 4 && rig.connections.count == 2)
    }

    @Test("A result is resent every expiry until acknowledged, and listed in heartbeats until then; never after the ACK")
    func resultResentUntilAcknowledged() throws {
        let rig = WorkerRig()
        try rig.turn()
        rig.send(.job(rig.assignment("j1")))
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1"])
        rig.jobs.started[0].finish()
        try rig.turn()
        var resultTimes = [rig.clock.now], listed = 0
        _ = rig.received()
        for _ in 0..<24 {   // 6 s
            rig.send(.heartbeat)
            try rig.advance(by: Self.interval)
            for (_, message) in rig.received() {
                if case .result(let r) = message { #expect(r.jobID == "j1"); resultTimes.append(rig.clock.now) }
                if case .heartbeat(let h) = message, h.running.map(\.jobID) == ["j1"] { listed += 1 }
            }
        }
        // Offered again at the first heartbeat more than the expiry (1.25 s) after the last offer.
        #expect(resultTimes == [0, 1.5, 3, 4.5, 6])
        #expect(listed == 24)
        rig.send(.ack(jobID: "j1", attempt: 1))
        for _ in 0..<24 {
            rig.send(.heartbeat)
            try rig.advance(by: Self.interval)
            for (_, message) in rig.received() {
                if case .result = message { Issue.record("a RESULT after its ACK") }
                if case .heartbeat(let h) = message { #expect(h.running.isEmpty) }
            }
        }
    }

    @Test("A JOB beyond the slots is refused as busy, and a CANCEL reaches the job")
    func busyAndCancel() throws {
        let rig = WorkerRig()
        try rig.turn()
        rig.send(.job(rig.assignment("j1")))
        rig.send(.job(rig.assignment("j2")))
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1"])
        let refusal = rig.received().compactMap { if case .result(let r) = $0.message { r } else { nil } }
        #expect(refusal.map(\.jobID) == ["j2"] && refusal.first?.status == .cancelled && refusal.first?.error == "worker busy")
        rig.send(.cancel(jobID: "j1"))
        try rig.turn()
        #expect(rig.jobs.started[0].isCancelled)
    }

    /// A rig whose worker (`slots` of them) runs j1, then is told to cancel it.
    func cancelledJ1(slots: Int = 1) throws -> WorkerRig {
        var settings = WorkerRig.defaultSettings
        settings.slots = slots
        let rig = WorkerRig(settings: settings)
        try rig.turn()
        rig.send(.job(rig.assignment("j1")))
        try rig.turn()
        rig.send(.cancel(jobID: "j1"))
        return rig
    }

    func results(_ rig: WorkerRig) -> [ResultReport] {
        rig.received().compactMap { if case .result(let r) = $0.message { r } else { nil } }
    }

    /// The coordinator counts a job finished when it stops it (early stopping) and hands the
    /// worker its next job at once, while the cancelled one still runs to its next iteration.
    @Test("A JOB right after a CANCEL starts at once: the cancelled job winding down does not hold its slot")
    func jobAfterCancel() throws {
        let rig = try cancelledJ1()
        rig.send(.job(rig.assignment("j2")))
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1", "j2"])
        #expect(results(rig).isEmpty)
        rig.jobs.started[0].finish(status: .cancelled)
        try rig.turn()
        let ended = results(rig)
        #expect(ended.map(\.jobID) == ["j1"] && ended.first?.status == .cancelled)
        // The slot is j2's alone now: a third JOB is refused.
        rig.send(.job(rig.assignment("j3")))
        try rig.turn()
        let refusal = results(rig)
        #expect(refusal.map(\.jobID) == ["j3"] && refusal.first?.error == "worker busy")
    }

    @Test("At most one cancelled job per slot winds down: a cancel-and-reassign loop is refused, a finished one frees its place")
    func windingDownIsBounded() throws {
        let rig = try cancelledJ1()
        rig.send(.job(rig.assignment("j2")))
        rig.send(.cancel(jobID: "j2"))
        rig.send(.job(rig.assignment("j3")))
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1", "j2"])
        let refusal = results(rig)
        #expect(refusal.map(\.jobID) == ["j3"] && refusal.first?.error == "worker busy")
        // j1 has ended (its result not yet sent): only j2 winds down, so j4 may start.
        rig.jobs.started[0].finish(status: .cancelled)
        rig.send(.job(rig.assignment("j4")))
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1", "j2", "j4"])
    }

    @Test("With two slots, a cancelled job frees one place, not two")
    func twoSlots() throws {
        let rig = try cancelledJ1(slots: 2)
        for id in ["j2", "j3", "j4"] { rig.send(.job(rig.assignment(id))) }
        try rig.turn()
        #expect(rig.jobs.started.map(\.assignment.jobID) == ["j1", "j2", "j3"])
        #expect(results(rig).map(\.jobID) == ["j4"])
    }

    @Test("A cancelled job's rung reports are dropped, not sent to a coordinator that has finished it")
    func cancelledRungsDropped() throws {
        let rig = try cancelledJ1()
        try rig.turn()
        rig.jobs.started[0].rungReports = [RungReport(jobID: "j1", iteration: 100, metric: 2.5, escaped: 0)]
        try rig.turn()
        #expect(!rig.received().contains { if case .rung = $0.message { true } else { false } })
        #expect(rig.jobs.started[0].rungReports.isEmpty)
    }

    @Test("SHUTDOWN ends the loop and stops the running job")
    func shutdown() throws {
        let rig = WorkerRig()
        try rig.turn()
        rig.send(.job(rig.assignment("j1")))
        try rig.turn()
        rig.send(.shutdown)
        #expect(try rig.worker.turn() == .shutdown)
        #expect(rig.jobs.started[0].isCancelled)
    }

    @Test("A stop request cancels the jobs, waits for them, offers the results finished before it, says BYE and waits for the ACK")
    func stopHandsBack() throws {
        var settings = WorkerRig.defaultSettings
        settings.slots = 2
        let rig = WorkerRig(settings: settings)
        try rig.turn()
        rig.send(.job(rig.assignment("done")))
        rig.send(.job(rig.assignment("running")))
        try rig.turn()
        let (done, running) = (rig.jobs.started[0], rig.jobs.started[1])
        done.finish()
        try rig.turn()
        _ = rig.received()
        rig.stop.pending = SIGTERM
        #expect(try rig.worker.turn() == nil)
        #expect(running.isCancelled)
        try rig.advance(by: 5)
        #expect(rig.received().isEmpty, "no BYE while a cancelled job is still ending")
        running.finish(status: .cancelled)
        try rig.turn()
        let kinds = rig.received().map { if case .result(let r) = $0.message { "RESULT \(r.jobID)" } else { $0.message.type.rawValue } }
        #expect(kinds == ["RESULT done", "BYE"])
        #expect(try rig.advance(by: 1) == nil, "waits for the ACK")
        rig.send(.ack(jobID: "done", attempt: 1))
        #expect(try rig.worker.turn() == .signal(SIGTERM))
    }
}
