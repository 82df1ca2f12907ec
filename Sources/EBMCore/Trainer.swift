/// The training loop: one linear, sectioned loop over batches (nanoGPT style), allocation-free.
///
/// Everything the loop touches — parameters, gradient, optimiser moments, the objective's tapes,
/// noise and chains, the batch buffer and the shuffle permutation — is allocated in `init`. The
/// hot loop only calls into those buffers; its time goes to BLAS GEMMs. Checked by construction:
/// the loop touches only `UnsafeMutablePointer` buffers made in init, non-escaping closures, and
/// the loss history, reserved for `iterations` up front. Call `BLAS.setSingleThreaded()` once
/// per process before training (the trainer does not touch process-wide settings).
///
/// Batches: every epoch shuffles the training indices (Fisher–Yates with the run's
/// `RandomSource`) and takes consecutive batches of `batchSize` from the permutation; a tail
/// shorter than a batch is skipped and the next epoch reshuffles all points (PyTorch's
/// `DataLoader(shuffle=True, drop_last=True)`).
///
/// Randomness: `RandomSource(seed: config.seed)` initialises the model (weights, then NCE's c),
/// then drives shuffles, noise and Langevin chains in iteration order. Same config, same data,
/// same build: bit-identical losses and parameters.
public struct Trainer {
    public let config: TrainingConfig
    private let state: State

    /// - Precondition: `data` has two columns and at least `config.batchSize` rows, and
    ///   `config.validate()` passes (the caller validates; bad values are programmer errors here).
    public init(config: TrainingConfig, data: Matrix) {
        precondition(data.columns == 2, "training data must be [n, 2]")
        precondition(data.rows >= config.batchSize && config.batchSize >= 1, "need at least one full batch of data")
        self.config = config
        state = State(config: config, data: data)
    }

    /// The model at the current parameters.
    public var model: Model { state.model(config: config) }

    /// Runs `config.iterations` optimiser steps (continuing from the current state if called again).
    /// After each step `onStep(iteration, loss)` is called with the 1-based iteration; returning
    /// false stops the run as `.cancelled`. Non-finite loss, parameters or chains stop it as
    /// `.diverged` (onStep is not called for that iteration). Never traps on divergence.
    public mutating func train(onStep: (_ iteration: Int, _ loss: Double) -> Bool = { _, _ in true }) -> TrainingRun {
        let s = state
        var losses: [Double] = []
        losses.reserveCapacity(config.iterations)
        var status = RunStatus.ok
        let clock = ContinuousClock()
        let start = clock.now
        for iteration in stride(from: 1, through: config.iterations, by: 1) {
            // 1. Batch: consecutive rows of the shuffled permutation, gathered into one buffer.
            s.nextBatch()
            // 2. Loss and gradient of the objective.
            let loss = s.objective.evaluate(parameters: s.parameters, gradient: s.gradient, batch: s.batch,
                                            rows: config.batchSize, random: &s.random)
            losses.append(loss)
            guard loss.isFinite, s.objective.stateIsFinite else { status = .diverged; break }
            // 3. Optimiser step in place; it reports non-finite parameters.
            guard s.optimizer.step(parameters: s.parameters, gradient: s.gradient) else { status = .diverged; break }
            // 4. Progress and cancellation.
            if !onStep(iteration, loss) { status = .cancelled; break }
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return TrainingRun(status: status, losses: losses, iterations: losses.count,
                           secondsPerIteration: losses.isEmpty ? 0 : seconds / Double(losses.count),
                           model: model)
    }

    /// Samples of the current model with the evaluation sampler (see `Model.sample`).
    public func sample(_ evaluation: EvaluationConfig, seed: UInt64) -> Matrix {
        model.sample(evaluation, seed: seed)
    }
}

extension Trainer {
    /// The trainer's preallocated buffers and stateful parts (a class: one owner, mutated in place).
    final class State {
        let data: UnsafeMutablePointer<Double>
        let rows: Int
        let batchSize: Int
        let permutation: UnsafeMutablePointer<Int>
        var cursor: Int
        let batch: UnsafeMutablePointer<Double>
        let parameters: UnsafeMutablePointer<Double>
        let gradient: UnsafeMutablePointer<Double>
        let count: Int
        let optimizer: Optimizer
        let objective: any Objective
        var random: RandomSource

        init(config: TrainingConfig, data matrix: Matrix) {
            var random = RandomSource(seed: config.seed)
            let initial = Model(config: config, random: &random).parameters
            count = initial.count
            parameters = .allocate(capacity: count)
            parameters.initialize(from: initial, count: count)
            gradient = .allocate(capacity: count)
            gradient.initialize(repeating: 0, count: count)
            rows = matrix.rows
            batchSize = config.batchSize
            data = .allocate(capacity: matrix.count)
            data.initialize(from: matrix.storage, count: matrix.count)
            permutation = .allocate(capacity: rows)
            for i in 0..<rows { (permutation + i).initialize(to: i) }
            cursor = rows  // forces a shuffle before the first batch
            batch = .allocate(capacity: batchSize * 2)
            batch.initialize(repeating: 0, count: batchSize * 2)
            optimizer = Optimizer(config: config, count: count)
            let layout = Model.layout(for: config)
            switch config.method {
            case .ml:
                objective = MaximumLikelihood(layout: layout, batchSize: config.batchSize, stepSize: config.langevinStepSize,
                                              steps: config.langevinSteps, chainMode: config.chains, energyReg: config.energyReg)
            case .nce:
                objective = NoiseContrastive(layout: layout, batchSize: config.batchSize, noiseStd: config.noiseStd)
            case .ism:
                objective = ImplicitScoreMatching(layout: layout, batchSize: config.batchSize)
            case .dsm:
                objective = DenoisingScoreMatching(layout: layout, batchSize: config.batchSize, sigma: config.sigma)
            }
            precondition(objective.parameterCount == count, "objective and model disagree on the parameter count")
            self.random = random
        }

        deinit {
            data.deallocate(); permutation.deallocate(); batch.deallocate()
            parameters.deallocate(); gradient.deallocate()
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
            Model(config: config, parameters: Array(UnsafeBufferPointer(start: parameters, count: count)))
        }
    }
}
