import EBMCore
import Foundation
import Testing
import TestSupport

/// `ebm-sweep train` as a user runs it: the real binary, its output and the files it leaves.
@Suite("train command")
struct TrainCommandTests {
    /// A DSM run small enough for seconds: 1×32 softplus, 20 iterations, 200 evaluation samples.
    static func smallDSM(lr: String, out: String) -> [String] {
        ["train", "--method", "dsm", "--lr", lr, "--iterations", "20", "--neurons", "32", "--hidden-layers", "1",
         "--eval-samples", "200", "--quiet", "--out", out]
    }

    static func metrics(_ directory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/metrics.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The issue's case (`--method dsm --lr 5`: kde_nll 1e7, every sample escaped, reported ok),
    /// on a model small enough to explode the same way in 20 iterations.
    @Test("An exploded DSM run is reported diverged with the reason, not ok")
    func explodedRunIsDiverged() throws {
        let harness = try ProcessHarness(label: "exploded")
        let out = harness.directory.appendingPathComponent("lr5").path
        let (status, output) = try harness.run("ebm-sweep", Self.smallDSM(lr: "5", out: out))
        #expect(status == 0, "a diverged run is a result: \(output)")
        #expect(output.contains("status: diverged (diverged in evaluation: 100 % of the samples escaped"), "\(output)")
        let json = try Self.metrics(out)
        #expect(json["status"] as? String == "diverged")
        #expect((json["error"] as? String)?.contains("escaped the data's box") == true)

        let sane = harness.directory.appendingPathComponent("lr1").path
        let (_, saneOutput) = try harness.run("ebm-sweep", Self.smallDSM(lr: "1", out: sane))
        #expect(saneOutput.contains("status: ok"), "lr 1 leaves a minority of samples outside: \(saneOutput)")
    }

    @Test("train warns before training a Langevin step whose noise is wider than the data, and trains it as asked")
    func noiseFloorWarning() throws {
        let harness = try ProcessHarness(label: "floor")
        let small = ["train", "--method", "ml", "--iterations", "2", "--neurons", "8", "--hidden-layers", "1",
                     "--eval-samples", "50", "--eval-steps", "5", "--quiet"]
        let (status, output) = try harness.run("ebm-sweep", small + ["--langevin-step-size", "0.01", "--out",
                                                                     harness.directory.appendingPathComponent("wide").path])
        #expect(status == 0 && output.contains("status: "), "\(output)")
        #expect(output.contains("warning: the Langevin noise √(2ε) = 0.141 of --langevin-step-size is wider than the "
                                + "swiss_roll data's narrowest spread 0.0717") && output.contains("steps up to 0.00257"), "\(output)")
        let (_, quiet) = try harness.run("ebm-sweep", small + ["--out", harness.directory.appendingPathComponent("template").path])
        #expect(!quiet.contains("warning"), "the template's 5e-4 is below the floor: \(quiet)")
    }

    @Test("train --out onto an existing run is refused in one sentence, before training, unless --force")
    func existingRunRefused() throws {
        let harness = try ProcessHarness(label: "overwrite")
        let out = harness.directory.appendingPathComponent("run").path
        let first = try harness.run("ebm-sweep", Self.smallDSM(lr: "1e-3", out: out))
        try #require(first.status == 0, "\(first.output)")
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))

        // The template's 5000 iterations would take minutes: a quick refusal proves nothing trained.
        let started = Date()
        let refused = try harness.run("ebm-sweep", ["train", "--method", "dsm", "--quiet", "--out", out], timeout: 60)
        #expect(refused.status != 0)
        #expect(Date().timeIntervalSince(started) < 30)
        let lines = refused.output.split(separator: "\n")
        #expect(lines == ["Error: \(out) already holds a run (checkpoint.ebm, metrics.json, samples.csv); give another --out, or --force to overwrite it."],
                "\(refused.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")) == before)

        let forced = try harness.run("ebm-sweep", Self.smallDSM(lr: "1e-3", out: out) + ["--seed", "1", "--force"])
        #expect(forced.status == 0, "\(forced.output)")
        let hyperparameters = try #require(try Self.metrics(out)["hyperparameters"] as? [String: Any])
        #expect(hyperparameters["seed"] as? Int == 1)

        // Something else in the directory is refused the same way.
        let other = harness.directory.appendingPathComponent("notes").path
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try "mine".write(toFile: other + "/todo.txt", atomically: true, encoding: .utf8)
        let notEmpty = try harness.run("ebm-sweep", Self.smallDSM(lr: "1e-3", out: other))
        #expect(notEmpty.status != 0 && notEmpty.output.contains("\(other) is not empty; give another --out"), "\(notEmpty.output)")
    }

    @Test("An unusable --out is found before training and reported in one sentence, without a Foundation dump")
    func unwritableOut() throws {
        let harness = try ProcessHarness(label: "unwritable")
        let file = harness.directory.appendingPathComponent("file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        var cases: [(out: String, message: String)] = [
            (file + "/run", "Error: cannot create \(file)/run: Not a directory."),
            (file, "Error: \(file) exists and is not a directory; give another --out."),
        ]
        if getuid() != 0 {   // root writes anywhere: a read-only directory stops only other users
            let locked = harness.directory.appendingPathComponent("locked").path
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o500])
            cases.append((locked, "Error: cannot write in \(locked): Permission denied."))
        }
        for (out, message) in cases {
            let started = Date()
            let (status, output) = try harness.run("ebm-sweep", ["train", "--method", "dsm", "--quiet", "--out", out], timeout: 60)
            #expect(status != 0)
            #expect(Date().timeIntervalSince(started) < 30, "it trained first")
            #expect(output.split(separator: "\n") == [Substring(message)], "\(output)")
        }
    }

    @Test("Every registry entry is a train flag, its help saying what it is, its range and its default")
    func everyHyperparameterIsAFlag() throws {
        let harness = try ProcessHarness(label: "flags")
        let (status, help) = try harness.run("ebm-sweep", ["train", "--help"], environment: ["COLUMNS": "400"])
        #expect(status == 0)
        let lines = help.split(separator: "\n")
        for p in Hyperparameter.registry {
            let synopsis = "  \(p.flag) <\(p.valueName)>"
            guard let i = lines.firstIndex(where: { $0.hasPrefix(synopsis) }) else {
                Issue.record("no \(synopsis)")
                continue
            }
            // A long synopsis has its help on the next line.
            let text = lines[i] == synopsis && i + 1 < lines.count ? lines[i + 1] : lines[i]
            #expect(text.contains(p.summary) && text.contains("default"), "\(p.name): \(text)")
        }
    }

    @Test("A misspelt or valueless flag is named, with the flag meant", arguments: [
        (["--hidden-layer", "2"], "Unknown option '--hidden-layer'. Did you mean '--hidden-layers'?"),
        (["--lr"], "Missing value for '--lr <rate>'"),
        (["--neurons", "wide"], "The value 'wide' is invalid for '--neurons <n>'"),
    ])
    func flagMistakes(arguments: [String], expected: String) throws {
        let harness = try ProcessHarness(label: "flagtypo")
        let (status, output) = try harness.run("ebm-sweep", ["train"] + arguments)
        #expect(status == 64)
        #expect(output.contains(expected) && output.contains("Usage: ebm-sweep train"), "\(output)")
    }
}
