import EBMCore
import Testing
import TestSupport

@Suite("Run verdict")
struct RunVerdictTests {
    static let finite = Matrix([[0, 0], [1, 1]])

    @Test("more than half the samples escaped is diverged; exactly half is not")
    func escapedLimit() throws {
        #expect(RunVerdict.divergence(samples: Self.finite, metrics: ["escaped": 0.5, "kde_nll": 3]) == nil)
        let reason = try #require(RunVerdict.divergence(samples: Self.finite, metrics: ["escaped": 0.501, "kde_nll": 3]))
        #expect(reason.contains("50.1 % of the samples escaped"), "\(reason)")
        #expect(RunVerdict.divergence(samples: Self.finite, metrics: ["escaped": 1])?.contains("100 %") == true)
    }

    @Test("a NaN or infinite metric is diverged, naming it; an absent one is not",
          arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteMetric(value: Double) throws {
        let reason = try #require(RunVerdict.divergence(samples: Self.finite, metrics: ["escaped": 0, "nll": value]))
        #expect(reason.contains("nll = \(value)"), "\(reason)")
        #expect(RunVerdict.divergence(samples: Self.finite, metrics: ["escaped": 0]) == nil)
        #expect(RunVerdict.divergence(samples: Self.finite, metrics: [:]) == nil)
    }

    @Test("a non-finite sample is diverged, whatever the metrics say")
    func nonFiniteSample() throws {
        let samples = Matrix([[0, 0], [.nan, 1], [2, -.infinity]])
        let reason = try #require(RunVerdict.divergence(samples: samples, metrics: ["escaped": 0.1]))
        #expect(reason.contains("2 of 3 samples became non-finite"), "\(reason)")
        #expect(RunVerdict.divergence(samples: Matrix(rows: 0, columns: 0), metrics: [:]) == nil)
    }

    @Test("measure keeps a non-finite metric for the verdict; evaluate leaves it out for storage")
    func measureKeepsNonFinite() throws {
        let e = EvaluationData.make(for: .gaussians)
        let samples = e.floorSamples(count: 100)
        let overflowing: (Matrix) -> [Double] = { m in [Double](repeating: -.infinity, count: m.rows) }
        let measured = Metrics.measure(samples: samples, evaluation: e, energy: overflowing)
        #expect(try #require(measured[Metrics.Name.nll]).isNaN)
        #expect(Metrics.evaluate(samples: samples, evaluation: e, energy: overflowing)[Metrics.Name.nll] == nil)
        #expect(RunVerdict.divergence(samples: samples, metrics: measured)?.contains("nll = nan") == true)
        // Too few samples for precision and recall: undefined, so absent from both, not divergent.
        let three = Metrics.measure(samples: e.floorSamples(count: 3), evaluation: e, energy: nil)
        #expect(three[Metrics.Name.precision] == nil && three[Metrics.Name.recall] == nil)
    }

    /// DSM at a learning rate of 5 keeps a finite loss but its score field throws every
    /// evaluation chain out of the box (kde_nll 1e7 at the template's size; this small model
    /// explodes the same way in 20 iterations). lr 1e-3 on the same model stays in the box.
    @Test("an exploded DSM run ends diverged with the reason; a sane one ends ok")
    func explodedScoreModel() throws {
        var config = Fixtures.smallConfig(.dsm, iterations: 20)
        config.lr = 5
        let data = Fixtures.rings(rows: config.dataSize, seed: 5)
        var trainer = Trainer(config: config, data: data)
        let run = trainer.train()
        #expect(run.status == .ok, "training alone does not see it")
        let evaluation = EvaluationConfig(samples: 200, initDistribution: .uniform, initScale: 1, stepSize: 5e-4, steps: 1000)
        let exploded = run.evaluated(with: evaluation, dataset: .rings, samplingSeed: 1)
        #expect(exploded.status == .diverged)
        #expect(exploded.reason?.contains("escaped the data's box") == true, "\(exploded.reason ?? "no reason")")
        #expect(try #require(exploded.metrics["escaped"]) > RunVerdict.escapedLimit)
        #expect(exploded.samples.rows == 200)

        config.lr = 1e-3
        var sane = Trainer(config: config, data: data)
        let ok = sane.train().evaluated(with: evaluation, dataset: .rings, samplingSeed: 1)
        #expect(ok.status == .ok && ok.reason == nil)
        #expect(try #require(ok.metrics["escaped"]) <= RunVerdict.escapedLimit)
    }

    @Test("a run that did not train to the end is not sampled and keeps its status")
    func notSampled() {
        let config = Fixtures.smallConfig(.dsm, iterations: 10)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        let run = trainer.train { iteration, _ in iteration < 2 }
        let evaluation = EvaluationConfig(samples: 50, initDistribution: .uniform, initScale: 1, stepSize: 5e-4, steps: 1)
        let result = run.evaluated(with: evaluation, dataset: .rings, samplingSeed: 1)
        #expect(result.status == .cancelled && result.reason == "cancelled at iteration 2")
        #expect(result.samples.rows == 0 && result.metrics.isEmpty)
    }
}
