import Foundation
import Testing
import TestSupport

/// The command line as people expect it from swift-argument-parser tools and git, checked on the
/// real binaries: help that the terminal wraps (not the source), value names that say what they
/// are, help for every option, a suggestion for a misspelt command, and errors with the right
/// usage line (or none, when the command line was fine).
@Suite("Command-line conventions")
struct CommandLineConventionTests {
    static let sweepCommands = ["", "run", "train", "plan", "status", "report", "plot", "keygen", "bench", "trace", "replay"]

    /// `--help` of every command of both products, at `columns` wide.
    func helps(columns: Int) throws -> [(command: String, text: String)] {
        let harness = try ProcessHarness(label: "help")
        var texts: [(String, String)] = []
        for (product, command) in Self.sweepCommands.map({ ("ebm-sweep", $0) }) + [("ebm-worker", "")] {
            let arguments = (command.isEmpty ? [] : [command]) + ["--help"]
            let (status, output) = try harness.run(product, arguments, environment: ["COLUMNS": "\(columns)"])
            #expect(status == 0, "\(product) \(command): \(output)")
            texts.append(("\(product) \(command)", output))
        }
        return texts
    }

    @Test("Help fits 80 columns, and on a wide terminal no sentence is broken by hand")
    func helpWrapping() throws {
        for (command, text) in try helps(columns: 80) {
            for line in text.split(separator: "\n") where !line.hasPrefix("USAGE:") {
                #expect(line.count <= 80, "\(command): \(line)")
            }
        }
        for (command, text) in try helps(columns: 400) {
            // The prose above USAGE: each line is a whole paragraph (or a list item, indented).
            let prose = text.components(separatedBy: "USAGE:")[0].split(separator: "\n")
            for line in prose where !line.hasPrefix(" ") {
                #expect(".:)".contains(line.last ?? "."), "\(command): a line broken mid-sentence: \(line)")
            }
        }
    }

    @Test("Every option has help, and value names say what they are")
    func optionHelp() throws {
        let texts = try helps(columns: 400)
        for (command, text) in texts {
            let lines = text.components(separatedBy: "OPTIONS:").dropFirst().joined().split(separator: "\n")
            for (i, line) in lines.enumerated() where line.hasPrefix("  -") {
                // "  --name <value>  Help.", or the help on the next, indented line when the synopsis is long.
                let synopsis = try #require(line.firstMatch(of: /^ +(-\w, )?--[\w-]+( <[^>]+>)?( \.\.\.)?/))
                var help = line[synopsis.range.upperBound...].trimmingCharacters(in: .whitespaces)
                if help.isEmpty, i + 1 < lines.count, lines[i + 1].hasPrefix("          ") {
                    help = lines[i + 1].trimmingCharacters(in: .whitespaces)
                }
                #expect(!help.isEmpty, "\(command): no help for \(line)")
            }
        }
        let all = texts.map(\.text).joined(separator: "\n")
        for synopsis in ["--out <dir>", "--bind <endpoint>", "--curve <dir>", "--connect <endpoint>", "--lr <rate>",
                         "--heartbeat <seconds>", "<spec.yaml>"] {
            #expect(all.contains(synopsis), "no \(synopsis)")
        }
        for vague in ["<out>", "<bind>", "<curve>", "<connect>", "<lr>", "<heartbeat>", "<directory>"] {
            #expect(!all.contains(vague), "\(vague) says nothing about its value")
        }
    }

    @Test("A misspelt command gets a suggestion and the top-level usage", arguments: [
        ("rn", "did you mean 'run'?"), ("stauts", "did you mean 'status'?"), ("trian", "did you mean 'train'?"),
        ("frobnicate", "'frobnicate' is not an ebm-sweep command"),
    ])
    func misspeltCommand(word: String, expected: String) throws {
        let harness = try ProcessHarness(label: "typo")
        let (status, output) = try harness.run("ebm-sweep", [word])
        #expect(status == 64)
        #expect(output.contains(expected), "\(output)")
        #expect(output.contains("Usage: ebm-sweep <subcommand>"), "\(output)")
    }

    @Test("A negative number reaches the range check, which names the flag", arguments: [
        (["train", "--lr", "-1"], "--lr must be"), (["train", "--seed", "-3"], "--seed must be"),
        (["plan", "sweeps/smoke.yaml", "--workers", "-2"], "--workers must be"),
    ])
    func negativeValue(arguments: [String], expected: String) throws {
        let harness = try ProcessHarness(label: "negative")
        let (status, output) = try harness.run("ebm-sweep", arguments)
        #expect(status == 64)
        #expect(output.contains(expected) && !output.contains("Missing value"), "\(output)")
    }

    @Test("A command-line mistake shows that subcommand's usage; a failure at run time shows none")
    func usageLines() throws {
        let harness = try ProcessHarness(label: "usage")
        let bad = try harness.run("ebm-sweep", ["run", "sweeps/smoke.yaml", "--bind", "nowhere"])
        #expect(bad.status == 64 && bad.output.contains("Usage: ebm-sweep run <spec.yaml>"), "\(bad.output)")
        let empty = harness.directory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let missing = try harness.run("ebm-sweep", ["status", empty])
        #expect(missing.status == 1 && missing.output.contains("holds no sweep.sqlite"), "\(missing.output)")
        #expect(!missing.output.contains("Usage:"), "\(missing.output)")
    }

    @Test("A spec file that is not there says so")
    func missingSpec() throws {
        let harness = try ProcessHarness(label: "nospec")
        for arguments in [["run", "sweeps/no_such.yaml", "--local-workers", "0"], ["plan", "sweeps/no_such.yaml"]] {
            let (status, output) = try harness.run("ebm-sweep", arguments)
            #expect(status != 0)
            #expect(output.contains("sweeps/no_such.yaml: no such file"), "\(output)")
        }
    }
}
