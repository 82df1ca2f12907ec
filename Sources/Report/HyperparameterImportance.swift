import EBMCore

/// How much of the ranking metric's variance each swept hyperparameter explains: a functional-ANOVA
/// decomposition over the grid (Hooker 2007; Hutter et al. 2014 fit a forest first, a full grid
/// needs none). See docs/design.md, "Statistics".
///
/// The measure is uniform over the grid's configurations and, within one, over its ok seeds. With
/// m_c a configuration's mean and m̄ the mean of the m_c:
///   total        = between + seed noise,
///   between      = mean over c of (m_c − m̄)²,
///   seed noise   = mean over c of the population variance of c's seeds,
///   main effect  = mean over c of a_h(value of h in c)², a_h(v) = mean of m_c over c with h = v, minus m̄,
///   interactions = between − Σ main effects (≥ 0 on a complete grid, where the main effects are orthogonal).
/// Every share is its part over total, so the shares sum to one. Means over few seeds carry noise,
/// so with large seed noise the main effects are somewhat overstated.
public struct HyperparameterImportance: Sendable, Equatable {
    public struct Share: Sendable, Equatable {
        public var name: String
        public var share: Double
    }

    /// Why no decomposition was made.
    public struct Unavailable: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// One per swept hyperparameter, largest first (ties by name).
    public var mainEffects: [Share]
    public var interactions: Double
    public var seedNoise: Double
    /// The metric's variance under the measure above.
    public var totalVariance: Double

    /// The decomposition over the configurations with an ok seed, which must form the complete grid
    /// of the values they take (every combination present once).
    public static func decompose(_ configurations: [ConfigurationResults], swept: [String])
        -> Result<HyperparameterImportance, Unavailable> {
        let cells = configurations.filter { $0.okCount > 0 }
        guard !swept.isEmpty else { return .failure(Unavailable(description: "nothing was swept")) }
        guard cells.count >= 2 else { return .failure(Unavailable(description: "fewer than two configurations have an ok seed")) }
        var levels: [String: Set<HyperparameterValue>] = [:]
        for name in swept {
            let values = cells.map { $0.values[name] }
            guard values.allSatisfy({ $0 != nil }) else {
                return .failure(Unavailable(description: "\(name) is missing from some configurations"))
            }
            levels[name] = Set(values.compactMap { $0 })
        }
        let gridSize = swept.reduce(1) { $0 * (levels[$1]?.count ?? 1) }
        let distinct = Set(cells.map { c in swept.map { c.values[$0] } }).count
        guard distinct == cells.count, gridSize == cells.count else {
            return .failure(Unavailable(description: "needs the complete grid: \(cells.count) configurations with an ok seed of \(gridSize) combinations of their values"
                                        + (configurations.count > cells.count ? " (\(configurations.count - cells.count) without one: stopped early, not run, diverged or still running)" : "")))
        }

        let means = cells.map { c in c.metricValues.reduce(0, +) / Double(c.okCount) }
        let count = Double(cells.count)
        let grand = means.reduce(0, +) / count
        let between = means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / count
        let noise = zip(cells, means).reduce(0) { sum, pair in
            let (c, m) = pair
            return sum + c.metricValues.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(c.okCount)
        } / count
        let total = between + noise
        guard total > 0, total.isFinite else {
            return .failure(Unavailable(description: "the metric does not vary"))
        }
        var effects: [Share] = []
        for name in swept {
            var sums: [HyperparameterValue: (Double, Int)] = [:]
            for (c, m) in zip(cells, means) {
                guard let v = c.values[name] else { continue }
                let s = sums[v, default: (0, 0)]
                sums[v] = (s.0 + m, s.1 + 1)
            }
            let variance = cells.reduce(0.0) { sum, c in
                guard let v = c.values[name], let s = sums[v] else { return sum }
                let effect = s.0 / Double(s.1) - grand
                return sum + effect * effect
            } / count
            effects.append(Share(name: name, share: variance / total))
        }
        effects.sort { $0.share == $1.share ? $0.name < $1.name : $0.share > $1.share }
        let mainTotal = effects.reduce(0) { $0 + $1.share }
        // Rounding can leave a complete grid's interactions a hair below zero.
        let interactions = max(0, between / total - mainTotal)
        return .success(HyperparameterImportance(mainEffects: effects, interactions: interactions, seedNoise: noise / total,
                                                 totalVariance: total))
    }

    /// The two hyperparameters that explain most (for the heat map), or fewer when fewer were swept.
    public var mostImportant: [String] { Array(mainEffects.prefix(2).map(\.name)) }

    /// Without a decomposition (the grid is incomplete: early stopping, the noise floor): the two
    /// swept hyperparameters whose values' mean metrics differ most, over the configurations with
    /// an ok seed (each configuration its seeds' mean, each value the mean of its configurations).
    /// A hyperparameter with fewer than two such values cannot show a difference and is left out;
    /// fewer than two left: empty. A range of means, not a share of variance: it orders, no more.
    public static func widestSpread(_ configurations: [ConfigurationResults], swept: [String]) -> [String] {
        let scored = configurations.filter { $0.okCount > 0 }
        var spreads: [(name: String, spread: Double)] = []
        for name in swept {
            var byValue: [HyperparameterValue: [Double]] = [:]
            for c in scored {
                guard let value = c.values[name] else { continue }
                byValue[value, default: []].append(c.metricValues.reduce(0, +) / Double(c.okCount))
            }
            let means = byValue.values.map { $0.reduce(0, +) / Double($0.count) }.filter(\.isFinite)
            guard means.count >= 2, let low = means.min(), let high = means.max() else { continue }
            spreads.append((name, high - low))
        }
        let ordered = spreads.sorted { $0.spread != $1.spread ? $0.spread > $1.spread : $0.name < $1.name }
        return ordered.count >= 2 ? [ordered[0].name, ordered[1].name] : []
    }

    /// "name | share" rows, main effects first, then interactions and seed noise.
    public var table: Table {
        var table = Table(columns: ["source of variance", "share"])
        for effect in mainEffects { table.append([.text(effect.name), .numeral(ColumnFormat.fixed(100 * effect.share, 1) + "%")]) }
        table.append([.text("interactions"), .numeral(ColumnFormat.fixed(100 * interactions, 1) + "%")])
        table.append([.text("seed noise"), .numeral(ColumnFormat.fixed(100 * seedNoise, 1) + "%")])
        return table
    }
}
