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
