/// A configuration by hyperparameter name, as specs, flags, the planner and the tables see it.
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
        parameter.field.set(&self, try parameter.check(value))
    }

    /// The value of one hyperparameter (or `method`) by its snake_case name.
    public func value(of name: String) -> HyperparameterValue? {
        if name == "method" { return .string(method.rawValue) }
        return Hyperparameter.named(name)?.field.get(self)
    }

    /// The hyperparameters that `method` reads, in table order (the columns of a results table).
    public static func hyperparameterNames(for method: Method) -> [String] {
        Hyperparameter.registry.filter { $0.methods.contains(method) }.map(\.name)
    }

    /// Cross-field checks that no single value can make.
    public func validate() throws(ConfigError) {
        for p in Hyperparameter.registry where p.methods.contains(method) {
            _ = try p.check(p.field.get(self))
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
