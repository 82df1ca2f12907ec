/// The typed ways to make a registry entry: each takes the key path of its `TrainingConfig` field,
/// its range or choices and its template default (with the methods whose template differs), and
/// derives the rest (checking, reading, writing, the JSON key) from them.
extension Hyperparameter {
    static let allMethods = Set(Method.allCases)

    /// An integer field (`Int`, or `UInt64` for the seed) with values in `range`.
    static func integer<V: FixedWidthInteger & Codable & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<TrainingConfig, V> & Sendable, in range: ClosedRange<Int>,
        default value: V, _ perMethod: [Method: V] = [:], methods: Set<Method> = allMethods,
        presence: Presence = .always, valueName: String = "n", summary: String
    ) -> Hyperparameter {
        let field = Field.typed(name, keyPath, wrap: { .int(Int(clamping: $0)) }, unwrap: { value in
            guard case .int(let i) = value else { return nil }
            return V(clamping: i)
        })
        return Hyperparameter(name: name, kind: .integer(range), methods: methods, summary: summary, valueName: valueName,
                              presence: presence, defaults: field.defaults(value, perMethod), field: field.field)
    }

    /// A real field with values in `range` (`positive`: above 0, not at it).
    static func real(
        _ name: String, _ keyPath: WritableKeyPath<TrainingConfig, Double> & Sendable, in range: ClosedRange<Double>,
        positive: Bool = false, default value: Double, _ perMethod: [Method: Double] = [:],
        methods: Set<Method> = allMethods, presence: Presence = .always, valueName: String, summary: String
    ) -> Hyperparameter {
        let field = Field.typed(name, keyPath, wrap: { .double($0) }, unwrap: { value in
            guard case .double(let d) = value else { return nil }
            return d
        })
        return Hyperparameter(name: name, kind: .real(range, positive: positive), methods: methods, summary: summary,
                              valueName: valueName, presence: presence, defaults: field.defaults(value, perMethod),
                              field: field.field)
    }

    /// A field of an enum whose raw values are the words a spec or flag may give.
    static func choice<E: RawRepresentable & CaseIterable & Codable & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<TrainingConfig, E> & Sendable, default value: E,
        _ perMethod: [Method: E] = [:], methods: Set<Method> = allMethods, presence: Presence = .always, summary: String
    ) -> Hyperparameter where E.RawValue == String {
        let field = Field.typed(name, keyPath, wrap: { .string($0.rawValue) }, unwrap: { value in
            guard case .string(let s) = value else { return nil }
            return E(rawValue: s)
        })
        return Hyperparameter(name: name, kind: .choice(E.allCases.map(\.rawValue)), methods: methods, summary: summary,
                              valueName: name, presence: presence, defaults: field.defaults(value, perMethod),
                              field: field.field)
    }
}

extension Hyperparameter.Field {
    /// A field and its conversions to and from `HyperparameterValue`.
    struct Typed<V: Codable & Sendable>: Sendable {
        let field: Hyperparameter.Field
        let wrap: @Sendable (V) -> HyperparameterValue

        /// Every method's default: `perMethod`'s where given, else `value`.
        func defaults(_ value: V, _ perMethod: [Method: V]) -> [Method: HyperparameterValue] {
            Dictionary(uniqueKeysWithValues: Method.allCases.map { ($0, wrap(perMethod[$0] ?? value)) })
        }
    }

    static func typed<V: Codable & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<TrainingConfig, V> & Sendable,
        wrap: @escaping @Sendable (V) -> HyperparameterValue, unwrap: @escaping @Sendable (HyperparameterValue) -> V?
    ) -> Typed<V> {
        let key = ConfigKey(name)
        let field = Hyperparameter.Field(
            get: { wrap($0[keyPath: keyPath]) },
            set: { config, value in
                guard let v = unwrap(value) else { preconditionFailure("\(name): unchecked value \(value)") }
                config[keyPath: keyPath] = v
            },
            encode: { config, container in try container.encode(config[keyPath: keyPath], forKey: key) },
            decode: { config, container in
                guard let v = try container.decodeIfPresent(V.self, forKey: key) else { return false }
                config[keyPath: keyPath] = v
                return true
            })
        return Typed(field: field, wrap: wrap)
    }
}
