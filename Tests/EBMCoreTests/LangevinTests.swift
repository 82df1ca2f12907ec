import Testing
import EBMCore

@Suite("Unadjusted Langevin on a Gaussian energy")
struct LangevinTests {
    /// For f(x) = ½‖x‖²/s², one step is x ← a·x + √(2ε)ξ with a = 1 − ε/s², an AR(1) process per
    /// coordinate. Its stationary law is N(0, v) with v = 2ε/(1 − a²) = s²/(1 − ε/(2s²)): the
    /// unadjusted sampler's ε-bias inflates the variance. From x₀ = 0 after T steps the variance is
    /// v(1 − a^{2T}); T is chosen so a^{2T} < 1e-4. With n independent values the sample mean has
    /// standard error √(v/n) and the sample variance ≈ v·√(2/n); we allow 4 standard errors
    /// (a false alarm about once in 16 000 runs, and the seed is fixed anyway).
    static func run(s: Double, stepSize: Double, steps: Int, chains: Int) -> (mean: Double, variance: Double, n: Double) {
        var x = [Double](repeating: 0, count: 2 * chains)
        var random = RandomSource(seed: 42)
        let inverseVariance = 1 / (s * s)
        LangevinSampler(stepSize: stepSize).run(chains: &x, steps: steps, random: &random) { x, g in
            for i in 0..<(2 * chains) { g[i] = x[i] * inverseVariance }
        }
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, variance, n)
    }

    @Test("small steps: mean 0 and variance s²/(1 − ε/2s²) within 4 standard errors")
    func smallSteps() {
        let s = 1.5, eps = 0.05
        let (mean, variance, n) = Self.run(s: s, stepSize: eps, steps: 250, chains: 4000)  // a^{500} ≈ 1.4e-5
        let v = s * s / (1 - eps / (2 * s * s))
        #expect(abs(mean) < 4 * (v / n).squareRoot())
        #expect(abs(variance - v) < 4 * v * (2 / n).squareRoot())
    }

    @Test("large steps: the ε-bias of the unadjusted sampler is there, as derived")
    func largeStepBias() {
        let s = 1.0, eps = 0.5
        let (mean, variance, n) = Self.run(s: s, stepSize: eps, steps: 30, chains: 4000)  // a^{60} ≈ 1e-18
        let v = s * s / (1 - eps / (2 * s * s))   // 4/3, not s² = 1
        let standardError = v * (2 / n).squareRoot()
        #expect(abs(mean) < 4 * (v / n).squareRoot())
        #expect(abs(variance - v) < 4 * standardError)
        #expect(abs(variance - s * s) > 8 * standardError)
    }
}
