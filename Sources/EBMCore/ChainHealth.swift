/// How the persistent training chains of a maximum-likelihood run stand now, read from the
/// trainer's own buffers (docs/design.md, "Divergence checks"): no sampling, no allocation, and
/// training's bits are the same whether or not anyone reads it.
public struct ChainHealth: Sendable, Equatable {
    /// Mean over the chains of one Langevin step's drift, ε·|∇ₓf|, at each chain's position
    /// before its last step.
    public var drift: Double
    /// The largest of those drifts.
    public var maxDrift: Double
    /// √(2ε): the scale of one step's noise in each coordinate.
    public var noise: Double
    /// Share of the chains outside `box` (non-finite ones count as outside).
    public var escaped: Double

    public init(drift: Double, maxDrift: Double, noise: Double, escaped: Double) {
        self.drift = drift
        self.maxDrift = maxDrift
        self.noise = noise
        self.escaped = escaped
    }

    /// Drift over noise. In a quadratic well of width s, with a = ε/s², unadjusted Langevin settles
    /// at a spread √(2s²/(2 − a)) with this ratio √(a/(2 − a)): 1 at a = 1, where the spread is the
    /// narrowest the sampler can make (√(2ε)), and unbounded as a nears 2, where it blows up.
    public var driftToNoise: Double { noise > 0 ? drift / noise : 0 }
}

extension MaximumLikelihood {
    /// The chains' health against `box` (allowed region, e.g. the data's box grown by the escape
    /// margin). Reads the chains and the gradient buffer the last Langevin step left behind.
    public func chainHealth(box: EvaluationData.Box) -> ChainHealth {
        let eps = sampler.stepSize
        var drift = 0.0, maxDrift = 0.0, escaped = 0
        for r in 0..<batchSize {
            let x = Double(chains[2 * r]), y = Double(chains[2 * r + 1])
            if !(x >= box.xmin && x <= box.xmax && y >= box.ymin && y <= box.ymax) { escaped += 1 }
            let gx = Double(chainGradient[2 * r]), gy = Double(chainGradient[2 * r + 1])
            let d = eps * (gx * gx + gy * gy).squareRoot()
            drift += d.isFinite ? d : .infinity
            maxDrift = d.isFinite ? max(maxDrift, d) : .infinity
        }
        let n = Double(max(1, batchSize))
        return ChainHealth(drift: drift / n, maxDrift: maxDrift, noise: sampler.noiseScale, escaped: Double(escaped) / n)
    }
}
