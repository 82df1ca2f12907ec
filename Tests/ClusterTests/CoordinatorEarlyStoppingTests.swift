import Artifacts
import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// The coordinator's stopping rule over in-memory channels on virtual time: a scripted worker
/// sends exactly the RUNG reports a test needs, so every decision is known in advance (no
/// training, no wall clock).
@Suite("Early stopping in the coordinator")
struct CoordinatorEarlyStoppingTests {
    /// No racing (CoordinatorRacingTests has it): x and z tie, and a race would add jobs this
    /// scripted worker never runs, so the sweep would not finish.
    static func rig() throws -> CoordinatorRig {
        try CoordinatorRig(yaml: """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 900}
            grid: {lr: [0.001, 0.002, 0.003]}
            seeds: [0, 1, 2]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            early_stopping: {type: asha, min_iterations: 100, reduction_factor: 3, race_seeds: 0}
            """)
    }

    /// A two-slot worker that answers heartbeats with what it holds.
    final class Worker {
        let scripted: ScriptedWorker
        var held: [String: CoordinatorMessage.Assignment] = [:]
        var cancelled: [String] = []

        init(_ rig: CoordinatorRig) throws {
            scripted = ScriptedWorker(rig, id: "w")
            try scripted.ready(slots: 2)
        }

        /// Turns the coordinator a heartbeat interval apart (at most 20 times) until `done` holds,
        /// reading its messages (JOBs held, CANCELs noted and dropped) and heartbeating what it
        /// holds after each read-out, so no heartbeat leaves out a JOB that has already arrived
        /// (three such and the coordinator takes the job back).
        func pump(until done: () -> Bool) throws {
            for _ in 0..<20 where !done() {
                try scripted.rig.turn()
                for message in try scripted.drain() {
                    switch message {
                    case .job(let a): held[a.jobID] = a
                    case .cancel(let id): cancelled.append(id); held[id] = nil
                    default: break
                    }
                }
                try scripted.heartbeat(held.values.map { .init(jobID: $0.jobID, attempt: $0.attempt, iteration: 1, loss: 0) })
                scripted.rig.clock.advance(by: scripted.rig.settings.heartbeatInterval)
            }
            #expect(done(), "still waiting after 20 heartbeat intervals")
        }

        func rung(_ jobID: String, _ iteration: Int, _ metric: Double, escaped: Double = 0) throws {
            try scripted.send(.rung(.init(jobID: jobID, attempt: held[jobID]?.attempt ?? 1, iteration: iteration,
                                          metric: metric, escaped: escaped)))
        }

        func finish(_ jobID: String) throws {
            guard let a = held.removeValue(forKey: jobID) else { return }
            try scripted.send(scripted.result(for: a))
        }
    }

