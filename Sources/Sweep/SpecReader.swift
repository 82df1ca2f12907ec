import EBMCore
import Yams

/// The parser's working state: the file name and every issue found so far. Each reading helper
/// either returns a value or records an issue (located at the node) and returns nil, so a reader
/// keeps going after a mistake and one run reports them all.
struct SpecReader {
    /// A plain YAML scalar read the way a spec means it; quoted scalars are always text.
    enum Scalar: Equatable {
        case int(Int)
        case double(Double)
        case string(String)
        case bool(Bool)
        case null
    }

    let file: String
    var issues: [SpecIssue] = []

    mutating func report(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        issues.append(SpecIssue(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                keyPath: path, message: message))
    }

    /// Classifies a scalar ourselves (rather than through tags) so `1e-4` is a number, `"1e-4"`
    /// text, and `.inf`/`.nan` numbers that the range checks then refuse by name.
    static func scalar(_ node: Node) -> Scalar? {
        guard case .scalar(let s) = node else { return nil }
        let text = s.string
        guard s.style == .plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let i = Int(text) { return .int(i) }
        // Swift also parses hex floats ("0x1p3") and "nan"/"inf" words; YAML spells those .inf/.nan.
        if let d = Double(text), d.isFinite, !text.lowercased().contains("x") { return .double(d) }
        return .string(text)
    }

    /// "a list", "a mapping", "the number 3", "'abc'": what the user wrote, for messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch scalar(node) {
            case .int(let i): return "\(i)"
            case .double(let d): return HyperparameterValue.format(d)
            case .bool(let b): return "\(b)"
            case .null, .none: return "nothing"
            case .string(let s): return "'\(s)'"
            }
        }
    }

    mutating func mapping(_ node: Node, _ path: String) -> Node.Mapping? {
        if case .mapping(let m) = node { return m }
        report(node, path, "must be a mapping of keys to values, got \(Self.describe(node))")
        return nil
    }

    mutating func list(_ node: Node, _ path: String) -> Node.Sequence? {
        guard case .sequence(let s) = node else {
            report(node, path, "must be a list like [a, b], got \(Self.describe(node))")
            return nil
        }
        guard !s.isEmpty else {
            report(node, path, "must not be an empty list")
            return nil
        }
        return s
    }

    /// The mapping's entries with their key text; non-text keys are reported and skipped.
    mutating func entries(_ mapping: Node.Mapping, _ path: String) -> [(key: String, keyNode: Node, value: Node)] {
        var result: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .string(let key)? = Self.scalar(keyNode) else {
                report(keyNode, path, "keys must be names, got \(Self.describe(keyNode))")
                continue
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    mutating func integer(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .int(let i)? = Self.scalar(node), range.contains(i) else {
            let upper = range.upperBound == Int.max ? "" : "...\(range.upperBound)"
            report(node, path, "must be an integer in \(range.lowerBound)\(upper), got \(Self.describe(node))")
            return nil
        }
        return i
    }

    mutating func number(_ node: Node, _ path: String) -> Double? {
        switch Self.scalar(node) {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default:
            report(node, path, "must be a number, got \(Self.describe(node))")
            return nil
        }
    }

    mutating func text(_ node: Node, _ path: String) -> String? {
        switch Self.scalar(node) {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default:
            report(node, path, "must be text, got \(Self.describe(node))")
            return nil
        }
    }

    /// A word from `choices`, with a spelling hint when it is not one of them.
    mutating func word(_ node: Node, _ path: String, from choices: [String]) -> String? {
        guard case .string(let s)? = Self.scalar(node) else {
            report(node, path, "must be one of \(choices.joined(separator: ", ")), got \(Self.describe(node))")
            return nil
        }
        guard choices.contains(s) else {
            report(node, path, "must be one of \(choices.joined(separator: ", ")), got '\(s)'"
                   + EditDistance.hint(for: s, among: choices))
            return nil
        }
        return s
    }

    /// A single hyperparameter value as written (not yet range-checked).
    mutating func value(_ node: Node, _ path: String) -> HyperparameterValue? {
        switch Self.scalar(node) {
        case .int(let i)?: return .int(i)
        case .double(let d)?: return .double(d)
        case .string(let s)?: return .string(s)
        default:
            report(node, path, "must be a single number or word, got \(Self.describe(node))")
            return nil
        }
    }

    /// Reads and checks one value of `parameter` with EBMCore's `Hyperparameter.check`.
    mutating func checkedValue(_ node: Node, _ path: String, of parameter: Hyperparameter) -> HyperparameterValue? {
        guard let raw = value(node, path) else { return nil }
        do {
            return try parameter.check(raw)
        } catch {
            report(node, path, error.message)
            return nil
        }
    }

    /// The registry entry for a hyperparameter key, or nil after reporting why the key is wrong:
    /// unknown (with the closest name), the seed (set by `seeds:`), or unused by `method`.
    mutating func parameter(named name: String, keyNode: Node, path: String, method: Method?) -> Hyperparameter? {
        switch name {
        case "seed":
            report(keyNode, path, "the training seed is not a hyperparameter here; list replicas in seeds: [0, 1, 2]")
            return nil
        case "method":
            report(keyNode, path, "method is a top-level key; one sweep trains one method")
            return nil
        default: break
        }
        guard let parameter = Hyperparameter.named(name) else {
            let names = Hyperparameter.registry.map(\.name).filter { $0 != "seed" }
            report(keyNode, path, "unknown hyperparameter '\(name)'" + EditDistance.hint(for: name, among: names))
            return nil
        }
        if let method, !parameter.methods.contains(method) {
            let users = Method.allCases.filter { parameter.methods.contains($0) }.map(\.rawValue)
            report(keyNode, path, "\(name) is not used by method \(method.rawValue) (only by \(users.joined(separator: ", ")))")
            return nil
        }
        return parameter
    }
}
