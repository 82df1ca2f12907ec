/// The registry of tunable hyperparameters: one place that says, for every name a sweep spec, a CLI
/// flag or a results table uses, its type, its valid range and which methods read it.

/// A hyperparameter value as written in a spec or on a command line.
public enum HyperparameterValue: Hashable, Codable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .double(let v): Self.format(v)
        case .string(let v): v
        }
    }

    /// Shortest round-tripping text ("0.0005", "1e-05"), the same on every platform.
    public static func format(_ v: Double) -> String {
        "\(v)"
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        case .string: nil
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        }
    }
}

public struct Hyperparameter: Sendable {
    public enum Kind: Sendable {
        /// An integer in the closed range.
        case integer(ClosedRange<Int>)
        /// A finite real number in the range; `positive` excludes the lower bound 0.
        case real(ClosedRange<Double>, positive: Bool)
        /// One of the listed words.
        case choice([String])
    }

    /// snake_case: the spec key and table column; the CLI flag is the kebab-case form.
    public let name: String
    public let kind: Kind
    /// The methods that read it; a spec that sets it for another method is refused.
    public let methods: Set<Method>
    public let summary: String

    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// Checks the value against the kind and converts integers written for real parameters.
    public func check(_ value: HyperparameterValue) throws(ConfigError) -> HyperparameterValue {
        switch (kind, value) {
        case (.integer(let range), .int(let v)):
            guard range.contains(v) else {
                throw ConfigError(key: name, message: "must be an integer in \(range.lowerBound)...\(range.upperBound), got \(v)")
            }
            return value
        case (.integer, .double(let v)) where v == v.rounded() && abs(v) < 1e15:
            return try check(.int(Int(v)))
        case (.integer(let range), _):
            throw ConfigError(key: name, message: "must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        case (.real, .int(let v)):
            return try check(.double(Double(v)))
        case (.real(let range, let positive), .double(let v)):
            guard v.isFinite, range.contains(v), !(positive && v <= 0) else {
                let lower = positive ? "greater than 0" : "at least \(HyperparameterValue.format(range.lowerBound))"
                throw ConfigError(key: name, message: "must be a number \(lower) and at most \(HyperparameterValue.format(range.upperBound)), got \(HyperparameterValue.format(v))")
            }
            return value
        case (.real, .string(let s)):
            throw ConfigError(key: name, message: "must be a number, got '\(s)'")
        case (.choice(let words), .string(let s)):
            guard words.contains(s) else {
                throw ConfigError(key: name, message: "must be one of \(words.joined(separator: ", ")), got '\(s)'")
            }
            return value
        case (.choice(let words), _):
            throw ConfigError(key: name, message: "must be one of \(words.joined(separator: ", ")), got '\(value)'")
        }
    }
}

extension Hyperparameter {
    private static let all = Set(Method.allCases)

    /// Every tunable hyperparameter, in table order.
    public static let registry: [Hyperparameter] = [
        Hyperparameter(name: "dataset", kind: .choice(DatasetName.allCases.map(\.rawValue)), methods: all,
                       summary: "toy dataset"),
        Hyperparameter(name: "data_size", kind: .integer(8...1_048_576), methods: all,
                       summary: "training points drawn once"),
        Hyperparameter(name: "hidden_layers", kind: .integer(0...8), methods: all,
                       summary: "Linear(H, H) layers after the input layer"),
        Hyperparameter(name: "neurons", kind: .integer(1...4096), methods: all, summary: "width H"),
        Hyperparameter(name: "activation", kind: .choice(ActivationKind.allCases.map(\.rawValue)), methods: all,
                       summary: "activation after each hidden layer"),
        Hyperparameter(name: "batch_size", kind: .integer(1...65536), methods: all, summary: "batch size"),
        Hyperparameter(name: "iterations", kind: .integer(1...1_000_000), methods: all,
                       summary: "optimiser steps"),
        Hyperparameter(name: "lr", kind: .real(0...10, positive: true), methods: all, summary: "learning rate"),
        Hyperparameter(name: "optimizer", kind: .choice(OptimizerKind.allCases.map(\.rawValue)), methods: all,
                       summary: "adam or sgd"),
        Hyperparameter(name: "momentum", kind: .real(0...0.999999, positive: false), methods: all,
                       summary: "SGD momentum"),
        Hyperparameter(name: "weight_decay", kind: .real(0...1, positive: false), methods: all,
                       summary: "L2 weight decay"),
        Hyperparameter(name: "langevin_step_size", kind: .real(0...10, positive: true), methods: [.ml],
                       summary: "Langevin step size ε of the training chains"),
        Hyperparameter(name: "langevin_steps", kind: .integer(1...100_000), methods: [.ml],
                       summary: "Langevin steps per iteration"),
        Hyperparameter(name: "chains", kind: .choice(ChainMode.allCases.map(\.rawValue)), methods: [.ml],
                       summary: "persistent or fresh training chains"),
        Hyperparameter(name: "energy_reg", kind: .real(0...100, positive: false), methods: [.ml],
                       summary: "weight of the energy regulariser α·mean(f(x)² + f(x̂)²)"),
        Hyperparameter(name: "sigma", kind: .real(0...10, positive: true), methods: [.dsm],
                       summary: "DSM noise scale σ"),
        Hyperparameter(name: "noise_std", kind: .real(0...100, positive: true), methods: [.nce],
                       summary: "NCE noise model N(0, noise_std²·I)"),
        Hyperparameter(name: "precision", kind: .choice(Precision.allCases.map(\.rawValue)), methods: all,
                       summary: "arithmetic of training and sampling (float32, the templates' dtype, or float64)"),
        Hyperparameter(name: "seed", kind: .integer(0...Int.max), methods: all, summary: "training seed"),
    ]

