/// How much one peer can make the coordinator write: a token bucket per peer for log lines and
/// event rows, so a flood of refused results or registrations costs a few lines, not megabytes.
/// What a peer's bucket could not pay for is counted and reported in one line now and then.
///
/// A pure value on the caller's clock (`now` in seconds), so it is tested on virtual time.
struct PeerBudget {
    struct Bucket {
        var tokens: Double
        var updated: Double
        /// Lines refused since the last report.
        var suppressed = 0
        /// When the first of them was refused.
        var suppressedSince = 0.0
    }

    /// Lines a quiet peer may write at once.
    let burst: Double
    /// Lines a second a peer earns back.
    let rate: Double
    /// Peers remembered; beyond this, idle full buckets are forgotten first, then the oldest.
    let maxPeers: Int
    private(set) var buckets: [String: Bucket] = [:]

    init(burst: Double = 20, rate: Double = 1, maxPeers: Int = 4096) {
        precondition(burst >= 1 && rate > 0 && maxPeers >= 1, "a budget needs a burst ≥ 1, a positive rate and room for a peer")
        self.burst = burst
        self.rate = rate
        self.maxPeers = maxPeers
    }

    /// Takes one line from `peer`'s bucket: true when it may be written, false when it must be
    /// counted instead.
    mutating func spend(_ peer: String, now: Double) -> Bool {
        if buckets[peer] == nil, buckets.count >= maxPeers { forgetIdle(now: now) }
        var bucket = buckets[peer] ?? Bucket(tokens: burst, updated: now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed {
            bucket.tokens -= 1
        } else {
            if bucket.suppressed == 0 { bucket.suppressedSince = now }
            bucket.suppressed += 1
        }
        buckets[peer] = bucket
        return allowed
    }

    /// Peers with lines suppressed at least `interval` seconds ago (all of them when `interval`
    /// is 0), with how many and since when; their counts start again from zero.
    mutating func suppressed(olderThan interval: Double, now: Double) -> [(peer: String, count: Int, since: Double)] {
        var due: [(peer: String, count: Int, since: Double)] = []
        for (peer, bucket) in buckets where bucket.suppressed > 0 && now - bucket.suppressedSince >= interval {
            due.append((peer, bucket.suppressed, bucket.suppressedSince))
            buckets[peer]?.suppressed = 0
        }
        return due.sorted { $0.peer < $1.peer }
    }

    /// Makes room: buckets that have refilled and owe no report carry no information.
    private mutating func forgetIdle(now: Double) {
        for (peer, bucket) in buckets where bucket.suppressed == 0
            && bucket.tokens + (now - bucket.updated) * rate >= burst {
            buckets[peer] = nil
        }
        // Still full: drop the longest-quiet peer that owes no report; a flooder keeps its empty
        // bucket, or forgetting it would hand it a fresh burst.
        if buckets.count >= maxPeers,
           let oldest = buckets.min(by: { ($0.value.suppressed > 0 ? 1 : 0, $0.value.updated) < ($1.value.suppressed > 0 ? 1 : 0, $1.value.updated) })?.key {
            buckets[oldest] = nil
        }
    }
}
