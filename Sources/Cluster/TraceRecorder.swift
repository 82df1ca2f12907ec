import EBMCore
import Foundation
import Sweep

/// Runs every job of a spec to its end on this machine, evaluating each at the rungs of the spec's
/// `early_stopping:` section and never stopping one, and keeps what a replay needs
/// (`ReplayTrace`): the full grid a stopping rule is measured against, without a coordinator.
public enum TraceRecorder {
    /// The trace rows of one finished job; `result.seconds` is its cost (CPU seconds in `run`).
    /// `elapsed[i]`: the job's seconds when `rungs[i]` was reported.
    public static func tracedJob(_ job: Job, result: JobResult, rungs: [RungReport], elapsed: [Double] = [],
                                 metric: RankingMetric) -> ReplayTrace.TracedJob {
        var status = result.status
        var final = result.metrics[metric.rawValue]
        if status == .ok && final == nil { status = .diverged }  // no finite samples to score
        if status == .cancelled { status = .failed }
        if status != .ok { final = nil }
        let trained = status == .ok ? job.config.iterations : result.lossHistory.count
        let seconds = max(result.seconds, 1e-9)
        let evaluations = rungs.enumerated().filter { $0.element.iteration <= trained }.map { i, r in
            ReplayTrace.Evaluation(iteration: r.iteration, metric: r.metric, escaped: r.escaped,
                                   elapsed: i < elapsed.count ? min(elapsed[i], seconds) : nil)
        }
        return ReplayTrace.TracedJob(id: job.id, configID: job.configID, seed: job.seed, iterations: job.config.iterations,
                                     seconds: seconds, status: status, rungs: evaluations,
                                     finalIteration: max(trained, evaluations.last?.iteration ?? 0), finalMetric: final)
    }

    /// Runs `jobs` (skipping ids in `done`) on `threads` threads; `finished` is called for each
    /// job as it ends, under a lock, in completion order.
    /// - Precondition: the spec has an active early-stopping rule (else there is nothing to record).
    public static func run(spec: SweepSpec, jobs: [Job], threads: Int, done: Set<String>,
                           finished: @escaping @Sendable (ReplayTrace.TracedJob) -> Void) {
        precondition(spec.earlyStopping?.isActive == true, "a trace needs an early_stopping: rule for its rungs")
        let queue = WorkQueue(jobs.filter { !done.contains($0.id) })
        let group = DispatchGroup()
        for t in 0..<max(1, threads) {
            group.enter()
            let thread = Thread {
                while let job = queue.next() {
                    var reports: [RungReport] = []
                    var elapsed: [Double] = []
                    let plan = TrialRunner.RungPlan(spec: spec, iterations: job.config.iterations)
                    let cpu = threadCPUSeconds()
                    var result = TrialRunner.run(config: job.config, evaluation: spec.evaluation, jobID: job.id, attempt: 1,
                                                 worker: "trace-\(t)", rungs: plan,
                                                 onRung: {
                                                     reports.append($0)
                                                     elapsed.append(threadCPUSeconds() - cpu)
                                                     return true
                                                 }).result
                    result.seconds = threadCPUSeconds() - cpu
                    queue.locked {
                        finished(tracedJob(job, result: result, rungs: reports, elapsed: elapsed, metric: spec.metric))
                    }
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
    }

    /// CPU seconds of the calling thread: a job's cost without the time its neighbours on a shared
    /// machine took from it (wall seconds there measure the neighbours).
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Jobs handed out one at a time to the threads, and a lock for their reports.
    final class WorkQueue: @unchecked Sendable {
        private var jobs: ArraySlice<Job>
        private let lock = NSLock()

        init(_ jobs: [Job]) { self.jobs = jobs[...] }

        func next() -> Job? { lock.withLock { jobs.popFirst() } }

        func locked(_ body: () -> Void) { lock.withLock(body) }
    }
}
