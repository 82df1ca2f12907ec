import Sweep

/// The live ETA: the work left, each job weighed by its FLOPs (`PlanSummary`), at the
/// worker-seconds per FLOP the sweep's finished jobs took, spread over the workers.
///
/// Why FLOPs and not a count of jobs: under early stopping most finished jobs were stopped at a
/// rung or before they started, so a count made every job left look as cheap as those. Once only
/// full runs were left (racing's) the first estimate said half the time they took; a job that
/// trains twice the Langevin steps also costs twice, and a count could not see that.
///
/// A pending job judged at rungs is expected to cost the share of a full run that the judged jobs
/// finished so far cost (a rule that stopped most of them early will likely stop the next too);
/// racing's jobs and sweeps without a rule run to their end. Results stored before a restart
/// calibrate the rate as well: it is a property of the machine, not of this coordinator.
public struct RemainingTime: Sendable {
    /// Jobs that ran to their end: worker-seconds, of which training, and their FLOPs.
    private var okSeconds = 0.0, trainingSeconds = 0.0, okFLOPs = 0.0
    /// Finished jobs that were judged at rungs: worker-seconds spent, and their full runs' FLOPs.
    private(set) var judgedSeconds = 0.0
    private var judgedFLOPs = 0.0

    public init() {}

    /// One job that needs planning: its full run's FLOPs and whether a rule judges it at rungs.
    public struct Work: Sendable {
        public var flops: Double
        public var judged: Bool
        /// For a running job, the share of its iterations trained; 0 for a pending one.
        public var trained: Double

        public init(flops: Double, judged: Bool, trained: Double = 0) {
            self.flops = flops
            self.judged = judged
            self.trained = trained
        }
    }

    /// A job's seconds above this (115 days) are a peer's nonsense, not a measurement.
    static let implausibleSeconds = 1e7

    /// Adds a finished job. A result's numbers come from a peer, so nonsense is skipped.
    public mutating func add(_ result: ResultSummary, work: Work) {
        guard result.seconds.isFinite, result.seconds >= 0, result.seconds < Self.implausibleSeconds,
              work.flops.isFinite, work.flops > 0 else { return }
        if work.judged, result.status != .failed {
            judgedSeconds += result.seconds
            judgedFLOPs += work.flops
        }
        let trainingTime = result.secondsPerIteration * Double(result.iterationsRun)
        guard result.status == .ok, result.seconds > 0, trainingTime.isFinite, trainingTime >= 0 else { return }
        okSeconds += result.seconds
        trainingSeconds += min(trainingTime, result.seconds)
        okFLOPs += work.flops
    }

    /// The share of an ok job's time spent training (the rest is evaluation); nil before one.
    public var trainingShare: Double? { okSeconds > 0 ? trainingSeconds / okSeconds : nil }

    /// Worker-seconds per FLOP of a job run to its end; nil before one.
    var secondsPerFLOP: Double? { okFLOPs > 0 ? okSeconds / okFLOPs : nil }

    /// What share of a full run a judged job has cost, by the judged jobs finished so far (1 before any).
    var judgedShare: Double {
        guard let rate = secondsPerFLOP, judgedFLOPs > 0 else { return 1 }
        return min(1, judgedSeconds / (judgedFLOPs * rate))
    }

    /// Seconds until `pending` and `running` are done on `slots` job slots; nil before a job has
    /// run to its end (no rate yet) or without slots. A running job's trained share counts for
    /// the training share of its time only: a job whose iterations are all done is still evaluating.
    /// Never less than the longest job left: the work spreads over the slots only as whole jobs.
    public func seconds(pending: [Work], running: [Work], slots: Int) -> Double? {
        guard let rate = secondsPerFLOP, let share = trainingShare, slots > 0 else { return nil }
        let costs = pending.map { $0.flops * ($0.judged ? judgedShare : 1) * rate }
            + running.map { $0.flops * (1 - share * min(1, max(0, $0.trained))) * rate }
        let parallel = max(1, min(slots, costs.count))
        let seconds = max(costs.reduce(0, +) / Double(parallel), costs.max() ?? 0)
        return seconds.isFinite ? seconds : nil
    }
}
