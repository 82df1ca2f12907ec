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
    public func backward<T: Scalar>(
        parameters p: UnsafePointer<T>, tape t: Tape<T>,
        gradient g: UnsafeMutablePointer<T>?, inputGradient: Bool
    ) {
        let rows = t.rows
        let last = linearLayers - 1
        var upstream = UnsafePointer(t.outputGradient)  // [rows, fanOut(l + 1)]
        if let g {
            weightGradient(layer: last, upstream: upstream, input: t.a[activatedLayers - 1], rows: rows,
                           gradient: g, tape: t)
        }
        var target = t.scratch.0
        // ∇ₓ alone through a rectifier (every Langevin step): the first layer's slopes are applied
        // inside the input-gradient kernel, one pass over ā_0 instead of three.
        let fusedSlope = g == nil && inputGradient && inputs <= 4 ? activation.rectifierSlope(T.self) : nil
        for l in stride(from: activatedLayers - 1, through: 0, by: -1) {
            if l == 0, let slope = fusedSlope {
                adjoint(of: 1, parameters: p, upstream: upstream, rows: rows, into: target)
                T.rectifiedInputGradient(rows: rows, inputs: inputs, width: width, adjoint: target, activations: t.a[0],
                                         slope: slope, columns: layOutInputColumns(parameters: p, tape: t),
                                         into: t.inputGradient)
                return
            }
            // ā_l = z̄_{l+1} · W_{l+1}   [rows, fanOut(l+1)] × [fanOut(l+1), width], then
            // z̄_l = ā_l ⊙ φ′(z_l) in place. After the thin output layer a direct loop
            // (`ThinLayer.c`) that applies a rectifier's slopes on its registers, or another
            // activation's block by block of rows while they are in L1.
            if fanOut(l + 1) <= 2 {
                let k = fanOut(l + 1)
                if let slope = activation.rectifierSlope(T.self) {
                    T.thinAdjoint(rows: rows, outputs: k, width: width, upstream: upstream, weights: p + weightOffset(l + 1),
                                  rectifier: (UnsafePointer(t.a[l]), slope), into: target)
                } else {
                    let block = 16
                    for start in stride(from: 0, to: rows, by: block) {
                        let count = min(block, rows - start)
                        adjoint(of: l + 1, parameters: p, upstream: upstream + start * k, rows: count,
                                into: target + start * width)
                        applySlopes(layer: l, tape: t, to: target, from: start * width, count: count * width)
                    }
                }
            } else {
                adjoint(of: l + 1, parameters: p, upstream: upstream, rows: rows, into: target)
                applySlopes(layer: l, tape: t, to: target, from: 0, count: rows * width)
            }
            if let g {
                let previous = l == 0 ? UnsafePointer(t.input) : UnsafePointer(t.a[l - 1])
                weightGradient(layer: l, upstream: target, input: previous, rows: rows, gradient: g, tape: t)
            }
            upstream = UnsafePointer(target)
            target = target == t.scratch.0 ? t.scratch.1 : t.scratch.0
        }
        if inputGradient {
            // x̄ = z̄_0 · W_0   [rows, width] × [width, inputs]: one strided GEMV per input column.
            for i in 0..<inputs {
                BLAS.gemv(.none, rows: rows, columns: width, a: upstream, lda: width, x: p + weightOffset(0) + i,
                          incX: inputs, y: t.inputGradient + i, incY: inputs)
            }
        }
    }

    /// target ⊙= φ′(z_l) over `count` values from `offset`. Relu and leaky relu read φ′ off the
    /// activation's sign (the forward pass did not store it), as PyTorch's threshold backward
    /// does: a select, not a multiply by 0 or 1.
    @inline(__always)
    func applySlopes<T: Scalar>(layer l: Int, tape t: Tape<T>, to target: UnsafeMutablePointer<T>, from offset: Int, count: Int) {
        let target = target + offset
        switch activation {
        case .relu, .leakyRelu:
            let a = UnsafePointer(t.a[l] + offset)
            let lanes = T.Lanes.scalarCount
            let full = count / lanes * lanes
            var i = 0
            let zero = T.Lanes(repeating: 0)
            while i < full {
                let x = target.lanes(at: i)
                target.store(T.select(zero, lessThan: a.lanes(at: i), x, else: activation.belowZero(x)), at: i)
                i += lanes
            }
            for i in full..<count where !(a[i] > 0) { target[i] = activation.belowZero(target[i]) }
        case .softplus, .silu, .tanh:
            let d = t.d1[l] + offset
            for i in 0..<count { target[i] *= d[i] }
        }
    }

    /// ā = upstream · W_next [rows, width]; for the thin output layer (fanOut ≤ 2) a direct
    /// loop, since a GEMM with k ≤ 2 is mostly overhead.
    @inline(__always)
    func adjoint<T: Scalar>(of next: Int, parameters p: UnsafePointer<T>, upstream: UnsafePointer<T>, rows: Int,
                            into target: UnsafeMutablePointer<T>) {
        let k = fanOut(next), w = p + weightOffset(next)
        if k <= 2 {
            T.thinAdjoint(rows: rows, outputs: k, width: width, upstream: upstream, weights: w, rectifier: nil, into: target)
            return
        }
        BLAS.gemm(.none, .none, m: rows, n: width, k: k, a: upstream, lda: k, b: w, ldb: width, c: target, ldc: width)
    }

    /// ∂W_l = upstreamᵀ·input over `rows` rows, ∂b_l = upstreamᵀ·1 (both overwritten).
    @inline(__always)
    func weightGradient<T: Scalar>(
        layer l: Int, upstream: UnsafePointer<T>, input: UnsafePointer<T>, rows: Int,
        gradient g: UnsafeMutablePointer<T>, tape t: Tape<T>
    ) {
        let n = fanOut(l), k = fanIn(l)
        if k <= 2 {
            // First layer: column i of ∂W_0 is upstreamᵀ·x[:, i], a strided GEMV.
            for i in 0..<k {
                BLAS.gemv(.transposed, rows: rows, columns: n, a: upstream, lda: n, x: input + i, incX: k,
                          y: g + weightOffset(l) + i, incY: k)
            }
        } else if n <= 2 {
            // Output layer: row j of ∂W_L is aᵀ·upstream[:, j].
            for j in 0..<n {
                BLAS.gemv(.transposed, rows: rows, columns: k, a: input, lda: k, x: upstream + j, incX: n,
                          y: g + weightOffset(l) + j * k)
            }
        } else {
            BLAS.gemm(.transposed, .none, m: n, n: k, k: rows, a: upstream, lda: n, b: input, ldb: k,
                      c: g + weightOffset(l), ldc: k)
        }
        BLAS.gemv(.transposed, rows: rows, columns: n, a: upstream, lda: n, x: t.ones, y: g + biasOffset(l))
    }
}
