import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// Racing in the coordinator over in-memory channels on virtual time (docs/design.md, "Racing"):
/// a scripted worker reports chosen metrics, so which configurations are tied with the best is known.
@Suite("Racing in the coordinator")
struct CoordinatorRacingTests {
    static func yaml(raceSeeds: Int, rule: String = "none", reduction: Int = 3, seeds: String = "0, 1",
                     lrs: String = "0.001, 0.002, 0.003") -> String {
        """
        name: t
        method: ml
        fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 5}
        grid: {lr: [\(lrs)]}
        seeds: [\(seeds)]
        evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
        early_stopping: {type: \(rule), min_iterations: 2, reduction_factor: \(reduction), race_seeds: \(raceSeeds)}
        """
    }

    static func rig(raceSeeds: Int, rule: String = "none", reduction: Int = 3) throws -> CoordinatorRig {
        try CoordinatorRig(yaml: yaml(raceSeeds: raceSeeds, rule: rule, reduction: reduction))
    }

    /// Runs a coordinator on `rig`'s store to its end while one scripted worker answers every
    /// JOB with `metric(lr, seed)`; returns the outcome and the JOBs it was given. The loop must
    /// end (tell the worker SHUTDOWN) within 200 turns, a heartbeat interval of virtual time apart.
    /// After `answering` jobs the run stops at the next one handed out, leaving it running: a
    /// coordinator killed then.
    static func run(_ rig: CoordinatorRig, seconds: Double = 0.1, answering: Int = .max, metric: (Double, UInt64) -> Double) throws
        -> (outcome: Coordinator.Outcome?, given: [CoordinatorMessage.Assignment], toldShutdown: Bool) {
        try rig.start()
        let worker = ScriptedWorker(rig, id: "w", connection: "w-\(UUID().uuidString)")
        try worker.ready()
        var given: [CoordinatorMessage.Assignment] = [], toldShutdown = false
        for _ in 0..<200 {
            if let outcome = try rig.turn() { return (outcome, given, toldShutdown) }
            for message in try worker.drain() {
                switch message {
                case .job(let a):
                    given.append(a)
                    if given.count > answering { return (nil, given, toldShutdown) }
                    try worker.send(.result(ResultReport(
                        jobID: a.jobID, attempt: a.attempt, status: .ok, metrics: ["kde_nll": metric(a.config.lr, a.config.seed)],
                        seconds: seconds, secondsPerIteration: 0.01,
                        payload: ResultPayload(checkpoint: [1], samples: Matrix(rows: 1, columns: 2), lossHistory: [1]))))
                case .shutdown: toldShutdown = true
                default: continue
                }
            }
            try worker.heartbeat()
            rig.clock.advance(by: rig.settings.heartbeatInterval)
        }
        return (nil, given, toldShutdown)
    }

    /// lr 0.001 best (1.50, 1.60), lr 0.002 tied with it (1.55, 1.58), lr 0.003 clearly worse.
    static let metric: @Sendable (Double, UInt64) -> Double = { lr, seed in
        switch (lr, seed) {
        case (0.001, 0): 1.50
        case (0.001, 1): 1.60
        case (0.002, 0): 1.55
        case (0.002, 1): 1.58
        case (0.003, 0): 3.00
        case (0.003, 1): 3.01
        default: 1.55 + 0.01 * Double(seed)   // race seeds: close, so the race is real
        }
    }

