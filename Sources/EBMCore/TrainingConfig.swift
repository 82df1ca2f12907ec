/// What one training run is: the objective, the data, the model, the optimiser and the sampler.
///
/// Every field but `method` is a hyperparameter with an entry in `Hyperparameter.registry`, which
/// holds its default per method (the course templates'), range, spec key, flag and JSON key.

/// The training objective.
public enum Method: String, Codable, CaseIterable, Sendable {
    /// Maximum likelihood (contrastive divergence) with Langevin samples.
    case ml
    /// Noise contrastive estimation with a trainable log(1/z).
    case nce
    /// Implicit score matching (exact Jacobian trace).
    case ism
    /// Denoising score matching.
    case dsm

    /// Energy models output f(x); score models output s(x) = ∇ₓ log p(x) directly.
    public var isScoreModel: Bool { self == .ism || self == .dsm }
}

public enum DatasetName: String, Codable, CaseIterable, Sendable {
    case swissRoll = "swiss_roll"
    case rings
    case gaussians
}

public enum ActivationKind: String, Codable, CaseIterable, Sendable {
    case relu
    case leakyRelu = "leaky_relu"
    case softplus
    case silu
    case tanh
}

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case adam
    case sgd
}

/// How the ML objective's Langevin chains start each iteration.
public enum ChainMode: String, Codable, CaseIterable, Sendable {
    /// From the previous iteration's samples (persistent contrastive divergence).
    case persistent
    /// From N(0, I) every iteration.
    case fresh
}

/// The initial values below only make the type constructible: `defaults(for:)` sets every field
/// from its registry entry, and that is the only way to make a configuration.
public struct TrainingConfig: Hashable, Sendable {
    public var method: Method
    public var dataset = DatasetName.swissRoll
    /// Number of training points drawn once from the dataset.
    public var dataSize = 0
    /// Linear(H, H) layers after the input layer.
    public var hiddenLayers = 0
    /// Width H.
    public var neurons = 0
    public var activation = ActivationKind.relu
    public var batchSize = 0
    public var iterations = 0
    /// Learning rate.
    public var lr = 0.0
    public var optimizer = OptimizerKind.adam
    /// SGD momentum (PyTorch semantics); unused by Adam.
    public var momentum = 0.0
    /// L2 weight decay added to the gradient (PyTorch's `weight_decay`).
    public var weightDecay = 0.0
    /// Largest global L2 norm of the gradient before the optimiser step (before weight decay, as
    /// `torch.nn.utils.clip_grad_norm_` before `step()`); 0 = no clipping.
    public var gradClip = 0.0
    /// ML: Langevin step size ε of the training chains.
    public var langevinStepSize = 0.0
    /// ML: Langevin steps per iteration.
    public var langevinSteps = 0
    /// ML: persistent or fresh chains.
    public var chains = ChainMode.persistent
    /// ML: weight α of the energy regulariser α·mean(f(x)² + f(x̂)²) (0 = the template's loss).
    public var energyReg = 0.0
    /// DSM: noise scale σ.
    public var sigma = 0.0
    /// NCE: standard deviation of the Gaussian noise model Q = N(0, noise_std²·I).
    public var noiseStd = 0.0
    /// Training seed: initialisation, data draw, batches, chains.
    public var seed: UInt64 = 0
    /// The arithmetic of training, Langevin sampling and the checkpoint (metrics are float64).
    public var precision = Precision.float32

    private init(method: Method) {
        self.method = method
    }

    /// The course template's configuration for `method` (docs/design.md, "The course templates").
    public static func defaults(for method: Method) -> TrainingConfig {
        var c = TrainingConfig(method: method)
        for p in Hyperparameter.registry { p.field.set(&c, p.defaultValue(for: method)) }
        return c
    }
}

/// The JSON of stores, checkpoints and the wire: `method` and every registry entry under its name
/// (an entry that is `.unlessDefault` only off its default). Encoders sort keys, so the bytes do
/// not depend on the registry's order.
extension TrainingConfig: Codable {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ConfigKey.self)
        try c.encode(method, forKey: ConfigKey("method"))
        for p in Hyperparameter.registry where p.isRecorded(in: self) {
            try p.field.encode(self, &c)
        }
    }

    /// A key a parameter's `presence` lets a record omit takes the value it means; any other
    /// missing key is refused.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ConfigKey.self)
        self = .defaults(for: try c.decode(Method.self, forKey: ConfigKey("method")))
        for p in Hyperparameter.registry where try !p.field.decode(&self, c) {
            switch p.presence {
            case .always:
                throw DecodingError.keyNotFound(ConfigKey(p.name), DecodingError.Context(
                    codingPath: c.codingPath, debugDescription: "No value associated with key \(p.name)"))
            case .alwaysSince(let absentMeans): p.field.set(&self, absentMeans)
            case .unlessDefault: break  // `defaults(for:)` set it
            }
        }
    }
}

