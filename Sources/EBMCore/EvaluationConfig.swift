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