    public static func named(_ name: String) -> Hyperparameter? {
        registry.first { $0.name == name }
    }
}

extension TrainingConfig {
    /// Sets one hyperparameter by its snake_case name after checking type, range and method.
    public mutating func set(_ name: String, to value: HyperparameterValue) throws(ConfigError) {
        guard let parameter = Hyperparameter.named(name) else {
            throw ConfigError(key: name, message: "is not a hyperparameter")
        }
        guard parameter.methods.contains(method) else {
            let users = Method.allCases.filter { parameter.methods.contains($0) }.map(\.rawValue)
            throw ConfigError(key: name, message: "is not used by method \(method.rawValue) (only by \(users.joined(separator: ", ")))")
        }
        let v = try parameter.check(value)
        switch (name, v) {
        case ("dataset", .string(let s)): dataset = DatasetName(rawValue: s)!
        case ("data_size", .int(let i)): dataSize = i
        case ("hidden_layers", .int(let i)): hiddenLayers = i
        case ("neurons", .int(let i)): neurons = i
        case ("activation", .string(let s)): activation = ActivationKind(rawValue: s)!
        case ("batch_size", .int(let i)): batchSize = i
        case ("iterations", .int(let i)): iterations = i
        case ("lr", .double(let d)): lr = d
        case ("optimizer", .string(let s)): optimizer = OptimizerKind(rawValue: s)!
        case ("momentum", .double(let d)): momentum = d
        case ("weight_decay", .double(let d)): weightDecay = d
        case ("langevin_step_size", .double(let d)): langevinStepSize = d
        case ("langevin_steps", .int(let i)): langevinSteps = i
        case ("chains", .string(let s)): chains = ChainMode(rawValue: s)!
        case ("energy_reg", .double(let d)): energyReg = d
        case ("sigma", .double(let d)): sigma = d
        case ("noise_std", .double(let d)): noiseStd = d
        case ("precision", .string(let s)): precision = Precision(rawValue: s)!
        case ("seed", .int(let i)): seed = UInt64(i)
        default: preconditionFailure("registry and setter disagree on \(name)")
        }
    }

    /// The value of one hyperparameter by its snake_case name.
    public func value(of name: String) -> HyperparameterValue? {
        switch name {
        case "method": .string(method.rawValue)
        case "dataset": .string(dataset.rawValue)
        case "data_size": .int(dataSize)
        case "hidden_layers": .int(hiddenLayers)
        case "neurons": .int(neurons)
        case "activation": .string(activation.rawValue)
        case "batch_size": .int(batchSize)
        case "iterations": .int(iterations)
        case "lr": .double(lr)
        case "optimizer": .string(optimizer.rawValue)
        case "momentum": .double(momentum)
        case "weight_decay": .double(weightDecay)
        case "langevin_step_size": .double(langevinStepSize)
        case "langevin_steps": .int(langevinSteps)
        case "chains": .string(chains.rawValue)
        case "energy_reg": .double(energyReg)
        case "sigma": .double(sigma)
        case "noise_std": .double(noiseStd)
        case "precision": .string(precision.rawValue)
        case "seed": .int(Int(clamping: seed))
        default: nil
        }
    }

    /// The hyperparameters that `method` reads, in table order (the columns of a results table).
    public static func hyperparameterNames(for method: Method) -> [String] {
        Hyperparameter.registry.filter { $0.methods.contains(method) }.map(\.name)
    }

    /// Cross-field checks that no single value can make.
    public func validate() throws(ConfigError) {
        for name in Self.hyperparameterNames(for: method) {
            guard let v = value(of: name), let p = Hyperparameter.named(name) else { continue }
            _ = try p.check(v)
        }
        if batchSize > dataSize {
            throw ConfigError(key: "batch_size", message: "(\(batchSize)) must not exceed data_size (\(dataSize))")
        }
        if optimizer == .adam && momentum != 0 {
            throw ConfigError(key: "momentum", message: "applies to optimizer sgd only; Adam has its own moments")
        }
        try ResourceEstimate(config: self).check()
    }
}
