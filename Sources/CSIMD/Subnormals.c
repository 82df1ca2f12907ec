// Subnormal numbers (below 1.2e-38 in float32) cost x86 a microcode assist of about a hundred
// cycles per operation that reads or writes one. Training drives values there (softplus's
// second derivative far from the origin, under ISM and DSM), and late in an ISM run every GEMM
// over them ran 8× slower. Flushed, whole ISM and DSM runs gave the same bits as before: their
// subnormals are products of saturated units' derivatives, summed with far larger normal terms.
// docs/design.md, "Subnormals".
#include "include/CSIMD.h"

#if defined(__x86_64__)
#include <xmmintrin.h>
// MXCSR: flush-to-zero (results, bit 15) and denormals-are-zero (inputs, bit 6).
static const unsigned flushBits = 0x8040;

unsigned long ebm_flush_subnormals(void) {
    unsigned previous = _mm_getcsr();
    _mm_setcsr(previous | flushBits);
    return previous;
}

void ebm_restore_float_environment(unsigned long previous) { _mm_setcsr((unsigned)previous); }

#elif defined(__aarch64__)
// FPCR.FZ (bit 24) flushes both inputs and results.
unsigned long ebm_flush_subnormals(void) {
    unsigned long previous;
    __asm__ volatile("mrs %0, fpcr" : "=r"(previous));
    __asm__ volatile("msr fpcr, %0" : : "r"(previous | (1UL << 24)));
    return previous;
}

void ebm_restore_float_environment(unsigned long previous) { __asm__ volatile("msr fpcr, %0" : : "r"(previous)); }

#else
unsigned long ebm_flush_subnormals(void) { return 0; }
void ebm_restore_float_environment(unsigned long previous) { (void)previous; }
#endif
