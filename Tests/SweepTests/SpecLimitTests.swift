import EBMCore
import Foundation
import Testing
@testable import Sweep

/// Specs that are valid YAML with valid values, but ask for more than a sweep can hold or a
/// worker can run: refused at parse time, with the size they would need and the key to change.
@Suite("Spec limits")
struct SpecLimitTests {
    @Test("an 11 × 10⁶-job grid is refused from its counts, naming the count and its largest axis")
    func hugeGrid() throws {
        let values = (1...10).map { "\($0 * 16)" }.joined(separator: ", ")
        let yaml = """
            method: ml
            fixed:
              data_size: 1000000
            grid:
              lr: [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01]
              neurons: [\(values)]
              batch_size: [\(values)]
              iterations: [\(values)]
              langevin_steps: [\(values)]
              weight_decay: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
            seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
            """
        let clock = ContinuousClock()
        var found: [SpecIssue] = []
        let elapsed = clock.measure { found = issues(yaml) }
        print("an 11 000 000-job spec refused in \(elapsed)", found.first?.description ?? "")
        try #require(found.count == 1, "\(found)")
        #expect(found[0].keyPath == "seeds" && found[0].line == 11)
        #expect(found[0].message.contains("11000000 jobs") && found[0].message.contains("100000"))
    }

    @Test("a grid whose job count overflows Int is refused, not multiplied into a crash")
    func overflowingGrid() throws {
        // 20⁸ grid points × 10⁶ samples × 1000 seeds ≈ 2.6e19 > Int.max.
        let reals = ["lr", "weight_decay", "energy_reg", "langevin_step_size"].map { name in
            "  \(name): [" + (1...20).map { "0.0\($0)1" }.joined(separator: ", ") + "]"
        }
        let integers = ["batch_size", "iterations", "langevin_steps", "data_size"].map { name in
            "  \(name): [" + (1...20).map { "\($0 * 1000)" }.joined(separator: ", ") + "]"
        }
        let axes = reals + integers
        let yaml = "method: ml\ngrid:\n" + axes.joined(separator: "\n") + "\nrandom:\n  samples: 1000000\n  neurons: {int: [1, 64]}\n"
            + "seeds: [" + (0..<1000).map(String.init).joined(separator: ", ") + "]\n"
        let found = issues(yaml)
        #expect(found.count == 1 && found.first?.keyPath == "random.samples", "\(found)")
        #expect(found.first?.message.contains("jobs") == true)
    }

    @Test("exactly maxJobs jobs are allowed")
    func atTheLimit() throws {
        let yaml = "method: ml\nrandom:\n  samples: 100000\n  lr: {log_uniform: [0.0001, 0.01]}\n"
        #expect(try spec(yaml).requestedJobCount == SweepSpec.maxJobs)
    }

    @Test("a model that cannot fit in memory is refused at the key that set it, with the memory it needs")
    func modelTooLargeForMemory() throws {
        let found = issues("""
            method: ml
            fixed:
              data_size: 65536
              neurons: 4096
              hidden_layers: 8
              batch_size: 65536
            """)
        try #require(found.count == 1, "\(found)")
        print(found[0].description)
        #expect(found[0].keyPath == "fixed.batch_size" && found[0].line == 6)
        #expect(found[0].message.hasPrefix("65536 with 8 hidden layers of 4096 neurons needs about"), "\(found[0].message)")
        #expect(found[0].message.contains("GiB of memory") && found[0].message.contains("16.0 GiB"))
    }

    @Test("a model whose checkpoint cannot travel in a RESULT is refused with its size and the limit")
    func checkpointTooLarge() throws {
        let found = issues("method: ml\nfixed:\n  hidden_layers: 1\ngrid:\n  neurons: [128, 4096]\n")
        try #require(found.count == 1, "\(found)")
        #expect(found[0].keyPath == "grid.neurons" && found[0].line == 5)
        #expect(found[0].message.hasPrefix("4096 with 1 hidden layer makes a checkpoint of about 128."), "\(found[0].message)")
        #expect(found[0].message.contains("48.0 MiB"))
    }

    @Test("each too-large value of a grid is named once, however many configurations it is in")
    func gridOfLargeModels() throws {
        let found = issues("method: ml\ngrid:\n  neurons: [64, 3072, 4096]\n  lr: [0.1, 0.01, 0.001]\n")
        #expect(found.map(\.keyPath) == ["grid.neurons", "grid.neurons"], "\(found)")
        #expect(found.contains { $0.message.hasPrefix("3072 with 2 hidden layers makes a checkpoint") })
        #expect(found.contains { $0.message.hasPrefix("4096 with 2 hidden layers makes a checkpoint") })
    }

    @Test("a spec file over 1 MiB is refused with its name and size, before it is parsed")
    func largeFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let comment = "# " + String(repeating: "x", count: 1000) + "\n"
        let text = "method: ml\n" + String(repeating: comment, count: 2048)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        do {
            _ = try SweepSpec.load(path: path)
            Issue.record("a 2 MiB spec was accepted")
        } catch {
            let issue = try #require(error.issues.first)
            #expect(error.code == .unreadable && issue.file == path)
            #expect(issue.message.contains("\(text.utf8.count) bytes") && issue.message.contains("1 MiB"), "\(issue.message)")
        }
    }

    @Test("an endless spec file (/dev/zero) costs one read of the limit")
    func endlessFile() throws {
        do {
            _ = try SweepSpec.readText(path: "/dev/zero")
            Issue.record("/dev/zero was accepted")
        } catch {
            #expect(error.issues.first?.message.contains("more than \(SweepSpec.maxFileBytes) bytes") == true, "\(error)")
        }
    }
}
