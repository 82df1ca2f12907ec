import EBMCore

/// The events that move jobs between states.
extension Scheduler {
    /// A worker announced itself (READY) with `slots` parallel jobs. A worker already known is
    /// a restarted process that cannot be running its old jobs: they are requeued as lost
    /// attempts. Returns the ids of the jobs whose state changed.
    /// - Precondition: `slots >= 1`.
    @discardableResult
    public mutating func register(worker: String, slots: Int, now: Double) -> [String] {
        precondition(slots >= 1, "a worker needs at least one slot")
        let changed = workerLost(worker)
        workers[worker] = Worker(slots: slots, expiry: liveness.deadline(heardAt: now), leases: [])
        return changed
    }

    /// The next job for `worker` and its attempt number, or nil when the worker is unknown (tell it
    /// to register again), has all its slots busy, or no job is pending. Not a sign of life: the
    /// coordinator asks this on its own clock, so only the worker's messages move its expiry.
    public mutating func nextAssignment(for worker: String, now: Double) -> (job: Job, attempt: Int)? {
        guard let w = workers[worker] else { return nil }
        guard w.leases.count < w.slots,
              let i = states.firstIndex(where: { if case .pending = $0 { true } else { false } }),
              case .pending(let attempts) = states[i] else { return nil }
        let attempt = attempts + 1
        precondition(attempt <= maxAttempts, "invariant: a pending job has attempts < maxAttempts")
        states[i] = .running(worker: worker, attempt: attempt, deadline: w.expiry)
        workers[worker]?.leases.insert(i)
        issued[i] = IssuedLease(worker: worker, attempt: attempt)
        return (jobs[i], attempt)
    }

    /// A sign of life from `worker`: pushes its expiry and its leases' deadlines to
    /// `liveness.deadline(heardAt: now)`. Returns false for an unknown worker (it should register again).
    @discardableResult
    public mutating func heartbeat(worker: String, now: Double) -> Bool {
        guard var w = workers[worker] else { return false }
        w.expiry = max(w.expiry, liveness.deadline(heardAt: now))
        workers[worker] = w
        for i in w.leases {
            if case .running(let owner, let attempt, _) = states[i] {
                states[i] = .running(worker: owner, attempt: attempt, deadline: w.expiry)
            }
        }
        return true
    }

    /// `worker` says it is still running `jobID` as `attempt`: it kept working while the coordinator
    /// restarted or its link was down. If the job is pending, the lease goes back to it, so the
    /// finished work counts instead of being run again. Only the latest lease issued, to this
    /// worker, can be adopted: a peer cannot claim attempts it was never given (and, by going
    /// silent, burn them). Returns false when the job is finished or leased elsewhere (tell the
    /// worker to cancel it), that attempt was not issued to it, the worker is unknown or has no
    /// free slot.
    public mutating func adopt(jobID: String, attempt: Int, worker: String, now: Double) -> Bool {
        guard var w = workers[worker], let i = indexByID[jobID] else { return false }
        if case .running(let owner, let current, _) = states[i] { return owner == worker && current == attempt }
        guard case .pending = states[i], issued[i] == IssuedLease(worker: worker, attempt: attempt),
              w.leases.count < w.slots else { return false }
        w.expiry = max(w.expiry, liveness.deadline(heardAt: now))
        w.leases.insert(i)
        workers[worker] = w
        states[i] = .running(worker: worker, attempt: attempt, deadline: w.expiry)
        return true
    }

    /// A worker reports the end of an attempt with a finished `status` (ok, diverged or failed).
    /// The result counts once per job, and only from the worker holding the job's current lease
    /// with the current attempt number; the caller stores the result only when this returns
    /// `.accepted`.
    /// - Precondition: `status.isFinished` (a cancelled attempt is `release`d instead).
    public mutating func complete(jobID: String, attempt: Int, worker: String, status: RunStatus) -> Acceptance {
        precondition(status.isFinished, "complete(status:) takes a finished status, not \(status)")
        let answer = acceptance(jobID: jobID, attempt: attempt, worker: worker)
        guard answer == .accepted, let i = indexByID[jobID] else { return answer }
        states[i] = .finished(status, attempts: attempt)
        workers[worker]?.leases.remove(i)
        issued[i] = nil
        return .accepted
    }

    /// What `complete` would answer, without changing anything: the coordinator asks before it
    /// reads a result's payload, so a result it will refuse costs no more than its header.
    public func acceptance(jobID: String, attempt: Int, worker: String) -> Acceptance {
        guard let i = indexByID[jobID] else { return .unknownJob }
        switch states[i] {
        case .finished:
            return .duplicate
        case .pending:
            return .staleAttempt
        case .running(let owner, let current, _):
            guard owner == worker else { return .notLeasedToThisWorker }
            return current == attempt ? .accepted : .staleAttempt
        }
    }

