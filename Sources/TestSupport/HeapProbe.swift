import CMallocStats

/// The process's live heap bytes, for tests that prove a hot loop allocates nothing.
///
/// glibc's `mallinfo2` (in-use chunks plus mmapped blocks, over all arenas) via the test-only C
/// target `CMallocStats`. It is a net, process-wide figure: a buffer allocated and freed within
/// one iteration does not show, and other tests running in parallel move it, so callers compare
/// several windows and require one with no change (see `AllocationTests`).
public enum HeapProbe {
    /// Bytes currently allocated by malloc.
    public static func bytesInUse() -> Int {
        Int(ebm_heap_in_use())
    }
}
