/// Implicit score matching (Hyvärinen 2005) with the exact Jacobian trace (docs/design.md, "The
/// course templates"):
///
///   L(θ) = mean_i [ ½‖s(x_i)‖² + tr(∂s/∂x)(x_i) ],   tr(∂s/∂x) = Σ_k ∂s_k/∂x_k,
///
/// the trace from one forward-mode tangent per input dimension (`MLP+Tangent.swift`), and ∂L/∂θ
/// exact by reversing through primal and tangents: s̄ = s/B on the primal block and ṡ̄^k = e_k/B
/// on tangent block k. Primal and both tangents run as one [3B, H]·[H, H]ᵀ GEMM per layer.
public final class ImplicitScoreMatching<T: Scalar>: Objective {
    public let layout: MLP.Layout
    public let batchSize: Int
    public var parameterCount: Int { layout.parameterCount }
    private let tape: Tape<T>

    /// - Precondition: the layout is a score model (outputs == inputs).
    public init(layout: MLP.Layout, batchSize: Int) {
        precondition(layout.outputs == layout.inputs, "score matching trains a score model")
        self.layout = layout
        self.batchSize = batchSize
        tape = Tape<T>(layout: layout, capacity: layout.tapeRows(for: .ism, batchSize: batchSize))
    }


    public func evaluate(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         batch: UnsafePointer<T>, rows: Int, random: inout RandomSource) -> Double {
        precondition(rows <= batchSize)
        let d = layout.inputs
        layout.forwardWithTangents(parameters: p, input: batch, rows: rows, tape: tape)
        let out = tape.output, bar = tape.outputGradient
        let invB = 1 / Double(rows)
        var total = 0.0
        for i in 0..<(rows * d) {
            total += Double(0.5 * out[i] * out[i])
            bar[i] = out[i] * T(invB)
        }
        for k in 0..<d {
            let block = (k + 1) * rows * d
            for r in 0..<rows {
                for j in 0..<d { bar[block + r * d + j] = j == k ? T(invB) : 0 }
                total += Double(out[block + r * d + k])
            }
        }
        layout.backwardThroughTangents(parameters: p, tape: tape, gradient: g)
        return total * invB
    }
}
