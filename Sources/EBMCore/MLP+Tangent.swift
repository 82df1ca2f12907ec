/// Forward-mode tangents of a score network and the reverse pass through them: the exact Jacobian
/// trace tr(∂s/∂x) and its exact parameter gradient, for implicit score matching.
///
/// Tangent k is the directional derivative along input axis e_k:
///   ż_0 = W_0·e_k (column k of W_0, the same for every row),  ȧ_l = φ′(z_l) ⊙ ż_l,
///   ż_l = W_l·ȧ_{l−1} (no bias),  ṡ = W_out·ȧ_L,  and tr(∂s/∂x) = Σ_k ṡ^k_k.
/// Primal and tangents share the weights, so the tape stacks them as rows — primal in block 0,
/// tangent k in block k + 1 — and each layer is ONE GEMM over (inputs + 1)·B rows.
///
/// Reverse through (z ↦ a = φ(z), ż ↦ ȧ = φ′(z)ż), given ā and the tangents' adjoints ǡ^k:
///   z̄ = ā ⊙ φ′(z) + Σ_k ǡ^k ⊙ φ″(z) ⊙ ż^k,   ż̄^k = ǡ^k ⊙ φ′(z);
/// and through the layer: ∂W_l = Σ over all blocks of (adjoint)ᵀ·(input), ∂b_l from the primal
/// block only, and for the first layer ∂W_0[:, k] += Σ_rows ż̄_0^k.
extension MLP.Layout {
    /// Forward pass of primal and `inputs` tangents over `rows` points, keeping φ′ and φ″.
    /// Afterwards the tape's `output` holds s in rows 0..<B and ṡ^k in rows (k+1)B..<(k+2)B.
    /// - Precondition: `(inputs + 1)·rows <= tape.capacity`.
    public func forwardWithTangents<T: Scalar>(
        parameters p: UnsafePointer<T>, input x: UnsafePointer<T>, rows: Int, tape t: Tape<T>
    ) {
        let blocks = inputs + 1
        let total = blocks * rows
        precondition(total <= t.capacity && t.layout == self, "tape too small for tangents")
        t.rows = total
        t.input.update(from: x, count: rows * inputs)
        // Layer 0: the primal block through the affine map, the tangent blocks are W_0's columns.
        let w0 = p + weightOffset(0)
        let z0 = t.z[0]
        affine(layer: 0, parameters: p, input: x, rows: rows, output: z0)
        for k in 0..<inputs {
            let blockStart = z0 + (k + 1) * rows * width
            for j in 0..<width { blockStart[j] = w0[j * inputs + k] }
            for r in 1..<max(rows, 1) { (blockStart + r * width).update(from: blockStart, count: width) }
        }
        activateWithTangents(layer: 0, rows: rows, tape: t)
        for l in 1..<activatedLayers {
            let z = t.z[l]
            BLAS.gemm(.none, .transposed, m: total, n: width, k: width, a: t.a[l - 1], lda: width,
                      b: p + weightOffset(l), ldb: width, c: z, ldc: width)
            addBias(p + biasOffset(l), to: z, rows: rows, columns: width)
            activateWithTangents(layer: l, rows: rows, tape: t)
        }
        let last = linearLayers - 1
        for j in 0..<outputs {
            BLAS.gemv(.none, rows: total, columns: width, a: t.a[activatedLayers - 1], lda: width,
                      x: p + weightOffset(last) + j * width, y: t.output + j, incY: outputs)
        }
        addBias(p + biasOffset(last), to: t.output, rows: rows, columns: outputs)
    }

