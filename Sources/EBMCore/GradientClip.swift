/// Clipping by global norm, as `torch.nn.utils.clip_grad_norm_` before `optimizer.step()`: when
/// the L2 norm ‖g‖ of the whole gradient (every parameter at once) is above `maxNorm`, the
/// gradient is scaled by maxNorm / (‖g‖ + 1e-6), torch's coefficient; otherwise it is left
/// untouched (torch multiplies by 1, which changes no bit either). In place, allocation-free.
public enum GradientClip {
    /// Clips `count` values at `g`; returns ‖g‖ before clipping (NaN leaves `g` as it is, for the
    /// optimiser's divergence check to find).
    ///
    /// The sum of squares runs in `T`, one lane group at a time, as torch's norm runs in the
    /// gradient's dtype; only the lanes' final sum is in Double.
    @discardableResult
    public static func apply<T: Scalar>(to g: UnsafeMutablePointer<T>, count: Int, maxNorm: Double) -> Double {
        let lanes = T.Lanes.scalarCount
        let full = count / lanes * lanes
        var squares = T.Lanes(repeating: 0)
        var i = 0
        while i < full {
            let v = g.lanes(at: i)
            squares += v * v
            i += lanes
        }
        var sum = 0.0
        for lane in 0..<lanes { sum += Double(squares[lane]) }
        for j in full..<count { sum += Double(g[j] * g[j]) }
        let norm = sum.squareRoot()
        let coefficient = maxNorm / (norm + 1e-6)
        guard coefficient < 1 else { return norm }
        let scale = T(coefficient)
        i = 0
        while i < full {
            g.store(g.lanes(at: i) * scale, at: i)
            i += lanes
        }
        for j in full..<count { g[j] *= scale }
        return norm
    }

    /// Over an array (tests and cold code).
    @discardableResult
    public static func apply<T: Scalar>(to gradient: inout [T], maxNorm: Double) -> Double {
        let count = gradient.count
        guard count > 0 else { return 0 }
        return gradient.withUnsafeMutableBufferPointer { apply(to: $0.baseAddress!, count: count, maxNorm: maxNorm) }
    }
}
