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

/// The coordinator loop in-process over in-memory channels: scripted workers send exactly the
/// messages a test needs, so each rule of the protocol is checked on its own.
@Suite("Coordinator over in-memory channels", .serialized)
struct CoordinatorTests {
    /// A spec of `seeds` jobs, a store in a temporary directory, and a coordinator thread.
    final class Rig: @unchecked Sendable {
        let router = InMemoryChannel.router()
        let store: SweepStore
        let spec: SweepSpec
        let directory: String
        /// What the coordinator logged (never bootstrapped globally: this logger only).
        let logs = InMemoryLogHandler()
        private var outcome: Result<Coordinator.Outcome, Error>?
        private let done = DispatchSemaphore(value: 0)

        init(seeds: Int) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("coord-\(UUID().uuidString)").path
            spec = try SweepSpec.parse(yaml: """
                name: t
                method: ml
                fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 5}
                seeds: [\((0..<seeds).map(String.init).joined(separator: ", "))]
                evaluation: {samples: 10, sampler: {init: normal, step_size: 5.0e-4, steps: 1}}
                """, file: "t.yaml")
            store = try SweepStore.create(at: directory + "/sweep.sqlite", name: "t", specText: "", specHash: spec.planHash,
                                          specPath: "t.yaml", jobs: Planner.plan(spec))
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// `liveReportInterval`: rewrite the report in `directory` as jobs finish, at most this often.
        func start(heartbeat: Double = 0.05, liveReportInterval: Double? = nil) throws {
            var settings = CoordinatorSettings()
            settings.heartbeatInterval = heartbeat
            settings.pollInterval = 0.01
            let coordinator = try Coordinator(channel: router, store: store, spec: spec, settings: settings,
                                              view: ProgressView(output: FileHandle.nullDevice, isTerminal: false),
                                              logger: Logger(label: "test") { [logs] _ in logs })
            if let liveReportInterval {
                coordinator.liveReport = LiveReport(store: store, spec: spec, directory: directory, interval: liveReportInterval)
            }
            let box = UncheckedBox(coordinator)   // handed to the loop's thread and used only there
            Thread {
                self.outcome = Result { try box.value.run() }
                self.done.signal()
            }.start()
        }

        func wait(seconds: Double = 20) -> Coordinator.Outcome? {
            guard done.wait(timeout: .now() + seconds) == .success else { return nil }
            return try? outcome?.get()
        }
    }

    /// A scripted worker on its own dealer channel.
    struct ScriptedWorker {
        let channel: InMemoryChannel
        let id: String

        /// Worker `id` on a connection of its own (`connection`, default the id), whose messages
        /// arrive with CURVE key `key` (nil: no CURVE).
        init(_ rig: Rig, id: String, connection: String? = nil, key: String? = nil) {
            self.id = id
            channel = rig.router.connectDealer(routingID: Array((connection ?? id).utf8), senderKey: key)
        }

        func send(_ message: WorkerMessage) throws { try channel.send(message) }

        func ready() throws {
            try send(.ready(.init(workerID: id, host: "test", pid: 1, slots: 1, build: "t")))
        }