    /// `worker` is gone (silent too long, disconnected, or restarted): each of its jobs goes back
    /// to pending with this attempt counted, or becomes `failed` if that was the last allowed
    /// attempt. The worker is forgotten. Returns the ids of the jobs whose state changed.
    @discardableResult
    public mutating func workerLost(_ worker: String) -> [String] {
        guard let w = workers.removeValue(forKey: worker) else { return [] }
        for i in w.leases.sorted() {
            guard case .running(_, let attempt, _) = states[i] else {
                preconditionFailure("invariant: a worker's lease list holds only its leased jobs")
            }
            states[i] = attempt >= maxAttempts ? .finished(.failed, attempts: attempt) : .pending(attempts: attempt)
        }
        return w.leases.sorted().map { jobs[$0].id }
    }

    /// The leaseholder of `jobID` lives on but gave the job back without a result: it refused
    /// it, could not decode it, or never started it. The attempt counts, as for a lost worker, so
    /// a job that no worker can run ends `failed` at the limit instead of going round for ever.
    /// Returns false if the job was not leased.
    @discardableResult
    public mutating func leaseLost(jobID: String) -> Bool {
        guard let i = indexByID[jobID], case .running(let owner, let attempt, _) = states[i] else { return false }
        states[i] = attempt >= maxAttempts ? .finished(.failed, attempts: attempt) : .pending(attempts: attempt)
        workers[owner]?.leases.remove(i)
        return true
    }

    /// Declares lost every worker whose expiry is before `now`; returns them, sorted.
    public mutating func expire(now: Double) -> [String] {
        let lost = workers.filter { Liveness.isPast($0.value.expiry, now: now) }.keys.sorted()
        for worker in lost { workerLost(worker) }
        return lost
    }

    /// A job handed back unfinished on a clean shutdown: pending again, the attempt not counted.
    /// Returns false if the job was not leased.
    @discardableResult
    public mutating func release(jobID: String) -> Bool {
        guard let i = indexByID[jobID], case .running(let owner, let attempt, _) = states[i] else { return false }
        states[i] = .pending(attempts: attempt - 1)
        workers[owner]?.leases.remove(i)
        return true
    }

    /// What `stop` found the job doing.
    public enum StopEffect: Equatable, Sendable {
        /// Finished already, or unknown: nothing changed.
        case unchanged
        /// It was waiting: it never starts.
        case wasPending
        /// `worker` held it as `attempt`: the caller tells the worker to cancel it; its late
        /// result is a duplicate.
        case wasRunning(worker: String, attempt: Int)
    }

    /// The early-stopping rule stopped the job: it finishes as `status` (`stopped`, or `diverged`
    /// when its rung evaluation blew up) at once, whatever it was doing, so the decision holds
    /// even if the worker never hears of it.
    /// - Precondition: `status.isFinished`.
    @discardableResult
    public mutating func stop(jobID: String, as status: RunStatus = .stopped) -> StopEffect {
        precondition(status.isFinished, "a stopped job finishes; \(status) does not")
        guard let i = indexByID[jobID] else { return .unchanged }
        switch states[i] {
        case .finished: return .unchanged
        case .pending(let attempts):
            states[i] = .finished(status, attempts: attempts)
            return .wasPending
        case .running(let owner, let attempt, _):
            states[i] = .finished(status, attempts: attempt)
            workers[owner]?.leases.remove(i)
            return .wasRunning(worker: owner, attempt: attempt)
        }
    }

    /// A worker leaving cleanly: its jobs are released (not counted) and it is forgotten.
    @discardableResult
    public mutating func unregister(worker: String) -> [String] {
        let ids = leases(of: worker)
        for id in ids { release(jobID: id) }
        workers[worker] = nil
        return ids
    }

    /// Every structural invariant, as a list of violations (empty when sound). For tests and
    /// debug assertions; O(jobs).
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var holders: [Int: String] = [:]
        for (name, w) in workers {
            for i in w.leases {
                if let other = holders.updateValue(name, forKey: i) { problems.append("\(jobs[i].id) listed by \(other) and \(name)") }
                guard case .running(let owner, _, _) = states[i], owner == name else {
                    problems.append("\(name) lists \(jobs[i].id) which is \(states[i])"); continue
                }
            }
        }
        for (i, s) in states.enumerated() {
            switch s {
            case .pending(let a) where a >= maxAttempts || a < 0:
                problems.append("\(jobs[i].id) pending with \(a) attempts")
            case .running(let owner, let a, _):
                if holders[i] != owner { problems.append("\(jobs[i].id) leased to \(owner) who does not list it") }
                if a < 1 || a > maxAttempts { problems.append("\(jobs[i].id) leased as attempt \(a)") }
            default: break
            }
        }
        return problems
    }
}
