/// A trained model as plots, metrics and checkpoints see it: the network, what its output means,
/// and NCE's log(1/z).
///
/// Energy models (ML, NCE) output f(x) with p(x) ∝ e^{−f(x)}; score models (ISM, DSM) output
/// s(x) ≈ ∇ₓ log p(x). Usable outside training; every call allocates its own tape and runs in the
/// model's precision (the config's).
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
        network = MLP(layout: Self.layout(for: config), precision: config.precision, random: &random)
        logNormalizer = config.method == .nce ? config.precision.rounded(random.uniform(-1, 1)) : nil
    }

    /// Rebuilds a model from its flat parameter vector (as stored in a checkpoint).
    /// - Precondition: `parameters.count == Model.parameterCount(for: config)`.
    public init(config: TrainingConfig, parameters: [Double]) {
        precondition(parameters.count == Self.parameterCount(for: config), "parameter count does not match the config")
        method = config.method
        let layout = Self.layout(for: config)
        network = MLP(layout: layout, precision: config.precision, parameters: Array(parameters.prefix(layout.parameterCount)))
        logNormalizer = config.method == .nce ? parameters.last : nil
    }

    /// The flat parameter vector: the network's, then c for NCE.
    public var parameters: [Double] {
        network.parameters + (logNormalizer.map { [$0] } ?? [])
    }

    public var isEnergyModel: Bool { !method.isScoreModel }

    /// The arithmetic it evaluates and samples in.
    public var precision: Precision { network.precision }

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
        switch precision {
        case .float32: return energyScore(at: points, in: Float.self)
        case .float64: return energyScore(at: points, in: Double.self)
        }
    }

    private func energyScore<T: Scalar>(at points: Matrix, in _: T.Type) -> Matrix {
        let layout = network.layout
        var result = [T](repeating: 0, count: points.count)
        let chunk = 1024
        let tape = Tape<T>(layout: layout, capacity: max(1, min(points.rows, chunk)))
        let p = network.parameters.converted(to: T.self), x = points.storage.converted(to: T.self)
        p.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { x in
                result.withUnsafeMutableBufferPointer { r in
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
        return Matrix(rows: points.rows, columns: points.columns, storage: result.map { Double($0) })
    }
}
