import Testing
@testable import Sweep

@Suite("Spec validation")
struct SpecErrorTests {
    /// The one issue of a spec with one mistake.
    func only(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SpecIssue {
        let found = issues(yaml, sourceLocation: sourceLocation)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        return try #require(found.first, sourceLocation: sourceLocation)
    }

    @Test("an unknown hyperparameter names the closest valid one")
    func unknownKey() throws {
        let i = try only("method: ml\ngrid:\n  langevin_stepz: [10]\n")
        #expect(i.file == "sweeps/x.yaml" && i.line == 3 && i.keyPath == "grid.langevin_stepz")
        #expect(i.message.contains("did you mean 'langevin_steps'?"))
    }

    @Test("an unknown top-level key names the closest one, or says where hyperparameters go")
    func unknownTopLevel() throws {
        let a = try only("method: ml\nseed: [0, 1]\n")
        #expect(a.line == 2 && a.keyPath == "seed" && a.message.contains("did you mean 'seeds'?"))
        let b = try only("method: ml\nlr: 0.1\n")
        #expect(b.line == 2 && b.message.contains("fixed:, grid: or random:"))
    }

    @Test("a value out of range names its list index and the valid range")
    func outOfRange() throws {
        let i = try only("method: ml\ngrid:\n  langevin_step_size: [0.001, -0.001]\n")
        #expect(i.line == 3 && i.keyPath == "grid.langevin_step_size[1]")
        #expect(i.message.contains("greater than 0") && i.message.contains("-0.001"))
        #expect(i.description.hasPrefix("sweeps/x.yaml:3: grid.langevin_step_size[1]: must be a number"))
    }

    @Test("a wrong type says what was expected and what was found")
    func wrongType() throws {
        let a = try only("method: ml\nfixed:\n  neurons: many\n")
        #expect(a.line == 3 && a.keyPath == "fixed.neurons" && a.message.contains("integer") && a.message.contains("many"))
        let b = try only("method: ml\ngrid:\n  lr: 0.001\n")
        #expect(b.line == 3 && b.keyPath == "grid.lr" && b.message.contains("must be a list"))
        let c = try only("method: ml\nseeds: [0, one]\n")
        #expect(c.keyPath == "seeds[1]" && c.message.contains("integer"))
    }

    @Test("a hyperparameter the method does not read names the methods that do")
    func unusedByMethod() throws {
        let i = try only("method: ml\nfixed:\n  sigma: 0.1\n")
        #expect(i.line == 3 && i.keyPath == "fixed.sigma")
        #expect(i.message == "sigma is not used by method ml (only by dsm)")
    }

    @Test("a key both fixed and varied is refused at the second place, naming the first")
    func fixedAndGrid() throws {
        let i = try only("method: ml\nfixed:\n  lr: 0.001\ngrid:\n  lr: [0.001, 0.01]\n")
        #expect(i.line == 5 && i.keyPath == "grid.lr" && i.message.contains("fixed.lr (line 3)"))
    }

    @Test("empty lists are refused")
    func emptyList() throws {
        let a = try only("method: ml\ngrid:\n  lr: []\n")
        #expect(a.line == 3 && a.keyPath == "grid.lr" && a.message.contains("empty"))
        let b = try only("method: ml\nseeds: []\n")
        #expect(b.line == 2 && b.keyPath == "seeds" && b.message.contains("empty"))
    }

    @Test("a bad metric name gets a hint; nll is refused for score models")
    func badMetric() throws {
        let a = try only("method: ml\nmetric: kde_nl\n")
        #expect(a.line == 2 && a.keyPath == "metric" && a.message.contains("did you mean 'kde_nll'?"))
        let b = try only("method: dsm\nmetric: nll\n")
        #expect(b.line == 2 && b.keyPath == "metric" && b.message.contains("use kde_nll"))
    }

    @Test("duplicate seeds and duplicate grid values point at the repeat")
    func duplicates() throws {
        let a = try only("method: ml\nseeds:\n  - 0\n  - 1\n  - 0\n")
        #expect(a.line == 5 && a.keyPath == "seeds[2]" && a.message.contains("seeds[0]"))
        let b = try only("method: ml\ngrid:\n  lr: [0.001, 1.0e-3]\n")
        #expect(b.keyPath == "grid.lr[1]" && b.message.contains("grid.lr[0]"))
    }

    @Test("a YAML syntax error gives its line")
    func syntax() throws {
        do {
            _ = try SweepSpec.parse(yaml: "method: ml\ngrid:\n  lr: [0.1, 0.2\nseeds: [0]\n", file: "sweeps/x.yaml")
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.code == .syntax)
            let i = try #require(error.issues.first)
            #expect(i.file == "sweeps/x.yaml" && (3...4).contains(i.line) && i.message.contains("YAML"))
        }
    }

