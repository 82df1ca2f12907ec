import Foundation
import Testing
import EBMCore
import TestSupport

/// `grad_clip`: the gradient's global L2 norm is capped before the optimiser step, as
/// `torch.nn.utils.clip_grad_norm_` does; at 0 (the default) training is what it was.
@Suite("Gradient clipping")
struct GradientClipTests {
    static func norm<T: Scalar>(_ v: [T]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// 21 values: two lane groups of Float (8) or five of Double (4), and a tail, so both loops run.
    static func gradient<T: Scalar>(_: T.Type) -> [T] { (0..<21).map { T(Double($0 % 7) - 2.5) } }

    @Test("a gradient above the norm is scaled to it (torch's coefficient), direction kept", arguments: Precision.allCases)
    func capsTheNorm(precision: Precision) {
        switch precision {
        case .float32: Self.caps(Float.self)
        case .float64: Self.caps(Double.self)
        }
    }

    static func caps<T: Scalar>(_: T.Type) {
        let original = gradient(T.self)
        var g = original
        let before = GradientClip.apply(to: &g, maxNorm: 2)
        #expect(abs(before - norm(original)) <= 1e-6 * before)
        #expect(before > 2)
        let coefficient = 2 / (before + 1e-6)
        #expect(abs(norm(g) - 2) <= 1e-5 * 2, "norm after: \(norm(g))")
        for i in g.indices { #expect(g[i] == original[i] * T(coefficient)) }
    }

    @Test("a gradient within the norm keeps every bit")
    func leavesSmallGradients() {
        let original = Self.gradient(Double.self)
        var g = original
        GradientClip.apply(to: &g, maxNorm: Self.norm(original) * 1.01)
        #expect(g.map(\.bitPattern) == original.map(\.bitPattern))
    }

    static func config(_ method: Method, _ precision: Precision, clip: Double) -> TrainingConfig {
        var c = Fixtures.smallConfig(method, iterations: 1)
        c.precision = precision
        c.optimizer = .sgd; c.lr = 1; c.gradClip = clip
        return c
    }

    /// ‖θ₁ − θ₀‖ after one SGD step of lr 1 (no momentum, no weight decay) is the clipped gradient's norm.
    static func firstStep(_ config: TrainingConfig) -> Double {
        let data = Fixtures.rings(rows: config.dataSize, seed: 3)
        var trainer = Trainer(config: config, data: data)
        let start = trainer.model.parameters
        let run = trainer.train()
        return zip(run.model.parameters, start).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    @Test("in training, the first SGD step is no longer than grad_clip; unclipped it is",
          arguments: [Method.ml, .dsm], Precision.allCases)
    func capsTheStep(method: Method, precision: Precision) {
        let clip = 0.05
        let free = Self.firstStep(Self.config(method, precision, clip: 0))
        let clipped = Self.firstStep(Self.config(method, precision, clip: clip))
        #expect(free > 2 * clip, "the test needs a gradient the clip engages on: \(free)")
        // Float32 parameters round the difference θ₁ − θ₀ by about 1e-7 of θ per value.
        let tolerance = precision == .float32 ? 1e-3 : 1e-6
        // torch's coefficient clip / (‖g‖ + 1e-6) lands just under the clip; ‖g‖ is the free step's length.
        let expected = clip * free / (free + 1e-6)
        #expect(abs(clipped - expected) <= tolerance * clip, "step \(clipped) for grad_clip \(clip)")
    }

    @Test("a clip the gradient never reaches trains the same bits as none", arguments: Precision.allCases)
    func unreachedClipChangesNothing(precision: Precision) {
        func run(_ clip: Double) -> TrainingRun {
            var c = Fixtures.smallConfig(.dsm, iterations: 30)
            c.precision = precision; c.gradClip = clip
            var trainer = Trainer(config: c, data: Fixtures.rings(rows: c.dataSize, seed: 3))
            return trainer.train()
        }
        let none = run(0), unreached = run(1_000_000)
        #expect(unreached.losses.map(\.bitPattern) == none.losses.map(\.bitPattern))
        #expect(unreached.model.parameters.map(\.bitPattern) == none.model.parameters.map(\.bitPattern))
    }
}
