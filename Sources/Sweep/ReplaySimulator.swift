/// Replays a full-grid trace under a stopping rule with `workers` virtual workers, event by event
/// on virtual time (Syne Tune's simulator backend, for our traces): what the rule would have
/// spent, picked and stopped had it run the sweep.
///
/// Model: jobs start in the order the coordinator hands them out — by job id, so a
/// configuration's seeds are neighbours and configurations come in hash order, unrelated to
/// their quality (a grid's own order often is: the worst learning rate first) — each on the first
/// free worker; a
/// job's rung evaluation arrives when the trace says it ended (`elapsed`; in a trace without it,
/// after the share `rung / final iteration` of its seconds), and its end after all of them. A job stopped at a rung costs its time up to then; a
/// configuration stopped by a seed-aware rule ends its running seeds at that moment and never
/// starts its pending ones. A job the trace says diverged reaches the rule at its end
/// (`Pruner.recordDivergence`), unless a rung caught it first.
public enum ReplaySimulator {
    /// The rules a replay compares; `asha-unaware` is ASHA with each job its own trial, `oracle`
    /// and `oracle-bound` the yardsticks no sweep can run (`OraclePruner`).
    public enum Rule: String, CaseIterable, Sendable {
        case none, asha, median
        case ashaUnaware = "asha-unaware"
        case oracle
        case oracleBound = "oracle-bound"

        /// The pruner's settings for this rule, rungs at `minIterations·η^k` (the oracle judges at
        /// ASHA's rungs).
        public func settings(minIterations: Int, reductionFactor: Int) -> EarlyStopping {
            let rule: EarlyStopping.Rule = switch self {
            case .none: .none
            case .asha, .ashaUnaware, .oracle, .oracleBound: .asha
            case .median: .median
            }
            return EarlyStopping(rule: rule, minIterations: minIterations, reductionFactor: reductionFactor,
                                 evaluation: .defaults(for: .ml))
        }
    }

    /// - Parameter notRun: the configurations a sweep under an active rule never starts, by the
    ///   sweep's spec (`EarlyStopping.notRunnable`); a trace alone does not say.
    /// - Precondition: workers ≥ 1, and `settings` has reductionFactor ≥ 2.
    public static func run(_ trace: ReplayTrace, rule: Rule, minIterations: Int, reductionFactor: Int,
                           workers: Int, notRun: [String: StopReason] = [:]) -> ReplayOutcome {
        precondition(workers >= 1, "a replay needs at least one worker")
        let settings = rule.settings(minIterations: minIterations, reductionFactor: reductionFactor)
        var pruner: (any Pruner)? = rule == .oracle || rule == .oracleBound
            ? OraclePruner(trace: trace, rungs: trace.rungs(of: settings), notRun: notRun, judgesOnBound: rule == .oracleBound)
            : settings.makePruner(jobs: trace.jobs.map { ($0.id, $0.configID) }, metric: trace.metric,
                                  seedAware: rule != .ashaUnaware, notRun: notRun)
        let order = trace.jobs.indices.sorted { trace.jobs[$0].id < trace.jobs[$1].id }
        var events = EventQueue()
        var start: [Int: Double] = [:]  // running job index → start time
        var ended: [Int: JobEnd] = [:]
        var next = 0, free = workers
        var now = 0.0

        func end(_ j: Int, _ how: JobEnd) {
            guard let began = start.removeValue(forKey: j) else { return }
            var how = how
            how.cost = now - began
            ended[j] = how
            free += 1
        }
        func startJobs() {
            while free > 0 && next < order.count {
                let j = order[next]
                next += 1
                if pruner?.isStopped(job: trace.jobs[j].id) == true { continue }
                let job = trace.jobs[j]
                start[j] = now
                free -= 1
                let used = Set(settings.rungs(forIterations: job.iterations))
                for (k, r) in job.rungs.enumerated() where used.contains(r.iteration) && job.finalIteration > 0 {
                    events.push(time: now + job.seconds(atRung: k), job: j, rung: k)
                }
                events.push(time: now + job.seconds, job: j, rung: nil)
            }
        }

        startJobs()
        while let e = events.pop() {
            guard start[e.job] != nil else { continue }  // ended earlier with its configuration
            now = e.time
            let job = trace.jobs[e.job]
            var decision = PruneDecision.proceed
            if let k = e.rung, pruner != nil {
                let r = job.rungs[k]
                decision = pruner!.record(RungReport(jobID: job.id, iteration: r.iteration, metric: r.metric, escaped: r.escaped))
                if let reason = decision.reason { end(e.job, JobEnd(stop: reason)) }
            } else if e.rung == nil {
                end(e.job, JobEnd(stop: nil))
                // A run that ended diverged reaches the rule as the coordinator's `diverged` result does.
                if job.status == .diverged {
                    decision = pruner?.recordDivergence(job: job.id, iteration: job.finalIteration) ?? .proceed
                }
            }
            if let reason = decision.siblingsReason {
                for sibling in start.keys.sorted() where trace.jobs[sibling].configID == job.configID {
                    end(sibling, JobEnd(stop: reason))
                }
            }
            startJobs()
        }
        return ReplayOutcome(trace: trace, rule: rule, workers: workers, ended: ended, wallSeconds: now,
                             stoppedConfigurations: Set(trace.jobs.map(\.configID).filter { pruner?.isStopped(configuration: $0) == true }))
    }

    /// How a started job ended: its worker-seconds, and the stop that ended it (nil: it ran out).
    struct JobEnd {
        var stop: StopReason?
        var cost = 0.0
    }

    /// Pending events by time, ties in the order they were pushed (deterministic).
    struct EventQueue {
        struct Event { var time: Double; var sequence: Int; var job: Int; var rung: Int? }
        private var events: [Event] = []  // sorted descending, so the next is last
        private var sequence = 0

        mutating func push(time: Double, job: Int, rung: Int?) {
            let e = Event(time: time, sequence: sequence, job: job, rung: rung)
            sequence += 1
            var low = 0, high = events.count
            while low < high {
                let mid = (low + high) / 2
                if (events[mid].time, events[mid].sequence) > (e.time, e.sequence) { low = mid + 1 } else { high = mid }
            }
            events.insert(e, at: low)
        }

        mutating func pop() -> Event? { events.popLast() }
    }
}
