/// A trained model as plots, metrics and checkpoints see it: the network, what its output means,
/// and NCE's log(1/z).
///
/// Energy models (ML, NCE) output f(x) with p(x) ∝ e^{−f(x)}; score models (ISM, DSM) output
/// s(x) ≈ ∇ₓ log p(x). Usable outside training; every call allocates its own tape.
public struct Model: Hashable, Sendable {
    public let method: Method
    public var network: MLP
    /// NCE's trainable c = log(1/z), so log p(x) = −f(x) + c; nil for other methods.
    public var logNormalizer: Double?

    /// The network shape `config` trains: out = 1 for energy models, 2 for score models.
    public static func layout(for config: TrainingConfig) -> MLP.Layout {
        MLP.Layout(inputs: 2, width: config.neurons, hiddenLayers: config.hiddenLayers,
                   outputs: config.method.isScoreModel ? 2 : 1, activation: config.activation)
    }

    /// Length of the flat parameter vector of `config`'s model (NCE adds c as the last element).
    public static func parameterCount(for config: TrainingConfig) -> Int {
        layout(for: config).parameterCount + (config.method == .nce ? 1 : 0)
    }

    /// A freshly initialised model: PyTorch's `nn.Linear` initialisation, then (NCE) c ~ U[−1, 1].
    public init(config: TrainingConfig, random: inout RandomSource) {
        method = config.method
        network = MLP(layout: Self.layout(for: config), random: &random)
        logNormalizer = config.method == .nce ? random.uniform(-1, 1) : nil
    }

    /// Rebuilds a model from its flat parameter vector (as stored in a checkpoint).
    /// - Precondition: `parameters.count == Model.parameterCount(for: config)`.
    public init(config: TrainingConfig, parameters: [Double]) {
        precondition(parameters.count == Self.parameterCount(for: config), "parameter count does not match the config")
        method = config.method
        let layout = Self.layout(for: config)
        network = MLP(layout: layout, parameters: Array(parameters.prefix(layout.parameterCount)))
        logNormalizer = config.method == .nce ? parameters.last : nil
    }

    /// The flat parameter vector: the network's, then c for NCE.
    public var parameters: [Double] {
        network.parameters + (logNormalizer.map { [$0] } ?? [])
    }

    public var isEnergyModel: Bool { !method.isScoreModel }

    /// f at every row of `points` [n, 2].
    /// - Precondition: an energy model (ML or NCE) and two columns.
    public func energy(at points: Matrix) -> [Double] {
        precondition(isEnergyModel, "energy(at:) needs an energy model; score models have no energy")
        return network(points).storage
    }

    /// s(x) = ∇ₓ log p at every row of `points` [n, 2]: the network's output for score models,
    /// −∇ₓf for energy models.
    /// - Precondition: two columns.
    public func score(at points: Matrix) -> Matrix {
        if !isEnergyModel { return network(points) }
        precondition(points.columns == network.layout.inputs, "points must have two columns")
        var result = Matrix(rows: points.rows, columns: points.columns)
        let layout = network.layout
        let chunk = 1024
        let tape = Tape(layout: layout, capacity: max(1, min(points.rows, chunk)))
        network.parameters.withUnsafeBufferPointer { p in
            points.storage.withUnsafeBufferPointer { x in
                result.storage.withUnsafeMutableBufferPointer { r in
                    var start = 0
                    while start < points.rows {
                        let n = min(chunk, points.rows - start)
                        let into = r.baseAddress! + start * layout.inputs
                        layout.energyGradient(parameters: p.baseAddress!, at: x.baseAddress! + start * layout.inputs,
                                              rows: n, tape: tape, into: into)
                        for i in 0..<(n * layout.inputs) { into[i] = -into[i] }
                        start += n
                    }
                }
            }
        }
        return result
    }
}
