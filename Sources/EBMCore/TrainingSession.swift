/// The trainer's preallocated buffers and stateful parts in precision `T` (a class: one owner,
/// mutated in place), and the loop itself. See `Trainer` for the contract.
final class TrainingSession<T: Scalar> {
    let data: UnsafeMutablePointer<T>
    let rows: Int
    let batchSize: Int
    let permutation: UnsafeMutablePointer<Int>
    var cursor: Int
    let batch: UnsafeMutablePointer<T>
    let parameters: UnsafeMutablePointer<T>
    let gradient: UnsafeMutablePointer<T>
    let count: Int
    let optimizer: Optimizer<T>
    /// `grad_clip`; 0: the step uses the gradient as it is.
    let maxGradientNorm: Double
    let objective: Objectives
    var random: RandomSource

    /// The four objectives as concrete types: a call through `any Objective` would run the
    /// unspecialised generic code.
    enum Objectives {
        case ml(MaximumLikelihood<T>)
        case nce(NoiseContrastive<T>)
        case ism(ImplicitScoreMatching<T>)
        case dsm(DenoisingScoreMatching<T>)
    }

    init(config: TrainingConfig, data matrix: Matrix) {
        var random = RandomSource(seed: config.seed)
        let initial = Model(config: config, random: &random).parameters
        count = initial.count
        parameters = .allocate(capacity: count)
        parameters.initialize(from: initial.converted(to: T.self), count: count)
        gradient = .allocate(capacity: count)
        gradient.initialize(repeating: 0, count: count)
        rows = matrix.rows
        batchSize = config.batchSize
        data = .allocate(capacity: matrix.count)
        data.initialize(from: matrix.storage.converted(to: T.self), count: matrix.count)
        permutation = .allocate(capacity: rows)
        for i in 0..<rows { (permutation + i).initialize(to: i) }
        cursor = rows  // forces a shuffle before the first batch
        batch = .allocate(capacity: batchSize * 2)
        batch.initialize(repeating: 0, count: batchSize * 2)
        optimizer = Optimizer(config: config, count: count)
        maxGradientNorm = config.gradClip
        let layout = Model.layout(for: config)
        switch config.method {
        case .ml:
            objective = .ml(MaximumLikelihood(layout: layout, batchSize: config.batchSize, stepSize: config.langevinStepSize,
                                              steps: config.langevinSteps, chainMode: config.chains, energyReg: config.energyReg))
        case .nce:
            objective = .nce(NoiseContrastive(layout: layout, batchSize: config.batchSize, noiseStd: config.noiseStd))
        case .ism:
            objective = .ism(ImplicitScoreMatching(layout: layout, batchSize: config.batchSize))
        case .dsm:
            objective = .dsm(DenoisingScoreMatching(layout: layout, batchSize: config.batchSize, sigma: config.sigma))
        }
        self.random = random
    }

    deinit {
        data.deallocate(); permutation.deallocate(); batch.deallocate()
        parameters.deallocate(); gradient.deallocate()
    }

    /// `iterations` steps of the loop, appending each loss; how the run ended.
    func train(iterations: Int, losses: inout [Double], onStep: (_ iteration: Int, _ loss: Double) -> Bool) -> RunStatus {
        for iteration in stride(from: 1, through: iterations, by: 1) {
            // 1. Batch: consecutive rows of the shuffled permutation, gathered into one buffer.
            nextBatch()
            // 2. Loss and gradient of the objective.
            let loss = evaluate()
            losses.append(loss)
            guard loss.isFinite, stateIsFinite else { return .diverged }
            // 3. Clipping, then the optimiser step in place; it reports non-finite parameters.
            if maxGradientNorm > 0 { GradientClip.apply(to: gradient, count: count, maxNorm: maxGradientNorm) }
            guard optimizer.step(parameters: parameters, gradient: gradient) else { return .diverged }
            // 4. Progress and cancellation.
            if !onStep(iteration, loss) { return .cancelled }
        }
        return .ok
    }

    @inline(__always)
    func evaluate() -> Double {
        switch objective {
        case .ml(let o): o.evaluate(parameters: parameters, gradient: gradient, batch: batch, rows: batchSize, random: &random)
        case .nce(let o): o.evaluate(parameters: parameters, gradient: gradient, batch: batch, rows: batchSize, random: &random)
        case .ism(let o): o.evaluate(parameters: parameters, gradient: gradient, batch: batch, rows: batchSize, random: &random)
        case .dsm(let o): o.evaluate(parameters: parameters, gradient: gradient, batch: batch, rows: batchSize, random: &random)
        }
    }

    var stateIsFinite: Bool {
        if case .ml(let o) = objective { return o.stateIsFinite }
        return true
    }

    func chainHealth(box: EvaluationData.Box) -> ChainHealth? {
        if case .ml(let o) = objective { return o.chainHealth(box: box) }
        return nil
    }

    /// Gathers the next batch into `batch`, reshuffling when the epoch's full batches are used.
    func nextBatch() {
        if cursor + batchSize > rows {
            for i in stride(from: rows - 1, to: 0, by: -1) {
                let j = random.index(below: i + 1)
                let t = permutation[i]; permutation[i] = permutation[j]; permutation[j] = t
            }
            cursor = 0
        }
        for r in 0..<batchSize {
            let source = permutation[cursor + r]
            batch[2 * r] = data[2 * source]
            batch[2 * r + 1] = data[2 * source + 1]
        }
        cursor += batchSize
    }

    func model(config: TrainingConfig) -> Model {
        Model(config: config, parameters: (0..<count).map { Double(parameters[$0]) })
    }
}
