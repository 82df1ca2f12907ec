import EBMCore
import Sweep
import Testing
@testable import Cluster

/// The live ETA (`RemainingTime`) on hand-made results: no clock, no coordinator.
@Suite("RemainingTime: the live ETA")
struct ProgressETATests {
    static func result(seconds: Double, status: RunStatus = .ok, secondsPerIteration: Double = 0,
                       iterations: Int = 0) -> ResultSummary {
        ResultSummary(jobID: "j", attempt: 1, status: status, metrics: [:], worker: "w", seconds: seconds,
                      secondsPerIteration: secondsPerIteration, iterationsRun: iterations)
    }

    /// Two judged jobs ran to their end (10 s for 100 FLOPs each, 8 s of it training) and four were
    /// stopped early (1 s each).
    static func afterRungs() -> RemainingTime {
        var times = RemainingTime()
        for _ in 0..<2 {
            times.add(result(seconds: 10, secondsPerIteration: 0.08, iterations: 100), work: .init(flops: 100, judged: true))
        }
        for _ in 0..<4 { times.add(result(seconds: 1, status: .stopped), work: .init(flops: 100, judged: true)) }
        return times
    }

    @Test("jobs stopped at a rung do not make the full runs left look cheap: racing's 3 jobs of 10 s on 2 workers take 15 s")
    func stoppedJobsWeighWhatTheyCost() throws {
        let racing = [RemainingTime.Work](repeating: .init(flops: 100, judged: false), count: 3)
        let eta = try #require(Self.afterRungs().seconds(pending: racing, running: [], slots: 2))
        // Counting jobs, 6 finished in the time of 24 worker-seconds said 3 × 4 s / 2 = 6 s.
        #expect(abs(eta - 15) < 1e-9)
    }

    @Test("a judged job left is expected to cost what judged jobs cost so far: 24 s of 60 full")
    func judgedShare() throws {
        let times = Self.afterRungs()
        #expect(abs(times.judgedShare - 0.4) < 1e-12)
        let eta = try #require(times.seconds(pending: [.init(flops: 100, judged: true)], running: [], slots: 2))
        #expect(abs(eta - 4) < 1e-9)
    }

    @Test("a job of twice the FLOPs (twice the Langevin steps) is expected to take twice as long")
    func heavierJobsTakeLonger() throws {
        let times = Self.afterRungs()
        let light = try #require(times.seconds(pending: [.init(flops: 100, judged: false)], running: [], slots: 1))
        let heavy = try #require(times.seconds(pending: [.init(flops: 200, judged: false)], running: [], slots: 1))
        #expect(abs(heavy - 2 * light) < 1e-9 && abs(light - 10) < 1e-9)
    }

    @Test("the work spreads over the slots only as whole jobs: never less than the longest job left")
    func longestJobBounds() throws {
        let jobs: [RemainingTime.Work] = [.init(flops: 300, judged: false), .init(flops: 10, judged: false)]
        let eta = try #require(Self.afterRungs().seconds(pending: jobs, running: [], slots: 2))
        #expect(abs(eta - 30) < 1e-9)   // not (30 + 1) / 2
    }

    @Test("a peer's absurd job time is not taken: the ETA stays finite, and the line never traps on one")
    func hostileSeconds() throws {
        var times = Self.afterRungs()
        let before = try #require(times.seconds(pending: [.init(flops: 100, judged: false)], running: [], slots: 2))
        times.add(Self.result(seconds: 1e300, secondsPerIteration: 1, iterations: 1), work: .init(flops: 100, judged: true))
        times.add(Self.result(seconds: 1e300, secondsPerIteration: 1, iterations: 1), work: .init(flops: 100, judged: true))
        #expect(times.seconds(pending: [.init(flops: 100, judged: false)], running: [], slots: 2) == before)
        #expect(ProgressView.duration(.infinity) == "≥ 168h" && ProgressView.duration(.nan) == "≥ 168h")
        #expect(ProgressView.duration(1e300) == "≥ 168h" && ProgressView.duration(3725) == "1h02m")
    }

    @Test("a running job whose training is done is still evaluating: its training share is done, the rest is left")
    func evaluationTimeCounts() throws {
        let done = RemainingTime.Work(flops: 100, judged: false, trained: 1)
        let eta = try #require(Self.afterRungs().seconds(pending: [], running: [done], slots: 2))
        // 0.8 of its 10 s trained; 2 s of evaluation left, on one worker (there is one job).
        #expect(abs(eta - 2) < 1e-9)
    }

