import Foundation
import Testing
@testable import EBMCore

/// The Langevin noise floor (docs/design.md, "The Langevin noise floor"): the claim it rests on,
/// that no quadratic well holds Langevin chains narrower than √(2ε), and the data's spreads.
@Suite("The Langevin noise floor")
struct NoiseFloorTests {
    /// Chains in f = x²/2u after `steps` steps from 0: their variance.
    func chainVariance(stepSize eps: Double, wellVariance u: Double, chains: Int = 20_000, steps: Int = 400) -> Double {
        var x = [Double](repeating: 0, count: chains)
        var random = RandomSource(seed: 7)
        LangevinSampler(stepSize: eps).run(chains: &x, steps: steps, random: &random) { x, g in
            for i in 0..<chains { g[i] = x[i] / u }
        }
        return x.reduce(0) { $0 + $1 * $1 } / Double(chains)
    }

    @Test("unadjusted Langevin settles at 2u²/(2u − ε), never below 2ε (reached at u = ε), and blows up below u = ε/2")
    func stationarySpread() {
        let eps = 1e-3
        for u in [4 * eps, 2 * eps, eps, 0.6 * eps] {
            let measured = chainVariance(stepSize: eps, wellVariance: u)
            let predicted = 2 * u * u / (2 * u - eps)
            #expect(abs(measured / predicted - 1) < 0.03, "u = \(u): \(measured) against \(predicted)")
            #expect(measured > 2 * eps * 0.97, "u = \(u): narrower than the floor")
        }
        #expect(chainVariance(stepSize: eps, wellVariance: 0.45 * eps, steps: 200) > 1e3)
    }

    @Test("each dataset's narrowest spread is its noise in the model's coordinates; the swiss roll's matches its standardised data")
    func spreads() {
        #expect(ToyData.narrowestSpread(.rings) == 0.03)
        #expect(abs(ToyData.narrowestSpread(.gaussians) - 0.35) < 1e-12)
        var random = RandomSource(seed: 3)
        let raw = ToyData.swissRollRaw(count: 200_000, using: &random)
        func std(_ c: Int) -> Double {
            let mean = (0..<raw.rows).reduce(0) { $0 + raw[$1, c] } / Double(raw.rows)
            return ((0..<raw.rows).reduce(0) { $0 + (raw[$1, c] - mean) * (raw[$1, c] - mean) } / Double(raw.rows)).squareRoot()
        }
        let sampled = ToyData.swissRollNoise / max(std(0), std(1))
        #expect(abs(ToyData.narrowestSpread(.swissRoll) / sampled - 1) < 0.01)
        #expect((0.070...0.073).contains(ToyData.narrowestSpread(.swissRoll)))
    }

    @Test("only maximum likelihood has a floor; on the swiss roll steps of 2e-3 are below it and 5e-3 above (ml_swiss_grid3k)")
    func configurations() {
        var config = TrainingConfig.defaults(for: .ml)
        config.dataset = .swissRoll
        config.langevinStepSize = 2e-3
        #expect(config.noiseFloor?.exceedsData == false)
        config.langevinStepSize = 5e-3
        #expect(config.noiseFloor?.exceedsData == true && abs((config.noiseFloor?.noise ?? 0) - 0.1) < 1e-12)
        config.dataset = .gaussians
        #expect(config.noiseFloor?.exceedsData == false)
        for method in [Method.nce, .ism, .dsm] {
            #expect(TrainingConfig.defaults(for: method).noiseFloor == nil, "\(method)")
        }
    }
}
