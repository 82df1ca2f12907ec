/// The median stopping rule (Golovin et al., "Google Vizier", KDD 2017): a unit is stopped at a
/// rung when its best value so far is worse than the median, over the other units that reached
/// that rung, of their running averages up to it. The simpler baseline beside ASHA.
///
/// Seed-aware the same way as `ASHAPruner`: a configuration is judged once two of its seeds have
/// reported at the rung, and its "best so far" is the best of its optimistic bounds
/// (`RungRecord.lowerBound`) at the rungs up to this one, so one bad seed does not stop it.
///
/// Two choices where Vizier is silent for our setting: the peers are the units that reached the
/// rung (not only completed ones, which would leave the rule idle until the first configurations
/// finish), and the rule waits for `minimumPeers` of them (Optuna's MedianPruner waits for five
/// trials for the same reason: the median of one or two rivals is their noise).
public struct MedianPruner: Pruner, Equatable {
    public static let minimumPeers = 3
    var state: PrunerState

    /// - Parameter jobs: every job of the sweep and its configuration.
    public init(jobs: [(job: String, configuration: String)], metric: RankingMetric, seedAware: Bool,
                notRun: [String: StopReason] = [:]) {
        state = PrunerState(jobs: jobs, metric: metric, seedAware: seedAware, notRun: notRun)
    }

    public init(jobs: [Job], metric: RankingMetric, seedAware: Bool, notRun: [String: StopReason] = [:]) {
        self.init(jobs: jobs.map { ($0.id, $0.configID) }, metric: metric, seedAware: seedAware, notRun: notRun)
    }

    public mutating func record(_ report: RungReport) -> PruneDecision {
        let unit: String
        switch state.admit(report) {
        case .answered(let decision): return decision
        case .judge(let u): unit = u
        }
        let rung = report.iteration
        guard state.isJudged(unit, at: rung) else { return .proceed }
        let earlier = state.rungs.keys.filter { $0 <= rung }.sorted()
        let peers = state.judgedUnits(at: rung).filter { $0 != unit }
        guard peers.count >= Self.minimumPeers else { return .proceed }
        let averages = peers.map { peer -> Double in
            let means = earlier.filter { state.isJudged(peer, at: $0) }.compactMap { state.rungs[$0]?.mean(of: peer) }
            return means.reduce(0, +) / Double(means.count)
        }
        let best = earlier.filter { state.isJudged(unit, at: $0) }.compactMap { state.bound(of: unit, at: $0) }.min()
        guard let best, let median = Percentile.of(averages, 50), best > median else { return .proceed }
        return state.stop(unit, rule: EarlyStopping.Rule.median.rawValue, rung: rung, bound: best, threshold: median)
    }

    public mutating func recordDivergence(job: String, iteration: Int) -> PruneDecision {
        state.recordDivergence(job: job, iteration: iteration)
    }

    public func isStopped(configuration configID: String) -> Bool { state.isStopped(configuration: configID) }
    public func isStopped(job jobID: String) -> Bool { state.isStopped(job: jobID) }
}
