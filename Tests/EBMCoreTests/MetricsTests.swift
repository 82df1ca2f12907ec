import Foundation
import Testing
@testable import EBMCore

/// Metrics on hand-computed cases, and the anchors against each other.
@Suite("Evaluation metrics")
struct MetricsTests {
    /// Closed-form results are computed in a different order from the code: allow rounding.
    static let roundingTolerance = 1e-10

    static func gaussian(_ n: Int, seed: UInt64, shift: (Double, Double) = (0, 0)) -> Matrix {
        var rng = RandomSource(seed: seed)
        return Matrix((0..<n).map { _ in [rng.gaussian() + shift.0, rng.gaussian() + shift.1] })
    }

    @Test("the KDE of one point is the Gaussian density N(x; s, h²I) at a known bandwidth")
    func kdeOfOnePoint() {
        let s = Matrix([[0.3, -0.2]]), x = Matrix([[1.3, -0.2], [0.3, 0.8], [0.3, -0.2]])
        let h = 0.5
        let logQ = Metrics.kdeLogDensity(at: x, samples: s, bandwidth: h)
        // ‖x − s‖² = 1, 1, 0: log N = −d²/(2h²) − log(2πh²) = −2 − log(π/2) or −log(π/2).
        let expected = [-2 - log(Double.pi / 2), -2 - log(Double.pi / 2), -log(Double.pi / 2)]
        for (a, b) in zip(logQ, expected) { #expect(abs(a - b) < Self.roundingTolerance) }
    }

    @Test("the vectorised exp agrees with Foundation's exp to a few ulp over the whole range")
    func fastExp() {
        // Two ulp of relative error, the Taylor remainder being far below one.
        let twoUlp = 2 * Double.ulpOfOne
        let xs = Array(stride(from: -707.0, through: 709, by: 0.0173))
        let worst = xs.map { abs(Metrics.fastExp($0) / exp($0) - 1) }.max() ?? .infinity
        #expect(worst <= twoUlp)
        let values = [0.5, -1, 2.25, -300]
        let sum = values.withUnsafeBufferPointer { Metrics.sumOfExponentials($0, scale: 2, offset: 0.1) }
        #expect(abs(sum - values.map { exp(2 * $0 + 0.1) }.reduce(0, +)) < Self.roundingTolerance)
    }

    @Test("the bandwidth grid has 40 geometric values from 0.005 to 2")
    func bandwidthGrid() {
        let g = Metrics.bandwidthGrid
        #expect(g.count == 40 && abs(g[0] - 0.005) < 1e-15 && abs(g[39] - 2) < Self.roundingTolerance)
        let ratios = zip(g.dropFirst(), g).map { $0 / $1 }
        #expect(ratios.allSatisfy { abs($0 - ratios[0]) < Self.roundingTolerance })
    }

    @Test("the chosen KDE bandwidth for N(0, I) samples is near Silverman's rule of thumb")
    func bandwidthSelection() {
        let samples = Self.gaussian(2000, seed: 1), validation = Self.gaussian(1000, seed: 2)
        let h = Metrics.selectBandwidth(samples: samples, validation: validation)
        // Silverman: h ≈ n^(−1/6) ≈ 0.28 in 2-D. Likelihood cross-validation is noisy; a factor
        // of two either way still separates it from the grid's ends (0.005 and 2).
        let silverman = pow(2000.0, -1.0 / 6)
        #expect(h > silverman / 2 && h < silverman * 2)
    }

    @Test("precision and recall are 1 for identical sets and 0 for far-apart sets")
    func precisionRecall() {
        let a = Self.gaussian(500, seed: 3)
        let same = Metrics.precisionRecall(samples: a, reference: a)
        #expect(same.precision == 1 && same.recall == 1)
        let far = Metrics.precisionRecall(samples: Self.gaussian(500, seed: 4, shift: (50, 0)), reference: a)
        #expect(far.precision == 0 && far.recall == 0)
        // Samples covering only half of the reference: high precision, recall about ½.
        let half = Matrix((0..<a.rows).filter { a[$0, 0] > 0 }.map { a.row($0) })
        let partial = Metrics.precisionRecall(samples: half, reference: a)
        #expect(partial.precision == 1)
        #expect(partial.recall > 0.4 && partial.recall < 0.7)
    }

    @Test("the k-th neighbour distance matches a brute-force sort")
    func kthNeighbour() {
        let a = Self.gaussian(60, seed: 5)
        let (x, y) = Metrics.columns(of: a)
        let radii = Metrics.kthNeighbourSquaredDistances(x, y, k: 3)
        for i in 0..<a.rows {
            let d = (0..<a.rows).filter { $0 != i }.map { (x[i] - x[$0]) * (x[i] - x[$0]) + (y[i] - y[$0]) * (y[i] - y[$0]) }.sorted()
            #expect(radii[i] == d[2])
        }
    }

    @Test("MMD² is near 0 for two draws of one distribution and large for a shifted one")
    func mmd() {
        let a = Self.gaussian(1000, seed: 6), b = Self.gaussian(1000, seed: 7)
        let ell = Metrics.medianPairwiseDistance(a)
        // The unbiased estimate's sd for n = 1000 is O(1/n) ≈ 1e-3.
        #expect(abs(Metrics.mmd(samples: b, reference: a, bandwidth: ell)) < 5e-3)
        let shifted = Self.gaussian(1000, seed: 7, shift: (3, 0))
        #expect(Metrics.mmd(samples: shifted, reference: a, bandwidth: ell) > 0.3)
        // The median distance of N(0, I₂) points is σ√(2·2 ln 2) ≈ 1.665 (Rayleigh(√2) median).
        #expect(abs(ell - (4 * log(2.0)).squareRoot()) < 0.1)
    }

    @Test("SWD of a shifted set is the shift's root-mean-square projection, ‖δ‖/√2")
    func slicedWassersteinShift() {
        let a = Self.gaussian(300, seed: 8)
        let delta = (0.7, -1.9)
        let b = Matrix((0..<a.rows).map { [a[$0, 0] + delta.0, a[$0, 1] + delta.1] })
        let swd = Metrics.slicedWasserstein(samples: b, reference: a)
        let meanProjection = Metrics.sliceDirections.map { pow($0.x * delta.0 + $0.y * delta.1, 2) }.reduce(0, +) / 256
        #expect(abs(swd - meanProjection.squareRoot()) < Self.roundingTolerance)
        #expect(abs(swd - (delta.0 * delta.0 + delta.1 * delta.1).squareRoot() / 2.0.squareRoot()) < Self.roundingTolerance)
    }

    @Test("SWD compares quantile functions: a set and the set repeated twice are at distance 0")
    func slicedWassersteinCounts() {
        let a = Self.gaussian(200, seed: 9)
        let doubled = Matrix(rows: 400, columns: 2, storage: a.storage + a.storage)
        #expect(Metrics.slicedWasserstein(samples: doubled, reference: a) < Self.roundingTolerance)
        // 1-D check by hand: {0, 1} vs {0, 0, 3}: quantiles 0|1 vs 0|0|3 on breakpoints ⅓, ½, ⅔:
        // ∫ = (⅓)·0 + (⅙)·0 + (⅙)·1 + (⅓)·4 = 3/2.
        #expect(abs(Metrics.wassersteinSquared(sortedA: [0, 1], sortedB: [0, 0, 3]) - 1.5) < Self.roundingTolerance)
    }

    @Test("the energy distance is non-negative, 0 for identical sets and grows with a shift")
    func energyDistance() {
        let a = Self.gaussian(400, seed: 10)
        #expect(Metrics.energyDistance(samples: a, reference: a) < Self.roundingTolerance)
        var previous = -1.0
        for shift in [0.0, 0.5, 1, 2] {
            let d = Metrics.energyDistance(samples: Self.gaussian(300, seed: 11, shift: (shift, 0)), reference: a)
            #expect(d >= 0 && d > previous)
            previous = d
        }
    }

    @Test("modelNLL of the energy ½‖x‖² equals the analytic Gaussian NLL")
    func modelNLLGaussian() {
        let heldOut = Self.gaussian(500, seed: 12)
        let energy: (Matrix) -> [Double] = { m in (0..<m.rows).map { 0.5 * (m[$0, 0] * m[$0, 0] + m[$0, 1] * m[$0, 1]) } }
        let nll = Metrics.modelNLL(energy: energy, heldOut: heldOut, box: (-9, 9, -9, 9), resolution: 300)
        // −log N(x; 0, I) = ½‖x‖² + log 2π. The midpoint rule on a Gaussian with cells of 0.06
        // is exact to far below 1e-8, and mass beyond 9σ is e^-40.
        let analytic = (0..<heldOut.rows).map { 0.5 * (heldOut[$0, 0] * heldOut[$0, 0] + heldOut[$0, 1] * heldOut[$0, 1]) }
            .reduce(0, +) / 500 + log(2 * Double.pi)
        #expect(abs(nll - analytic) < 1e-8)
    }

    @Test("escaped counts non-finite samples and samples more than one box width outside")
    func escaped() {
        let box: EvaluationData.Box = (-1, 1, -2, 2) // width 2, height 4
        let s = Matrix([[0, 0], [2.9, 0], [3.1, 0], [0, -5.9], [0, -6.1], [.nan, 0], [0, .infinity], [-0.5, 1.5]])
        #expect(abs(Metrics.escapedFraction(samples: s, box: box) - 4.0 / 8) < Self.roundingTolerance)
    }

    // MARK: Oracle densities and the anchors

    @Test("each oracle density integrates to 1 on a grid over the data's box", arguments: DatasetName.allCases)
    func oracleIntegratesToOne(dataset: DatasetName) {
        let box = EvaluationData.expand(EvaluationData.make(for: dataset).box, by: 0.2)
        // Cells no wider than the narrowest kernel σ (rings 0.03, standardised swiss roll ≈ 0.07,
        // gaussians 0.35): the midpoint rule on a Gaussian is then exact to ~1e-8.
        let cell: Double = switch dataset { case .rings: 0.02; case .swissRoll: 0.04; case .gaussians: 0.1 }
        let nx = Int(((box.xmax - box.xmin) / cell).rounded(.up)), ny = Int(((box.ymax - box.ymin) / cell).rounded(.up))
        let dx = (box.xmax - box.xmin) / Double(nx), dy = (box.ymax - box.ymin) / Double(ny)
        var grid: [[Double]] = []
        for i in 0..<nx { for j in 0..<ny { grid.append([box.xmin + (Double(i) + 0.5) * dx, box.ymin + (Double(j) + 0.5) * dy]) } }
        // Any node count integrates to 1 (each node is a normalised Gaussian); few nodes keep it fast.
        let logP = OracleDensity.logDensity(dataset, at: Matrix(grid), nodes: 512)
        let integral = logP.map(exp).reduce(0, +) * dx * dy
        // The box reaches ≥ 7σ beyond every curve, so the mass outside is < 1e-10.
        #expect(abs(integral - 1) < 1e-4)
    }

    @Test("the oracle's quadrature has converged at its default node counts", arguments: [DatasetName.rings, .swissRoll])
    func oracleConvergence(dataset: DatasetName) {
        let points = Matrix(rows: 300, columns: 2, storage: Array(EvaluationData.make(for: dataset).heldOut.storage.prefix(600)))
        let coarse = OracleDensity.logDensity(dataset, at: points)
        let defaultNodes = dataset == .rings ? OracleDensity.circleNodes : OracleDensity.curveNodes
        let fine = OracleDensity.logDensity(dataset, at: points, nodes: 4 * defaultNodes)
        let worst = zip(coarse, fine).map { abs($0 - $1) }.max() ?? .infinity
        // The rings' periodic trapezoid rule is spectrally accurate; the swiss roll's midpoint rule
        // is second order only at the curve's two cut ends (measured worst 4e-5 nats there), both
        // far below the noise of a held-out mean (~0.01 nats).
        #expect(worst < Self.quadratureTolerance)
    }

    /// See `oracleConvergence`: twice the worst measured change when the nodes are quadrupled.
    static let quadratureTolerance = 1e-4

    @Test("the swiss roll's population means by quadrature match their closed forms 2 and 2/(3π)")
    func swissRollMoments() {
        let m = OracleDensity.swissRollMoments()
        // Midpoint rule with 2e5 nodes on a smooth integrand: error O(h²) ≈ 1e-9.
        #expect(abs(m.mean.x - 2) < 1e-7)
        #expect(abs(m.mean.y - 2 / (3 * Double.pi)) < 1e-7)
    }

    @Test("a fresh data draw's kde_nll sits a small gap above oracle_nll and far below uniform noise",
          arguments: DatasetName.allCases)
    func anchors(dataset: DatasetName) throws {
        let e = EvaluationData.make(for: dataset)
        let metrics = Metrics.evaluate(samples: e.floorSamples(count: 3000), evaluation: e, energy: nil)
        let oracle = try #require(metrics[Metrics.Name.oracleNLL])
        let floor = try #require(metrics[Metrics.Name.kdeNLL])
        #expect(metrics[Metrics.Name.floorKDENLL] == floor) // the same points, scored the same way
        // A KDE of 3000 points loses a little to the truth (its bandwidth blurs the structure),
        // but never gains more than the held-out mean's noise.
        #expect(floor - oracle > -0.02 && floor - oracle < Self.kdeGap)
        var rng = RandomSource(seed: 13)
        let b = e.box
        let uniform = Matrix((0..<3000).map { _ in [rng.uniform(b.xmin, b.xmax), rng.uniform(b.ymin, b.ymax)] })
        let noise = Metrics.kdeNLL(samples: uniform, heldOut: e.heldOut, validation: e.validation).nll
        #expect(noise > floor + 0.5)
    }

    /// Largest acceptable kde_nll − oracle_nll for a perfect sampler with 3000 samples (measured
    /// 0.03 gaussians, 0.06 swiss roll, 0.08 rings; over three times the largest leaves room for
    /// other seeds while a blurred or misplaced sampler, ≥ 0.5 nats worse, still fails).
    static let kdeGap = 0.3

    @Test("evaluate reports every contract name, nll only with an energy, and drops non-finite samples")
    func evaluateKeys() throws {
        let e = EvaluationData.make(for: .gaussians)
        let clean = e.floorSamples(count: 400)
        var dirty = clean.storage
        dirty += [.nan, 0, 0, .infinity]
        let samples = Matrix(rows: 402, columns: 2, storage: dirty)
        let energy: (Matrix) -> [Double] = { m in (0..<m.rows).map { 0.5 * (m[$0, 0] * m[$0, 0] + m[$0, 1] * m[$0, 1]) / 4 } }
        let withEnergy = Metrics.evaluate(samples: samples, evaluation: e, energy: energy)
        typealias N = Metrics.Name
        let names = [N.kdeNLL, N.nll, N.precision, N.recall, N.mmd, N.swd, N.energyDistance, N.escaped, N.floorKDENLL, N.oracleNLL]
        for name in names { #expect(withEnergy[name] != nil, "missing \(name)") }
        #expect(Metrics.evaluate(samples: samples, evaluation: e, energy: nil)[Metrics.Name.nll] == nil)
        #expect(abs(try #require(withEnergy[Metrics.Name.escaped]) - 2.0 / 402) < Self.roundingTolerance)
        let cleanMetrics = Metrics.evaluate(samples: clean, evaluation: e, energy: nil)
        #expect(cleanMetrics[Metrics.Name.kdeNLL] == withEnergy[Metrics.Name.kdeNLL])
        // No finite sample at all: only escaped and the oracle remain.
        let none = Metrics.evaluate(samples: Matrix(rows: 3, columns: 2, repeating: .nan), evaluation: e, energy: nil)
        #expect(Set(none.keys) == [Metrics.Name.escaped, Metrics.Name.oracleNLL])
    }
}
