// EBMCore: the numerics — matrices over BLAS, the MLP, the four objectives, samplers, toy data, metrics, checkpoints; no files, no sockets.

/// The training loop: one linear, sectioned loop over batches (nanoGPT style), allocation-free.
///
/// Everything the loop touches — parameters, gradient, optimiser moments, the objective's tapes,
/// noise and chains, the batch buffer and the shuffle permutation — is allocated in `init`. The
/// hot loop only calls into those buffers; its time goes to BLAS GEMMs. Checked by construction:
/// the loop touches only `UnsafeMutablePointer` buffers made in init, non-escaping closures, and
/// the loss history, reserved for `iterations` up front. Call `BLAS.setSingleThreaded()` once
/// per process before training (the trainer does not touch process-wide settings).
///
/// Precision: `config.precision` picks the scalar once, here; from there on the loop is concrete
/// code for `Float` or `Double` (`Session<T>`), specialised by the compiler, never dispatched per call.
///
/// Batches: every epoch shuffles the training indices (Fisher–Yates with the run's
/// `RandomSource`) and takes consecutive batches of `batchSize` from the permutation; a tail
/// shorter than a batch is skipped and the next epoch reshuffles all points (PyTorch's
/// `DataLoader(shuffle=True, drop_last=True)`).
///
/// Subnormals are flushed to zero while it trains (`Subnormals`): they cost x86 a microcode
/// assist per operation, and a late ISM iteration took 8× an early one.
///
/// Randomness: `RandomSource(seed: config.seed)` initialises the model (weights, then NCE's c),
/// then drives shuffles, noise and Langevin chains in iteration order; draws are Double and
/// rounded to the precision, so float32 and float64 runs see the same draws. Same config, same
/// data, same build, same BLAS kernel family: bit-identical losses and parameters.
public struct Trainer {
    public let config: TrainingConfig
    private let session: Session

    /// The trainer's state in its precision.
    private enum Session {
        case float32(TrainingSession<Float>)
        case float64(TrainingSession<Double>)
    }

    /// - Precondition: `data` has two columns and at least `config.batchSize` rows, and
    ///   `config.validate()` passes (the caller validates; bad values are programmer errors here).
    public init(config: TrainingConfig, data: Matrix) {
        precondition(data.columns == 2, "training data must be [n, 2]")
        precondition(data.rows >= config.batchSize && config.batchSize >= 1, "need at least one full batch of data")
        self.config = config
        switch config.precision {
        case .float32: session = .float32(TrainingSession(config: config, data: data))
        case .float64: session = .float64(TrainingSession(config: config, data: data))
        }
    }

    /// The model at the current parameters.
    public var model: Model {
        switch session {
        case .float32(let s): s.model(config: config)
        case .float64(let s): s.model(config: config)
        }
    }

    /// Runs `config.iterations` optimiser steps (continuing from the current state if called again).
    /// After each step `onStep(iteration, loss)` is called with the 1-based iteration; returning
    /// false stops the run as `.cancelled`. Non-finite loss, parameters or chains stop it as
    /// `.diverged` (onStep is not called for that iteration). Never traps on divergence.
    public mutating func train(onStep: (_ iteration: Int, _ loss: Double) -> Bool = { _, _ in true }) -> TrainingRun {
        let clock = ContinuousClock()
        let start = clock.now
        var losses: [Double] = []
        losses.reserveCapacity(config.iterations)
        let status: RunStatus = Subnormals.flushed {
            switch session {
            case .float32(let s): s.train(iterations: config.iterations, losses: &losses, onStep: onStep)
            case .float64(let s): s.train(iterations: config.iterations, losses: &losses, onStep: onStep)
            }
        }
        let seconds = start.duration(to: clock.now).inSeconds
        return TrainingRun(status: status, losses: losses, iterations: losses.count,
                           secondsPerIteration: losses.isEmpty ? 0 : seconds / Double(losses.count),
                           model: model)
    }

    /// The persistent training chains' health against `box` (docs/design.md, "Divergence checks"):
    /// maximum likelihood only, nil for the other methods. Reads the state; changes nothing.
    public func chainHealth(box: EvaluationData.Box) -> ChainHealth? {
        switch session {
        case .float32(let s): s.chainHealth(box: box)
        case .float64(let s): s.chainHealth(box: box)
        }
    }

    /// Samples of the current model with the evaluation sampler (see `Model.sample`).
    public func sample(_ evaluation: EvaluationConfig, seed: UInt64) -> Matrix {
        model.sample(evaluation, seed: seed)
    }
}
