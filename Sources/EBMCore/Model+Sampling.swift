/// Drawing samples from a model with the evaluation sampler (docs/design.md, "The course templates"
/// and "Metrics").
extension Model {
    /// Chains per block: the tape is sized for a block, so memory stays bounded for any sample count.
    static let samplingBlock = 1000

    /// `evaluation.samples` samples [n, 2]: chains start from N(0, scale²·I) or uniform in
    /// [−scale, scale]², then `steps` unadjusted Langevin steps of `stepSize` on ∇ₓf (energy
    /// models) or −s (score models) — the same code for both.
    ///
    /// Randomness, from `RandomSource(seed: seed)`: all starting points first (row by row), then
    /// the chains run in blocks of 1000, each block's steps drawing its noise in order. The same
    /// model, settings and seed give the same bits. The chains run in the model's precision.
    public func sample(_ evaluation: EvaluationConfig, seed: UInt64) -> Matrix {
        Subnormals.flushed {
            switch precision {
            case .float32: sample(evaluation, seed: seed, in: Float.self)
            case .float64: sample(evaluation, seed: seed, in: Double.self)
            }
        }
    }

    private func sample<T: Scalar>(_ evaluation: EvaluationConfig, seed: UInt64, in _: T.Type) -> Matrix {
        var random = RandomSource(seed: seed)
        let d = network.layout.inputs
        var chains = [T](repeating: 0, count: evaluation.samples * d)
        let scale = evaluation.initScale
        for i in 0..<chains.count {
            chains[i] = T(evaluation.initDistribution == .normal
                ? scale * random.gaussian() : random.uniform(-scale, scale))
        }
        let layout = network.layout
        let tape = Tape<T>(layout: layout, capacity: max(1, min(evaluation.samples, Self.samplingBlock)))
        let sampler = LangevinSampler(stepSize: evaluation.stepSize)
        let energy = isEnergyModel
        var gradient = [T](repeating: 0, count: min(evaluation.samples, Self.samplingBlock) * d)
        let parameters = network.parameters.converted(to: T.self)
        parameters.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            chains.withUnsafeMutableBufferPointer { xb in
                gradient.withUnsafeMutableBufferPointer { gb in
                    guard let x0 = xb.baseAddress, let g = gb.baseAddress else { return }
                    var start = 0
                    while start < evaluation.samples {
                        let rows = min(Self.samplingBlock, evaluation.samples - start)
                        sampler.run(chains: x0 + start * d, gradientBuffer: g, count: rows * d,
                                    steps: evaluation.steps, random: &random) { x, into in
                            if energy {
                                layout.energyGradient(parameters: p, at: x, rows: rows, tape: tape, into: into)
                            } else {
                                layout.forward(parameters: p, input: x, rows: rows, tape: tape, derivatives: .none)
                                for i in 0..<(rows * d) { into[i] = -tape.output[i] }
                            }
                        }
                        start += rows
                    }
                }
            }
        }
        return Matrix(rows: evaluation.samples, columns: d, storage: chains.map { Double($0) })
    }
}
