import Foundation
import Testing
import EBMCore
import TestSupport

/// The float32 path against the float64 one: the same code specialised twice, so what these tests
/// measure is float32's rounding, which must stay within the bounds stated here.
@Suite("float32 against float64")
struct PrecisionTests {
    @Test("float32 softplus agrees with libm in double to a few float32 ulps, batch and scalar alike")
    func softplusAccuracy() {
        let zs = stride(from: -40.0, through: 19.5, by: 0.37).map { Float($0) }
        var a = [Float](repeating: 0, count: zs.count), d = a
        zs.withUnsafeBufferPointer { z in a.withUnsafeMutableBufferPointer { ab in d.withUnsafeMutableBufferPointer { db in
            ActivationKind.softplus.applyForTesting(count: zs.count, z: z.baseAddress!, a: ab.baseAddress!, d1: db.baseAddress!)
        } } }
        for (i, z) in zs.enumerated() {
            let x = Double(z)
            #expect(GradientCheck.relativeError(Double(a[i]), Foundation.log1p(Foundation.exp(x))) < Tolerance.floatUlps, "softplus(\(z))")
            #expect(GradientCheck.relativeError(Double(d[i]), 1 / (1 + Foundation.exp(-x))) < Tolerance.floatUlps, "σ(\(z))")
            #expect(a[i] == ActivationKind.softplus.value(z) && d[i] == ActivationKind.softplus.derivative(z))
        }
        #expect(ActivationKind.softplus.value(Float(-200)) >= 0 && ActivationKind.softplus.value(Float(200)) == 200)
    }

    /// Every objective's gradient at the same point (parameters, data and noise rounded to
    /// float32 first), in both precisions: ‖g₃₂ − g₆₄‖ / ‖g₆₄‖ must stay within
    /// `Tolerance.float32Gradient`. Normwise, because single entries that nearly cancel have no
    /// relative accuracy in any precision.
    @Test("float32 gradients agree with float64 ones on every objective", arguments: Method.allCases, [ActivationKind.softplus, .relu])
    func gradientsAgree(method: Method, activation: ActivationKind) {
        var config = Fixtures.smallConfig(method)
        config.activation = activation
        var random = RandomSource(seed: 21)
        config.precision = .float32
        let parameters = Model(config: config, random: &random).parameters  // float32 values
        let batch = Fixtures.rings(rows: config.batchSize, seed: 9)
        let rounded = Matrix(rows: batch.rows, columns: 2, storage: batch.storage.map { Double(Float($0)) })
        let g32 = Self.gradient(method, config, Float.self, parameters, rounded)
        let g64 = Self.gradient(method, config, Double.self, parameters, rounded)
        let difference = zip(g32, g64).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = g64.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(norm > 0 && difference / norm < Tolerance.float32Gradient, "\(method) \(activation): \(difference / norm)")
    }

    /// One objective's gradient in precision T; noise and Langevin draws come from the same seed,
    /// so both precisions see the same (rounded) draws.
    static func gradient<T: Scalar>(_ method: Method, _ c: TrainingConfig, _: T.Type, _ p: [Double], _ batch: Matrix) -> [Double] {
        let layout = Model.layout(for: c)
        var random = RandomSource(seed: 4)
        switch method {
        case .ml:
            return MaximumLikelihood<T>(layout: layout, batchSize: batch.rows, stepSize: c.langevinStepSize, steps: c.langevinSteps,
                                        chainMode: c.chains, energyReg: 0.1).evaluate(parameters: p, batch: batch, random: &random).gradient
        case .nce:
            return NoiseContrastive<T>(layout: layout, batchSize: batch.rows, noiseStd: c.noiseStd)
                .evaluate(parameters: p, batch: batch, random: &random).gradient
        case .ism:
            return ImplicitScoreMatching<T>(layout: layout, batchSize: batch.rows).evaluate(parameters: p, batch: batch, random: &random).gradient
        case .dsm:
            return DenoisingScoreMatching<T>(layout: layout, batchSize: batch.rows, sigma: c.sigma)
                .evaluate(parameters: p, batch: batch, random: &random).gradient
        }
    }

    @Test("both precisions start from the same draws: float32's initial parameters are float64's rounded")
    func sameInitialisation() {
        var config = Fixtures.smallConfig(.nce)
        config.precision = .float64
        var r64 = RandomSource(seed: 3)
        let p64 = Model(config: config, random: &r64).parameters
        config.precision = .float32
        var r32 = RandomSource(seed: 3)
        let p32 = Model(config: config, random: &r32).parameters
        #expect(p32 == p64.map { Double(Float($0)) } && p32 != p64)
    }
}
