import ArgumentParser
import EBMCore

/// `ebm-sweep train`'s hyperparameter flags, one per registry entry (`--lr <rate>`): made from
/// `Hyperparameter.registry` at run time, so a new entry is a new flag with its help.
///
/// swift-argument-parser declares options as properties; it finds them by reflecting on a
/// default instance (`Mirror(reflecting:)`, which honours `CustomReflectable`) and reads their
/// values by decoding (`init(from:)`). This type answers both from the registry: its mirror lists
/// one `Option` per entry and its decoder reads each back by name, so the parser's own help,
/// value checks, "did you mean" and completion scripts cover every flag (docs/design.md,
/// "Hyperparameters").
struct HyperparameterFlags: ParsableArguments {
    /// The values given on the command line, in registry order, not yet range-checked.
    var given: [(name: String, value: HyperparameterValue)] = []
}

extension HyperparameterFlags: CustomReflectable {
    var customMirror: Mirror {
        Mirror(self, children: Hyperparameter.registry.map { p -> Mirror.Child in
            let name = NameSpecification.customLong(String(p.flag.dropFirst(2)))
            let help = ArgumentHelp(Self.help(for: p), valueName: p.valueName)
            // `.unconditional`: `--lr -1` is a value for the range check to refuse, not a missing one.
            return switch p.kind {
            case .integer: ("_" + p.name, Option<Int?>(name: name, parsing: .unconditional, help: help))
            case .real: ("_" + p.name, Option<Double?>(name: name, parsing: .unconditional, help: help))
            case .choice(let words): ("_" + p.name, Option<String?>(name: name, help: help, completion: .list(words)))
            }
        })
    }
}

extension HyperparameterFlags {
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: FlagKey.self)
        for p in Hyperparameter.registry {
            let key = FlagKey(stringValue: p.name)
            let value: HyperparameterValue? = switch p.kind {
            case .integer: try c.decode(Option<Int?>.self, forKey: key).wrappedValue.map(HyperparameterValue.int)
            case .real: try c.decode(Option<Double?>.self, forKey: key).wrappedValue.map(HyperparameterValue.double)
            case .choice: try c.decode(Option<String?>.self, forKey: key).wrappedValue.map(HyperparameterValue.string)
            }
            if let value { given.append((p.name, value)) }
        }
    }

    struct FlagKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// "ML: Langevin steps per iteration: 1 to 100000 (default 20)."; where the templates differ,
    /// each method's ("default: ml 128; nce 256; ism, dsm 512").
    static func help(for p: Hyperparameter) -> String {
        let users = Method.allCases.filter { p.methods.contains($0) }
        let prefix = users.count == Method.allCases.count ? "" : users.map { $0.rawValue.uppercased() }.joined(separator: ", ") + ": "
        let range = switch p.kind {
        case .integer(let r) where r.upperBound == Int.max: "at least \(r.lowerBound)"
        case .integer(let r): "\(r.lowerBound) to \(r.upperBound)"
        case .real(let r, positive: true): "above \(text(r.lowerBound)), at most \(text(r.upperBound))"
        case .real(let r, positive: false): "\(text(r.lowerBound)) to \(text(r.upperBound))"
        case .choice(let words): words.joined(separator: " | ")
        }
        var groups: [(value: HyperparameterValue, methods: [Method])] = []
        for m in users {
            let v = p.defaultValue(for: m)
            if let i = groups.firstIndex(where: { $0.value == v }) { groups[i].methods.append(m) } else { groups.append((v, [m])) }
        }
        let defaults = groups.count == 1 ? "default \(text(groups[0].value))"
            : "default: " + groups.map { "\($0.methods.map(\.rawValue).joined(separator: ", ")) \(text($0.value))" }.joined(separator: "; ")
        return "\(prefix)\(p.summary): \(range) (\(defaults))."
    }

    /// Whole reals without ".0" ("at most 10"), others as everywhere.
    static func text(_ value: HyperparameterValue) -> String {
        if case .double(let v) = value { text(v) } else { value.description }
    }

    static func text(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : HyperparameterValue.format(v)
    }
}
