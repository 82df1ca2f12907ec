import Foundation
import Testing
import EBMCore
import TestSupport

@Suite("Optimisers follow PyTorch's update equations")
struct OptimizerTests {
    static let gradients: [[Double]] = [[0.5, -2, 0.001], [0.4, -1.5, -0.3], [-0.2, 3, 0.02]]

    @Test("Adam with weight decay matches torch.optim.Adam step by step")
    func adam() {
        let lr = 0.01, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8
        let optimizer = Optimizer<Double>(kind: .adam, count: 3, learningRate: lr, weightDecay: wd)
        var theta = [1.0, -0.5, 0.25]
        var expected = theta, m = [0.0, 0, 0], v = [0.0, 0, 0]
        for (t, g) in Self.gradients.enumerated() {
            optimizer.step(parameters: &theta, gradient: g)
            let step = Double(t + 1)
            for i in 0..<3 {
                let gi = g[i] + wd * expected[i]
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                let mHat = m[i] / (1 - pow(b1, step))
                let denominator = (v[i] / (1 - pow(b2, step))).squareRoot() + eps
                expected[i] -= lr * mHat / denominator
            }
            for i in 0..<3 { #expect(GradientCheck.relativeError(theta[i], expected[i]) < Tolerance.optimizer) }
        }
        // First Adam step moves every coordinate by about lr·sign(g) (|m̂/√v̂| = 1).
        var fresh = [0.0]
        Optimizer<Double>(kind: .adam, count: 1, learningRate: lr).step(parameters: &fresh, gradient: [-7])
        #expect(abs(fresh[0] - lr) < 1e-9)
    }

    @Test("SGD with momentum and weight decay matches torch.optim.SGD step by step")
    func sgd() {
        let lr = 0.1, mu = 0.9, wd = 0.01
        let optimizer = Optimizer<Double>(kind: .sgd, count: 3, learningRate: lr, momentum: mu, weightDecay: wd)
        var theta = [1.0, -0.5, 0.25]
        var expected = theta, buffer = [0.0, 0, 0]
        for (t, g) in Self.gradients.enumerated() {
            optimizer.step(parameters: &theta, gradient: g)
            for i in 0..<3 {
                let gi = g[i] + wd * expected[i]
                buffer[i] = t == 0 ? gi : mu * buffer[i] + gi
                expected[i] -= lr * buffer[i]
            }
            for i in 0..<3 { #expect(GradientCheck.relativeError(theta[i], expected[i]) < Tolerance.optimizer) }
        }
    }

    @Test("plain SGD is θ − lr·g")
    func plainSGD() {
        var theta = [1.0, 2]
        Optimizer<Double>(kind: .sgd, count: 2, learningRate: 0.5).step(parameters: &theta, gradient: [2, -4])
        #expect(theta == [0, 4])
    }

    @Test("the vectorised update gives each parameter the bits of a one-parameter optimiser", arguments: [OptimizerKind.adam, .sgd])
    func lanesMatchScalar(kind: OptimizerKind) {
        lanesMatchScalar(kind: kind, Double.self)
        lanesMatchScalar(kind: kind, Float.self)
    }

    /// 37 values: whole lane groups (nine of four doubles, four of eight floats) and a scalar tail.
    func lanesMatchScalar<T: Scalar>(kind: OptimizerKind, _: T.Type) {
        var random = RandomSource(seed: 7)
        let count = 37
        var theta = (0..<count).map { _ in T(random.uniform(-1, 1)) }
        var singles = theta.map { [$0] }
        let batch = Optimizer<T>(kind: kind, count: count, learningRate: 0.01, momentum: 0.9, weightDecay: 0.1)
        let optimizers = (0..<count).map { _ in Optimizer<T>(kind: kind, count: 1, learningRate: 0.01, momentum: 0.9, weightDecay: 0.1) }
        for _ in 0..<5 {
            let g = (0..<count).map { _ in T(random.uniform(-3, 3)) }
            #expect(batch.step(parameters: &theta, gradient: g))
            for i in 0..<count { optimizers[i].step(parameters: &singles[i], gradient: [g[i]]) }
        }
        #expect(theta == singles.map { $0[0] } && theta.map { Double($0).bitPattern } == singles.map { Double($0[0]).bitPattern },
                "\(kind) \(T.self)")
    }

    /// Adam's update in a plain scalar loop, `T` throughout: float64 in torch's order (two
    /// divisions), float32 with the bias correction folded into the step and ε (one division).
    static func plainAdam<T: Scalar>(_ theta: inout [T], _ gradients: [[T]], lr: Double, wd: Double) {
        var m = [T](repeating: 0, count: theta.count), v = m
        for (step, g) in gradients.enumerated() {
            let t = Double(step + 1)
            let c2 = (1 - pow(0.999, t)).squareRoot()
            for i in theta.indices {
                let gi = g[i] + T(wd) * theta[i]
                m[i] = T(0.9) * m[i] + T(1 - 0.9) * gi
                v[i] = T(0.999) * v[i] + T(1 - 0.999) * gi * gi
                if T.self == Double.self {
                    theta[i] -= T(lr / (1 - pow(0.9, t))) * m[i] / (v[i].squareRoot() / T(c2) + T(1e-8))
                } else {
                    theta[i] -= T(lr / (1 - pow(0.9, t)) * c2) * m[i] / (v[i].squareRoot() + T(1e-8 * c2))
                }
            }
        }
    }

    @Test("Adam's lanes give a plain loop's bits: float64 in torch's order, float32 with one division")
    func adamMatchesPlainLoop() {
        func check<T: Scalar>(_: T.Type) {
            var random = RandomSource(seed: 11)
            let count = 45
            var theta = (0..<count).map { _ in T(random.uniform(-1, 1)) }
            var expected = theta
            let gradients = (0..<6).map { _ in (0..<count).map { _ in T(random.uniform(-2, 2) * 1e-3) } }
            let optimizer = Optimizer<T>(kind: .adam, count: count, learningRate: 0.01, weightDecay: 0.05)
            for g in gradients { #expect(optimizer.step(parameters: &theta, gradient: g)) }
            Self.plainAdam(&expected, gradients, lr: 0.01, wd: 0.05)
            #expect(theta.map { Double($0).bitPattern } == expected.map { Double($0).bitPattern }, "\(T.self)")
        }
        check(Double.self)
        check(Float.self)
    }

    @Test("float32 Adam stays within float32 rounding of torch's equations in float64")
    func float32AdamAgreesWithFloat64() {
        var random = RandomSource(seed: 5)
        let count = 40
        let start = (0..<count).map { _ in Double(Float(random.uniform(-1, 1))) }
        let gradients = (0..<20).map { _ in (0..<count).map { _ in Double(Float(random.uniform(-2, 2) * 1e-2)) } }
        var theta32 = start.map { Float($0) }, theta64 = start
        let o32 = Optimizer<Float>(kind: .adam, count: count, learningRate: 1e-3, weightDecay: 0.01)
        let o64 = Optimizer<Double>(kind: .adam, count: count, learningRate: 1e-3, weightDecay: 0.01)
        for g in gradients {
            o32.step(parameters: &theta32, gradient: g.map { Float($0) })
            o64.step(parameters: &theta64, gradient: g)
        }
        // θ is rounded to float32 after each of the 20 steps (≤ u/2 = 6e-8 relative each); the
        // update itself is ≈ lr = 1e-3 of θ, so its own few ulps are 1000 times smaller.
        for i in 0..<count {
            #expect(abs(Double(theta32[i]) - theta64[i]) <= 20 * 6e-8 * abs(theta64[i]) + 1e-9, "\(i)")
        }
    }

    @Test("a step reports a non-finite parameter, in the lanes or in the tail", arguments: [3, 36])
    func reportsNonFinite(index: Int) {
        for kind in [OptimizerKind.adam, .sgd] {
            var theta = [Double](repeating: 0.5, count: 37)
            var g = [Double](repeating: 0.1, count: 37)
            let optimizer = Optimizer<Double>(kind: kind, count: 37, learningRate: 0.01)
            #expect(optimizer.step(parameters: &theta, gradient: g))
            g[index] = .infinity
            #expect(!optimizer.step(parameters: &theta, gradient: g), "\(kind) at \(index)")
        }
    }
}
