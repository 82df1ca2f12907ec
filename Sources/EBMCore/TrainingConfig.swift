/// What one training run is: the objective, the data, the model, the optimiser and the sampler.
///
/// Every field has the course template's default for its method (`TrainingConfig.defaults(for:)`).
/// Field names on the wire, in sweep specs and in tables are the snake_case `Hyperparameter.name`s;
/// CLI flags are the same names in kebab-case.

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

public struct TrainingConfig: Codable, Hashable, Sendable {
    public var method: Method
    public var dataset: DatasetName
    /// Number of training points drawn once from the dataset.
    public var dataSize: Int
    /// Linear(H, H) layers after the input layer.
    public var hiddenLayers: Int
    /// Width H.
    public var neurons: Int
    public var activation: ActivationKind
    public var batchSize: Int
    public var iterations: Int
    /// Learning rate.
    public var lr: Double
    public var optimizer: OptimizerKind
    /// SGD momentum (PyTorch semantics); unused by Adam.
    public var momentum: Double
    /// L2 weight decay added to the gradient (PyTorch's `weight_decay`).
    public var weightDecay: Double
    /// ML: Langevin step size ε of the training chains.
    public var langevinStepSize: Double
    /// ML: Langevin steps per iteration.
    public var langevinSteps: Int
    /// ML: persistent or fresh chains.
    public var chains: ChainMode
    /// ML: weight α of the energy regulariser α·mean(f(x)² + f(x̂)²) (0 = the template's loss).
    public var energyReg: Double
    /// DSM: noise scale σ.
    public var sigma: Double
    /// NCE: standard deviation of the Gaussian noise model Q = N(0, noise_std²·I).
    public var noiseStd: Double
    /// Training seed: initialisation, data draw, batches, chains.
    public var seed: UInt64
    /// The arithmetic of training, Langevin sampling and the checkpoint (metrics are float64).
    public var precision: Precision

    enum CodingKeys: String, CodingKey {
        case method, dataset, activation, optimizer, momentum, chains, sigma, seed, iterations, neurons, lr, precision
        case dataSize = "data_size"
        case hiddenLayers = "hidden_layers"
        case batchSize = "batch_size"
        case weightDecay = "weight_decay"
        case langevinStepSize = "langevin_step_size"
        case langevinSteps = "langevin_steps"
        case energyReg = "energy_reg"
        case noiseStd = "noise_std"
    }

    /// The course template's configuration for `method` (docs/design.md, "The course templates").
    public static func defaults(for method: Method) -> TrainingConfig {
        var c = TrainingConfig(
            method: method, dataset: .swissRoll, dataSize: 16384, hiddenLayers: 2, neurons: 128,
            activation: .relu, batchSize: 512, iterations: 3000, lr: 1e-3, optimizer: .adam,
            momentum: 0, weightDecay: 0, langevinStepSize: 5e-4, langevinSteps: 20,
            chains: .persistent, energyReg: 0, sigma: 0.1, noiseStd: 2, seed: 0, precision: .float32)
        switch method {
        case .ml:
            break
        case .nce:
            c.dataset = .gaussians
            c.hiddenLayers = 3; c.neurons = 256; c.activation = .leakyRelu
            c.batchSize = 100; c.iterations = 1000
        case .ism:
            c.dataset = .rings; c.dataSize = 1024
            c.hiddenLayers = 2; c.neurons = 512; c.activation = .softplus
            c.batchSize = 512; c.iterations = 5000
        case .dsm:
            c.dataset = .rings
            c.hiddenLayers = 2; c.neurons = 512; c.activation = .softplus
            c.batchSize = 512; c.iterations = 5000
        }
        return c
    }
}

