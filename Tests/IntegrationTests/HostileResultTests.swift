import EBMCore
import Foundation
import Testing
import TestSupport
import Wire
import ZeroMQ

/// A scripted peer speaking EBM/1 over a real socket takes a job and returns a RESULT whose
/// numbers are valid on the wire but hostile to the report: the coordinator stores it, ranks it
/// and writes every file with bounded output. A loss history of [0, 1e-310] × 25 once made the
/// loss plot's ticks endless, so the coordinator (and every later `report`) grew without bound.
@Suite("Hostile results", .serialized)
struct HostileResultTests {
    @Test("A leaseholder's RESULT with a subnormal loss history is stored and reported, with a bounded loss plot")
    func subnormalLossHistory() throws {
        let harness = try ProcessHarness(label: "subnormal")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "sub", iterations: 50, lrs: [1e-3], seeds: [0]), in: harness, as: "s.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let endpoint = "tcp://127.0.0.1:\(try ProcessHarness.freePort())"
        let coordinator = try harness.start("ebm-sweep", ["run", spec, "--out", out, "--bind", endpoint, "--local-workers", "0"])

        let context = try Context()
        let peer = try Socket(context, kind: .dealer)
        try peer.set(.routingID, to: Array("peer-1".utf8))
        try peer.set(.linger, to: .zero)
        try peer.connect(endpoint)
        defer { peer.close() }
        let ready = WorkerMessage.ready(.init(workerID: "peer-1", host: "script", pid: 1, slots: 1, build: "test"))
        try #require(try peer.send(Codec.encode(ready), timeout: .seconds(10)))
        var assignment: CoordinatorMessage.Assignment?
        let deadline = Date().addingTimeInterval(60)
        while assignment == nil && Date() < deadline {
            guard let frames = try peer.receive(timeout: .seconds(1)) else { continue }
            if case .job(let job)? = try? Codec.decode(frames, as: CoordinatorMessage.self) { assignment = job }
        }
        let job = try #require(assignment, "no JOB within 60 s:\n\(coordinator.output)")

        var random = RandomSource(seed: 7)
        let model = Model(config: job.config, random: &random)
        let checkpoint = Checkpoint(model: model, config: job.config, metrics: ["kde_nll": 1.5]).encoded()
        let losses: [Double] = Array(repeating: [0, 1e-310], count: 25).flatMap { $0 }
        let samples = Matrix(rows: 4, columns: 2, storage: [0, 0, 1e-310, 5e-324, -1, 1, .greatestFiniteMagnitude, 0])
        let result = WorkerMessage.result(ResultReport(jobID: job.jobID, attempt: job.attempt, status: .ok, metrics: ["kde_nll": 1.5],
                                                       seconds: 1, secondsPerIteration: 0.02,
                                                       payload: ResultPayload(checkpoint: checkpoint, samples: samples, lossHistory: losses)))
        try #require(try peer.send(Codec.encode(result), timeout: .seconds(10)))

        let status = coordinator.waitForExit(timeout: 120)
        if status == nil { coordinator.signal(SIGKILL) }
        #expect(status == 0, "coordinator:\n\(coordinator.output)")
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(report.utf8.count < 5_000_000)
        let best = try FileManager.default.contentsOfDirectory(atPath: out + "/best")
        let loss = try String(contentsOfFile: "\(out)/best/\(try #require(best.first))/loss.svg", encoding: .utf8)
        #expect(loss.utf8.count < 300_000)
        #expect(loss.hasPrefix("<svg") && loss.hasSuffix("</svg>\n"))
        let results = try SweepFixtures.results(in: out)
        #expect(results.count == 1 && results.first?.lossHistory.count == 50)
    }
}
