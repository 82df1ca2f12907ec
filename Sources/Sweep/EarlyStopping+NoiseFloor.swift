import EBMCore

extension EarlyStopping {
    /// The configurations of `jobs` a sweep under this rule never starts, each with its reason:
    /// maximum-likelihood ones whose Langevin noise is wider than the data (`NoiseFloor`), which
    /// must diverge and so cannot win (a configuration with a diverged seed ranks after every one
    /// without). Empty without an active rule (`early_stopping: none` runs every job), and when no
    /// configuration would be left to run: then the sweep's best is among them.
    /// docs/design.md, "The Langevin noise floor".
    public func notRunnable(_ jobs: [Job]) -> [String: StopReason] {
        guard isActive else { return [:] }
        var reasons: [String: StopReason] = [:]
        var runnable = false
        for job in jobs where reasons[job.configID] == nil {
            if let floor = job.config.noiseFloor, floor.exceedsData {
                reasons[job.configID] = .noiseFloor(floor)
            } else {
                runnable = true
            }
        }
        return runnable ? reasons : [:]
    }
}
