import EBMCore
import Foundation
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// Racing in the coordinator over in-memory channels (docs/design.md, "Racing"): a scripted
/// worker reports chosen metrics, so which configurations are tied with the best is known.
@Suite("Racing in the coordinator", .serialized)
struct CoordinatorRacingTests {
    final class Rig: @unchecked Sendable {
        let router = InMemoryChannel.router()
        let store: SweepStore
        let spec: SweepSpec
        let directory: String

        init(raceSeeds: Int) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("race-\(UUID().uuidString)").path
            spec = try SweepSpec.parse(yaml: """
                name: t
                method: ml
                fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 5}
                grid: {lr: [0.001, 0.002, 0.003]}
                seeds: [0, 1]
                evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
                early_stopping: {type: none, race_seeds: \(raceSeeds)}
                """, file: "t.yaml")
            store = try SweepStore.create(at: directory + "/sweep.sqlite", name: "t", specText: "", specHash: spec.planHash,
                                          specPath: "t.yaml", jobs: Planner.plan(spec))
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// Runs a coordinator to its end while one scripted worker answers every JOB with
        /// `metric(lr, seed)`; returns the outcome and the JOBs it was given.
        func run(metric: @escaping @Sendable (Double, UInt64) -> Double) throws -> (Coordinator.Outcome?, [CoordinatorMessage.Assignment]) {
            var settings = CoordinatorSettings()
            settings.heartbeatInterval = 0.05
            settings.pollInterval = 0.01
            let coordinator = try Coordinator(channel: router, store: store, spec: spec, settings: settings,
                                              view: ProgressView(output: FileHandle.nullDevice, isTerminal: false))
            let box = UncheckedBox(coordinator)
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: Coordinator.Outcome?
            Thread { outcome = try? box.value.run(); done.signal() }.start()
            let channel = router.connectDealer(routingID: Array("w-\(UUID().uuidString)".utf8), senderKey: nil)
            try channel.send(.ready(.init(workerID: "w", host: "test", pid: 1, slots: 1, build: "t")))
            var given: [CoordinatorMessage.Assignment] = []
            // Until the coordinator says the sweep is over (or goes quiet).
            let deadline = Date().addingTimeInterval(20)
            var ended = false
            reading: while Date() < deadline {
                if done.wait(timeout: .now()) == .success { ended = true; break }
                guard let d = try channel.receiveDelivery(timeout: .milliseconds(50)) else { continue }
                switch try Codec.decode(d.frames, as: CoordinatorMessage.self) {
                case .job(let a):
                    given.append(a)
                    try channel.send(.result(ResultReport(
                        jobID: a.jobID, attempt: a.attempt, status: .ok, metrics: ["kde_nll": metric(a.config.lr, a.config.seed)],
                        seconds: 0.1, secondsPerIteration: 0.01,
                        payload: ResultPayload(checkpoint: [1], samples: Matrix(rows: 1, columns: 2), lossHistory: [1]))))
                case .shutdown: break reading
                default: continue
                }
            }
            if !ended { _ = done.wait(timeout: .now() + 10) }
            return (outcome, given)
        }
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

    @Test("Once the planned jobs finish, the best and the configuration tied with it run on new seeds; the clearly worse one does not")
    func racesTheTied() throws {
        let rig = try Rig(raceSeeds: 2)
        let (outcome, given) = try rig.run(metric: Self.metric)
        #expect(outcome == .finished)
        #expect(given.count == 6 + 4)
        let raced = given.dropFirst(6)
        #expect(Set(raced.map(\.config.seed)) == [2, 3], "new seeds only, above the sweep's")
        #expect(Set(raced.map(\.config.lr)) == [0.001, 0.002])
        #expect(raced.allSatisfy { $0.rungs == nil })
        #expect(try rig.store.racedJobIDs() == Set(raced.map(\.jobID)))
        #expect(try rig.store.jobs().allSatisfy { $0.status == .ok })
        #expect(try rig.store.events(kind: .raced).count == 1)
    }

    @Test("A restarted coordinator does not race again; a sweep with race_seeds 0 never races")
    func racesOnce() throws {
        let rig = try Rig(raceSeeds: 2)
        _ = try rig.run(metric: Self.metric)
        let (again, given) = try rig.run(metric: Self.metric)
        #expect(again == .finished && given.isEmpty)
        #expect(try rig.store.events(kind: .raced).count == 1 && rig.store.jobs().count == 10)

        let off = try Rig(raceSeeds: 0)
        let (outcome, none) = try off.run(metric: Self.metric)
        #expect(outcome == .finished && none.count == 6)
        #expect(try off.store.racedJobIDs().isEmpty && off.store.events(kind: .raced).isEmpty)
    }

    @Test("With no configuration tied with the best, nothing is raced and the decision is stored")
    func noRival() throws {
        let rig = try Rig(raceSeeds: 2)
        let (outcome, given) = try rig.run { lr, seed in lr == 0.001 ? 1.0 + 0.01 * Double(seed) : 3.0 + lr + 0.02 * Double(seed) }
        #expect(outcome == .finished && given.count == 6)
        #expect(try rig.store.racedJobIDs().isEmpty)
        #expect(try rig.store.events(kind: .raced).first?.detail?.contains("no configuration is tied") == true)
    }
}