    @inline(__always)
    private func addBias<T: Scalar>(_ b: UnsafePointer<T>, to z: UnsafeMutablePointer<T>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let zr = z + r * columns
            for j in 0..<columns { zr[j] += b[j] }
        }
    }

    /// a = φ(z), φ′, φ″ on the primal block; ȧ^k = φ′(z) ⊙ ż^k on each tangent block.
    @inline(__always)
    private func activateWithTangents<T: Scalar>(layer l: Int, rows: Int, tape t: Tape<T>) {
        let n = rows * width
        let d1 = t.d1[l]
        activation.apply(count: n, z: t.z[l], a: t.a[l], d1: d1, d2: t.d2[l])
        for k in 1...inputs {
            let zk = t.z[l] + k * n, ak = t.a[l] + k * n
            for i in 0..<n { ak[i] = d1[i] * zk[i] }
        }
    }

    /// Reverse pass through `forwardWithTangents`. The caller fills the tape's `outputGradient`
    /// for all (inputs + 1)·B rows (s̄ in block 0, ṡ̄^k in block k + 1); `gradient` receives
    /// ∂loss/∂parameters (overwritten). Allocation-free.
    public func backwardThroughTangents<T: Scalar>(parameters p: UnsafePointer<T>, tape t: Tape<T>,
                                                   gradient g: UnsafeMutablePointer<T>) {
        let total = t.rows
        let rows = total / (inputs + 1)
        let n = rows * width
        let last = linearLayers - 1
        var upstream = UnsafePointer(t.outputGradient)
        stackedWeightGradient(layer: last, upstream: upstream, input: t.a[activatedLayers - 1],
                              total: total, rows: rows, gradient: g, tape: t)
        var target = t.scratch.0
        for l in stride(from: activatedLayers - 1, through: 0, by: -1) {
            adjoint(of: l + 1, parameters: p, upstream: upstream, rows: total, into: target)
            let d1 = t.d1[l], d2 = t.d2[l], z = t.z[l]
            if inputs == 2 {
                // The 2-D case unrolled so the loop vectorises.
                let t1 = target + n, t2 = target + 2 * n, z1 = z + n, z2 = z + 2 * n
                for i in 0..<n {
                    let a = d1[i], b = d2[i]
                    target[i] = target[i] * a + b * (t1[i] * z1[i] + t2[i] * z2[i])
                    t1[i] *= a
                    t2[i] *= a
                }
            } else {
                for i in 0..<n {
                    var primal = target[i] * d1[i]
                    for k in 1...inputs {
                        let j = k * n + i
                        primal += target[j] * d2[i] * z[j]
                        target[j] *= d1[i]
                    }
                    target[i] = primal
                }
            }
            if l > 0 {
                stackedWeightGradient(layer: l, upstream: target, input: t.a[l - 1], total: total,
                                      rows: rows, gradient: g, tape: t)
            } else {
                weightGradient(layer: 0, upstream: target, input: t.input, rows: rows, gradient: g, tape: t)
                let w0 = g + weightOffset(0)
                for k in 0..<inputs {
                    BLAS.gemv(.transposed, rows: rows, columns: width, a: target + (k + 1) * n, lda: width,
                              x: t.ones, y: t.columnScratch)
                    for j in 0..<width { w0[j * inputs + k] += t.columnScratch[j] }
                }
            }
            upstream = UnsafePointer(target)
            target = target == t.scratch.0 ? t.scratch.1 : t.scratch.0
        }
    }

    /// ∂W_l = upstreamᵀ·input over all stacked rows; ∂b_l over the primal rows only.
    @inline(__always)
    private func stackedWeightGradient<T: Scalar>(
        layer l: Int, upstream: UnsafePointer<T>, input: UnsafePointer<T>, total: Int, rows: Int,
        gradient g: UnsafeMutablePointer<T>, tape t: Tape<T>
    ) {
        let n = fanOut(l), k = fanIn(l)
        if n <= 2 {
            for j in 0..<n {
                BLAS.gemv(.transposed, rows: total, columns: k, a: input, lda: k, x: upstream + j, incX: n,
                          y: g + weightOffset(l) + j * k)
            }
        } else {
            BLAS.gemm(.transposed, .none, m: n, n: k, k: total, a: upstream, lda: n, b: input, ldb: k,
                      c: g + weightOffset(l), ldc: k)
        }
        BLAS.gemv(.transposed, rows: rows, columns: n, a: upstream, lda: n, x: t.ones, y: g + biasOffset(l))
    }
}