    @Test("a losing configuration is stopped at its first rung: running seeds cancelled, the pending one never starts; resume keeps it")
    func stopsAndResumes() throws {
        let rig = try Self.rig()
        var configs: [String] = []
        for job in try rig.store.jobs() where !configs.contains(job.job.configID) { configs.append(job.job.configID) }
        let (x, y, z) = (configs[0], configs[1], configs[2])
        try rig.start()
        let w = try Worker(rig)
        try w.pump { w.held.count == 2 }
        #expect(Set(w.held.keys) == ["\(x)-s0", "\(x)-s1"])
        #expect(w.held.values.allSatisfy { $0.rungs?.iterations == [100, 300] && $0.rungs?.metric == .kdeNLL })
        try w.rung("\(x)-s0", 100, 2.0)
        try w.rung("\(x)-s1", 100, 2.02)
        try w.rung("\(x)-s1", 150, 2.0)  // not a rung: dropped as malformed
        try w.finish("\(x)-s0"); try w.finish("\(x)-s1")
        try w.pump { w.held.count == 2 }
        try w.rung("\(x)-s2", 100, 2.01)
        try w.finish("\(x)-s2")
        try w.pump { w.held.count == 2 && w.held["\(y)-s1"] != nil }
        #expect(Set(w.held.keys) == ["\(y)-s0", "\(y)-s1"])
        try w.rung("\(y)-s0", 100, 4.0)
        try w.rung("\(y)-s1", 100, 4.02)   // y judged on two seeds: far worse than x, stopped
        try w.pump { w.cancelled.count == 2 && w.held.count == 2 }   // the CANCELs, then z's first two jobs
        #expect(Set(w.cancelled) == ["\(y)-s0", "\(y)-s1"])
        #expect(Set(w.held.keys) == ["\(z)-s0", "\(z)-s1"])
        try w.rung("\(y)-s0", 300, 3.0)    // in flight before the CANCEL: refused, harmless
        try w.finish("\(z)-s0"); try w.finish("\(z)-s1")
        try w.pump { w.held["\(z)-s2"] != nil }
        try w.finish("\(z)-s2")
        #expect(try rig.finish() == .finished)

        let jobs = Dictionary(uniqueKeysWithValues: try rig.store.jobs().map { ($0.job.id, $0) })
        #expect(jobs["\(y)-s0"]?.status == .stopped && jobs["\(y)-s2"]?.status == .stopped)
        #expect(jobs["\(y)-s2"]?.error?.hasPrefix("asha at iteration 100") == true)
        let stopped = try rig.store.results().filter { $0.status == .stopped }
        #expect(Set(stopped.map(\.jobID)) == ["\(y)-s0", "\(y)-s1"])
        #expect(stopped.allSatisfy { $0.metrics[EarlyStopping.stoppedAtKey] == 100 && ($0.metrics["kde_nll"] ?? 0) >= 4 })
        #expect(try rig.store.rungs().map(\.report.iteration) == [100, 100, 100, 100, 100])
        #expect(try rig.store.events(kind: .malformed).count == 1)
        // The ranking puts y after the completed configurations.
        let ranked = Ranking.rank(jobs: Planner.plan(rig.spec), statuses: jobs.mapValues(\.status),
                                  results: try rig.store.resultSummaries(), metric: .kdeNLL)
        #expect(ranked.last?.configID == y && ranked.last?.status == .stopped && ranked.last?.stoppedAt == 100)
        // A new coordinator on the store replays the reports: the same rule state, y still stopped.
        let again = try rig.makeCoordinator()
        #expect(again.earlyStopping?.pruner.isStopped(configuration: y) == true)
        #expect(again.earlyStopping?.pruner.isStopped(configuration: x) == false)
        // The ETA counted the stopped jobs' time live as a restart reads it from their stored results.
        let live = try #require(rig.coordinator).remainingTime, restarted = again.remainingTime
        let stoppedSeconds = stopped.reduce(0) { $0 + $1.seconds }
        #expect(stoppedSeconds > 0 && abs(live.judgedSeconds - restarted.judgedSeconds) <= 1e-9 * restarted.judgedSeconds)
    }

    @Test("a rung whose samples mostly escaped ends that job as diverged, with the reason, and stops its configuration's other seeds")
    func divergence() throws {
        let rig = try Self.rig()
        let x = try rig.store.jobs()[0].job.configID
        try rig.start()
        let w = try Worker(rig)
        try w.pump { w.held.count == 2 }
        try w.rung("\(x)-s0", 100, 9, escaped: 0.8)
        try w.pump { w.cancelled.count == 2 }
        #expect(Set(w.cancelled) == ["\(x)-s0", "\(x)-s1"])
        let job = try rig.store.job(id: "\(x)-s0")
        #expect(job?.status == .diverged && job?.error?.contains("80 % of the rung's samples escaped") == true)
        for sibling in ["\(x)-s1", "\(x)-s2"] {
            let stopped = try rig.store.job(id: sibling)
            #expect(stopped?.status == .stopped && stopped?.error == "seed \(x)-s0 diverged at iteration 100", "\(sibling)")
        }
    }

    /// A configuration below the Langevin noise floor (the template's step) and one above it (1e-2).
    static let floorYAML = """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 900}
            grid: {langevin_step_size: [5.0e-4, 1.0e-2]}
            seeds: [0, 1]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            early_stopping: {type: asha, min_iterations: 100, reduction_factor: 3, race_seeds: 0}
            """

