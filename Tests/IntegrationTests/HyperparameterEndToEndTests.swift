import EBMCore
import Foundation
import Sweep
import Testing
import TestSupport

/// A hyperparameter added as one registry entry (`grad_clip`) works everywhere the registry
/// reaches, on the real binaries: the spec, the planner's ids, the wire to worker processes, the
/// store, the tables, and `train`'s flag.
@Suite("A hyperparameter end to end", .serialized)
struct HyperparameterEndToEndTests {
    /// One tiny ML configuration per clip; SGD, whose step the clip visibly changes.
    static func spec(clips: String?) -> String {
        """
        name: clip
        method: ml
        dataset: swiss_roll
        fixed:
          data_size: 256
          hidden_layers: 1
          neurons: 16
          batch_size: 64
          iterations: 30
          optimizer: sgd
          lr: 0.01
        \(clips.map { "grid:\n  grad_clip: \($0)\n" } ?? "")seeds: [0]
        evaluation:
          samples: 200
          sampler: {init: normal, step_size: 5.0e-4, steps: 20}
        keep_best: 2
        """
    }

    static func csv(_ path: String) throws -> [[String: String]] {
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test("A sweep over grad_clip: the value reaches the workers, the store and the tables; at 0 the id is unchanged")
    func sweepOverGradClip() throws {
        let harness = try ProcessHarness(label: "gradclip")
        let path = try SweepFixtures.write(Self.spec(clips: "[0, 0.01]"), in: harness, as: "clip.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let (status, output) = try harness.run("ebm-sweep", ["run", path, "--out", out, "--local-workers", "2"], timeout: 240)
        #expect(status == 0, "\(output)")

        let jobs = try #require(SweepFixtures.jobs(in: out))
        #expect(jobs.map(\.job.config.gradClip).sorted() == [0, 0.01])
        let results = try SweepFixtures.results(in: out)
        #expect(results.count == 2 && results.allSatisfy { $0.status == .ok })
        let clipped = try #require(jobs.first { $0.job.config.gradClip == 0.01 })
        let free = try #require(jobs.first { $0.job.config.gradClip == 0 })
        #expect(clipped.worker?.hasPrefix("local-") == true)
        // The worker wrote its checkpoint from the configuration it was sent.
        let result = try #require(results.first { $0.jobID == clipped.job.id })
        #expect(try Checkpoint(decoding: result.checkpoint).config.gradClip == 0.01)
        let freeLosses = try #require(results.first { $0.jobID == free.job.id }).lossHistory
        #expect(result.lossHistory != freeLosses, "same seed, same losses: the clip did not act")

        // grad_clip at its default leaves the configuration's id what it is without the key.
        let plain = Planner.plan(try SweepSpec.parse(yaml: Self.spec(clips: nil), file: "plain.yaml"))
        #expect(free.job.configID == plain.first?.configID)

        for table in ["results.csv", "runs.csv"] {
            let rows = try Self.csv(out + "/" + table)
            #expect(Set(rows.compactMap { $0["grad_clip"].flatMap(Double.init) }) == [0, 0.01], "\(table)")
        }
        let markdown = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        #expect(markdown.contains("grad_clip"), "\(markdown)")
        let best = try FileManager.default.contentsOfDirectory(atPath: out + "/best")
        for directory in best {
            let table = try String(contentsOfFile: out + "/best/\(directory)/hyperparameters.md", encoding: .utf8)
            #expect(table.contains("| grad_clip"), "\(table)")
        }
    }

    @Test("train --grad-clip trains with it and records it")
    func trainFlag() throws {
        let harness = try ProcessHarness(label: "trainclip")
        let out = harness.directory.appendingPathComponent("run").path
        let (status, output) = try harness.run("ebm-sweep", [
            "train", "--method", "dsm", "--iterations", "20", "--neurons", "32", "--hidden-layers", "1",
            "--eval-samples", "200", "--grad-clip", "0.5", "--quiet", "--out", out])
        #expect(status == 0, "\(output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hyperparameters = try #require(json["hyperparameters"] as? [String: Any])
        #expect(hyperparameters["grad_clip"] as? Double == 0.5)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/checkpoint.ebm")))
        #expect(try Checkpoint(decoding: bytes).config.gradClip == 0.5)
    }

    @Test("A negative grad_clip is refused naming the flag or the spec key, with the range")
    func negativeRefused() throws {
        let harness = try ProcessHarness(label: "badclip")
        let flag = try harness.run("ebm-sweep", ["train", "--grad-clip", "-1"])
        #expect(flag.status == 64)
        #expect(flag.output.contains("--grad-clip must be a number at least 0.0 and at most 1000000.0, got -1.0"), "\(flag.output)")
        let path = try SweepFixtures.write(Self.spec(clips: "[0.5, -1]"), in: harness, as: "bad.yaml")
        let spec = try harness.run("ebm-sweep", ["plan", path])
        #expect(spec.status != 0)
        #expect(spec.output.contains("bad.yaml:13: grid.grad_clip[1]: must be a number at least 0.0"), "\(spec.output)")
    }
}
