import EBMCore
@testable import Sweep

/// Jobs `<config>-s<seed>` for the named configurations, seeds 0..<seeds, in configuration order.
func prunerJobs(_ configs: [String], seeds: Int, iterations: Int = 1000) -> [Job] {
    configs.enumerated().flatMap { i, name in
        (0..<seeds).map { s in
            var c = TrainingConfig.defaults(for: .ml)
            c.neurons = i + 1
            c.iterations = iterations
            c.seed = UInt64(s)
            return Job(id: "\(name)-s\(s)", configID: name, seed: UInt64(s), config: c)
        }
    }
}

/// A report of a clean (nothing escaped) evaluation.
func rung(_ job: String, _ iteration: Int, _ metric: Double) -> RungReport {
    RungReport(jobID: job, iteration: iteration, metric: metric, escaped: 0)
}

/// Feeds `reports` in order; returns each decision that stopped something, by job id.
func feed<P: Pruner>(_ pruner: inout P, _ reports: [RungReport]) -> [String: PruneDecision] {
    var stops: [String: PruneDecision] = [:]
    for r in reports {
        let d = pruner.record(r)
        if d != .proceed && stops[r.jobID] == nil { stops[r.jobID] = d }
    }
    return stops
}

/// Three seeds per configuration at one rung, the seeds spread ±`spread` around `mean`,
/// configuration by configuration (the order early-stopping sweeps run in).
func seedTriples(_ means: [(String, Double)], at iteration: Int, spread: Double = 0.05) -> [RungReport] {
    means.flatMap { name, mean in
        [rung("\(name)-s0", iteration, mean), rung("\(name)-s1", iteration, mean + spread),
         rung("\(name)-s2", iteration, mean - spread)]
    }
}
