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
        var random = RandomSource(seed: 7)
        let count = 37  // whole lane groups and a scalar tail (nine of four and one)
        var theta = (0..<count).map { _ in random.uniform(-1, 1) }
        var singles = theta.map { [$0] }
        let batch = Optimizer<Double>(kind: kind, count: count, learningRate: 0.01, momentum: 0.9, weightDecay: 0.1)
        let optimizers = (0..<count).map { _ in Optimizer<Double>(kind: kind, count: 1, learningRate: 0.01, momentum: 0.9, weightDecay: 0.1) }
        for _ in 0..<5 {
            let g = (0..<count).map { _ in random.uniform(-3, 3) }
            #expect(batch.step(parameters: &theta, gradient: g))
            for i in 0..<count { optimizers[i].step(parameters: &singles[i], gradient: [g[i]]) }
        }
        #expect(theta.map(\.bitPattern) == singles.map { $0[0].bitPattern })
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
