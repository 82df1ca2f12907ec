import Foundation
import Logging
import Store
import Sweep
import Wire

/// The coordinator's loop as steps (docs/design.md, "Time and stop signals are inputs"): `turn`
/// handles what has arrived and the timers due at the clock's current time, and returns without
/// waiting; `run` turns until the sweep ends, waiting for messages in between. Tests turn the
/// loop themselves on a `ManualLoopClock`, as swift-nio's EmbeddedEventLoop runs what is due.
extension Coordinator {
    enum Phase {
        /// Not turned yet: the interrupted leases are still to be handed back.
        case starting
        case running
        /// Every job finished and SHUTDOWN went out; workers that still speak are told again
        /// until `deadline`.
        case shuttingDown(deadline: Double)
        case ended(Outcome)
    }

    /// Messages handled in one turn at most, so timers and signals still run under a flood.
    static let deliveriesPerTurn = 1000

    /// How the loop ended, once it has.
    public var outcome: Outcome? {
        if case .ended(let outcome) = phase { outcome } else { nil }
    }

    /// Runs until every job is finished or a signal arrives. Store errors (a full disk) end the
    /// loop by throwing, after the last committed state: nothing committed is lost.
    public func run() throws -> Outcome {
        while true {
            if let outcome { return outcome }
            try turn(waitingUpTo: nextWait())
        }
    }

    /// Handles what has arrived and what is due at the clock's current time, without waiting.
    /// - Returns: the outcome once the loop has ended, else nil.
    @discardableResult
    public func turn() throws -> Outcome? {
        try turn(waitingUpTo: 0)
    }

    /// One turn whose first receive waits up to `wait` seconds for a message.
    func turn(waitingUpTo wait: Double) throws -> Outcome? {
        if case .starting = phase { try begin() }
        switch phase {
        case .starting, .running: try runningTurn(wait: wait)
        case .shuttingDown(let deadline): try shutdownTurn(deadline: deadline, wait: wait)
        case .ended: break
        }
        return outcome
    }

    /// Seconds `run` may wait for a message before the next turn: up to the next heartbeat, at
    /// most a poll interval so signals are heard.
    func nextWait() -> Double {
        switch phase {
        case .shuttingDown(let deadline): max(0, min(0.05, deadline - now))
        default: max(0, min(settings.pollInterval, nextHeartbeat - now))
        }
    }

    func begin() throws {
        // Jobs a killed coordinator left running are pending again; that attempt is not counted.
        try persist(interrupted)
        let resumed = interrupted.isEmpty ? "" : ", \(interrupted.count) interrupted (will run again)"
        let notRun = earlyStopping?.notRunJobs ?? 0
        let held = notRun == 0 ? "" : ", \(notRun) never run (their Langevin noise is wider than the data: their training "
            + "cannot settle; docs/design.md, \"The Langevin noise floor\")"
        logger.info("\(spec.name): \(scheduler.jobs.count) jobs, \(scheduler.counts.finished - notRun) already finished\(held)\(resumed)")
        phase = .running
    }

    func runningTurn(wait: Double) throws {
        if let signal = stop.pending {
            try interrupt()
            phase = .ended(.interrupted(signal))
            return
        }
        if scheduler.isComplete, !(try race()) {
            // Tell every worker the sweep is over, and keep telling any that still speaks for a
            // moment, so remote workers hear it before the socket closes (it closes with LINGER 0).
            broadcast(.shutdown)
            phase = .shuttingDown(deadline: now + min(2, 2 * settings.heartbeatInterval))
            return
        }
        var timeout = wait
        for _ in 0..<Self.deliveriesPerTurn {
            guard stop.pending == nil, let delivery = try receive(timeout: timeout) else { break }
            timeout = 0
            try handle(delivery)
        }
        let t = now
        try dropStalledWorkers(now: t)
        try expireLostWorkers(now: t)
        try dispatch(now: t)
        if t >= nextHeartbeat {
            broadcast(.heartbeat)
            nextHeartbeat = t + settings.heartbeatInterval
            reportSuppressed(now: t)
            if workers.isEmpty, let reason = giveUpWhenIdle?() { throw GaveUp(description: reason) }
        }
        if let problem = liveReport?.tick(now: t, finished: scheduler.counts.finished) { logger.warning("\(problem)") }
        if t >= nextDraw {
            view.update(progress())
            nextDraw = t + 0.5
        }
    }

    func shutdownTurn(deadline: Double, wait: Double) throws {
        var timeout = wait
        for _ in 0..<Self.deliveriesPerTurn where now < deadline && !workers.isEmpty {
            guard let delivery = try receive(timeout: timeout) else { break }
            timeout = 0
            guard let peer = delivery.peer, let worker = peers[peer] else { continue }
            send(.shutdown, to: worker)
            forget(worker)
        }
        guard now >= deadline || workers.isEmpty else { return }
        view.finish(progress())
        reportRefusals()
        phase = .ended(.finished)
    }

    func receive(timeout seconds: Double) throws -> Delivery? {
        do { return try channel.receiveDelivery(timeout: .milliseconds(Int64(seconds * 1000))) } catch {
            if error.code == .messageTooLarge {
                countMalformed(peer: nil, reason: "message with too many frames")
                return nil
            }
            throw error
        }
    }

    /// Hands every running job back (not counted as an attempt), tells workers to cancel, saves.
    func interrupt() throws {
        for worker in scheduler.registeredWorkers {
            for jobID in scheduler.leases(of: worker) {
                send(.cancel(jobID: jobID), to: worker)
                scheduler.release(jobID: jobID)
                try persist([jobID])
            }
        }
        view.finish(progress())
        reportRefusals()
        logger.notice("interrupted: running jobs were handed back and will run again when you re-run the same command")
    }
}
