import EBMCore

/// One unit of work: a resolved configuration and its seed. The planner makes them, the scheduler
/// hands them out, workers run them, the store remembers them.
public struct Job: Hashable, Codable, Sendable {
    /// `<configID>-s<seed>`: stable across runs of the same spec.
    public var id: String
    /// Stable hash of the configuration without its seed: the replicas of one configuration share it.
    public var configID: String
    public var seed: UInt64
    /// The fully resolved configuration, `config.seed == seed`.
    public var config: TrainingConfig

    public init(id: String, configID: String, seed: UInt64, config: TrainingConfig) {
        self.id = id
        self.configID = configID
        self.seed = seed
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case id = "job_id"
        case configID = "config_id"
        case seed, config
    }
}
