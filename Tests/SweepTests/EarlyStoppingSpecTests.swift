import EBMCore
import Testing
@testable import Sweep

@Suite("early_stopping: in the spec")
struct EarlyStoppingSpecTests {
    let base = "method: ml\nfixed:\n  iterations: 1000\ngrid:\n  lr: [0.001, 0.003]\nseeds: [0, 1]\n"

    func only(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SpecIssue {
        let found = issues(yaml, sourceLocation: sourceLocation)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        return try #require(found.first, sourceLocation: sourceLocation)
    }

    @Test("the contract's shape works as written; rungs at min_iterations·η^k below iterations")
    func contract() throws {
        let s = try spec(base + "early_stopping:\n  type: asha\n  min_iterations: 100\n  reduction_factor: 3\n")
        let e = try #require(s.earlyStopping)
        #expect(e.rule == .asha && e.minIterations == 100 && e.reductionFactor == 3)
        #expect(e.rungs(forIterations: 1000) == [100, 300, 900])
        #expect(e.rungs(forIterations: 2700) == [100, 300, 900])
        #expect(e.rungs(forIterations: 2701) == [100, 300, 900, 2700])
        #expect(e.rungs(forIterations: 100).isEmpty)
        // The cheap evaluation: the sweep's sampler, at most 500 samples × 200 steps, each step
        // longer so the chains run as long as the final evaluation's (3000 × 1000 of 5e-4 for ML).
        #expect(e.evaluation.samples == 500 && e.evaluation.steps == 200)
        #expect(abs(e.evaluation.stepSize - 2.5e-3) < 1e-15 && e.evaluation.initDistribution == s.evaluation.initDistribution)
    }

    @Test("defaults: η 3, first rung 100; a rung evaluation can be set; none has no rungs")
    func defaults() throws {
        let s = try spec(base + "early_stopping: {type: median, evaluation: {samples: 64, steps: 10}}\n")
        let e = try #require(s.earlyStopping)
        #expect(e.rule == .median && e.minIterations == 100 && e.reductionFactor == 3)
        #expect(e.evaluation.samples == 64 && e.evaluation.steps == 10 && abs(e.evaluation.stepSize - 0.05) < 1e-15)
        let given = try #require(try spec(base + "early_stopping: {type: asha, evaluation: {steps: 10, step_size: 1.0e-3}}\n").earlyStopping)
        #expect(given.evaluation.stepSize == 1e-3 && given.evaluation.samples == 500)
        let none = try #require(try spec(base + "early_stopping: {type: none}\n").earlyStopping)
        #expect(!none.isActive && none.rungs(forIterations: 1000).isEmpty)
    }

    @Test("mistakes name the file, line and key")
    func mistakes() throws {
        let a = try only(base + "early_stopping:\n  type: hyperband\n")
        #expect(a.line == 8 && a.keyPath == "early_stopping.type" && a.message.contains("asha, median, none"))
        let b = try only(base + "early_stopping:\n  type: asha\n  reduction_factr: 3\n")
        #expect(b.line == 9 && b.keyPath == "early_stopping.reduction_factr" && b.message.contains("did you mean 'reduction_factor'?"))
        let c = try only(base + "early_stopping:\n  type: asha\n  reduction_factor: 1\n")
        #expect(c.line == 9 && c.keyPath == "early_stopping.reduction_factor" && c.message.contains("2...100"))
        let d = try only(base + "early_stopping:\n  min_iterations: 10\n")
        #expect(d.line == 8 && d.keyPath == "early_stopping.type" && d.message.contains("is required"))
        let e = try only(base + "early_stopping:\n  type: asha\n  min_iterations: 1000\n")
        #expect(e.line == 9 && e.keyPath == "early_stopping.min_iterations" && e.message.contains("at most 1000"))
        let f = try only(base + "early_stopping:\n  type: asha\n  evaluation: {samples: 10, init: uniform}\n")
        #expect(f.line == 9 && f.keyPath == "early_stopping.evaluation.init" && f.message.contains("evaluation.sampler"))
        let f2 = try only(base + "early_stopping:\n  type: asha\n  evaluation: {step_size: -1}\n")
        #expect(f2.keyPath == "early_stopping.evaluation.step_size" && f2.message.contains("greater than 0"))
        let g = try only(base + "early_stopping: asha\n")
        #expect(g.line == 7 && g.keyPath == "early_stopping" && g.message.contains("mapping"))
        let h = try only(base + "early_stoping: {type: asha}\n")
        #expect(h.keyPath == "early_stoping" && h.message.contains("did you mean 'early_stopping'?"))
    }

    @Test("absent, or none, it leaves the canonical text and the plan hash of earlier specs alone")
    func earlierSweepsStayValid() throws {
        let plain = try spec(base), none = try spec(base + "early_stopping: {type: none}\n")
        let asha = try spec(base + "early_stopping: {type: asha}\n")
        #expect(!plain.canonicalEntries.contains { $0.key.hasPrefix("early_stopping") })
        #expect(none.planHash == plain.planHash)
        #expect(asha.planHash != plain.planHash)
        let entries = asha.canonicalEntries.map { "\($0.key): \($0.value)" }
        #expect(entries.contains("early_stopping.type: asha") && entries.contains("early_stopping.min_iterations: 100"))
        let diff = SpecDiff(from: plain, to: asha)
        #expect(diff.changes.map(\.key).contains("early_stopping.type"))
        #expect(SpecDiff(from: asha, to: asha).isEmpty)
    }

    @Test("a rule changes no job: the same ids with or without it")
    func sameJobs() throws {
        #expect(Planner.plan(try spec(base)).map(\.id) == Planner.plan(try spec(base + "early_stopping: {type: asha}\n")).map(\.id))
    }
}
