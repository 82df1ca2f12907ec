import EBMCore

/// Racing against the winner's curse (docs/design.md, "Racing"): the configuration that ranks
/// first on a few seeds is partly the luckiest one, so before it is declared best, it and its
/// closest rivals run on more seeds, none of which the sweep has seen. Which rivals are close is
/// the report's statistics' call (`BestComparison.rivals`); this is what a race runs.
public enum Racing {
    /// The seeds a sweep with `sweepSeeds` races on: `count` seeds above its largest.
    public static func seeds(after sweepSeeds: [UInt64], count: Int) -> [UInt64] {
        seeds(startingAt: (sweepSeeds.max() ?? 0) &+ 1, count: count)
    }

    /// `count` consecutive seeds from `first`: a race's, once it has begun at `first`.
    public static func seeds(startingAt first: UInt64, count: Int) -> [UInt64] {
        (0..<UInt64(max(0, count))).map { first &+ $0 }
    }

    /// The seeds a race uses or will use under `spec`, once it began: from its first (the lowest
    /// of `raced`, the seeds of the jobs it added) through `seedCount(for: spec)` seeds on, or the
    /// largest it used if that is further; nil before a race added a job.
    public static func reservedSeeds(raced: [UInt64], spec: SweepSpec) -> ClosedRange<UInt64>? {
        guard let first = raced.min(), let used = raced.max() else { return nil }
        return first...max(used, seeds(startingAt: first, count: seedCount(for: spec)).last ?? first)
    }

    /// One job per configuration of `rivals` (any one job of each) and seed of `seeds`, ids
    /// `<config id>-s<seed>` as the planner makes them.
    public static func jobs(rivals: [Job], seeds: [UInt64]) -> [Job] {
        seeds.flatMap { seed in
            rivals.map { job in
                var config = job.config
                config.seed = seed
                return Job(id: "\(job.configID)-s\(seed)", configID: job.configID, seed: seed, config: config)
            }
        }
    }

    /// How many seeds a race adds for `spec`: its `race_seeds`, by default as many as it has when
    /// early stopping is active (the sweep's grid then costs little, the decision a lot), else 0.
    public static func seedCount(for spec: SweepSpec) -> Int {
        guard let stopping = spec.earlyStopping else { return 0 }
        return stopping.raceSeeds ?? (stopping.isActive ? spec.seeds.count : 0)
    }
}
