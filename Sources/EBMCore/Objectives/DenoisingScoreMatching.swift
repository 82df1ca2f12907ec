/// Denoising score matching (Vincent 2011; docs/design.md, "The course templates"):
///
///   y = x + σz, z ~ N(0, I);   L(θ) = mean_i ½‖s(y_i) − (x_i − y_i)/σ²‖²,
///
/// where (x − y)/σ² = −z/σ is the score of the Gaussian corruption kernel.
/// ∂L/∂s(y_i) = (s(y_i) − (x_i − y_i)/σ²)/B, then one reverse pass.
public final class DenoisingScoreMatching<T: Scalar>: Objective {
    public let layout: MLP.Layout
    public let batchSize: Int
    public let sigma: Double
    public var parameterCount: Int { layout.parameterCount }
    private let tape: Tape<T>
    private let noise: UnsafeMutablePointer<T>
    private let noisy: UnsafeMutablePointer<T>

    /// - Precondition: the layout is a score model (outputs == inputs) and σ > 0.
    public init(layout: MLP.Layout, batchSize: Int, sigma: Double) {
        precondition(layout.outputs == layout.inputs, "score matching trains a score model")
        precondition(sigma > 0, "DSM needs σ > 0")
        self.layout = layout
        self.batchSize = batchSize
        self.sigma = sigma
        tape = Tape<T>(layout: layout, capacity: layout.tapeRows(for: .dsm, batchSize: batchSize))
        let n = batchSize * layout.inputs
        noise = .allocate(capacity: n); noise.initialize(repeating: 0, count: n)
        noisy = .allocate(capacity: n); noisy.initialize(repeating: 0, count: n)
    }

    deinit { noise.deallocate(); noisy.deallocate() }


    public func evaluate(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         batch: UnsafePointer<T>, rows: Int, random: inout RandomSource) -> Double {
        precondition(rows <= batchSize)
        for i in 0..<(rows * layout.inputs) { noise[i] = T(random.gaussian()) }
        return denoise(parameters: p, gradient: g, data: batch, noise: noise, rows: rows)
    }

    /// The loss and gradient for given standard-normal draws z (deterministic; gradient checks use it).
    public func denoise(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                        data x: UnsafePointer<T>, noise z: UnsafePointer<T>, rows: Int) -> Double {
        let n = rows * layout.inputs
        let sigma = T(self.sigma), inverseVariance = T(1 / (self.sigma * self.sigma))
        for i in 0..<n { noisy[i] = x[i] + sigma * z[i] }
        layout.forward(parameters: p, input: noisy, rows: rows, tape: tape, derivatives: .first)
        let s = tape.output, bar = tape.outputGradient
        let invB = 1 / Double(rows)
        var total = 0.0
        for i in 0..<n {
            let r = s[i] - (x[i] - noisy[i]) * inverseVariance
            total += Double(0.5 * r * r)
            bar[i] = r * T(invB)
        }
        layout.backward(parameters: p, tape: tape, gradient: g, inputGradient: false)
        return total * invB
    }
}
