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
        let optimizer = Optimizer(kind: .adam, count: 3, learningRate: lr, weightDecay: wd)
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
        Optimizer(kind: .adam, count: 1, learningRate: lr).step(parameters: &fresh, gradient: [-7])
        #expect(abs(fresh[0] - lr) < 1e-9)
    }

    @Test("SGD with momentum and weight decay matches torch.optim.SGD step by step")
    func sgd() {
        let lr = 0.1, mu = 0.9, wd = 0.01
        let optimizer = Optimizer(kind: .sgd, count: 3, learningRate: lr, momentum: mu, weightDecay: wd)
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
        Optimizer(kind: .sgd, count: 2, learningRate: 0.5).step(parameters: &theta, gradient: [2, -4])
        #expect(theta == [0, 4])
    }
}
