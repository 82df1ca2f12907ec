import EBMCore
import Foundation
import Logging
import Sweep
import Testing
@testable import Cluster
import Wire

/// A worker loop on virtual time: the test plays its coordinator on an in-memory router (each
/// connection the worker makes is a new dealer), owns its clock and stop source, and ends its
/// jobs by hand (`ManualJobs`).
final class WorkerRig {
    static var defaultSettings: WorkerSettings {
        var settings = WorkerSettings(endpoint: "inproc://test", name: "w")
        settings.heartbeatInterval = 0.25   // binary fractions: virtual times add up exactly
        return settings
    }

    let router = InMemoryChannel.router()
    let clock = ManualLoopClock()
    let stop = ManualStopSource()
    let jobs = ManualJobs()
    let settings: WorkerSettings
    /// Every connection the worker made, oldest first.
    private(set) var connections: [InMemoryChannel] = []
    /// Calls of the connect function, failed ones included.
    private(set) var attempts = 0
    /// The next this many connects fail (a coordinator that cannot be reached).
    var failingConnects = 0
    private(set) var worker: Worker!

    init(settings: WorkerSettings = WorkerRig.defaultSettings) {
        self.settings = settings
        worker = Worker(settings: settings, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                        connect: { [unowned self] in try self.connect() }, jobs: jobs, clock: clock, stop: stop)
    }

    private func connect() throws -> any FrameChannel {
        attempts += 1
        if failingConnects > 0 {
            failingConnects -= 1
            throw ConnectFailure()
        }
        let channel = router.connectDealer(routingID: Array("conn-\(connections.count)".utf8))
        connections.append(channel)
        return channel
    }

    struct ConnectFailure: Error {}

    @discardableResult
    func turn() throws -> Worker.Exit? { try worker.turn() }

    /// Moves virtual time by `seconds`, then turns the worker once.
    @discardableResult
    func advance(by seconds: Double) throws -> Worker.Exit? {
        clock.advance(by: seconds)
        return try turn()
    }

    /// Sends `message` to the worker's newest connection.
    func send(_ message: CoordinatorMessage) {
        guard let peer = connections.last?.routingID else { Issue.record("the worker has no connection"); return }
        do { try router.send(message, to: peer) } catch { Issue.record("send to the worker: \(error)") }
    }

    /// What the worker sent since the last call, with the index of the connection it came on.
    func received() -> [(connection: Int, message: WorkerMessage)] {
        var messages: [(Int, WorkerMessage)] = []
        while let delivery = try? router.receiveDelivery(timeout: .zero), let peer = delivery.peer {
            guard let message = try? Codec.decode(delivery.frames, as: WorkerMessage.self) else {
                Issue.record("the worker sent a malformed message")
                continue
            }
            messages.append((Int(String(decoding: peer.dropFirst(5), as: UTF8.self)) ?? -1, message))
        }
        return messages
    }

    /// Every field at its default: the worker never looks inside (ManualJobs does not train).
    static let config = Planner.plan(try! SweepSpec.parse(yaml: """
        name: t
        method: ml
        fixed: {data_size: 64, neurons: 4, hidden_layers: 1, batch_size: 8, iterations: 5}
        seeds: [0]
        """, file: "t.yaml"))[0].config

    func assignment(_ jobID: String, attempt: Int = 1) -> CoordinatorMessage.Assignment {
        CoordinatorMessage.Assignment(jobID: jobID, attempt: attempt, config: Self.config,
                                      evaluation: EvaluationConfig(samples: 10, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 1), rungs: nil)
    }
}

/// Jobs that run until the test ends them.
final class ManualJobs: JobRunner {
    private(set) var started: [ManualJob] = []

    func start(_ assignment: CoordinatorMessage.Assignment, worker: String) -> any JobHandle {
        let job = ManualJob(assignment: assignment, worker: worker)
        started.append(job)
        return job
    }
}

final class ManualJob: JobHandle {
    let assignment: CoordinatorMessage.Assignment
    let worker: String
    var progress = JobSlot.Progress(iteration: 0, loss: .nan)
    var rungReports: [RungReport] = []
    private(set) var result: JobResult?
    private(set) var isCancelled = false

    init(assignment: CoordinatorMessage.Assignment, worker: String) {
        self.assignment = assignment
        self.worker = worker
    }

    func takeRungReports() -> [RungReport] {
        defer { rungReports.removeAll() }
        return rungReports
    }

    func cancel() { isCancelled = true }

    /// Ends the job with a small result of `status`.
    func finish(status: RunStatus = .ok) {
        result = JobResult(jobID: assignment.jobID, attempt: assignment.attempt, status: status,
                           metrics: status == .ok ? ["kde_nll": 1.5] : [:], error: status == .ok ? nil : "\(status)",
                           worker: worker, seconds: 1, secondsPerIteration: 0.01, lossHistory: [1],
                           samples: Matrix(rows: 1, columns: 2), checkpoint: [1])
    }
}
