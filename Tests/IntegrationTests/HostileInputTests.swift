import EBMCore
import Foundation
import Store
import Testing
import TestSupport
import Wire
import ZeroMQ

/// A running coordinator under a flood of hostile bytes from raw ZeroMQ sockets: random frames,
/// truncated and bit-flipped real messages, oversized frames, forged and replayed results. It must
/// keep running, refuse everything that is not a valid message from the job's leaseholder, and
/// finish its sweep with every job done exactly once.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    /// Messages sent by the fuzzer (besides the oversized ones).
    static let fuzzCount = 3000

    @Test("A coordinator flooded with random, truncated, oversized, forged and replayed messages finishes its sweep")
    func fuzzRunningCoordinator() throws {
        let harness = try ProcessHarness(label: "fuzz")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "fuzz", iterations: 1500, seeds: [0]), in: harness, as: "f.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        let coordinator = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "1"])
        let jobsReady = ProcessHarness.poll(timeout: 30) { (SweepFixtures.jobs(in: out)?.count ?? 0) == 2 }
        try #require(jobsReady, "\(coordinator.output)")
        let jobIDs = try #require(SweepFixtures.jobs(in: out)).map(\.job.id)

        let context = try Context()
        var random = RandomSource(seed: 20261129)
        var sent = 0
        var sockets: [Socket] = []
        func dealer(_ id: String) throws -> Socket {
            let s = try Socket(context, kind: .dealer)
            try s.set(.routingID, to: Array(id.utf8))
            try s.set(.linger, to: .zero)
            try s.connect(endpoint)
            sockets.append(s)
            return s
        }
        let fuzzer = try dealer("fuzzer")
        let forger = try dealer("local-1")          // names itself like the real worker, never registers
        let valid = WorkerMessage.result(ResultReport(jobID: jobIDs[0], attempt: 1, status: .ok, metrics: ["kde_nll": -100],
                                                      seconds: 1, secondsPerIteration: 0.001,
                                                      payload: ResultPayload(checkpoint: [1, 2, 3], samples: Matrix(rows: 1, columns: 2), lossHistory: [1])))
        let validFrames = Codec.encode(valid)
        for i in 0..<Self.fuzzCount {
            var frames: [[UInt8]]
            switch i % 6 {
            case 0:  // random frames
                frames = (0..<(1 + random.index(below: 6))).map { _ in (0..<random.index(below: 200)).map { _ in UInt8(random.index(below: 256)) } }
            case 1:  // a real RESULT, truncated
                frames = validFrames
                let f = random.index(below: frames.count)
                frames[f] = Array(frames[f].prefix(random.index(below: max(1, frames[f].count))))
                if random.index(below: 2) == 0 { frames.removeLast() }
            case 2:  // a real RESULT with flipped bits
                frames = validFrames
                let f = random.index(below: frames.count)
                if !frames[f].isEmpty { frames[f][random.index(below: frames[f].count)] ^= UInt8(1 << random.index(below: 8)) }
            case 3:  // the right header, a wrong type or junk JSON
                frames = [Array("EBM/1".utf8), Array(["READY", "RESULT", "BYE", "NOPE", ""][random.index(below: 5)].utf8),
                          Array("{\"worker_id\": \(random.index(below: 3) == 0 ? "[]" : "\"x\"")".utf8)]
            case 4:  // a forged RESULT for a job it does not hold (from a stranger)
                frames = validFrames
            default: // a forged RESULT and a BYE from a connection claiming the real worker's id
                _ = try? forger.send(validFrames, timeout: .milliseconds(10))
                frames = Codec.encode(.bye(workerID: "fuzzer"))
            }
            if (try? fuzzer.send(frames, timeout: .milliseconds(10))) == true { sent += 1 }
        }
        // Oversized: one frame past the coordinator's maximum message size; libzmq drops the peer.
        let big = try dealer("big")
        let oversized = [UInt8](repeating: 0x41, count: WireLimits.maxPayloadBytes + WireLimits.maxHeaderBytes + 1)
        for _ in 0..<2 { _ = try? big.send([Array("EBM/1".utf8), Array("RESULT".utf8), Array("{}".utf8), oversized], timeout: .seconds(2)) }

        let status = coordinator.waitForExit(timeout: 240)
        for s in sockets { s.close() }
        #expect(status == 0, "coordinator:\n\(coordinator.output)")
        let jobs = try #require(SweepFixtures.jobs(in: out))
        let results = try SweepFixtures.results(in: out)
        #expect(jobs.allSatisfy { $0.status == .ok })
        #expect(results.count == jobs.count)
        #expect(results.allSatisfy { $0.worker == "local-1" && $0.metrics["kde_nll"] != -100 })
        let events = try SweepFixtures.events(in: out)
        #expect(events.contains { $0.kind == .malformed })
        #expect(coordinator.output.contains("dropped malformed message"))
        // Every random, truncated or bit-flipped message is counted (forged ones are refused).
        // The closing notice, a service log line (the output is a file): "<time> notice dropped N malformed ...".
        let summary = try #require(coordinator.output.split(separator: "\n").last { $0.contains(" notice dropped ") })
        let dropped = Int(summary.components(separatedBy: " notice dropped ")[1].split(separator: " ")[0]) ?? 0
        #expect(dropped >= Self.fuzzCount / 3, "\(summary)")
        print("fuzz: \(sent) hostile messages sent; coordinator: \(summary); jobs lost 0, duplicated 0")
    }
}
