import EBMCore
import Testing
@testable import Sweep

/// Every JobState × event pair on a one-job scheduler (maxAttempts 3, expiry 5 s, workers w1 and
/// w2 registered at t = 0 with one slot each), against a hand-written table.
@Suite("Scheduler state × event table")
struct SchedulerTableTests {
    enum Start: String, CaseIterable { case p0, p2, l1, l3, ok, diverged, failed, stopped }
    enum Event: String, CaseIterable {
        case assignW1, assignW2, completeOwn, completeStale, completeOther, lostW1, lostW2, release
        case expireEarly, expireLate, heartbeatW1, stop
    }

    static let job = makeJobs(1)[0]

    func scheduler(_ start: Start) -> Scheduler {
        let (status, attempts): (RunStatus, Int) = switch start {
        case .p0, .l1: (.pending, 0)
        case .p2, .l3: (.pending, 2)
        case .ok: (.ok, 1)
        case .diverged: (.diverged, 1)
        case .failed: (.failed, 3)
        case .stopped: (.stopped, 1)
        }
        var s = Scheduler(resuming: [.init(job: Self.job, status: status, attempts: attempts)], maxAttempts: 3,
                          liveness: Liveness(interval: 1, count: 5))
        s.register(worker: "w1", slots: 1, now: 0)
        s.register(worker: "w2", slots: 1, now: 0)
        if start == .l1 || start == .l3 { _ = s.nextAssignment(for: "w1", now: 0) }
        return s
    }

    /// The attempt of the current lease, or 1.
    func current(_ s: Scheduler) -> Int {
        if case .running(_, let a, _)? = s.state(of: Self.job.id) { a } else { 1 }
    }

    /// Expected state after the event; nil = unchanged.
    static func expectedState(_ start: Start, _ event: Event) -> JobState? {
        switch (start, event) {
        case (.p0, .assignW1): .running(worker: "w1", attempt: 1, deadline: 5)
        case (.p0, .assignW2): .running(worker: "w2", attempt: 1, deadline: 5)
        case (.p2, .assignW1): .running(worker: "w1", attempt: 3, deadline: 5)
        case (.p2, .assignW2): .running(worker: "w2", attempt: 3, deadline: 5)
        case (.l1, .completeOwn): .finished(.ok, attempts: 1)
        case (.l1, .lostW1), (.l1, .expireLate): .pending(attempts: 1)
        case (.l1, .release): .pending(attempts: 0)
        case (.l1, .heartbeatW1): .running(worker: "w1", attempt: 1, deadline: 7)
        case (.l3, .completeOwn): .finished(.ok, attempts: 3)
        case (.l3, .lostW1), (.l3, .expireLate): .finished(.failed, attempts: 3)
        case (.l3, .release): .pending(attempts: 2)
        case (.l3, .heartbeatW1): .running(worker: "w1", attempt: 3, deadline: 7)
        case (.p0, .stop): .finished(.stopped, attempts: 0)
        case (.p2, .stop): .finished(.stopped, attempts: 2)
        case (.l1, .stop): .finished(.stopped, attempts: 1)
        case (.l3, .stop): .finished(.stopped, attempts: 3)
        default: nil
        }
    }

    /// Expected answer to the three completion events.
    static func expectedAcceptance(_ start: Start, _ event: Event) -> Acceptance? {
        switch (start, event) {
        case (.p0, .completeOwn), (.p0, .completeStale), (.p0, .completeOther),
             (.p2, .completeOwn), (.p2, .completeStale), (.p2, .completeOther): .staleAttempt
        case (.l1, .completeOwn), (.l3, .completeOwn): .accepted
        case (.l1, .completeStale), (.l3, .completeStale): .staleAttempt
        case (.l1, .completeOther), (.l3, .completeOther): .notLeasedToThisWorker
        case (_, .completeOwn), (_, .completeStale), (_, .completeOther): .duplicate
        default: nil
        }
    }

    @Test("every state × event pair moves as the table says", arguments: Start.allCases, Event.allCases)
    func pair(start: Start, event: Event) throws {
        var s = scheduler(start)
        let before = try #require(s.state(of: Self.job.id))
        let id = Self.job.id
        var answer: Acceptance?
        switch event {
        case .assignW1: _ = s.nextAssignment(for: "w1", now: 1)
        case .assignW2: _ = s.nextAssignment(for: "w2", now: 1)
        case .completeOwn: answer = s.complete(jobID: id, attempt: current(s), worker: "w1", status: .ok)
        case .completeStale: answer = s.complete(jobID: id, attempt: current(s) + 1, worker: "w1", status: .ok)
        case .completeOther: answer = s.complete(jobID: id, attempt: current(s), worker: "w2", status: .ok)
        case .lostW1: s.workerLost("w1")
        case .lostW2: s.workerLost("w2")
        case .release: s.release(jobID: id)
        case .expireEarly: #expect(s.expire(now: 4).isEmpty)
        case .expireLate: #expect(s.expire(now: 5.5) == ["w1", "w2"])
        case .heartbeatW1: s.heartbeat(worker: "w1", now: 2)
        case .stop:
            let effect = s.stop(jobID: id)
            let expected: Scheduler.StopEffect = switch start {
            case .p0, .p2: .wasPending
            case .l1: .wasRunning(worker: "w1", attempt: 1)
            case .l3: .wasRunning(worker: "w1", attempt: 3)
            case .ok, .diverged, .failed, .stopped: .unchanged
            }
            #expect(effect == expected)
            // A stopped job's worker slot is free again; its late result is a duplicate.
            if case .wasRunning = effect {
                #expect(s.leases(of: "w1").isEmpty)
                #expect(s.complete(jobID: id, attempt: current(s), worker: "w1", status: .ok) == .duplicate)
            }
        }
        #expect(s.state(of: id) == (Self.expectedState(start, event) ?? before))
        #expect(answer == Self.expectedAcceptance(start, event))
        #expect(s.invariantViolations().isEmpty)
    }

    @Test("a result for an unknown job id is refused as unknown")
    func unknownJob() {
        var s = scheduler(.l1)
        #expect(s.complete(jobID: "zzz-s0", attempt: 1, worker: "w1", status: .ok) == .unknownJob)
    }

    @Test("a worker restarting (registering again) loses its leases as a counted attempt")
    func reRegister() {
        var s = scheduler(.l1)
        #expect(s.register(worker: "w1", slots: 2, now: 1) == [Self.job.id])
        #expect(s.state(of: Self.job.id) == .pending(attempts: 1))
    }
}
