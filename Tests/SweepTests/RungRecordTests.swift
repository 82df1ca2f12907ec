import Testing
@testable import Sweep

@Suite("Rung statistics")
struct RungRecordTests {
    @Test("Student t quantiles match the tables", arguments: [
        (0.9, 1.0, 3.0777), (0.9, 2.0, 1.8856), (0.9, 10.0, 1.3722), (0.95, 5.0, 2.0150),
        (0.975, 30.0, 2.0423), (0.9, 1e6, 1.2816), (0.1, 3.0, -1.6377),
    ])
    func quantiles(p: Double, nu: Double, table: Double) {
        #expect(abs(StudentT(degrees: nu).quantile(p) - table) < 1e-4)
    }

    @Test("percentiles interpolate between closest ranks as numpy does")
    func percentiles() {
        #expect(Percentile.of([3, 1, 2], 50) == 2)
        #expect(abs(Percentile.of([1, 2], 100.0 / 3)! - 4.0 / 3) < 1e-15)
        #expect(Percentile.of([5], 33) == 5 && Percentile.of([], 50) == nil)
        #expect(Percentile.of([1, 2, 3, 4], 25) == 1.75)
    }

    @Test("pooled variance weighs each unit by its degrees of freedom")
    func pooled() throws {
        var r = RungRecord()
        for v in [1.0, 2.0, 3.0] { r.add(v, unit: "a") }  // s² = 1, 2 df
        for v in [10.0, 14.0] { r.add(v, unit: "b") }  // s² = 8, 1 df
        r.add(100, unit: "c")  // one value: no spread
        let p = try #require(r.pooledVariance())
        #expect(p.degreesOfFreedom == 3 && abs(p.variance - 10.0 / 3) < 1e-12)
        #expect(r.units == ["a", "b", "c"])
    }

    @Test("the bound uses the wider of own and pooled spread, and is −∞ with no spread at all")
    func bound() throws {
        var r = RungRecord()
        r.add(5, unit: "lone")
        #expect(r.lowerBound(of: "lone", confidence: 0.9) == -.infinity)
        for v in [1.0, 2.0, 3.0] { r.add(v, unit: "a") }
        // lone: pooled s² = 1 (2 df): 5 − t(0.9, 2)·1/√1.
        #expect(abs(try #require(r.lowerBound(of: "lone", confidence: 0.9)) - (5 - 1.8856)) < 1e-4)
        for v in [2.0, 2.01] { r.add(v, unit: "tight") }
        // tight: own s² = 5e-5 < pooled ((2·1 + 5e-5)/3, 3 df): the pooled spread is used.
        let pooledSD = ((2 + 5e-5) / 3).squareRoot()
        #expect(abs(try #require(r.lowerBound(of: "tight", confidence: 0.9)) - (2.005 - 1.6377 * pooledSD / 2.0.squareRoot())) < 1e-4)
    }
}
