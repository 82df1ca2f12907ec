import EBMCore
import Testing
@testable import Sweep

func makeJobs(_ n: Int) -> [Job] {
    (0..<n).map { i in
        var c = TrainingConfig.defaults(for: .ml)
        c.neurons = i + 1
        return Job(id: "c\(i)-s0", configID: "c\(i)", seed: 0, config: c)
    }
}

@Suite("Scheduler under random event sequences")
struct SchedulerPropertyTests {
    @Test("no job is lost, none finishes twice, attempts stay within the limit", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomEvents(seed: UInt64) throws {
        let jobs = makeJobs(25)
        let maxAttempts = 3
        var s = Scheduler(jobs: jobs, maxAttempts: maxAttempts, liveness: Liveness(interval: 1, count: 3))
        var random = RandomSource(seed: seed)
        let workers = (0..<5).map { "w\($0)" }
        var issued: [(job: String, attempt: Int, worker: String)] = []
        var accepted: [String: RunStatus] = [:]
        var finished: [String: JobState] = [:]
        var now = 0.0
        for step in 0..<4000 {
            let worker = workers[random.index(below: workers.count)]
            switch random.index(below: 12) {
            case 0: s.register(worker: worker, slots: 1 + random.index(below: 3), now: now)
            case 1, 2:
                if let (job, attempt) = s.nextAssignment(for: worker, now: now) { issued.append((job.id, attempt, worker)) }
            case 3: s.heartbeat(worker: worker, now: now)
            case 4, 5:
                guard !issued.isEmpty else { break }
                let r = issued[random.index(below: issued.count)]
                let status = [RunStatus.ok, .diverged, .failed][random.index(below: 3)]
                let before = s.state(of: r.job)
                let answer = s.complete(jobID: r.job, attempt: r.attempt, worker: r.worker, status: status)
                if answer == .accepted {
                    #expect(accepted[r.job] == nil, "step \(step): \(r.job) accepted twice")
                    #expect(before == .running(worker: r.worker, attempt: r.attempt, deadline: before.flatMap(deadline) ?? -1))
                    accepted[r.job] = status
                }
            case 6:
                let bogus = random.index(below: 2) == 0 ? "nope" : jobs[random.index(below: jobs.count)].id
                let answer = s.complete(jobID: bogus, attempt: random.index(below: 5), worker: worker, status: .ok)
                if bogus == "nope" { #expect(answer == .unknownJob) }
                if answer == .accepted { #expect(accepted[bogus] == nil); accepted[bogus] = .ok }
            case 7:
                if random.index(below: 4) == 0 { s.workerLost(worker) } else { _ = s.expire(now: now) }
            case 8: s.release(jobID: jobs[random.index(below: jobs.count)].id)
            case 10:
                // A claim, true or forged: only the latest attempt issued to this worker is adoptable.
                let job = jobs[random.index(below: jobs.count)].id
                let attempt = 1 + random.index(below: maxAttempts + 1)
                let latest = issued.last { $0.job == job }
                let wasLeased = s.state(of: job).map { if case .running = $0 { true } else { false } } ?? false
                if s.adopt(jobID: job, attempt: attempt, worker: worker, now: now) && !wasLeased {
                    #expect(latest?.attempt == attempt && latest?.worker == worker, "step \(step): adopted \(job) attempt \(attempt) by \(worker), latest issued \(String(describing: latest))")
                }
            case 11: s.leaseLost(jobID: jobs[random.index(below: jobs.count)].id)
            default: now += random.uniform(0, 2)
            }
            #expect(s.invariantViolations().isEmpty, "step \(step): \(s.invariantViolations())")
            #expect(s.counts.total == jobs.count)
            for job in jobs {
                let state = try #require(s.state(of: job.id))
                switch state {
                case .running(_, let a, _): #expect(a >= 1 && a <= maxAttempts)
                case .finished(let status, let a):
                    #expect(a <= maxAttempts)
                    if let previous = finished[job.id] { #expect(previous == state, "finished job \(job.id) changed") }
                    finished[job.id] = state
                    if let acc = accepted[job.id] { #expect(acc == status) } else { #expect(status == .failed) }
                case .pending(let a): #expect(a < maxAttempts && accepted[job.id] == nil)
                }
            }
        }
        // Liveness of the queue: one healthy worker drains whatever is left.
        s.register(worker: "drain", slots: 1, now: now)
        while let (job, attempt) = s.nextAssignment(for: "drain", now: now) {
            #expect(s.complete(jobID: job.id, attempt: attempt, worker: "drain", status: .ok) == .accepted)
        }
        #expect(s.isComplete)
    }

    func deadline(_ state: JobState) -> Double? {
        if case .running(_, _, let d) = state { d } else { nil }
    }
}

@Suite("Scheduler resume")
struct SchedulerResumeTests {
    @Test("finished jobs are never handed out again and running jobs become pending")
    func resume() throws {
        let jobs = makeJobs(4)
        var s = Scheduler(resuming: [
            .init(job: jobs[0], status: .ok, attempts: 1),
            .init(job: jobs[1], status: .running, attempts: 2),
            .init(job: jobs[2], status: .failed, attempts: 3),
            .init(job: jobs[3], status: .pending, attempts: 1),
        ], maxAttempts: 3)
        #expect(s.state(of: jobs[1].id) == .pending(attempts: 1))
        s.register(worker: "w", slots: 4, now: 0)
        var handed: [String: Int] = [:]
        while let (job, attempt) = s.nextAssignment(for: "w", now: 0) { handed[job.id] = attempt }
        #expect(handed == [jobs[1].id: 2, jobs[3].id: 2])
        #expect(s.counts == SchedulerCounts(pending: 0, running: 2, ok: 1, diverged: 0, failed: 1))
    }
}

@Suite("Scheduler adoption")
struct SchedulerAdoptionTests {
    static func jobs(_ n: Int) -> [Job] {
        (0..<n).map { i in
            var config = TrainingConfig.defaults(for: .ml)
            config.seed = UInt64(i)
            return Job(id: "c-s\(i)", configID: "c", seed: UInt64(i), config: config)
        }
    }

    @Test("A worker that kept running a requeued job gets its lease back, so its result is accepted")
    func adoptPending() {
        var s = Scheduler(jobs: Self.jobs(2), maxAttempts: 3)
        s.register(worker: "w1", slots: 1, now: 0)
        let assigned = s.nextAssignment(for: "w1", now: 0)
        #expect(assigned?.attempt == 1)
        let r1 = s.expire(now: 100)
        #expect(r1 == ["w1"])
        #expect(s.state(of: "c-s0") == .pending(attempts: 1))
        s.register(worker: "w1", slots: 1, now: 101)
        let r2 = s.adopt(jobID: "c-s0", attempt: 1, worker: "w1", now: 101)
        #expect(r2)
        let r3 = s.complete(jobID: "c-s0", attempt: 1, worker: "w1", status: .ok)
        #expect(r3 == .accepted)
        #expect(s.invariantViolations().isEmpty)
    }

    @Test("Adoption is refused when another worker holds the job, when it is finished, or without a free slot")
    func adoptRefused() {
        var s = Scheduler(jobs: Self.jobs(3), maxAttempts: 3)
        s.register(worker: "w1", slots: 1, now: 0)
        s.register(worker: "w2", slots: 1, now: 0)
        _ = s.nextAssignment(for: "w1", now: 0)      // c-s0 → w1
        _ = s.nextAssignment(for: "w2", now: 0)      // c-s1 → w2
        let r101 = s.adopt(jobID: "c-s0", attempt: 1, worker: "w2", now: 1)   // leased to w1
        #expect(!r101)
        let r102 = s.adopt(jobID: "c-s2", attempt: 1, worker: "w2", now: 1)   // w2 has no free slot
        #expect(!r102)
        let r4 = s.complete(jobID: "c-s1", attempt: 1, worker: "w2", status: .ok)
        #expect(r4 == .accepted)
        let r103 = s.adopt(jobID: "c-s1", attempt: 1, worker: "w2", now: 2)   // finished
        #expect(!r103)
        let r104 = s.adopt(jobID: "c-s2", attempt: 9, worker: "w2", now: 2)   // attempt out of range
        #expect(!r104)
        let r105 = s.adopt(jobID: "c-s0", attempt: 1, worker: "w1", now: 2)    // its own lease: fine
        #expect(r105)
        #expect(s.invariantViolations().isEmpty)
    }
}

@Suite("Scheduler: leases only as issued")
struct SchedulerIssuedLeaseTests {
    @Test("A heartbeat claiming attempt 3 of every job adopts nothing, so its silence fails nothing")
    func forgedClaims() {
        let jobs = makeJobs(4)
        var s = Scheduler(jobs: jobs, maxAttempts: 3, liveness: Liveness(interval: 1, count: 5))
        s.register(worker: "forger", slots: 64, now: 0)
        for job in jobs {
            for attempt in 1...3 { let answer = s.adopt(jobID: job.id, attempt: attempt, worker: "forger", now: 1); #expect(!answer) }
        }
        #expect(s.expire(now: 10) == ["forger"])
        #expect(jobs.allSatisfy { s.state(of: $0.id) == .pending(attempts: 0) })
        s.register(worker: "honest", slots: 1, now: 10)
        #expect(s.nextAssignment(for: "honest", now: 10)?.attempt == 1)
    }

    @Test("Only the latest lease, by the worker it was issued to, can be adopted")
    func latestLeaseOnly() {
        var s = Scheduler(jobs: makeJobs(1), maxAttempts: 3, liveness: Liveness(interval: 1, count: 5))
        let id = makeJobs(1)[0].id
        s.register(worker: "w1", slots: 1, now: 0)
        #expect(s.nextAssignment(for: "w1", now: 0)?.attempt == 1)
        s.workerLost("w1")
        s.register(worker: "w2", slots: 1, now: 1)
        #expect(s.nextAssignment(for: "w2", now: 1)?.attempt == 2)
        s.workerLost("w2")
        s.register(worker: "w1", slots: 1, now: 2)
        s.register(worker: "w2", slots: 1, now: 2)
        do { let answer = s.adopt(jobID: id, attempt: 1, worker: "w1", now: 2); #expect(!answer) }   // superseded
        do { let answer = s.adopt(jobID: id, attempt: 2, worker: "w1", now: 2); #expect(!answer) }   // not w1's
        do { let answer = s.adopt(jobID: id, attempt: 3, worker: "w2", now: 2); #expect(!answer) }   // never issued
        do { let answer = s.adopt(jobID: id, attempt: 2, worker: "w2", now: 2); #expect(answer) }
        #expect(s.complete(jobID: id, attempt: 2, worker: "w2", status: .ok) == .accepted)
        #expect(s.invariantViolations().isEmpty)
    }

    @Test("After a resume, the interrupted lease's worker may adopt it, and no one else")
    func resumedLease() {
        let job = makeJobs(1)[0]
        var s = Scheduler(resuming: [.init(job: job, status: .running, attempts: 2, worker: "w1")], maxAttempts: 3)
        s.register(worker: "w1", slots: 1, now: 0)
        s.register(worker: "w2", slots: 1, now: 0)
        do { let answer = s.adopt(jobID: job.id, attempt: 2, worker: "w2", now: 0); #expect(!answer) }
        do { let answer = s.adopt(jobID: job.id, attempt: 3, worker: "w1", now: 0); #expect(!answer) }
        do { let answer = s.adopt(jobID: job.id, attempt: 2, worker: "w1", now: 0); #expect(answer) }
        #expect(s.state(of: job.id) == .running(worker: "w1", attempt: 2, deadline: 5))
    }

    @Test("A lease given back without a result while its worker lives counts; at the limit the job fails")
    func leaseLostCounts() {
        let id = makeJobs(1)[0].id
        var s = Scheduler(jobs: makeJobs(1), maxAttempts: 3)
        s.register(worker: "w", slots: 1, now: 0)
        for attempt in 1...3 {
            #expect(s.nextAssignment(for: "w", now: 0)?.attempt == attempt)
            do { let answer = s.leaseLost(jobID: id); #expect(answer) }
        }
        #expect(s.state(of: id) == .finished(.failed, attempts: 3))
        #expect(s.nextAssignment(for: "w", now: 0) == nil)
        do { let answer = s.leaseLost(jobID: id); #expect(!answer) }
        #expect(s.isComplete && s.invariantViolations().isEmpty)
    }

    @Test("acceptance answers as complete would, and changes nothing")
    func acceptanceIsAQuery() {
        let id = makeJobs(1)[0].id
        var s = Scheduler(jobs: makeJobs(1), maxAttempts: 3)
        s.register(worker: "w", slots: 1, now: 0)
        _ = s.nextAssignment(for: "w", now: 0)
        let before = s.state(of: id)
        #expect(s.acceptance(jobID: id, attempt: 2, worker: "w") == .staleAttempt)
        #expect(s.acceptance(jobID: id, attempt: 1, worker: "x") == .notLeasedToThisWorker)
        #expect(s.acceptance(jobID: "nope", attempt: 1, worker: "w") == .unknownJob)
        #expect(s.acceptance(jobID: id, attempt: 1, worker: "w") == .accepted)
        #expect(s.state(of: id) == before)
        #expect(s.complete(jobID: id, attempt: 1, worker: "w", status: .ok) == .accepted)
        #expect(s.acceptance(jobID: id, attempt: 1, worker: "w") == .duplicate)
    }
}
