import Artifacts
import EBMCore
import Foundation
import InMemoryLogging
import Logging
import Store
import Sweep
import Testing
@testable import Cluster
import Wire

/// A coordinator over in-memory channels on virtual time, for every suite that tests its rules:
/// a spec, a store in a temporary directory, a `ManualLoopClock` and a `ManualStopSource`. The
/// test turns the loop itself (`turn`, `advance(by:)`), so each step's effect is known when the
/// test looks, and a timer fires because the test moved time, never because a machine was slow.
final class CoordinatorRig {
    let router = InMemoryChannel.router()
    let store: SweepStore
    var spec: SweepSpec
    let directory: String
    let clock = ManualLoopClock()
    let stop = ManualStopSource()
    /// What the coordinator logged (never bootstrapped globally: this logger only).
    let logs = InMemoryLogHandler()
    var settings = CoordinatorSettings()
    /// The coordinator `start` made.
    private(set) var coordinator: Coordinator?

    /// A rig for the sweep `yaml` describes (named t, file t.yaml).
    init(yaml: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("coord-\(UUID().uuidString)").path
        spec = try SweepSpec.parse(yaml: yaml, file: "t.yaml")
        store = try SweepStore.create(at: directory + "/sweep.sqlite", name: "t", specText: "", specHash: spec.planHash,
                                      specPath: "t.yaml", jobs: Planner.plan(spec))
        settings.heartbeatInterval = 0.05
    }

    /// One configuration of tiny jobs on `seeds` seeds.
    convenience init(seeds: Int) throws {
        try self.init(yaml: """
            name: t
            method: ml
            fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 5}
            seeds: [\((0..<seeds).map(String.init).joined(separator: ", "))]
            evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
            """)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A coordinator on this rig's store, channel, clock and stop source (a second one is a
    /// restarted coordinator).
    func makeCoordinator() throws -> Coordinator {
        try Coordinator(channel: router, store: store, spec: spec, settings: settings,
                        view: ProgressView(output: FileHandle.nullDevice, isTerminal: false),
                        logger: Logger(label: "test") { [logs] _ in logs }, clock: clock, stop: stop)
    }

    /// Makes the coordinator and turns it once. `liveReportInterval`: rewrite the report in
    /// `directory` as jobs finish, at most this often.
    func start(heartbeat: Double = 0.05, liveReportInterval: Double? = nil) throws {
        settings.heartbeatInterval = heartbeat
        let coordinator = try makeCoordinator()
        if let liveReportInterval {
            coordinator.liveReport = LiveReport(store: store, spec: spec, directory: directory, interval: liveReportInterval)
        }
        self.coordinator = coordinator
        try turn()
    }

    /// One turn: what was sent to the coordinator is handled, and its timers due now fire.
    @discardableResult
    func turn() throws -> Coordinator.Outcome? {
        try #require(coordinator, "start the rig first").turn()
    }

    /// Moves virtual time by `seconds`, then turns once (as EmbeddedEventLoop.advanceTime runs
    /// what became due).
    @discardableResult
    func advance(by seconds: Double) throws -> Coordinator.Outcome? {
        clock.advance(by: seconds)
        return try turn()
    }

    /// Turns, a heartbeat interval of virtual time apart, until the loop ends (at most `turns`
    /// times): the outcome, or nil if it did not end.
    func finish(turns: Int = 100) throws -> Coordinator.Outcome? {
        for _ in 0..<turns {
            if let outcome = try turn() { return outcome }
            clock.advance(by: settings.heartbeatInterval)
        }
        return nil
    }
}

/// A scripted worker on its own dealer channel of a `CoordinatorRig`: it sends exactly the
/// messages a test needs.
final class ScriptedWorker {
    let channel: InMemoryChannel
    let id: String
    let rig: CoordinatorRig
    /// Coordinator heartbeats read so far (`next` skips them).
    private(set) var heartbeats = 0

    /// Worker `id` on a connection of its own (`connection`, default the id), whose messages
    /// arrive with CURVE key `key` (nil: no CURVE).
    init(_ rig: CoordinatorRig, id: String, connection: String? = nil, key: String? = nil) {
        self.rig = rig
        self.id = id
        channel = rig.router.connectDealer(routingID: Array((connection ?? id).utf8), senderKey: key)
    }

    func send(_ message: WorkerMessage) throws { try channel.send(message) }

    func ready(slots: Int = 1) throws {
        try send(.ready(.init(workerID: id, host: "test", pid: 1, slots: slots, build: "t")))
    }

    func heartbeat(_ running: [WorkerMessage.RunningJob] = []) throws {
        try send(.heartbeat(.init(workerID: id, running: running)))
    }

    /// The next coordinator message that is not a heartbeat, once the coordinator has handled
    /// what was sent to it (one turn, at the current virtual time); nil if there is none.
    func next() throws -> CoordinatorMessage? {
        if let message = try read() { return message }
        try rig.turn()
        return try read()
    }

    /// Every message waiting now, heartbeats counted and left out.
    func drain() throws -> [CoordinatorMessage] {
        var messages: [CoordinatorMessage] = []
        while let message = try read() { messages.append(message) }
        return messages
    }

    private func read() throws -> CoordinatorMessage? {
        while let delivery = try channel.receiveDelivery(timeout: .zero) {
            let message = try Codec.decode(delivery.frames, as: CoordinatorMessage.self)
            if message == .heartbeat { heartbeats += 1 } else { return message }
        }
        return nil
    }

    func result(for a: CoordinatorMessage.Assignment, attempt: Int? = nil, kde: Double = 1.5) -> WorkerMessage {
        .result(ResultReport(jobID: a.jobID, attempt: attempt ?? a.attempt, status: .ok, metrics: ["kde_nll": kde],
                             seconds: 0.1, secondsPerIteration: 0.01,
                             payload: ResultPayload(checkpoint: [1], samples: Matrix(rows: 1, columns: 2), lossHistory: [1])))
    }
}