extension TrainingConfig {
    /// Every key required except `precision`: configurations written before it existed (old
    /// stores, checkpoints, peers) trained in float64, so that is what its absence means. New
    /// configurations always carry it.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            method: try c.decode(Method.self, forKey: .method), dataset: try c.decode(DatasetName.self, forKey: .dataset),
            dataSize: try c.decode(Int.self, forKey: .dataSize), hiddenLayers: try c.decode(Int.self, forKey: .hiddenLayers),
            neurons: try c.decode(Int.self, forKey: .neurons), activation: try c.decode(ActivationKind.self, forKey: .activation),
            batchSize: try c.decode(Int.self, forKey: .batchSize), iterations: try c.decode(Int.self, forKey: .iterations),
            lr: try c.decode(Double.self, forKey: .lr), optimizer: try c.decode(OptimizerKind.self, forKey: .optimizer),
            momentum: try c.decode(Double.self, forKey: .momentum), weightDecay: try c.decode(Double.self, forKey: .weightDecay),
            langevinStepSize: try c.decode(Double.self, forKey: .langevinStepSize),
            langevinSteps: try c.decode(Int.self, forKey: .langevinSteps), chains: try c.decode(ChainMode.self, forKey: .chains),
            energyReg: try c.decode(Double.self, forKey: .energyReg), sigma: try c.decode(Double.self, forKey: .sigma),
            noiseStd: try c.decode(Double.self, forKey: .noiseStd), seed: try c.decode(UInt64.self, forKey: .seed),
            precision: try c.decodeIfPresent(Precision.self, forKey: .precision) ?? .float64)
    }
}

/// Where the evaluation sampler's chains start.
public enum SamplerInit: String, Codable, CaseIterable, Sendable {
    /// N(0, scale²·I).
    case normal
    /// Uniform in [−scale, scale]².
    case uniform
}

/// The sampler that draws the samples every run is scored on. One per sweep, so runs compare.
public struct EvaluationConfig: Codable, Hashable, Sendable {
    public var samples: Int
    public var initDistribution: SamplerInit
    public var initScale: Double
    public var stepSize: Double
    public var steps: Int

    public init(samples: Int, initDistribution: SamplerInit, initScale: Double, stepSize: Double, steps: Int) {
        self.samples = samples
        self.initDistribution = initDistribution
        self.initScale = initScale
        self.stepSize = stepSize
        self.steps = steps
    }

    enum CodingKeys: String, CodingKey {
        case samples, steps
        case initDistribution = "init"
        case initScale = "init_scale"
        case stepSize = "step_size"
    }

    /// The template's final sampling: 3000 chains from N(0, I) (ML), 1000 chains uniform in
    /// [−2, 2]² (NCE) or [−1, 1]² (score matching); 1000 steps of ε = 5e-4.
    public static func defaults(for method: Method) -> EvaluationConfig {
        switch method {
        case .ml: EvaluationConfig(samples: 3000, initDistribution: .normal, initScale: 1, stepSize: 5e-4, steps: 1000)
        case .nce: EvaluationConfig(samples: 1000, initDistribution: .uniform, initScale: 2, stepSize: 5e-4, steps: 1000)
        case .ism, .dsm: EvaluationConfig(samples: 1000, initDistribution: .uniform, initScale: 1, stepSize: 5e-4, steps: 1000)
        }
    }

    /// Evaluation samples a sweep may ask for (a RESULT carries them all).
    public static let maxSamples = 100_000

    public func validate() throws(ConfigError) {
        guard samples >= 1, samples <= Self.maxSamples else {
            throw ConfigError(key: "samples", message: "must be an integer in 1...\(Self.maxSamples), got \(samples)")
        }
        guard steps >= 0, steps <= 1_000_000 else {
            throw ConfigError(key: "steps", message: "must be an integer in 0...1000000, got \(steps)")
        }
        guard stepSize.isFinite, stepSize > 0 else {
            throw ConfigError(key: "step_size", message: "must be a positive number, got \(stepSize)")
        }
        guard initScale.isFinite, initScale > 0 else {
            throw ConfigError(key: "init_scale", message: "must be a positive number, got \(initScale)")
        }
    }
}

/// A configuration value that is out of range or does not apply. `key` is the snake_case name.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String
    /// Other keys whose values share the blame (a model too large for memory: batch size, width
    /// and depth), so a spec error can point at whichever of them the spec sets.
    public var relatedKeys: [String]
    public init(key: String, message: String, relatedKeys: [String] = []) {
        self.key = key
        self.message = message
        self.relatedKeys = relatedKeys
    }
    public var description: String { "\(key): \(message)" }
}
