import Foundation
import Testing
import TestSupport

/// What a user sees for bad input: one clear message naming the file, line and key (or flag),
/// a non-zero exit, and no crash.
@Suite("Command-line errors")
struct CommandLineTests {
    @Test("A spec with mistakes is refused before any job starts, naming file, line and key of each")
    func badSpec() throws {
        let harness = try ProcessHarness(label: "badspec")
        let spec = try SweepFixtures.write("""
            name: bad
            method: ml
            fixed:
              langevin_stepz: 10
              sigma: 0.1
            grid:
              lr: [1.0e-3, -1.0]
            seeds: [0]
            """, in: harness, as: "bad.yaml")
        let out = harness.directory.appendingPathComponent("out").path
        let (status, output) = try harness.run("ebm-sweep", ["run", spec, "--out", out, "--local-workers", "0"])
        #expect(status != 0)
        #expect(output.contains("bad.yaml:4"), "\(output)")
        #expect(output.contains("langevin_stepz") && output.contains("langevin_steps"))
        #expect(output.contains("bad.yaml:5") && output.contains("sigma"))
        #expect(output.contains("bad.yaml:7") && output.contains("grid.lr[1]"))
        #expect(!FileManager.default.fileExists(atPath: out + "/sweep.sqlite"))
        #expect(!output.contains("Fatal error"))
    }

    @Test("train refuses an out-of-range flag with a sentence naming the flag", arguments: [
        (["--lr", "-1"], "--lr"),
        (["--method", "ml", "--sigma", "0.2"], "--sigma"),
        (["--batch-size", "0"], "--batch-size"),
        (["--eval-steps", "-3"], "--eval-steps"),
        (["--activation", "gelu"], "--activation"),
    ])
    func badTrainFlag(arguments: [String], flag: String) throws {
        let harness = try ProcessHarness(label: "badflag")
        let (status, output) = try harness.run("ebm-sweep", ["train"] + arguments + ["--out", harness.directory.path + "/run"])
        #expect(status != 0)
        #expect(output.contains(flag), "\(output)")
        #expect(!output.contains("Fatal error"))
    }

    @Test("plan prints the job count and the first rows without running anything")
    func plan() throws {
        let harness = try ProcessHarness(label: "plan")
        let spec = try SweepFixtures.write(SweepFixtures.spec(name: "p", iterations: 10, lrs: [1e-3, 2e-3, 3e-3], seeds: [0, 1]), in: harness, as: "p.yaml")
        let (status, output) = try harness.run("ebm-sweep", ["plan", spec])
        #expect(status == 0, "\(output)")
        #expect(output.contains("6 jobs"), "\(output)")
    }
}
