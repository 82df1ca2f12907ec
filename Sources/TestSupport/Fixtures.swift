// TestSupport: what the test targets share — fixtures, tolerances, gradient checks, allocation counting, a harness for the real binaries.

import EBMCore

/// Tiny models and batches shared by the numerical tests.
public enum Fixtures {
    /// A seeded batch [rows, 2] of N(mean, scale²·I) points.
    public static func gaussianBlob(rows: Int, mean: (Double, Double) = (0, 0), scale: Double = 1, seed: UInt64) -> Matrix {
        var random = RandomSource(seed: seed)
        var m = Matrix(rows: rows, columns: 2)
        for r in 0..<rows {
            m[r, 0] = mean.0 + scale * random.gaussian()
            m[r, 1] = mean.1 + scale * random.gaussian()
        }
        return m
    }

    /// Two noisy concentric rings [rows, 2] (radii 0.5 and 1): a small non-Gaussian target.
    public static func rings(rows: Int, seed: UInt64) -> Matrix {
        var random = RandomSource(seed: seed)
        var m = Matrix(rows: rows, columns: 2)
        for r in 0..<rows {
            let radius = r % 2 == 0 ? 0.5 : 1.0
            let t = random.uniform(0, 2 * Double.pi)
            m[r, 0] = radius * cos(t) + 0.03 * random.gaussian()
            m[r, 1] = radius * sin(t) + 0.03 * random.gaussian()
        }
        return m
    }

    /// A small network (width 6, two hidden layers) with PyTorch's initialisation.
    public static func smallMLP(outputs: Int, activation: ActivationKind, hiddenLayers: Int = 2, width: Int = 6,
                                seed: UInt64 = 7) -> MLP {
        var random = RandomSource(seed: seed)
        return MLP(layout: MLP.Layout(width: width, hiddenLayers: hiddenLayers, outputs: outputs, activation: activation),
                   random: &random)
    }

    /// A small training config of `method` for smoke tests.
    public static func smallConfig(_ method: Method, iterations: Int = 200) -> TrainingConfig {
        var c = TrainingConfig.defaults(for: method)
        c.dataSize = 256; c.batchSize = 64; c.neurons = 32; c.hiddenLayers = 1
        c.iterations = iterations; c.langevinSteps = 5; c.langevinStepSize = 1e-2
        c.activation = method == .nce ? .leakyRelu : (method.isScoreModel ? .softplus : .relu)
        return c
    }
}

import Foundation
