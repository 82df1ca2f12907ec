import Testing
import EBMCore
import TestSupport

@Suite("Trainer")
struct TrainerTests {
    static func data(_ config: TrainingConfig) -> Matrix {
        Fixtures.rings(rows: config.dataSize, seed: 5)
    }

    @Test("same config and seed give bit-identical losses and parameters, in either precision",
          arguments: Method.allCases, Precision.allCases)
    func determinism(method: Method, precision: Precision) {
        var config = Fixtures.smallConfig(method, iterations: 15)
        config.precision = precision
        var first = Trainer(config: config, data: Self.data(config))
        var second = Trainer(config: config, data: Self.data(config))
        let a = first.train(), b = second.train()
        #expect(a.status == .ok && b.status == .ok)
        #expect(a.losses.map(\.bitPattern) == b.losses.map(\.bitPattern))
        #expect(a.model.parameters.map(\.bitPattern) == b.model.parameters.map(\.bitPattern))
        var other = config
        other.seed = 1
        var third = Trainer(config: other, data: Self.data(config))
        #expect(third.train().losses != a.losses)
        // A float32 model's parameters are float32 numbers; the other precision trains differently.
        #expect(a.model.parameters.allSatisfy { precision == .float64 || Double(Float($0)) == $0 })
        var flipped = config
        flipped.precision = precision == .float32 ? .float64 : .float32
        var fourth = Trainer(config: flipped, data: Self.data(config))
        #expect(fourth.train().losses != a.losses)
    }

    /// Windows of 30 iterations smooth the batch noise of the loss.
    static func windowMeans(_ losses: [Double]) -> (first: Double, last: Double) {
        let w = 30
        return (losses.prefix(w).reduce(0, +) / Double(w), losses.suffix(w).reduce(0, +) / Double(w))
    }

    @Test("a small model's loss decreases in a few hundred iterations", arguments: [Method.nce, .ism, .dsm])
    func lossDecreases(method: Method) {
        let config = Fixtures.smallConfig(method, iterations: 300)
        var trainer = Trainer(config: config, data: Self.data(config))
        let run = trainer.train()
        #expect(run.status == .ok && run.iterations == 300)
        let (first, last) = Self.windowMeans(run.losses)
        #expect(last < first, "loss \(first) → \(last)")
    }

    /// The CD loss mean f(data) − mean f(x̂) is not a quantity that must fall (it hovers near 0
    /// once samples track the model), so ML is judged by what it should learn: low energy on the
    /// data relative to the empty corners of the box around it.
    @Test("maximum likelihood learns low energy on the data")
    func maximumLikelihoodLearns() {
        let config = Fixtures.smallConfig(.ml, iterations: 300)
        let data = Self.data(config)
        var trainer = Trainer(config: config, data: data)
        let run = trainer.train()
        #expect(run.status == .ok)
        let corners = Matrix([[2.5, 2.5], [-2.5, 2.5], [2.5, -2.5], [-2.5, -2.5]])
        let onData = run.model.energy(at: data).reduce(0, +) / Double(data.rows)
        let offData = run.model.energy(at: corners).reduce(0, +) / 4
        #expect(onData < offData, "energy on data \(onData), at corners \(offData)")
    }

    @Test("a huge learning rate or step size ends as .diverged, not a crash",
          arguments: [Method.ml, .nce, .ism, .dsm])
    func divergence(method: Method) {
        var config = Fixtures.smallConfig(method, iterations: 200)
        config.optimizer = .sgd
        config.lr = 10
        config.langevinStepSize = 10
        config.sigma = 1e-3
        var trainer = Trainer(config: config, data: Self.data(config))
        var called = 0
        let run = trainer.train { _, _ in called += 1; return true }
        #expect(run.status == .diverged)
        #expect(run.iterations < 200 && called == run.iterations - 1)
    }

    @Test("returning false from onStep cancels after that iteration")
    func cancellation() {
        let config = Fixtures.smallConfig(.dsm, iterations: 50)
        var trainer = Trainer(config: config, data: Self.data(config))
        let run = trainer.train { iteration, _ in iteration < 3 }
        #expect(run.status == .cancelled && run.iterations == 3 && run.losses.count == 3)
    }

    @Test("sampling is deterministic, finite and shaped by the evaluation config", arguments: [Method.ml, .dsm])
    func sampling(method: Method) {
        let config = Fixtures.smallConfig(method, iterations: 20)
        var trainer = Trainer(config: config, data: Self.data(config))
        _ = trainer.train()
        let evaluation = EvaluationConfig(samples: 1500, initDistribution: .uniform, initScale: 1, stepSize: 1e-3, steps: 10)
        let a = trainer.sample(evaluation, seed: 3), b = trainer.sample(evaluation, seed: 3)
        #expect(a.rows == 1500 && a.columns == 2 && a.isFinite)
        #expect(a == b)
        #expect(a != trainer.sample(evaluation, seed: 4))
    }

    @Test("an energy model's score is −∇ₓf by finite differences")
    func energyScore() {
        var random = RandomSource(seed: 1)
        var config = TrainingConfig.defaults(for: .ml)
        config.neurons = 8; config.activation = .softplus; config.precision = .float64  // finite differences need float64
        let model = Model(config: config, random: &random)
        let points = Fixtures.gaussianBlob(rows: 3, seed: 2)
        let score = model.score(at: points)
        let h = GradientCheck.defaultStep
        for r in 0..<3 { for k in 0..<2 {
            var up = points.rows(r..<(r + 1)), down = up
            up[0, k] += h; down[0, k] -= h
            let numeric = -(model.energy(at: up)[0] - model.energy(at: down)[0]) / (2 * h)
            #expect(GradientCheck.relativeError(score[r, k], numeric) < Tolerance.gradient)
        } }
    }
}

