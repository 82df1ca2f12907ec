import Foundation

/// The course's three 2-D toy datasets (docs/design.md, "The course templates"), reproduced from
/// the Python templates' `load_data(n, name)` in float64.
///
/// Every draw comes from the `RandomSource` passed in, so the same seed gives the same bits. The
/// draws cannot match numpy's bit for bit (a different generator); they match its distributions.
public enum ToyData {
    /// Standard deviation of the swiss roll's isotropic 3-D noise (scikit-learn's `noise=0.5`).
    public static let swissRollNoise = 0.5
    /// The swiss roll's curve parameter runs over t = 1.5π(1 + 2u), u ~ U(0, 1): [1.5π, 4.5π].
    public static let swissRollParameterRange: ClosedRange<Double> = (1.5 * Double.pi)...(4.5 * Double.pi)
    /// Radii of the two rings.
    public static let ringRadii: [Double] = [0.5, 1.0]
    /// Standard deviation of the rings' isotropic noise.
    public static let ringNoise = 0.03
    /// The eight centres of the gaussians dataset before the 0.7 scaling:
    /// 4·(±1, 0), 4·(0, ±1), 4·(±1/√2, ±1/√2).
    public static let gaussianCentres: [(x: Double, y: Double)] = {
        let d = 1.0 / 2.0.squareRoot()
        let unit: [(Double, Double)] = [(1, 0), (-1, 0), (0, 1), (0, -1), (d, d), (d, -d), (-d, d), (-d, -d)]
        return unit.map { (x: 4 * $0.0, y: 4 * $0.1) }
    }()
    /// The gaussians dataset's overall scale: a point is scale·(spread·N(0, I) + centre).
    public static let gaussianScale = 0.7
    /// Standard deviation of each gaussian before the overall scaling.
    public static let gaussianSpread = 0.5

    /// The seed's stream for a run's training data: the trainer uses the seed's main stream and
    /// the evaluation sampler one of its own, so changing one draw never shifts another.
    public static let trainingStream: UInt64 = 1

    /// `count` (default `config.dataSize`) points of the training data a run of `config` draws.
    public static func trainingData(for config: TrainingConfig, count: Int? = nil) -> Matrix {
        var random = RandomSource(seed: config.seed, stream: trainingStream)
        return sample(config.dataset, count: count ?? config.dataSize, using: &random)
    }

    /// Draws `n` points of `name` as an [n, 2] matrix.
    ///
    /// - Precondition: `n >= 0`.
    public static func sample(_ name: DatasetName, count n: Int, using rng: inout RandomSource) -> Matrix {
        precondition(n >= 0, "count must be non-negative, got \(n)")
        switch name {
        case .swissRoll: return swissRoll(count: n, using: &rng)
        case .rings: return rings(count: n, using: &rng)
        case .gaussians: return gaussians(count: n, using: &rng)
        }
    }

    /// scikit-learn's `make_swiss_roll(n, noise=0.5)`, coordinates 0 and 2, each column standardised.
    ///
    /// t = 1.5π(1 + 2u), u ~ U(0, 1); the 3-D point is (t cos t, 21·v, t sin t) + 0.5·N(0, I3)
    /// with v ~ U(0, 1). Only coordinates 0 and 2 are kept, so the height v and its noise never
    /// affect the result and are not drawn. Standardisation subtracts the sample mean and divides
    /// by the sample standard deviation with **ddof = 0** (numpy's `std` default, and
    /// scikit-learn's `StandardScaler`). A column with zero spread (n ≤ 1) is only centred.
    static func swissRoll(count n: Int, using rng: inout RandomSource) -> Matrix {
        var m = swissRollRaw(count: n, using: &rng)
        standardiseColumns(&m)
        return m
    }

    /// The swiss roll's coordinates 0 and 2 before standardisation.
    static func swissRollRaw(count n: Int, using rng: inout RandomSource) -> Matrix {
        var m = Matrix(rows: n, columns: 2)
        let a = swissRollParameterRange.lowerBound, width = swissRollParameterRange.upperBound - a
        for i in 0..<n {
            let t = a + width * rng.uniform()
            m[i, 0] = t * cos(t) + swissRollNoise * rng.gaussian()
            m[i, 1] = t * sin(t) + swissRollNoise * rng.gaussian()
        }
        return m
    }

    /// Two circles of radius 0.5 and 1.0, each sampled at t = linspace(0, 2π, n/2 + 1) (both ends
    /// included, as numpy's `linspace` does); n points are drawn uniformly with replacement from the
    /// stacked 2·(n/2 + 1) points, then 0.03·N(0, I2) is added.
    static func rings(count n: Int, using rng: inout RandomSource) -> Matrix {
        let perCircle = n / 2 + 1
        var support: [(Double, Double)] = []
        support.reserveCapacity(2 * perCircle)
        for r in ringRadii {
            for j in 0..<perCircle {
                // linspace: t_j = 2π j / (count - 1); a single point sits at t = 0.
                let t = perCircle > 1 ? 2 * Double.pi * Double(j) / Double(perCircle - 1) : 0
                support.append((r * cos(t), r * sin(t)))
            }
        }
        var m = Matrix(rows: n, columns: 2)
        for i in 0..<n {
            let p = support[rng.index(below: support.count)]
            m[i, 0] = p.0 + ringNoise * rng.gaussian()
            m[i, 1] = p.1 + ringNoise * rng.gaussian()
        }
        return m
    }

    /// A point is 0.7·(0.5·N(0, I2) + centre), the centre one of the eight, chosen uniformly.
    static func gaussians(count n: Int, using rng: inout RandomSource) -> Matrix {
        var m = Matrix(rows: n, columns: 2)
        for i in 0..<n {
            let c = gaussianCentres[rng.index(below: gaussianCentres.count)]
            m[i, 0] = gaussianScale * (gaussianSpread * rng.gaussian() + c.x)
            m[i, 1] = gaussianScale * (gaussianSpread * rng.gaussian() + c.y)
        }
        return m
    }

    /// Subtracts each column's mean and divides by its standard deviation (ddof = 0); a column
    /// with zero standard deviation is only centred.
    static func standardiseColumns(_ m: inout Matrix) {
        let n = m.rows
        guard n > 0 else { return }
        for c in 0..<m.columns {
            var mean = 0.0
            for i in 0..<n { mean += m[i, c] }
            mean /= Double(n)
            var variance = 0.0
            for i in 0..<n { let d = m[i, c] - mean; variance += d * d }
            variance /= Double(n)
            let sd = variance.squareRoot()
            let scale = sd > 0 ? 1 / sd : 1
            for i in 0..<n { m[i, c] = (m[i, c] - mean) * scale }
        }
    }
}
