import EBMCore

/// The metric a sweep ranks its configurations by (its names are a contract: docs/design.md,
/// "Metrics").
public enum RankingMetric: String, CaseIterable, Sendable, Codable {
    case kdeNLL = "kde_nll"
    case nll
    case precision
    case recall
    case mmd
    case swd
    case energyDistance = "energy_distance"
    case escaped

    /// Precision and recall measure coverage: more is better. Every other metric is a loss.
    public var higherIsBetter: Bool { self == .precision || self == .recall }

    /// `nll` integrates exp(−f); score models have no energy f to integrate.
    public var needsEnergyModel: Bool { self == .nll }

    /// True when `a` ranks strictly before `b` under this metric's direction.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        higherIsBetter ? a > b : a < b
    }
}
