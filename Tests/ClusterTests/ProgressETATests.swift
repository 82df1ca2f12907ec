import EBMCore
import Sweep
import Testing
@testable import Cluster

/// The live ETA on hand-made snapshots (no clock: `elapsed` is given).
@Suite("SweepProgress: the live ETA")
struct ProgressETATests {
    static func job(iteration: Int, of iterations: Int) -> SweepProgress.RunningJob {
        .init(jobID: "j", worker: "w", iteration: iteration, iterations: iterations, loss: 0)
    }

    static func result(seconds: Double, secondsPerIteration: Double, iterations: Int, status: RunStatus = .ok) -> ResultSummary {
        ResultSummary(jobID: "j", attempt: 1, status: status, metrics: [:], worker: "w", seconds: seconds,
                      secondsPerIteration: secondsPerIteration, iterationsRun: iterations)
    }

    @Test("after a resume, only the jobs finished since this coordinator started set the rate")
    func resumeCountsOnlyThisRun() throws {
        var p = SweepProgress()
        p.total = 20
        p.ok = 16
        p.finishedBefore = 15
        p.elapsed = 10
        p.trainingShare = 0.5
        // One job finished here in 10 s; 4 are left: about 40 s (the old estimate counted the 15
        // earlier jobs as this run's work and said 10 / 16 × 4 = 2.5 s).
        let eta = try #require(p.eta)
        #expect(abs(eta - 40) < 1e-9)
    }

    @Test("a job whose training is done is still evaluating: it counts for its training share only")
    func evaluationTimeCounts() throws {
        var p = SweepProgress()
        p.total = 2
        p.elapsed = 8
        p.trainingShare = 0.8
        p.running = [Self.job(iteration: 100, of: 100)]
        // 0.8 of one job done in 8 s; 1.2 jobs left at 10 s a job: 12 s (the old estimate: 8 s).
        let eta = try #require(p.eta)
        #expect(abs(eta - 12) < 1e-9)
    }

    @Test("no ETA before anything finished here and before the training share is known")
    func noGuess() {
        var p = SweepProgress()
        p.total = 4
        p.ok = 2
        p.finishedBefore = 2
        p.elapsed = 5
        p.running = [Self.job(iteration: 50, of: 100)]
        #expect(p.eta == nil)
    }

    @Test("the training share comes from finished ok jobs; nonsense timings from a peer are skipped")
    func trainingShare() throws {
        var times = SweepProgress.JobTimes()
        #expect(times.trainingShare == nil)
        times.add(Self.result(seconds: 10, secondsPerIteration: 0.06, iterations: 100))   // 6 s training of 10
        times.add(Self.result(seconds: 10, secondsPerIteration: 0.02, iterations: 100))   // 2 s training of 10
        times.add(Self.result(seconds: .nan, secondsPerIteration: 1, iterations: 1))
        times.add(Self.result(seconds: 5, secondsPerIteration: .infinity, iterations: 3))
        times.add(Self.result(seconds: 30, secondsPerIteration: 0, iterations: 0, status: .failed))
        let share = try #require(times.trainingShare)
        #expect(abs(share - 0.4) < 1e-12)
    }
}
