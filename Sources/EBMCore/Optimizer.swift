import Foundation

/// First-order optimisers updating the flat parameter buffer in place, with PyTorch's semantics
/// so the course's hyperparameters carry over.
///
/// Adam (`torch.optim.Adam`, amsgrad off), at step t = 1, 2, …:
///   g ← g + λ·θ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
///   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε),   β = (0.9, 0.999), ε = 1e-8.
/// SGD (`torch.optim.SGD`, dampening 0, no Nesterov):
///   g ← g + λ·θ;  if μ ≠ 0: b ← g at t = 1, else b ← μb + g;  g ← b;  θ ← θ − lr·g.
///
/// In precision `T` throughout, as `torch.optim` runs in its parameters' dtype: the bias
/// corrections are computed in Double (Python floats in PyTorch), then rounded to `T`. Float64
/// follows torch's order of operations; float32 folds √(1 − β₂ᵗ) into the step and ε (one
/// division per value instead of two, equal in exact arithmetic; see `step`).
/// The state buffers are allocated once in init; `step` allocates nothing.
public final class Optimizer<T: Scalar> {
    public let kind: OptimizerKind
    public let learningRate: Double
    public let momentum: Double
    public let weightDecay: Double
    public let beta1 = 0.9
    public let beta2 = 0.999
    public let epsilon = 1e-8
    public let count: Int
    /// Steps taken so far.
    public private(set) var steps = 0
    private let first: UnsafeMutablePointer<T>   // Adam m, or the SGD momentum buffer
    private let second: UnsafeMutablePointer<T>  // Adam v

    /// - Precondition: `count >= 0`, `learningRate` finite.
    public init(kind: OptimizerKind, count: Int, learningRate: Double, momentum: Double = 0, weightDecay: Double = 0) {
        precondition(count >= 0 && learningRate.isFinite, "invalid optimiser settings")
        self.kind = kind
        self.count = count
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        first = .allocate(capacity: max(count, 1))
        second = .allocate(capacity: max(count, 1))
        first.initialize(repeating: 0, count: max(count, 1))
        second.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(config: TrainingConfig, count: Int) {
        self.init(kind: config.optimizer, count: count, learningRate: config.lr,
                  momentum: config.momentum, weightDecay: config.weightDecay)
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }

    /// One update of `parameters` from `gradient` (both `count` values). The gradient buffer is
    /// left unchanged (weight decay is added on the fly, as PyTorch's non-inplace path does).
    ///
    /// Returns whether every updated parameter is finite: the trainer's divergence check, folded
    /// into this pass so the parameters are read once per iteration, not twice.
    ///
    /// One lane group of parameters at a time, then a scalar tail with the same operations in the same
    /// order, so each parameter's bits do not depend on where it sits in the buffer.
    @discardableResult
    public func step(parameters theta: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>) -> Bool {
        steps += 1
        let lambda = T(weightDecay)
        let lanes = T.Lanes.scalarCount
        let full = count / lanes * lanes
        // 0·x is 0 for finite x and NaN for ±∞ or NaN, so one sum of them flags any non-finite value.
        var poison = T.Lanes(repeating: 0)
        var tailPoison: T = 0
        switch kind {
        case .adam:
            let t = Double(steps)
            // 1 − β in Double, then rounded (as PyTorch passes Python floats): 1 − Float(0.999) is 1e-3·(1 − 1.3e-5).
            let b1 = T(beta1), b2 = T(beta2), c1 = T(1 - beta1), c2 = T(1 - beta2), eps = T(epsilon)
            let stepSize = T(learningRate / (1 - pow(beta1, t)))
            let correction2 = T((1 - pow(beta2, t)).squareRoot())
            let m = first, v = second
            if T.precision == .float32 {
                // One division per value instead of two: step·m / (√v/√(1−β₂ᵗ) + ε) is, in exact
                // arithmetic, (step·√(1−β₂ᵗ))·m / (√v + ε·√(1−β₂ᵗ)). Float32's Adam was bound by the
                // divider (two divisions and a square root per lane group); this one differs from
                // torch's order by rounding only. Float64 keeps torch's order (and its bits).
                let scaledStep = T(learningRate / (1 - pow(beta1, t)) * (1 - pow(beta2, t)).squareRoot())
                let scaledEpsilon = T(epsilon * (1 - pow(beta2, t)).squareRoot())
                var i = 0
                while i < full {
                    let gi = g.lanes(at: i) + lambda * theta.lanes(at: i)
                    let mi = b1 * m.lanes(at: i) + c1 * gi
                    let vi = b2 * v.lanes(at: i) + c2 * gi * gi
                    let updated = theta.lanes(at: i) - scaledStep * mi / (T.squareRoot(vi) + scaledEpsilon)
                    m.store(mi, at: i)
                    v.store(vi, at: i)
                    theta.store(updated, at: i)
                    poison += updated * 0
                    i += lanes
                }
                for i in full..<count {
                    let gi = g[i] + lambda * theta[i]
                    m[i] = b1 * m[i] + c1 * gi
                    v[i] = b2 * v[i] + c2 * gi * gi
                    theta[i] -= scaledStep * m[i] / (v[i].squareRoot() + scaledEpsilon)
                    tailPoison += theta[i] * 0
                }
                break
            }
            // torch: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − step·m / (√v / √(1−β₂ᵗ) + ε)
            var i = 0
            while i < full {
                let gi = g.lanes(at: i) + lambda * theta.lanes(at: i)
                let mi = b1 * m.lanes(at: i) + c1 * gi
                let vi = b2 * v.lanes(at: i) + c2 * gi * gi
                let updated = theta.lanes(at: i) - stepSize * mi / (T.squareRoot(vi) / correction2 + eps)
                m.store(mi, at: i)
                v.store(vi, at: i)
                theta.store(updated, at: i)
                poison += updated * 0
                i += lanes
            }
            for i in full..<count {
                let gi = g[i] + lambda * theta[i]
                m[i] = b1 * m[i] + c1 * gi
                v[i] = b2 * v[i] + c2 * gi * gi
                theta[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
                tailPoison += theta[i] * 0
            }
        case .sgd:
            let lr = T(learningRate), mu = T(momentum)
            let buffer = first
            for i in 0..<count {
                var gi = g[i] + lambda * theta[i]
                if mu != 0 {
                    buffer[i] = steps == 1 ? gi : mu * buffer[i] + gi
                    gi = buffer[i]
                }
                theta[i] -= lr * gi
                tailPoison += theta[i] * 0
            }
        }
        return !(poison.sum() + tailPoison).isNaN
    }

    /// Convenience over arrays (for tests and cold code).
    /// - Precondition: both arrays have `count` values.
    @discardableResult
    public func step(parameters: inout [T], gradient: [T]) -> Bool {
        precondition(parameters.count == count && gradient.count == count, "optimiser size mismatch")
        return parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in step(parameters: p.baseAddress!, gradient: g.baseAddress!) }
        }
    }
}