    @Test("no ETA before a job has run to its end or reported progress twice, nor without workers")
    func noGuess() {
        var times = RemainingTime()
        let left = [RemainingTime.Work(flops: 100, judged: true)]
        times.add(Self.result(seconds: 1, status: .stopped), work: .init(flops: 100, judged: true))
        times.observe(jobID: "a", iteration: 5, of: 100, at: 1, work: .init(flops: 100, judged: true))
        #expect(times.seconds(pending: left, running: [], slots: 2) == nil)
        #expect(Self.afterRungs().seconds(pending: left, running: [], slots: 0) == nil)
    }

    /// A job of 120 FLOPs, 100 of them training over 100 iterations, went from iteration 0 to 10
    /// in 2 s: 0.2 s per FLOP.
    static func afterProgress() -> RemainingTime {
        var times = RemainingTime()
        let work = RemainingTime.Work(flops: 120, trainingFLOPs: 100, judged: false)
        times.observe(jobID: "a", iteration: 0, of: 100, at: 5, work: work)
        times.observe(jobID: "a", iteration: 10, of: 100, at: 7, work: work)
        return times
    }

    @Test("before any job has finished, running jobs' progress gives the rate: a sweep of long jobs has an ETA from its first seconds")
    func rateFromProgress() throws {
        let times = Self.afterProgress()
        let running = RemainingTime.Work(flops: 120, trainingFLOPs: 100, judged: false, trained: 0.1)
        let pending = RemainingTime.Work(flops: 120, trainingFLOPs: 100, judged: true)
        // Running: (120 - 10) FLOPs left × 0.2 = 22 s; pending: 24 s (nothing judged yet: a full run).
        let eta = try #require(times.seconds(pending: [pending], running: [running], slots: 1))
        #expect(abs(eta - 46) < 1e-9)
        // Once a job has run to its end, its rate is the one taken: 10 s for 100 FLOPs.
        var finished = times
        finished.add(Self.result(seconds: 10, secondsPerIteration: 0.08, iterations: 100), work: .init(flops: 100, judged: false))
        let after = try #require(finished.seconds(pending: [pending], running: [], slots: 1))
        #expect(abs(after - 12) < 1e-9)
    }

    @Test("a peer's progress is bounded: steps back restart the span, a span takes time, a job counts one run's FLOPs over all its attempts")
    func hostileProgress() throws {
        var times = Self.afterProgress()
        let work = RemainingTime.Work(flops: 120, trainingFLOPs: 100, judged: false)
        for attempt in 0..<1000 {   // back to the start (a new attempt) and straight to the end
            times.observe(jobID: "a", iteration: 0, of: 100, at: 8 + Double(attempt), work: work)
            times.observe(jobID: "a", iteration: Int.max, of: 100, at: 8 + Double(attempt), work: work)   // in no time
            times.observe(jobID: "a", iteration: 0, of: 100, at: 8.5 + Double(attempt), work: work)
            times.observe(jobID: "a", iteration: 100, of: 100, at: 8.6 + Double(attempt), work: work)
            times.forget(jobID: "a")
        }
        times.observe(jobID: "b", iteration: 50, of: 100, at: 9, work: work)
        times.observe(jobID: "b", iteration: 60, of: 100, at: 3, work: work)        // time backwards: not counted
        // 2 s for a's first 10 FLOPs, then 0.1 s for the other 90 of its run, and nothing more.
        let rate = try #require(times.progressSecondsPerFLOP)
        #expect(abs(rate - 2.1 / 100) < 1e-12)
        times.forget(jobID: "b")
        times.observe(jobID: "b", iteration: 100, of: 100, at: 100, work: work)   // forgotten: a new span, not 60 -> 100 in 97 s
        #expect(times.progressSecondsPerFLOP == rate)
    }

    @Test("the training share and the rate come from ok jobs; nonsense timings from a peer are skipped")
    func peerNumbers() throws {
        var times = RemainingTime()
        times.add(Self.result(seconds: 10, secondsPerIteration: 0.06, iterations: 100), work: .init(flops: 100, judged: false))
        times.add(Self.result(seconds: 10, secondsPerIteration: 0.02, iterations: 100), work: .init(flops: 100, judged: false))
        times.add(Self.result(seconds: .nan, secondsPerIteration: 1, iterations: 1), work: .init(flops: 100, judged: false))
        times.add(Self.result(seconds: 5, secondsPerIteration: .infinity, iterations: 3), work: .init(flops: 100, judged: false))
        times.add(Self.result(seconds: -3), work: .init(flops: 100, judged: false))
        times.add(Self.result(seconds: 30, status: .failed), work: .init(flops: 100, judged: true))
        let share = try #require(times.trainingShare)
        #expect(abs(share - 0.4) < 1e-12)
        #expect(times.secondsPerFLOP == 0.1 && times.judgedShare == 1)
    }
}
