// CAllocationCounter: a per-thread count of heap allocations, for the tests that the training loop allocates nothing; TestSupport only.
#ifndef CALLOCATIONCOUNTER_H
#define CALLOCATIONCOUNTER_H

#include <stddef.h>

/// Heap allocations (malloc, calloc, realloc, aligned_alloc, memalign, posix_memalign) made so far
/// by the calling thread. Test-only: this target defines those functions in the test binary and
/// forwards them to glibc, counting per thread, so a test measures its own code and not the tests
/// running beside it.
size_t ebm_thread_allocation_count(void);

#endif
