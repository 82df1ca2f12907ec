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
///
/// Before any job has run to its end, the rate is training's as the running jobs' progress
/// reports show it, evaluation assumed at the same rate per FLOP: without it a sweep showed no
/// ETA for the whole of its first job (minutes, for an ISM sweep).
public struct RemainingTime: Sendable {
    /// Jobs that ran to their end: worker-seconds, of which training, and their FLOPs.
    private var okSeconds = 0.0, trainingSeconds = 0.0, okFLOPs = 0.0
    /// Finished jobs that were judged at rungs: worker-seconds spent, and their full runs' FLOPs.
    private(set) var judgedSeconds = 0.0
    private var judgedFLOPs = 0.0
    /// Running jobs' training as their progress reports show it: seconds between two reports of
    /// one attempt and the training FLOPs of the iterations between them; each running job's last
    /// report, and the FLOPs each job has been counted for over all its attempts.
    private var progressSeconds = 0.0, progressFLOPs = 0.0
    private var lastReport: [String: (time: Double, iteration: Int)] = [:]
    private var countedFLOPs: [String: Double] = [:]

    public init() {}

    /// One job that needs planning: its full run's FLOPs (of which training's) and whether a
    /// rule judges it at rungs.
    public struct Work: Sendable {
        public var flops: Double
        public var trainingFLOPs: Double
        public var judged: Bool
        /// For a running job, the share of its iterations trained; 0 for a pending one.
        public var trained: Double

        public init(flops: Double, trainingFLOPs: Double? = nil, judged: Bool, trained: Double = 0) {
            self.flops = flops
            self.trainingFLOPs = min(flops, trainingFLOPs ?? flops)
            self.judged = judged
            self.trained = trained
        }
    }

    /// Adds a finished job. A result's numbers come from a peer, so nonsense is skipped.
    public mutating func add(_ result: ResultSummary, work: Work) {
        guard result.seconds.isFinite, result.seconds >= 0, result.seconds < ResultSummary.implausibleSeconds,
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

    /// A running job reached `iteration` of `iterations` at `time` (the coordinator's clock).
    /// The iteration is a peer's claim: clamped to the job's, a step back starts the span again,
    /// a span must take time, and a job is counted for at most one run's training FLOPs over all
    /// its attempts. A lying peer can still make the ETA short until a job has finished (as it can
    /// with the job times it reports after), but not trap it or make it grow without bound.
    public mutating func observe(jobID: String, iteration: Int, of iterations: Int, at time: Double, work: Work) {
        let iterations = max(1, iterations)
        let iteration = min(max(0, iteration), iterations)
        if let last = lastReport[jobID], iteration > last.iteration, time > last.time {
            let counted = countedFLOPs[jobID, default: 0]
            let flops = min(work.trainingFLOPs * Double(iteration - last.iteration) / Double(iterations),
                            work.trainingFLOPs - counted)
            if flops.isFinite, flops > 0, (time - last.time).isFinite {
                progressSeconds += time - last.time
                progressFLOPs += flops
                countedFLOPs[jobID] = counted + flops
            }
        }
        lastReport[jobID] = (time, iteration)
    }

    /// The job's attempt is over (finished, stopped, handed back or lost): its next attempt's
    /// first report starts a new span, so the time between attempts is not counted as training.
    public mutating func forget(jobID: String) { lastReport[jobID] = nil }

    /// The share of an ok job's time spent training (the rest is evaluation); nil before one.
    public var trainingShare: Double? { okSeconds > 0 ? trainingSeconds / okSeconds : nil }

    /// Worker-seconds per FLOP of a job run to its end; nil before one.
    var secondsPerFLOP: Double? { okFLOPs > 0 ? okSeconds / okFLOPs : nil }

    /// Worker-seconds per training FLOP in the running jobs' progress; nil before a job reported twice.
    var progressSecondsPerFLOP: Double? { progressFLOPs > 0 && progressSeconds > 0 ? progressSeconds / progressFLOPs : nil }

    /// What share of a full run a judged job has cost, by the judged jobs finished so far (1 before any).
    var judgedShare: Double {
        guard let rate = secondsPerFLOP ?? progressSecondsPerFLOP, judgedFLOPs > 0 else { return 1 }
        return min(1, judgedSeconds / (judgedFLOPs * rate))
    }

    /// Seconds until `pending` and `running` are done on `slots` job slots; nil before a rate
    /// (a job run to its end, or two progress reports of one) or without slots. A running job's
    /// trained share counts for the training share of its time only (measured, or by FLOPs
    /// before a job has finished): a job whose iterations are all done is still evaluating.
    /// Never less than the longest job left: the work spreads over the slots only as whole jobs.
    public func seconds(pending: [Work], running: [Work], slots: Int) -> Double? {
        guard let rate = secondsPerFLOP ?? progressSecondsPerFLOP, slots > 0 else { return nil }
        let left: (Work) -> Double = { work in
            let trained = min(1, max(0, work.trained))
            guard let share = trainingShare else { return work.flops - work.trainingFLOPs * trained }
            return work.flops * (1 - share * trained)
        }
        let costs = pending.map { $0.flops * ($0.judged ? judgedShare : 1) * rate }
            + running.map { left($0) * rate }
        let parallel = max(1, min(slots, costs.count))
        let seconds = max(costs.reduce(0, +) / Double(parallel), costs.max() ?? 0)
        return seconds.isFinite ? seconds : nil
    }
}