        /// The next coordinator message that is not a heartbeat.
        func next(timeout: Double = 5) throws -> CoordinatorMessage? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                guard let d = try channel.receiveDelivery(timeout: .milliseconds(50)) else { continue }
                let m = try Codec.decode(d.frames, as: CoordinatorMessage.self)
                if m != .heartbeat { return m }
            }
            return nil
        }

        func result(for a: CoordinatorMessage.Assignment, attempt: Int? = nil, kde: Double = 1.5) -> WorkerMessage {
            .result(ResultReport(jobID: a.jobID, attempt: attempt ?? a.attempt, status: .ok, metrics: ["kde_nll": kde],
                                 seconds: 0.1, secondsPerIteration: 0.01,
                                 payload: ResultPayload(checkpoint: [1], samples: Matrix(rows: 1, columns: 2), lossHistory: [1])))
        }
    }

    @Test("Results count once, only from the leaseholder with its attempt; late copies are dropped")
    func exactlyOnce() throws {
        let rig = try Rig(seeds: 2)
        try rig.start()
        let w1 = ScriptedWorker(rig, id: "w1"), w2 = ScriptedWorker(rig, id: "w2")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        try w2.ready()
        guard case .job(let b)? = try w2.next() else { Issue.record("w2 got no job"); return }

        try w2.send(w2.result(for: a, kde: -9))               // w2 does not hold a
        try w1.send(w1.result(for: a, attempt: 2, kde: -9))   // wrong attempt
        try w1.send(w1.result(for: a))                        // the real one
        try w1.send(w1.result(for: a, kde: -9))               // a replay
        try w2.send(w2.result(for: b))
        #expect(rig.wait() == .finished)
        let results = try rig.store.results()
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.metrics["kde_nll"] == 1.5 })
        #expect(results.first { $0.jobID == a.jobID }?.worker == "w1")
        let kinds = try rig.store.events().map(\.kind)
        #expect(kinds.filter { $0 == .resultRefused }.count == 2)
        #expect(kinds.contains(.duplicateDropped))
    }

    @Test("Another CURVE key cannot take a live worker's name (and its lease); the same key can")
    func nameBoundToKey() throws {
        let rig = try Rig(seeds: 2)
        try rig.start(heartbeat: 0.05)
        let w1 = ScriptedWorker(rig, id: "w1", key: "key-A")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        let running = WorkerMessage.heartbeat(.init(workerID: "w1", running: [
            .init(jobID: a.jobID, attempt: a.attempt, iteration: 1, loss: 0)]))
        // An impostor with another admitted key registers as w1 while w1 keeps heartbeating.
        let impostor = ScriptedWorker(rig, id: "w1", connection: "impostor", key: "key-B")
        try impostor.ready()
        var impostorJob: CoordinatorMessage?
        for _ in 0..<10 {
            try w1.send(running)
            if let m = try impostor.next(timeout: 0.05) { impostorJob = m }
        }
        #expect(impostorJob == nil)
        // w1's lease was not handed back: its result counts, at attempt 1.
        try w1.send(w1.result(for: a))
        // w1 on a new connection with its own key is the same worker coming back.
        let again = ScriptedWorker(rig, id: "w1", connection: "w1-reconnected", key: "key-A")
        try again.ready()
        guard case .job(let b)? = try again.next() else { Issue.record("w1 did not get its name back"); return }
        try again.send(again.result(for: b))
        #expect(rig.wait() == .finished)
        #expect(try rig.store.job(id: a.jobID)?.attempts == 1)
        #expect(try rig.store.results().allSatisfy { $0.worker == "w1" })
        #expect(try rig.store.events().contains { $0.kind == .refusedRegistration && $0.worker == "w1" })
    }

    @Test("A silent worker is declared lost, its job requeued to another with the next attempt number")
    func silentWorkerRequeued() throws {
        let rig = try Rig(seeds: 1)
        try rig.start(heartbeat: 0.05)
        let silent = ScriptedWorker(rig, id: "silent"), live = ScriptedWorker(rig, id: "live")
        try silent.ready()
        guard case .job(let first)? = try silent.next() else { Issue.record("no job"); return }
        try live.ready()
        // live keeps heartbeating; silent says nothing more.
        var retry: CoordinatorMessage.Assignment?
        let deadline = Date().addingTimeInterval(5)
        while retry == nil && Date() < deadline {
            try live.send(.heartbeat(.init(workerID: "live", running: [])))
            if case .job(let a)? = try live.next(timeout: 0.05) { retry = a }
        }
        let again = try #require(retry)
        #expect(again.jobID == first.jobID)
        #expect(again.attempt == 2)
        try live.send(live.result(for: again))
        #expect(rig.wait() == .finished)
        #expect(try rig.store.job(id: first.jobID)?.attempts == 2)
        #expect(try rig.store.events().contains { $0.kind == .workerLost && $0.worker == "silent" })
        // The log says so at warning, with the worker in its metadata; the joins are info.
        let lost = rig.logs.entries.filter { $0.level == .warning && $0.metadata["worker.id"] == "silent" }
        #expect(lost.count == 1 && lost[0].message.description.hasPrefix("worker silent lost"), "\(rig.logs.entries)")
        #expect(rig.logs.entries.filter { $0.level == .info && $0.message.description.contains("joined") }.count == 2)
        let accepted = rig.logs.entries.first { $0.metadata["job.id"] == "\(first.jobID)" && $0.metadata["attempt"] == "2" }
        #expect(accepted?.metadata["worker.id"] == "live" && accepted?.level == .info)
    }

    @Test("A job its worker never reports (a JOB lost or undecodable) is handed back as a lost attempt, not held forever")
    func unreportedLeaseReleased() throws {
        let rig = try Rig(seeds: 1)
        try rig.start(heartbeat: 0.05)
        let forgetful = ScriptedWorker(rig, id: "forgetful")
        try forgetful.ready()
        guard case .job(let a)? = try forgetful.next() else { Issue.record("no job"); return }
        // Alive, but its heartbeats never list the job: after three the lease goes back.
        var again: CoordinatorMessage.Assignment?
        let deadline = Date().addingTimeInterval(5)
        while again == nil && Date() < deadline {
            try forgetful.send(.heartbeat(.init(workerID: "forgetful", running: [])))
            if case .job(let b)? = try forgetful.next(timeout: 0.05) { again = b }
        }
        let retry = try #require(again)
        #expect(retry.jobID == a.jobID)
        #expect(retry.attempt == a.attempt + 1)  // counted: a job no worker can start must reach the limit
        try forgetful.send(forgetful.result(for: retry))
        #expect(rig.wait() == .finished)
        #expect(try rig.store.resultCount() == 1)
    }

    @Test("Heartbeat ids not of this sweep are ignored; a job of the sweep held by another worker is cancelled once")
    func heartbeatClaimsAnsweredOnce() throws {
        let rig = try Rig(seeds: 2)
        try rig.start(heartbeat: 0.05)
        let w1 = ScriptedWorker(rig, id: "w1"), w2 = ScriptedWorker(rig, id: "w2")
        try w1.ready()
        guard case .job(let a)? = try w1.next() else { Issue.record("w1 got no job"); return }
        try w2.ready()
        guard case .job(let b)? = try w2.next() else { Issue.record("w2 got no job"); return }
        // w2 lists its own job, w1's job and 500 made-up ones, five times over.
        let claims = [b, a].map { WorkerMessage.RunningJob(jobID: $0.jobID, attempt: $0.attempt, iteration: 1, loss: 0) }
            + (0..<500).map { WorkerMessage.RunningJob(jobID: "ghost-\($0)", attempt: 1, iteration: 1, loss: 0) }
        var answers: [CoordinatorMessage] = []
        for _ in 0..<5 {
            try w2.send(.heartbeat(.init(workerID: "w2", running: claims)))
            try w1.send(.heartbeat(.init(workerID: "w1", running: [.init(jobID: a.jobID, attempt: a.attempt, iteration: 1, loss: 0)])))
            while let m = try w2.next(timeout: 0.1) { answers.append(m) }
        }
        #expect(answers == [.cancel(jobID: a.jobID)])
        try w1.send(w1.result(for: a))
        try w2.send(w2.result(for: b))
        #expect(rig.wait() == .finished)
        #expect(try rig.store.resultCount() == 2)
    }

    @Test("Garbage from a peer is counted and dropped; the sweep goes on")
    func garbage() throws {
        let rig = try Rig(seeds: 1)
        try rig.start()
        let w = ScriptedWorker(rig, id: "w")
        for junk in [[[0xFF]], [Array("EBM/1".utf8), Array("READY".utf8), Array("{".utf8)], []] as [[[UInt8]]] where !junk.isEmpty {
            try w.channel.send(junk, to: nil, timeout: nil)
        }
        try w.ready()
        guard case .job(let a)? = try w.next() else { Issue.record("no job"); return }
        try w.send(w.result(for: a))
        #expect(rig.wait() == .finished)
        #expect(try rig.store.events().filter { $0.kind == .malformed }.count == 2)
    }
}

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
