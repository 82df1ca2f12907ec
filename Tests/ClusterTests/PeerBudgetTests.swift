import Testing
@testable import Cluster

/// The per-peer log budget on virtual time, and the escaping of peer text.
@Suite("What a peer can make us write")
struct PeerBudgetTests {
    @Test("A peer gets its burst at once, then one line a second; the rest is counted, not written")
    func tokenBucket() {
        var budget = PeerBudget(burst: 20, rate: 1)
        let allowed = (0..<20_000).filter { _ in budget.spend("flooder", now: 0) }.count
        #expect(allowed == 20)
        #expect(!spend(&budget, "flooder", now: 0.5))
        #expect(spend(&budget, "flooder", now: 1.5))
        #expect(!spend(&budget, "flooder", now: 1.6))
        // Another peer is not charged for the first one's flood.
        #expect(spend(&budget, "quiet", now: 1.6))
        // Ten quiet seconds earn ten lines back, never more than the burst.
        #expect((0..<100).filter { _ in budget.spend("flooder", now: 11.6) }.count == 10)
        #expect((0..<100).filter { _ in budget.spend("flooder", now: 1000) }.count == 20)
    }

    @Test("Suppressed lines are reported per peer once they are old enough, then counted afresh")
    func suppressedReports() {
        var budget = PeerBudget(burst: 2, rate: 1)
        for _ in 0..<12 { _ = budget.spend("a", now: 0) }
        for _ in 0..<3 { _ = budget.spend("b", now: 5) }
        let early = budget.suppressed(olderThan: 10, now: 9)
        #expect(early.isEmpty)
        let due = budget.suppressed(olderThan: 10, now: 10)
        #expect(due.map(\.peer) == ["a"] && due.map(\.count) == [10])
        let rest = budget.suppressed(olderThan: 0, now: 10)
        #expect(rest.map(\.peer) == ["b"] && rest.map(\.count) == [1])
        let again = budget.suppressed(olderThan: 0, now: 10)
        #expect(again.isEmpty)
    }

    @Test("The peers remembered are bounded: idle ones are forgotten first")
    func boundedPeers() {
        var budget = PeerBudget(burst: 1, rate: 1, maxPeers: 8)
        for i in 0..<1000 { _ = budget.spend("peer-\(i)", now: Double(i)) }
        #expect(budget.buckets.count <= 8)
        // A flooding peer keeps its empty bucket while idle ones make room.
        for _ in 0..<5 { _ = budget.spend("flooder", now: 1000) }
        for i in 0..<20 { _ = budget.spend("new-\(i)", now: 1000.5) }
        #expect(budget.buckets["flooder"] != nil)
        #expect(!spend(&budget, "flooder", now: 1000.5))
    }
}

/// `budget.spend`, callable inside `#expect` (which cannot call a mutating method).
private func spend(_ budget: inout PeerBudget, _ peer: String, now: Double) -> Bool {
    budget.spend(peer, now: now)
}
