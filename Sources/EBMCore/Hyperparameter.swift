/// One tunable hyperparameter: everything a sweep spec, a CLI flag, the wire, the store and the
/// tables need to know of it. The entries are `Hyperparameter.registry`; a spec key, a `train`
/// flag, a `TrainingConfig` JSON key and a table column exist because an entry does.
public struct Hyperparameter: Sendable {
    public enum Kind: Sendable {
        /// An integer in the closed range.
        case integer(ClosedRange<Int>)
        /// A finite real number in the range; `positive` excludes the lower bound 0.
        case real(ClosedRange<Double>, positive: Bool)
        /// One of the listed words.
        case choice([String])
    }

    /// Whether records of a configuration (stores, checkpoints, the wire) and its config id carry
    /// the value. Records and ids outlive builds, so a parameter added later must leave those of
    /// every configuration that does not use it as they were (docs/design.md, "Hyperparameters").
    public enum Presence: Sendable, Equatable {
        /// Always; a record without it is refused.
        case always
        /// Always written; a record from before it existed ran with `absentMeans` (precision: float64).
        case alwaysSince(absentMeans: HyperparameterValue)
        /// Written and part of the config id only when not at its default, which must reproduce what
        /// runs did before the parameter existed (a clip norm of 0: off). New parameters take this.
        case unlessDefault
    }

    /// snake_case: the spec key, JSON key and table column; the CLI flag is the kebab-case form.
    public let name: String
    public let kind: Kind
    /// The methods that read it; a spec or flag that sets it for another method is refused.
    public let methods: Set<Method>
    /// What it is, as a sentence fragment for help text ("Learning rate").
    public let summary: String
    /// What the CLI flag's value is: `--lr <rate>`.
    public let valueName: String
    public let presence: Presence
    /// The course template's value for each method.
    let defaults: [Method: HyperparameterValue]
    /// Typed access to its `TrainingConfig` field (`Hyperparameter+Fields.swift`).
    let field: Field

    /// Reads and writes one `TrainingConfig` field through its key path, as a `HyperparameterValue`
    /// (for specs, flags and tables) and as its own Codable type (for records).
    struct Field: Sendable {
        let get: @Sendable (TrainingConfig) -> HyperparameterValue
        /// - Precondition: the value passed `check` (it has the field's type and range).
        let set: @Sendable (inout TrainingConfig, HyperparameterValue) -> Void
        let encode: @Sendable (TrainingConfig, inout KeyedEncodingContainer<ConfigKey>) throws -> Void
        /// Whether the record held the key; a missing key leaves the field as it was.
        let decode: @Sendable (inout TrainingConfig, KeyedDecodingContainer<ConfigKey>) throws -> Bool
    }

    /// `--data-size` for `data_size`.
    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// The course template's value for `method`.
    public func defaultValue(for method: Method) -> HyperparameterValue {
        defaults[method]!
    }

    /// Whether `config`'s records and config id carry this parameter (see `Presence`).
    public func isRecorded(in config: TrainingConfig) -> Bool {
        presence != .unlessDefault || field.get(config) != defaultValue(for: config.method)
    }

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

    public static func named(_ name: String) -> Hyperparameter? {
        registry.first { $0.name == name }
    }
}

/// A `TrainingConfig` JSON key: `method` or a hyperparameter's name.
struct ConfigKey: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
