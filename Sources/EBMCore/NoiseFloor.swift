/// The Langevin noise floor of a maximum-likelihood configuration (docs/design.md, "The Langevin
/// noise floor"): the narrowest spread its training chains can hold, against the data's.
///
/// Unadjusted Langevin with step ε in a quadratic well f = x²/2u runs x ← (1 − ε/u)·x + √(2ε)·ξ and
/// settles at the variance 2u²/(2u − ε), which is smallest, 2ε, at u = ε, and unbounded as
/// u → ε/2, where the chain turns unstable. So no energy holds the chains narrower than √(2ε).
/// Maximum likelihood keeps sharpening the wells while the chains are wider than the data, so
/// with data narrower than √(2ε) it sharpens them past u = ε/2 and the chains blow up, however
/// good the model looks before; how soon depends on the learning rate (on ml_swiss_grid3k all 18
/// configurations above the floor diverged on every seed within 3000 iterations; at 1000, 26 of
/// their 54 runs had not yet).
public struct NoiseFloor: Hashable, Sendable {
    /// √(2ε) (`LangevinSampler.noiseScale`): the narrowest standard deviation the training chains can hold.
    public var noise: Double
    /// The data's narrowest spread (`ToyData.narrowestSpread`).
    public var spread: Double

    public init(noise: Double, spread: Double) {
        self.noise = noise
        self.spread = spread
    }

    /// Whether the chains cannot be as narrow as the data: training has no stable point.
    public var exceedsData: Bool { noise > spread }

    /// The largest step whose noise stays within the data's spread: σ²/2.
    public var largestStep: Double { spread * spread / 2 }
}

extension TrainingConfig {
    /// The training sampler's noise floor against the dataset's spread; nil for the methods that
    /// train without sampling (NCE, ISM, DSM).
    public var noiseFloor: NoiseFloor? {
        guard method == .ml else { return nil }
        return NoiseFloor(noise: LangevinSampler(stepSize: langevinStepSize).noiseScale, spread: ToyData.narrowestSpread(dataset))
    }
}

extension ToyData {
    /// The smallest standard deviation of the data around its curve or centres, in the
    /// coordinates the model sees: every dataset is a mixture of isotropic Gaussians (OracleDensity),
    /// so this is its noise — for the swiss roll after standardisation, which divides it by the
    /// columns' population standard deviations (about 6.6 and 7.0), the larger giving the
    /// narrowest spread.
    public static func narrowestSpread(_ name: DatasetName) -> Double {
        switch name {
        case .gaussians: return gaussianScale * gaussianSpread
        case .rings: return ringNoise
        case .swissRoll: return swissRollSpread
        }
    }

    private static let swissRollSpread: Double = {
        let std = OracleDensity.swissRollMoments().std
        return swissRollNoise / max(std.x, std.y)
    }()
}
