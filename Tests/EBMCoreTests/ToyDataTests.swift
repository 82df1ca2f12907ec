import Foundation
import Testing
@testable import EBMCore

/// Statistical checks of the three toy datasets. Every test is seeded, so it is deterministic;
/// the tolerances are a few standard errors of the statistic, so a correct generator passes for
/// essentially every seed and a wrong constant fails.
@Suite("Toy datasets")
struct ToyDataTests {
    /// Standardisation is exact up to rounding: sums of ~10⁴ numbers of size ~1.
    static let roundingTolerance = 1e-12
    /// Five standard errors: a correct generator fails with probability < 1e-6 per check.
    static let standardErrors = 5.0

    static func draw(_ name: DatasetName, _ n: Int, seed: UInt64 = 7) -> Matrix {
        var rng = RandomSource(seed: seed)
        return ToyData.sample(name, count: n, using: &rng)
    }

    @Test("every dataset returns an [n, 2] matrix of finite values", arguments: DatasetName.allCases)
    func shape(name: DatasetName) {
        let m = Self.draw(name, 101)
        #expect(m.rows == 101 && m.columns == 2)
        #expect(m.storage.allSatisfy { $0.isFinite })
    }

    @Test("the standardised swiss roll has mean 0 and standard deviation 1 (ddof 0) in each column")
    func swissRollMoments() {
        let m = Self.draw(.swissRoll, 4096)
        for c in 0..<2 {
            let column = (0..<m.rows).map { m[$0, c] }
            let mean = column.reduce(0, +) / Double(m.rows)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m.rows)
            #expect(abs(mean) < Self.roundingTolerance)
            #expect(abs(variance.squareRoot() - 1) < Self.roundingTolerance)
        }
    }

    @Test("the swiss roll's raw sample moments match the population moments the oracle uses")
    func swissRollRawMoments() {
        var rng = RandomSource(seed: 11)
        let n = 40_000
        let m = ToyData.swissRollRaw(count: n, using: &rng)
        let population = OracleDensity.swissRollMoments()
        let expected = [(population.mean.x, population.std.x), (population.mean.y, population.std.y)]
        for c in 0..<2 {
            let column = (0..<n).map { m[$0, c] }
            let mean = column.reduce(0, +) / Double(n)
            let sd = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
            // Standard error of the mean s/√n; of the sd about s/√(2n) for a near-Gaussian
            // column — the roll is flatter, so allow twice that.
            #expect(abs(mean - expected[c].0) < Self.standardErrors * expected[c].1 / Double(n).squareRoot())
            #expect(abs(sd - expected[c].1) < Self.standardErrors * 2 * expected[c].1 / Double(2 * n).squareRoot())
        }
    }

    @Test("ring radii cluster at 0.5 and 1.0 in equal shares, in both halves of the plane")
    func ringRadii() {
        let n = 20_000
        let m = Self.draw(.rings, n)
        for upper in [true, false] {
            let rows = (0..<n).filter { (m[$0, 1] >= 0) == upper }
            let radii = rows.map { (m[$0, 0] * m[$0, 0] + m[$0, 1] * m[$0, 1]).squareRoot() }
            // Noise σ = 0.03, so ±0.15 (5σ) captures every point of a ring.
            let inner = radii.filter { abs($0 - 0.5) < 0.15 }
            let outer = radii.filter { abs($0 - 1.0) < 0.15 }
            #expect(inner.count + outer.count == radii.count)
            let share = Double(inner.count) / Double(radii.count)
            let se = (0.25 / Double(radii.count)).squareRoot()
            #expect(abs(share - 0.5) < Self.standardErrors * se)
            // Mean radius of each ring: radial noise has sd 0.03 (plus an O(σ²/r) bias ≈ 0.001).
            let innerMean = inner.reduce(0, +) / Double(inner.count)
            let outerMean = outer.reduce(0, +) / Double(outer.count)
            #expect(abs(innerMean - 0.5) < 0.003)
            #expect(abs(outerMean - 1.0) < 0.003)
        }
    }

    @Test("each of the eight gaussians gets 1/8 of the points at a Rayleigh(0.35) distance from its centre")
    func gaussianCentres() {
        let n = 16_000
        let m = Self.draw(.gaussians, n)
        let centres = ToyData.gaussianCentres.map { (0.7 * $0.x, 0.7 * $0.y) }
        var counts = [Int](repeating: 0, count: 8)
        var scaledDistances: [Double] = []
        for i in 0..<n {
            let d = centres.map { (m[i, 0] - $0.0) * (m[i, 0] - $0.0) + (m[i, 1] - $0.1) * (m[i, 1] - $0.1) }
            let nearest = d.indices.min { d[$0] < d[$1] } ?? 0
            counts[nearest] += 1
            scaledDistances.append(d[nearest].squareRoot() / 0.35)
        }
        let se = (0.125 * 0.875 / Double(n)).squareRoot()
        for c in counts { #expect(abs(Double(c) / Double(n) - 0.125) < Self.standardErrors * se) }
        // Rayleigh(1): mean √(π/2), variance (4 − π)/2. Neighbouring centres are 3.1/0.35 ≈ 9σ
        // apart, so nearest-centre assignment misclassifies essentially nothing.
        let mean = scaledDistances.reduce(0, +) / Double(n)
        let meanSE = ((4 - Double.pi) / 2 / Double(n)).squareRoot()
        #expect(abs(mean - (Double.pi / 2).squareRoot()) < Self.standardErrors * meanSE)
    }

    @Test("the same seed gives the same bits; another seed gives other points", arguments: DatasetName.allCases)
    func determinism(name: DatasetName) {
        let a = Self.draw(name, 500, seed: 3), b = Self.draw(name, 500, seed: 3), c = Self.draw(name, 500, seed: 4)
        #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        #expect(a != c)
    }

    @Test("the evaluation draws have their fixed sizes, are reproducible and differ from each other",
          arguments: DatasetName.allCases)
    func evaluationData(name: DatasetName) {
        let e = EvaluationData.make(for: name), again = EvaluationData.make(for: name)
        #expect(e.heldOut.rows == EvaluationData.heldOutCount && e.validation.rows == EvaluationData.validationCount)
        #expect(e.heldOut == again.heldOut && e.validation == again.validation)
        let floor = e.floorSamples(count: 1000)
        #expect(floor == e.floorSamples(count: 1000))
        #expect(floor != e.validation)
        #expect(e.box.xmin < e.box.xmax && e.box.ymin < e.box.ymax)
        #expect((0..<e.heldOut.rows).allSatisfy { e.heldOut[$0, 0] >= e.box.xmin && e.heldOut[$0, 0] <= e.box.xmax })
        #expect((0..<e.heldOut.rows).allSatisfy { e.heldOut[$0, 1] >= e.box.ymin && e.heldOut[$0, 1] <= e.box.ymax })
    }
}