    /// Racing's first seed: lr 0.001 (1.50, 1.60, 1.57) still ranks before lr 0.002 (1.55, 1.58, 1.57).
    @Test("Once the planned jobs finish, the best and the configuration tied with it run on a fresh seed each, the clearly worse one on none; then the one ranked first on the race's other seeds")
    func racesTheTied() throws {
        let rig = try Self.rig(raceSeeds: 2)
        let (outcome, given, toldShutdown) = try Self.run(rig, metric: Self.metric)
        #expect(outcome == .finished && toldShutdown)
        #expect(given.count == 6 + 2 + 1)
        let raced = given.dropFirst(6)
        #expect(raced.prefix(2).allSatisfy { $0.config.seed == 2 } && Set(raced.prefix(2).map(\.config.lr)) == [0.001, 0.002],
                "a fresh seed each, above the sweep's")
        #expect(raced.last?.config.seed == 3 && raced.last?.config.lr == 0.001, "the first-ranked's other seed")
        #expect(raced.allSatisfy { $0.rungs == nil })
        #expect(try rig.store.racedJobIDs() == Set(raced.map(\.jobID)))
        #expect(try rig.store.jobs().allSatisfy { $0.status == .ok })
        #expect(try rig.store.events(kind: .raced).count == 2)
    }

    /// lr 0.002's fresh seed (1.40) puts it first: (1.55 + 1.58 + 1.40) / 3 = 1.51 against lr 0.001's
    /// (1.50 + 1.60 + 1.70) / 3 = 1.60, so it, not the best after the planned seeds, runs on seed 3.
    @Test("A rival that ranks first after its fresh seed is the one that runs on the rest; the former best keeps its one fresh seed")
    func overtaken() throws {
        let rig = try Self.rig(raceSeeds: 2)
        let (outcome, given, _) = try Self.run(rig) { lr, seed in
            switch (lr, seed) {
            case (0.001, 2): 1.70
            case (0.002, 2): 1.40
            case (0.002, 3): 1.45
            default: Self.metric(lr, seed)
            }
        }
        #expect(outcome == .finished && given.count == 6 + 2 + 1)
        #expect(given.last?.config.lr == 0.002 && given.last?.config.seed == 3)
        let seeds = try rig.store.jobs().filter { $0.job.config.lr == 0.001 }.map(\.job.seed).sorted()
        #expect(seeds == [0, 1, 2])
    }

    @Test("A sweep grown by a seed mid-race keeps the race's seeds: the first-ranked runs on those after the race's first, not on seeds above the new largest")
    func grownMidRace() throws {
        let rig = try Self.rig(raceSeeds: 3)
        let metric: (Double, UInt64) -> Double = { lr, seed in lr == 0.001 && seed >= 2 ? 1.52 : Self.metric(lr, seed) }
        #expect(try Self.run(rig, answering: 7, metric: metric).outcome == nil)
        // The spec now also plans seed 5 (racing began at seed 2, with 3 and 4 to come).
        rig.spec = try SweepSpec.parse(yaml: Self.yaml(raceSeeds: 3, seeds: "0, 1, 5"), file: "t.yaml")
        try rig.store.grow(specText: "", specHash: rig.spec.planHash, specPath: "t.yaml",
                           jobs: Planner.plan(rig.spec).filter { $0.seed == 5 })
        #expect(try Self.run(rig, metric: metric).outcome == .finished)
        let raced = try rig.store.jobs().filter { try rig.store.racedJobIDs().contains($0.id) }
        #expect(Set(raced.filter { $0.job.config.lr == 0.001 }.map(\.job.seed)) == [2, 3, 4])
        #expect(raced.allSatisfy { $0.job.seed < 5 })
    }

    /// η = 2 races lr 0.001 and 0.002; their fresh seeds (1.90) drop both below lr 0.003 (1.575),
    /// tied but left out, which then ranks first and runs on both race seeds.
    @Test("A configuration the η limit left out that ranks first after the finalists' fresh seeds runs on every race seed")
    func leftOutJoins() throws {
        let rig = try Self.rig(raceSeeds: 2, reduction: 2)
        let (outcome, given, _) = try Self.run(rig) { lr, seed in
            switch (lr, seed) {
            case (0.003, 0): 1.56
            case (0.003, 1): 1.59
            case (0.003, _): 1.57
            case (_, 2): 1.90
            default: Self.metric(lr, seed)
            }
        }
        #expect(outcome == .finished && given.count == 6 + 2 + 2)
        #expect(given.suffix(2).allSatisfy { $0.config.lr == 0.003 } && given.suffix(2).map(\.config.seed) == [2, 3])
    }

    /// Six configurations, means 1.53, 1.54, … 1.58 on two seeds that disagree, η = 2, one race
    /// seed on which every configuration scores 3.0: the two finalists fall back, then each new
    /// leader does in turn. After η of them the race ends instead of running one job at a time
    /// through the whole grid.
    @Test("The race gives the race seeds to at most η configurations that rank first in turn")
    func leadersInTurnAreCapped() throws {
        let rig = try CoordinatorRig(yaml: Self.yaml(raceSeeds: 1, reduction: 2, lrs: "0.001, 0.002, 0.003, 0.004, 0.005, 0.006"))
        let planned: [Int: (Double, Double)] = [1: (1.50, 1.56), 2: (1.58, 1.50), 3: (1.52, 1.58), 4: (1.60, 1.52),
                                                5: (1.54, 1.60), 6: (1.62, 1.54)]
        let (outcome, given, _) = try Self.run(rig) { lr, seed in
            guard seed < 2, let values = planned[Int((lr * 1000).rounded())] else { return 3.0 }
            return seed == 0 ? values.0 : values.1
        }
        #expect(outcome == .finished)
        let raced = given.dropFirst(12)
        #expect(raced.map(\.config.lr) == [0.001, 0.002, 0.003, 0.004], "the finalists, then two leaders in turn: \(raced.map(\.config.lr))")
        #expect(try rig.store.events(kind: .raced).count == 3)
        #expect(try Self.run(rig, metric: { _, _ in 3.0 }).given.isEmpty, "a restart does not race past the limit")
    }

    @Test("A coordinator killed during the race's first seeds resumes it where it stood: the first-ranked then runs on the rest, nothing twice")
    func resumedMidRace() throws {
        let rig = try Self.rig(raceSeeds: 3)
        // lr 0.001's race seeds (1.52 each) keep it first throughout.
        let metric: (Double, UInt64) -> Double = { lr, seed in lr == 0.001 && seed >= 2 ? 1.52 : Self.metric(lr, seed) }
        let killed = try Self.run(rig, answering: 7, metric: metric)
        #expect(killed.outcome == nil && killed.given.count == 8, "the race's two first jobs were handed out, one answered")
        // For the ETA, the race left: the most-raced configuration's two other seeds, whichever
        // configuration prices them (lr 0.003 never raced).
        let coordinator = try #require(rig.coordinator)
        let unraced = try #require(killed.given.first { $0.config.lr == 0.003 }).jobID.components(separatedBy: "-s")[0]
        #expect(coordinator.expectedRace(best: unraced).count == 3 - 1)
        let resumed = try Self.run(rig, metric: metric)
        #expect(resumed.outcome == .finished)
        // The unanswered fresh seed again, then lr 0.001's seeds 3 and 4.
        #expect(resumed.given.map(\.config.seed) == [2, 3, 4] && resumed.given.dropFirst().allSatisfy { $0.config.lr == 0.001 })
        #expect(try rig.store.jobs().count == 6 + 2 + 2 && rig.store.events(kind: .raced).count == 2)
    }

    /// The ETA (`RemainingTime`) expects a job the rule judges to cost what judged jobs cost so far,
    /// and racing's jobs, which run to their end without rungs, a full run; each weighs its FLOPs.
    @Test("For the ETA, planned jobs under a rule are judged at rungs and racing's are not; each weighs plan's FLOPs")
    func etaWork() throws {
        let rig = try Self.rig(raceSeeds: 2, rule: "asha")
        let (outcome, given, _) = try Self.run(rig, metric: Self.metric)
        #expect(outcome == .finished && given.count == 6 + 3)
        let coordinator = try #require(rig.coordinator)
        let raced = try rig.store.racedJobIDs()
        #expect(raced.count == 3)
        for a in given {
            let work = coordinator.work(forJob: a.jobID)
            #expect(work.judged == !raced.contains(a.jobID), "\(a.jobID)")
            let flops = PlanSummary.trainingFLOPs(a.config) + PlanSummary.evaluationFLOPs(a.config, rig.spec.evaluation)
            #expect(work.flops == flops && flops > 0)
        }
    }

    /// A worker's job time is its own claim; the progress line (drawn every turn) must survive any.
    @Test("A worker claiming 1e300 seconds per job neither crashes the progress line nor sets the ETA")
    func absurdSeconds() throws {
        let rig = try Self.rig(raceSeeds: 2)
        let (outcome, given, _) = try Self.run(rig, seconds: 1e300, metric: Self.metric)
        #expect(outcome == .finished && given.count == 9)
        let coordinator = try #require(rig.coordinator)
        #expect(coordinator.remainingTime.trainingShare == nil)
        #expect(ProgressView.summary(coordinator.progress()).contains("jobs 9/9"))
    }

    @Test("A restarted coordinator does not race again; a sweep with race_seeds 0 never races")
    func racesOnce() throws {
        let rig = try Self.rig(raceSeeds: 2)
        let first = try Self.run(rig, metric: Self.metric)
        #expect(first.outcome == .finished && first.given.count == 9)
        let again = try Self.run(rig, metric: Self.metric)
        #expect(again.outcome == .finished && again.given.isEmpty)
        #expect(try rig.store.events(kind: .raced).count == 2 && rig.store.jobs().count == 9)

        let off = try Self.rig(raceSeeds: 0)
        let none = try Self.run(off, metric: Self.metric)
        #expect(none.outcome == .finished && none.given.count == 6)
        #expect(try off.store.racedJobIDs().isEmpty && off.store.events(kind: .raced).isEmpty)
    }

    @Test("With no configuration tied with the best, nothing is raced and the decision is stored")
    func noRival() throws {
        let rig = try Self.rig(raceSeeds: 2)
        let (outcome, given, _) = try Self.run(rig) { lr, seed in lr == 0.001 ? 1.0 + 0.01 * Double(seed) : 3.0 + lr + 0.02 * Double(seed) }
        #expect(outcome == .finished && given.count == 6)
        #expect(try rig.store.racedJobIDs().isEmpty)
        #expect(try rig.store.events(kind: .raced).first?.detail?.contains("no configuration is tied") == true)
    }

    @Test("Until the race is decided, the ETA counts it: a fresh seed for η configurations and race_seeds − 1 more, each priced as one of the best so far")
    func etaCountsTheRace() throws {
        let rig = try Self.rig(raceSeeds: 2, rule: "asha")
        try rig.start()
        let worker = ScriptedWorker(rig, id: "w")
        try worker.ready()
        let coordinator = try #require(rig.coordinator)
        let beforeAny = coordinator.expectedRace(best: coordinator.bestSoFar()?.configID)
        #expect(beforeAny.isEmpty, "no ok result: no best to price it by")
        guard case .job(let a)? = try worker.next() else { Issue.record("no job"); return }
        try worker.send(worker.result(for: a))
        try rig.turn()
        let best = try #require(coordinator.bestSoFar()?.configID)
        let race = coordinator.expectedRace(best: best)
        let priced = coordinator.work(forJob: a.jobID)
        #expect(best == coordinator.scheduler.job(withID: a.jobID)?.configID, "the one ok result's configuration")
        #expect(race.count == 3 + 2 - 1 && race.allSatisfy { $0.flops == priced.flops && !$0.judged })

        let finished = try Self.rig(raceSeeds: 2, rule: "asha")
        #expect(try Self.run(finished, metric: Self.metric).outcome == .finished)
        let after = try #require(finished.coordinator)
        let decided = after.expectedRace(best: after.bestSoFar()?.configID)
        #expect(decided.isEmpty, "the race is decided")
        let off = try Self.rig(raceSeeds: 0, rule: "asha")
        try off.start()
        let offCoordinator = try #require(off.coordinator)
        #expect(offCoordinator.expectedRace(best: "any").isEmpty, "race_seeds 0: no race")
    }
}
