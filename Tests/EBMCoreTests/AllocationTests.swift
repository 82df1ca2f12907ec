import Testing
import EBMCore
import TestSupport

@Suite("Allocation-free hot loop")
struct AllocationTests {
    /// Iterations before measuring: lazy one-time work (first shuffle, chain start) happens here.
    static let warmup = 5
    /// Iterations per measured window.
    static let span = 20
    /// Windows: tests in other suites allocate concurrently and move the process-wide heap figure,
    /// so one quiet window out of several is the proof; a per-iteration allocation that is kept
    /// grows the heap in EVERY window and fails.
    static let windows = 8

    @Test("after warm-up, training iterations leave the heap unchanged", arguments: Method.allCases)
    func trainingDoesNotAllocate(method: Method) throws {
        let iterations = Self.warmup + Self.windows * Self.span
        let config = Fixtures.smallConfig(method, iterations: iterations)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        // Heap in use after each iteration, recorded into a buffer made before training.
        let heap = UnsafeMutablePointer<Int>.allocate(capacity: iterations + 1)
        defer { heap.deallocate() }
        heap.initialize(repeating: 0, count: iterations + 1)
        let run = trainer.train { iteration, _ in
            heap[iteration] = HeapProbe.bytesInUse()
            return true
        }
        try #require(run.status == .ok && run.iterations == iterations)
        var growth: [Int] = []
        for w in 0..<Self.windows {
            let start = Self.warmup + w * Self.span
            growth.append(heap[start + Self.span] - heap[start])
        }
        #expect(growth.contains(0), "\(method): heap growth per \(Self.span)-iteration window \(growth)")
    }

    @Test("the same measurement flags a loop that keeps one small allocation per iteration")
    func probeSeesPerIterationAllocations() throws {
        let iterations = Self.warmup + Self.windows * Self.span
        let config = Fixtures.smallConfig(.dsm, iterations: iterations)
        var trainer = Trainer(config: config, data: Fixtures.rings(rows: config.dataSize, seed: 5))
        let heap = UnsafeMutablePointer<Int>.allocate(capacity: iterations + 1)
        defer { heap.deallocate() }
        heap.initialize(repeating: 0, count: iterations + 1)
        var kept: [[Double]] = []
        kept.reserveCapacity(iterations)
        let run = trainer.train { iteration, loss in
            kept.append([loss, loss])  // a 2-element array: one small heap block per iteration
            heap[iteration] = HeapProbe.bytesInUse()
            return true
        }
        try #require(run.status == .ok)
        let growth = (0..<Self.windows).map { w in
            heap[Self.warmup + (w + 1) * Self.span] - heap[Self.warmup + w * Self.span]
        }
        #expect(!growth.contains(0), "growth \(growth) should be positive in every window")
        #expect(kept.count == iterations)
    }
}
