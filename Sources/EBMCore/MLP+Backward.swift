/// Hand-written reverse mode for `MLP.Layout.forward`.
///
/// With ḡ_L = ∂loss/∂output (the tape's `outputGradient`, filled by the caller):
///   ∂W_l = z̄_lᵀ·a_{l−1},  ∂b_l = z̄_lᵀ·1,  ā_{l−1} = z̄_l·W_l,  z̄_{l−1} = ā_{l−1} ⊙ φ′(z_{l−1}),
/// with a_{−1} = x. Every product is one GEMM (bias sums one GEMV against a ones vector).
extension MLP.Layout {
    /// Reverse pass over the tape of the last `forward` (which must have kept `.first` derivatives).
    ///
    /// - Parameters:
    ///   - gradient: when given, receives ∂loss/∂parameters (overwritten, `parameterCount` values).
    ///   - inputGradient: when true, the tape's `inputGradient` receives ∂loss/∂x [rows, inputs].
    /// Allocation-free.
    public func backward(
        parameters p: UnsafePointer<Double>, tape t: Tape,
        gradient g: UnsafeMutablePointer<Double>?, inputGradient: Bool
    ) {
        let rows = t.rows
        let last = linearLayers - 1
        var upstream = UnsafePointer(t.outputGradient)  // [rows, fanOut(l + 1)]
        if let g {
            weightGradient(layer: last, upstream: upstream, input: t.a[activatedLayers - 1], rows: rows,
                           gradient: g, tape: t)
        }
        var target = t.scratch.0
        for l in stride(from: activatedLayers - 1, through: 0, by: -1) {
            // ā_l = z̄_{l+1} · W_{l+1}   [rows, fanOut(l+1)] × [fanOut(l+1), width]
            let next = l + 1
            BLAS.gemm(.none, .none, m: rows, n: width, k: fanOut(next),
                      a: upstream, lda: fanOut(next), b: p + weightOffset(next), ldb: width,
                      c: target, ldc: width)
            // z̄_l = ā_l ⊙ φ′(z_l), in place.
            let d = t.d1[l]
            for i in 0..<(rows * width) { target[i] *= d[i] }
            if let g {
                let previous = l == 0 ? UnsafePointer(t.input) : UnsafePointer(t.a[l - 1])
                weightGradient(layer: l, upstream: target, input: previous, rows: rows, gradient: g, tape: t)
            }
            upstream = UnsafePointer(target)
            target = target == t.scratch.0 ? t.scratch.1 : t.scratch.0
        }
        if inputGradient {
            // x̄ = z̄_0 · W_0   [rows, width] × [width, inputs]
            BLAS.gemm(.none, .none, m: rows, n: inputs, k: width, a: upstream, lda: width,
                      b: p + weightOffset(0), ldb: inputs, c: t.inputGradient, ldc: inputs)
        }
    }

    /// ∂W_l = upstreamᵀ·input over `rows` rows, ∂b_l = upstreamᵀ·1 (both overwritten).
    @inline(__always)
    func weightGradient(
        layer l: Int, upstream: UnsafePointer<Double>, input: UnsafePointer<Double>, rows: Int,
        gradient g: UnsafeMutablePointer<Double>, tape t: Tape
    ) {
        let n = fanOut(l), k = fanIn(l)
        BLAS.gemm(.transposed, .none, m: n, n: k, k: rows, a: upstream, lda: n, b: input, ldb: k,
                  c: g + weightOffset(l), ldc: k)
        BLAS.gemv(.transposed, rows: rows, columns: n, a: upstream, lda: n, x: t.ones, y: g + biasOffset(l))
    }
}
