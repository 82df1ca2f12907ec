#ifndef CMALLOCSTATS_H
#define CMALLOCSTATS_H

#include <stddef.h>

/// Bytes currently handed out by glibc's malloc, over all arenas: mallinfo2's uordblks (in-use
/// chunks of the heaps) plus hblkhd (blocks served by mmap). A test-only probe: the allocation
/// tests compare it before and after a span of training iterations.
size_t ebm_heap_in_use(void);

#endif