    @Test("a configuration whose Langevin noise is wider than the data never starts: its jobs are stopped with the reason before any is handed out; without a rule it runs")
    func noiseFloor() throws {
        let rig = try CoordinatorRig(yaml: Self.floorYAML)
        let jobs = Planner.plan(rig.spec)
        let wide = try #require(jobs.first { $0.config.langevinStepSize == 1e-2 }).configID
        let narrow = try #require(jobs.first { $0.config.langevinStepSize == 5e-4 }).configID
        try rig.start()
        for id in ["\(wide)-s0", "\(wide)-s1"] {
            let job = try rig.store.job(id: id)
            #expect(job?.status == .stopped && job?.error?.hasPrefix("not run: its Langevin noise √(2ε) = 0.1414") == true,
                    "\(id): \(job?.error ?? "no reason")")
        }
        // Before a job has run to its end there is no rate, so no ETA (it once said 0 s here).
        let progress = try #require(rig.coordinator).progress()
        #expect(progress.stopped == 2 && progress.notRun == 2 && progress.eta == nil)
        #expect(ProgressView.summary(progress).contains("· 2 not run ·") && !ProgressView.summary(progress).contains("stopped early"))
        let w = try Worker(rig)
        try w.pump { w.held.count == 2 }
        #expect(Set(w.held.keys) == ["\(narrow)-s0", "\(narrow)-s1"])
        try w.finish("\(narrow)-s0"); try w.finish("\(narrow)-s1")
        #expect(try rig.finish() == .finished)
        #expect(try rig.store.results().map(\.jobID).allSatisfy { $0.hasPrefix(narrow) })
        // results.md says why, and its table says "not run".
        try SweepArtifacts.write(store: rig.store, spec: rig.spec, to: rig.directory)
        let markdown = try String(contentsOfFile: rig.directory + "/results.md", encoding: .utf8)
        #expect(markdown.contains("Not run: 1 of 2 configurations (2 jobs), whose Langevin noise √(2ε) = 0.141 is wider than "
                                  + "the data's narrowest spread 0.0717"), "\(markdown)")
        #expect(markdown.split(separator: "\n").contains { $0.contains("| \(wide) ") && $0.contains("not run") })
        let html = try String(contentsOfFile: rig.directory + "/report.html", encoding: .utf8)
        #expect(html.contains("2 stopped early (2 of them never run: above the noise floor)"))

        let none = try CoordinatorRig(yaml: Self.floorYAML.replacingOccurrences(of: "type: asha", with: "type: none"))
        try none.start()
        #expect(try none.store.jobs().allSatisfy { $0.status == .pending })
    }

    @Test("a configuration above the noise floor that has already started a job keeps running (a sweep grown, or a rule added, between runs)")
    func noiseFloorAfterAStart() throws {
        let rig = try CoordinatorRig(yaml: Self.floorYAML)
        let wide = try #require(Planner.plan(rig.spec).first { $0.config.langevinStepSize == 1e-2 }).configID
        try rig.store.markLeased(jobID: "\(wide)-s0", worker: "gone", attempt: 1)   // a coordinator before this one ran it
        try rig.start()
        #expect(try rig.store.jobs().allSatisfy { $0.status == .pending }, "nothing held back")
        #expect(rig.coordinator?.earlyStopping?.notRunJobs == 0)
        #expect(rig.coordinator?.earlyStopping?.pruner.isStopped(configuration: wide) == false)
        // Requeued, the job has no start time left; a later restart still knows it ran (the lease event).
        let again = try rig.makeCoordinator()
        #expect(again.earlyStopping?.notRunJobs == 0 && again.earlyStopping?.pruner.isStopped(configuration: wide) == false)
        try SweepArtifacts.write(store: rig.store, spec: rig.spec, to: rig.directory)
        #expect(try !String(contentsOfFile: rig.directory + "/results.md", encoding: .utf8).contains("Not run"))
    }
}
