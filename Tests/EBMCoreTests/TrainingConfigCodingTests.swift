import EBMCore
import Foundation
import Testing

/// TrainingConfig's JSON is in stores, checkpoints and on the wire, and outlives builds: the
/// registry that writes it must write the same bytes as the hand-written Codable it replaced, and
/// read every record that one wrote.
@Suite("TrainingConfig records")
struct TrainingConfigCodingTests {
    static func json(_ config: TrainingConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // as the store, the checkpoint and the wire encode it
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    /// Written by the build before the registry (the synthesized Codable).
    static let mlTemplate = #"{"activation":"relu","batch_size":512,"chains":"persistent","data_size":16384,"dataset":"swiss_roll","energy_reg":0,"hidden_layers":2,"iterations":3000,"langevin_step_size":0.0005,"langevin_steps":20,"lr":0.001,"method":"ml","momentum":0,"neurons":128,"noise_std":2,"optimizer":"adam","precision":"float32","seed":0,"sigma":0.1,"weight_decay":0}"#
    static let mlChanged = #"{"activation":"relu","batch_size":512,"chains":"persistent","data_size":16384,"dataset":"swiss_roll","energy_reg":0,"hidden_layers":2,"iterations":3000,"langevin_step_size":0.0005,"langevin_steps":20,"lr":0.0003,"method":"ml","momentum":0,"neurons":128,"noise_std":2,"optimizer":"adam","precision":"float64","seed":7,"sigma":0.1,"weight_decay":0}"#

    @Test("the template and a changed configuration encode to the bytes the earlier build wrote")
    func sameBytes() throws {
        #expect(try Self.json(.defaults(for: .ml)) == Self.mlTemplate)
        var changed = TrainingConfig.defaults(for: .ml)
        changed.seed = 7; changed.lr = 3e-4; changed.precision = .float64
        #expect(try Self.json(changed) == Self.mlChanged)
    }

    @Test("every method's template survives encoding and decoding", arguments: Method.allCases)
    func roundTrip(method: Method) throws {
        var config = TrainingConfig.defaults(for: method)
        config.seed = UInt64.max  // beyond Int: the field's own type is what is written
        let decoded = try JSONDecoder().decode(TrainingConfig.self, from: Data(try Self.json(config).utf8))
        #expect(decoded == config)
    }

    @Test("a record from before precision existed reads as float64, what it ran in")
    func withoutPrecision() throws {
        let old = Self.mlTemplate.replacingOccurrences(of: #","precision":"float32""#, with: "")
        #expect(old != Self.mlTemplate)
        let decoded = try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8))
        var expected = TrainingConfig.defaults(for: .ml)
        expected.precision = .float64
        #expect(decoded == expected)
    }

    @Test("a record missing an original key is refused, naming it")
    func missingKey() throws {
        let broken = Self.mlTemplate.replacingOccurrences(of: #","neurons":128"#, with: "")
        #expect(broken != Self.mlTemplate)
        do {
            _ = try JSONDecoder().decode(TrainingConfig.self, from: Data(broken.utf8))
            Issue.record("decoded without neurons")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "neurons")
        }
    }

    @Test("every entry reads back what it sets, moves no other field, and its template default is valid")
    func registryFieldsRoundTrip() throws {
        for method in Method.allCases {
            let template = TrainingConfig.defaults(for: method)
            try template.validate()
            for p in Hyperparameter.registry where p.methods.contains(method) {
                #expect(template.value(of: p.name) == p.defaultValue(for: method), "\(p.name)")
                let other: HyperparameterValue = switch p.kind {
                case .integer(let range): .int(range.lowerBound)
                case .real(let range, _): .double(range.upperBound)
                case .choice(let words): .string(words.last!)
                }
                var config = template
                try config.set(p.name, to: other)
                #expect(config.value(of: p.name) == other, "\(p.name)")
                for q in Hyperparameter.registry where q.name != p.name {
                    #expect(config.value(of: q.name) == template.value(of: q.name), "\(p.name) moved \(q.name)")
                }
            }
        }
    }
}
