import Foundation
import Testing
@testable import Report
import Sweep

@Suite struct StatisticsTests {
    /// Published two-sided 95 % critical values t(0.975, ν) (any statistics table), to 6 decimals.
    static let critical: [(Double, Double)] = [(1, 12.706205), (2, 4.302653), (4, 2.776445), (10, 2.228139), (30, 2.042272)]

    @Test("the t quantile matches published critical values", arguments: critical)
    func quantile(degrees: Double, expected: Double) {
        #expect(abs(StudentT(degrees: degrees).quantile(0.975) - expected) < 1e-6)
        #expect(abs(StudentT(degrees: degrees).quantile(0.025) + expected) < 1e-6)
    }

    @Test("the t CDF matches closed forms: ν = 1 is Cauchy, ν = 2 is ½ + t / (2√(2 + t²))")
    func cdf() {
        for t in [-30.0, -2, -0.5, 0, 0.3, 1, 5, 100] {
            let cauchy = 0.5 + atan(t) / Double.pi
            #expect(abs(StudentT(degrees: 1).cdf(t) - cauchy) < 1e-12)
            let two = 0.5 + t / (2 * (2 + t * t).squareRoot())
            #expect(abs(StudentT(degrees: 2).cdf(t) - two) < 1e-12)
            #expect(abs(StudentT(degrees: 2).upperTail(t) - (1 - two)) < 1e-12)
        }
        #expect(StudentT(degrees: 3).cdf(.infinity) == 1 && StudentT(degrees: 3).upperTail(.infinity) == 0)
        #expect(StudentT(degrees: 3).cdf(.nan).isNaN)
    }

    @Test("a seed summary's interval is mean ± t(0.975, n − 1) · sd / √n, computed by hand")
    func interval() throws {
        // 1.0, 1.2, 1.1: mean 1.1, sd 0.1, half-width 4.302653 · 0.1 / √3 = 0.248414.
        let s = try #require(SeedSummary([1.0, 1.2, 1.1]))
        #expect(s.count == 3 && abs(s.mean - 1.1) < 1e-12 && abs(s.sd - 0.1) < 1e-12)
        let interval = try #require(s.interval)
        #expect(abs(interval.lowerBound - (1.1 - 0.248414)) < 1e-6 && abs(interval.upperBound - (1.1 + 0.248414)) < 1e-6)
        let one = try #require(SeedSummary([2.5, .nan]))
        #expect(one.count == 1 && one.sd == 0 && one.interval == nil)
        #expect(SeedSummary([.infinity]) == nil)
    }
}
