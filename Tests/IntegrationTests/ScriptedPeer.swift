import EBMCore
import Foundation
import TestSupport
import Wire
import ZeroMQ

/// A worker played by the test: a real ZeroMQ DEALER speaking EBM/1 through the Wire codec, sending
/// exactly what a hostile or broken peer would, and reading only when the test says so.
final class ScriptedPeer {
    let socket: Socket
    let name: String
    /// JOBs received by `drain`, listed by `heartbeatHeld` so the coordinator lets us keep them.
    private(set) var held: [CoordinatorMessage.Assignment] = []
    /// ACKs received by `drain`.
    private(set) var acks = 0

    /// Connects to `endpoint`. `receiveHighWaterMark` 1 (with a small kernel buffer) makes a peer
    /// that never reads fill the coordinator's pipe to it sooner; `sendHighWaterMark` 1 keeps big messages out of our memory
    /// until the coordinator takes them.
    init(_ context: Context, endpoint: String, name: String, receiveHighWaterMark: Int? = nil,
         sendHighWaterMark: Int? = nil) throws {
        socket = try Socket(context, kind: .dealer)
        self.name = name
        try socket.set(.linger, to: .zero)
        if let receiveHighWaterMark {
            try socket.set(.receiveHighWaterMark, to: receiveHighWaterMark)
            try socket.set(.receiveBufferSize, to: 4096)
        }
        if let sendHighWaterMark { try socket.set(.sendHighWaterMark, to: sendHighWaterMark) }
        try socket.connect(endpoint)
    }

    deinit { socket.close() }

    /// Sends without waiting; false when our own queue is full (the coordinator is not reading).
    @discardableResult
    func send(_ message: WorkerMessage, timeout: Duration = .zero) -> Bool {
        (try? socket.send(message, timeout: timeout)) ?? false
    }

    @discardableResult
    func send(frames: [[UInt8]], timeout: Duration = .zero) -> Bool {
        (try? socket.send(frames, to: nil, timeout: timeout)) ?? false
    }

    func ready(slots: Int = 1, pid: Int = 4242, host: String = "scripted") {
        send(.ready(.init(workerID: name, host: host, pid: pid, slots: slots, build: "scripted")), timeout: .seconds(1))
    }

    func heartbeat(_ running: [WorkerMessage.RunningJob] = []) {
        send(.heartbeat(.init(workerID: name, running: running)), timeout: .seconds(1))
    }

    /// Reads whatever has arrived, without waiting: counts ACKs, keeps JOBs.
    func drain() {
        while let delivery = try? socket.receiveDelivery(timeout: .zero) {
            switch try? Codec.decode(delivery.frames, as: CoordinatorMessage.self) {
            case .ack?: acks += 1
            case .job(let assignment)?: held.append(assignment)
            default: break
            }
        }
    }

    /// A heartbeat listing the JOBs we hold: a lease we keep, though we never deliver it.
    func heartbeatHeld() {
        heartbeat(held.map { .init(jobID: $0.jobID, attempt: $0.attempt, iteration: 1, loss: 0) })
    }

    /// The next coordinator message that is not a heartbeat, or nil within `timeout`.
    func next(timeout: Double = 5) -> CoordinatorMessage? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let delivery = try? socket.receiveDelivery(timeout: .milliseconds(50)) else { continue }
            guard let message = try? Codec.decode(delivery.frames, as: CoordinatorMessage.self) else { continue }
            if message != .heartbeat { return message }
        }
        return nil
    }

    /// Heartbeats (listing `running`) every `interval` until a JOB arrives or `timeout` passes.
    func nextJob(timeout: Double = 10, interval: Double = 0.1,
                 running: () -> [WorkerMessage.RunningJob] = { [] }) -> CoordinatorMessage.Assignment? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            heartbeat(running())
            if case .job(let assignment)? = next(timeout: interval) { return assignment }
        }
        return nil
    }

    /// A small, well-formed RESULT.
    static func result(jobID: String, attempt: Int, status: RunStatus = .ok, error: String? = nil,
                       payload: ResultPayload = ResultPayload(checkpoint: [1, 2, 3], samples: Matrix(rows: 1, columns: 2),
                                                              lossHistory: [1])) -> WorkerMessage {
        .result(ResultReport(jobID: jobID, attempt: attempt, status: status, metrics: ["kde_nll": 1], error: error,
                             seconds: 1, secondsPerIteration: 0.001, payload: payload))
    }
}

/// A coordinator with no local workers, on a free loopback port, heartbeating every 0.2 s by
/// default (a worker is lost after 1 s of silence), waiting for scripted peers.
struct CoordinatorUnderTest {
    let harness: ProcessHarness
    let process: ProcessHarness.Child
    let endpoint: String
    let out: String
    let jobIDs: [String]

    init(label: String, lrs: [Double] = [1e-3, 3e-3], seeds: [Int] = [0, 1], extraSpec: String = "",
         heartbeat: Double = 0.2) throws {
        harness = try ProcessHarness(label: label)
        let text = SweepFixtures.spec(name: label, iterations: 50, lrs: lrs, seeds: seeds) + "\n" + extraSpec
        let spec = try SweepFixtures.write(text, in: harness, as: "\(label).yaml")
        out = harness.directory.appendingPathComponent("out").path
        endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        process = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--bind", endpoint,
                                                  "--local-workers", "0", "--heartbeat", "\(heartbeat)"], name: "coordinator")
        let count = lrs.count * seeds.count
        let out = out
        let planned = ProcessHarness.poll(timeout: 60) { (SweepFixtures.jobs(in: out)?.count ?? 0) == count }
        guard planned, let jobs = SweepFixtures.jobs(in: out) else {
            throw CoordinatorFailure(description: "the coordinator did not plan its jobs:\n\(process.output)")
        }
        jobIDs = jobs.map(\.job.id)
        // The jobs are planned before the socket is bound.
        let process = process
        _ = ProcessHarness.poll(timeout: 10) { process.output.contains("listening on") }
    }

    /// SIGINT, then the exit status, or nil when it does not exit within `timeout` seconds.
    func interrupt(timeout: Double) -> Int32? {
        process.signal(SIGINT)
        return process.waitForExit(timeout: timeout)
    }

    /// Peak resident memory of the coordinator so far, in MiB (VmHWM).
    var peakMemoryMiB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }
}

struct CoordinatorFailure: Error, CustomStringConvertible {
    let description: String
}
