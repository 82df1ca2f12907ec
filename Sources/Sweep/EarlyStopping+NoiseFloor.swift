import EBMCore
import Foundation

extension EarlyStopping {
    /// The configurations of `jobs` a sweep under this rule never starts, each with its reason:
    /// maximum-likelihood ones whose Langevin noise is wider than the data (`NoiseFloor`): their
    /// training has no stable point and diverges once the model sharpens (within 3000 iterations
    /// on the swiss roll, every one), so, as a configuration with a diverged seed, they are no
    /// pick. Empty without an active rule (a sweep started with `early_stopping: none` runs every
    /// job), and when no configuration would be left to run: then the sweep's best is among them.
    /// `started`: configurations that have started a job, which are never held back (a sweep grown
    /// or given a rule between runs; `SweepStore.startedConfigurations`).
    /// docs/design.md, "The Langevin noise floor".
    public func notRunnable(_ jobs: [Job], started: Set<String> = []) -> [String: StopReason] {
        guard isActive else { return [:] }
        var reasons: [String: StopReason] = [:]
        var runnable = false
        for job in jobs where reasons[job.configID] == nil {
            if let floor = job.config.noiseFloor, floor.exceedsData {
                reasons[job.configID] = .noiseFloor(floor)
            } else {
                runnable = true
            }
        }
        return runnable ? reasons.filter { !started.contains($0.key) } : [:]
    }
}

/// What `plan` and results.md say about the configurations `EarlyStopping.notRunnable` holds back.
public struct NotRunSummary: Sendable, Equatable {
    public var configurations: Int
    public var jobs: Int
    /// Of the sweep, for "N of M configurations".
    public var ofConfigurations: Int
    /// The held-back configurations' Langevin noise, narrowest to widest, and the data's spread.
    public var noise: ClosedRange<Double>
    public var spread: Double

    /// Of `jobs`, the configurations `held` back (`EarlyStopping.notRunnable`); nil when none.
    public init?(held: [String: StopReason], jobs: [Job]) {
        let floors = held.values.compactMap { if case .noiseFloor(let f) = $0 { f } else { nil } }
        guard let low = floors.map(\.noise).min(), let high = floors.map(\.noise).max(), let spread = floors.first?.spread
        else { return nil }
        configurations = held.count
        self.jobs = jobs.filter { held[$0.configID] != nil }.count
        ofConfigurations = Set(jobs.map(\.configID)).count
        noise = low...high
        self.spread = spread
    }

    /// "18 of 27 configurations (54 jobs), whose Langevin noise √(2ε) = 0.1–0.141 is wider than …"
    public var sentence: String {
        let f = { (x: Double) in String(format: "%.3g", x) }
        let noiseText = noise.lowerBound == noise.upperBound ? f(noise.lowerBound) : "\(f(noise.lowerBound))–\(f(noise.upperBound))"
        return "\(configurations) of \(ofConfigurations) configurations (\(jobs) jobs), whose Langevin noise √(2ε) = "
            + "\(noiseText) is wider than the data's narrowest spread \(f(spread)): their training cannot settle and diverges once the model sharpens; steps up to "
            + "\(f(NoiseFloor(noise: noise.lowerBound, spread: spread).largestStep)) stay below it"
    }
}