    @Test("random search ranges are checked for kind, order and positivity")
    func randomMistakes() throws {
        let a = try only("method: ml\nrandom:\n  samples: 3\n  lr: {log_uniform: [0.01, 0.001]}\n")
        #expect(a.line == 4 && a.keyPath == "random.lr.log_uniform" && a.message.contains("below"))
        let b = try only("method: ml\nrandom:\n  samples: 3\n  neurons: {uniform: [8, 64]}\n")
        #expect(b.keyPath == "random.neurons.uniform" && b.message.contains("int: [a, b]"))
        let c = try only("method: ml\nrandom:\n  samples: 3\n  lr: {log_unifrom: [0.001, 0.01]}\n")
        #expect(c.message.contains("did you mean 'log_uniform'?"))
        let d = try only("method: ml\nrandom:\n  lr: {uniform: [0.001, 0.01]}\n")
        #expect(d.keyPath == "random.samples" && d.message.contains("required"))
    }

    @Test("evaluation settings are checked with their full key path")
    func evaluation() throws {
        let a = try only("method: ml\nevaluation:\n  sampler: {init: normal, step_size: -1}\n")
        #expect(a.line == 3 && a.keyPath == "evaluation.sampler.step_size")
        let b = try only("method: ml\nevaluation:\n  sampler: {inits: normal}\n")
        #expect(b.keyPath == "evaluation.sampler.inits" && b.message.contains("did you mean 'init'?"))
    }

    @Test("a cross-field problem of the planned configurations is reported at the key that set it")
    func crossField() throws {
        let i = try only("method: ml\nfixed:\n  data_size: 256\ngrid:\n  batch_size: [128, 512]\n")
        #expect(i.line == 5 && i.keyPath == "grid.batch_size" && i.message.contains("data_size"))
    }

    @Test("every mistake of a file is reported at once, in line order")
    func allAtOnce() throws {
        let found = issues("""
            method: ml
            metric: recal
            fixed:
              sigma: 0.1
              neurons: 0
            grid:
              lr: []
            seeds: [1, 1]
            """)
        #expect(found.map(\.line) == [2, 4, 5, 7, 8])
        #expect(found.map(\.keyPath) == ["metric", "fixed.sigma", "fixed.neurons", "grid.lr", "seeds[1]"])
        let text = SweepSpecError(code: .invalid, issues: found).description
        #expect(text.split(separator: "\n").count == 5)
    }

    @Test("a missing method is reported, and an unreadable file names its path")
    func missing() throws {
        let i = try only("name: x\n")
        #expect(i.keyPath == "method" && i.message.contains("required"))
        do { _ = try SweepSpec.load(path: fixturePath("no_such.yaml")); Issue.record("loaded a missing file") } catch {
            #expect(error.code == .unreadable && error.issues.first?.file.hasSuffix("no_such.yaml") == true)
            #expect(error.description.hasSuffix("no_such.yaml: no such file; check the path (the sweeps/ folder has examples)"))
        }
    }

    @Test("a directory given as the spec is refused with the reason, naming it")
    func directoryAsSpec() throws {
        do { _ = try SweepSpec.load(path: "/tmp"); Issue.record("loaded a directory") } catch {
            #expect(error.code == .unreadable && error.description == "/tmp: is a directory; give the spec file (a .yaml) in it")
        }
    }
}
