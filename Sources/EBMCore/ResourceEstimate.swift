/// What one training run needs, from its configuration alone: the memory a worker allocates and
/// the checkpoint it sends back. `TrainingConfig.validate()` refuses a configuration beyond the
/// limits, so `plan`, `run` and `train` stop it before any work starts instead of a worker
/// aborting on allocation or training for hours and then failing to deliver (docs/design.md,
/// "Resource limits").
///
/// An upper estimate, not an exact count: every buffer the trainer, the evaluation sampler and
/// the metrics allocate is counted, with the copies a finished run makes of its parameters, all
/// at 8 bytes a value (a float32 run's buffers take half).
public struct ResourceEstimate: Hashable, Sendable {
    /// Memory one run may need. A worker host of the course's kind has a few of these to spare;
    /// the template's largest configuration (ISM, 2 × 512, batch 512) needs about 100 MiB.
    public static let memoryLimit = 16 << 30

    /// Copies of the parameters alive at once: parameters, gradient and the optimiser's two moment
    /// buffers while training, then the model, the checkpoint's array, its encoded bytes, the
    /// result payload and its wire frame while the run ends.
    static let parameterCopies = 9
    /// Batch-sized buffers besides the tape, per batch row: at most 8 doubles (ML's chains, their
    /// gradient and the stacked data and samples), plus the batch itself (2).
    static let doublesPerBatchRow = 10
    /// Rows of the tape the evaluation sampler and the metrics' forward passes use.
    static let evaluationTapeRows = 1024

    /// The network's shape.
    public let layout: MLP.Layout
    public let batchSize: Int
    public let parameters: Int
    /// Rows of the training tape (the objective's stacked batch).
    public let tapeRows: Int
    /// The training tape: activations, slopes and scratch of every layer.
    public let activationBytes: Int
    /// The parameters and their copies (`parameterCopies`).
    public let parameterBytes: Int
    /// The training data (drawn, then copied into the trainer), its shuffle permutation, the
    /// batch-sized buffers and the loss history (kept, then copied into the result).
    public let dataBytes: Int
    /// The evaluation sampler's and metrics' tape, the KDE's distance table and the largest
    /// sample matrix a run may return.
    public let evaluationBytes: Int
    /// The checkpoint: preamble, a JSON header of at most 4 KiB, the parameters as doubles.
    public let checkpointBytes: Int

    /// Every part together: what `memoryLimit` is compared with.
    public var memoryBytes: Int { activationBytes + parameterBytes + dataBytes + evaluationBytes }

    /// - Precondition: every field of `config` is in its registry range (so no product overflows:
    ///   at most 3 · 65536 rows × 4096 wide × 4 · 9 layers ≈ 2.9e13 doubles).
    public init(config: TrainingConfig) {
        layout = Model.layout(for: config)
        let batch = config.batchSize
        batchSize = batch
        parameters = Model.parameterCount(for: config)
        tapeRows = layout.tapeRows(for: config.method, batchSize: batch)
        activationBytes = 8 * layout.tapeValueCount(capacity: tapeRows)
        parameterBytes = 8 * Self.parameterCopies * parameters
        dataBytes = 8 * (2 * 2 * config.dataSize + config.dataSize + Self.doublesPerBatchRow * batch + 2 * config.iterations)
        evaluationBytes = 8 * (layout.tapeValueCount(capacity: Self.evaluationTapeRows)
                               + EvaluationData.validationCount * Metrics.maxKDESamples
                               + 2 * EvaluationConfig.maxSamples)
        checkpointBytes = 20 + 4096 + 8 * parameters
    }

    /// Throws when the run would need more than `memoryLimit` bytes, or its checkpoint would not
    /// fit in a RESULT (`Checkpoint.maxBytes`). The message starts with the value of the key it
    /// names (the one that dominates), so it reads after the key: "batch_size: 65536 with ...".
    public func check(memoryLimit: Int = Self.memoryLimit) throws(ConfigError) {
        let shape = "\(layout.hiddenLayers) hidden layer\(layout.hiddenLayers == 1 ? "" : "s")"
        if memoryBytes > memoryLimit {
            let activationsDominate = activationBytes >= parameterBytes
            let key = activationsDominate ? "batch_size" : "neurons"
            let subject = activationsDominate ? "\(batchSize) with \(shape) of \(layout.width) neurons"
                                              : "\(layout.width) with \(shape) and batch \(batchSize)"
            throw ConfigError(key: key, message: "\(subject) needs about \(Self.bytes(memoryBytes)) of memory to train, "
                              + "over the limit of \(Self.bytes(memoryLimit)) (activations \(Self.bytes(activationBytes)) "
                              + "for \(tapeRows) rows, parameters with gradient and optimiser state \(Self.bytes(parameterBytes)), "
                              + "data \(Self.bytes(dataBytes)), evaluation \(Self.bytes(evaluationBytes))): "
                              + "lower batch_size, neurons or hidden_layers",
                              relatedKeys: ["batch_size", "neurons", "hidden_layers"].filter { $0 != key })
        }
        if checkpointBytes > Checkpoint.maxBytes {
            throw ConfigError(key: "neurons", message: "\(layout.width) with \(shape) makes a checkpoint of about "
                              + "\(Self.bytes(checkpointBytes)) (\(parameters) parameters), more than the "
                              + "\(Self.bytes(Checkpoint.maxBytes)) a result can carry: lower neurons or hidden_layers",
                              relatedKeys: ["hidden_layers"])
        }
    }

    /// "163.0 TiB", "48.0 MiB", "512 B": binary units, one decimal.
    public static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        guard unit > 0 else { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
