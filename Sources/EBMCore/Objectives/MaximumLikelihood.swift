/// Maximum likelihood by contrastive divergence (docs/design.md, "The course templates"):
///
///   L(θ) = mean_i f(x_i) − mean_j f(x̂_j) + α·mean_i,j (f(x_i)² + f(x̂_j)²)
///
/// where x̂ is the last iterate of `steps` Langevin steps (ε = `stepSize`) on f, started from the
/// previous iterates (persistent; the first time from N(0, I)) or from N(0, I) each time (fresh),
/// with `batchSize` chains, and treated as a constant (no gradient through the sampler).
/// ∂L/∂θ flows through f only: ∂L/∂f(x_i) = (1 + 2α f(x_i))/B, ∂L/∂f(x̂_j) = (−1 + 2α f(x̂_j))/B.
/// Data and samples are stacked into one [2B, 2] forward/backward pass.
public final class MaximumLikelihood<T: Scalar>: Objective {
    public let layout: MLP.Layout
    public let batchSize: Int
    public let sampler: LangevinSampler
    public let steps: Int
    public let chainMode: ChainMode
    public let energyReg: Double
    public var parameterCount: Int { layout.parameterCount }

    private let tape: Tape<T>
    /// [batchSize, 2] chains: the current x̂.
    /// (Read by `chainHealth`.)
    let chains: UnsafeMutablePointer<T>
    /// ∇ₓf at the chains before their last step, as the sampler left it.
    let chainGradient: UnsafeMutablePointer<T>
    private let stacked: UnsafeMutablePointer<T>
    private var started = false

    /// - Precondition: the layout is an energy model (one output).
    public init(layout: MLP.Layout, batchSize: Int, stepSize: Double, steps: Int, chainMode: ChainMode, energyReg: Double) {
        precondition(layout.outputs == 1, "maximum likelihood trains an energy model")
        self.layout = layout
        self.batchSize = batchSize
        sampler = LangevinSampler(stepSize: stepSize)
        self.steps = steps
        self.chainMode = chainMode
        self.energyReg = energyReg
        tape = Tape<T>(layout: layout, capacity: layout.tapeRows(for: .ml, batchSize: batchSize))
        let n = batchSize * layout.inputs
        chains = .allocate(capacity: n); chains.initialize(repeating: 0, count: n)
        chainGradient = .allocate(capacity: n); chainGradient.initialize(repeating: 0, count: n)
        stacked = .allocate(capacity: 2 * n); stacked.initialize(repeating: 0, count: 2 * n)
    }

    deinit {
        chains.deallocate(); chainGradient.deallocate(); stacked.deallocate()
    }


    public var stateIsFinite: Bool {
        for i in 0..<(batchSize * layout.inputs) where !chains[i].isFinite { return false }
        return true
    }

    public func evaluate(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         batch: UnsafePointer<T>, rows: Int, random: inout RandomSource) -> Double {
        precondition(rows <= batchSize)
        let n = rows * layout.inputs
        if chainMode == .fresh || !started {
            for i in 0..<(batchSize * layout.inputs) { chains[i] = T(random.gaussian()) }
            started = true
        }
        let layout = layout, tape = tape
        sampler.run(chains: chains, gradientBuffer: chainGradient, count: n, steps: steps, random: &random) { x, into in
            layout.energyGradient(parameters: p, at: x, rows: rows, tape: tape, into: into)
        }
        return contrast(parameters: p, gradient: g, data: batch, samples: chains, rows: rows)
    }

    /// The loss and gradient for given samples x̂ (the deterministic part; gradient checks use it).
    public func contrast(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         data: UnsafePointer<T>, samples: UnsafePointer<T>, rows: Int) -> Double {
        let d = layout.inputs
        stacked.update(from: data, count: rows * d)
        (stacked + rows * d).update(from: samples, count: rows * d)
        layout.forward(parameters: p, input: stacked, rows: 2 * rows, tape: tape, derivatives: .first)
        let f = tape.output, fBar = tape.outputGradient
        let invB = 1 / Double(rows), alpha = T(energyReg), scale = T(invB)
        var dataSum = 0.0, sampleSum = 0.0, squares = 0.0
        for i in 0..<rows {
            let fx = f[i], fs = f[rows + i]
            dataSum += Double(fx); sampleSum += Double(fs); squares += Double(fx * fx + fs * fs)
            fBar[i] = (1 + 2 * alpha * fx) * scale
            fBar[rows + i] = (-1 + 2 * alpha * fs) * scale
        }
        layout.backward(parameters: p, tape: tape, gradient: g, inputGradient: false)
        return (dataSum - sampleSum + energyReg * squares) * invB
    }
}

extension MLP.Layout {
    /// ∇ₓf at `rows` points of an energy network, into `into` [rows, inputs]: a forward pass and
    /// a reverse pass seeded with ∂f/∂f = 1, without parameter gradients. Allocation-free.
    @inline(__always)
    public func energyGradient<T: Scalar>(parameters p: UnsafePointer<T>, at x: UnsafePointer<T>, rows: Int,
                                          tape: Tape<T>, into: UnsafeMutablePointer<T>) {
        forward(parameters: p, input: x, rows: rows, tape: tape, derivatives: .first, computeOutput: false)
        tape.outputGradient.update(repeating: 1, count: rows)
        backward(parameters: p, tape: tape, gradient: nil, inputGradient: true)
        into.update(from: tape.inputGradient, count: rows * inputs)
    }
}
