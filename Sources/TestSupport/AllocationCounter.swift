import CAllocationCounter

/// Heap allocations made by the calling thread, for tests that prove a hot loop allocates nothing.
///
/// The test-only C target `CAllocationCounter` interposes malloc and its siblings in the test
/// binary and counts per thread, so the figure is exact (a buffer allocated and freed within one
/// iteration counts too) and untouched by tests running in parallel on other threads. A
/// synchronous test body stays on one thread, so it sees only its own allocations.
public enum AllocationCounter {
    /// Allocations made so far by this thread.
    public static func count() -> Int {
        Int(ebm_thread_allocation_count())
    }
}
