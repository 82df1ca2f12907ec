// What the CPU offers, asked at run time: the programs choose OpenBLAS's kernels from it
// (OpenBLASEnvironment) and every result records it. Compiled without AVX flags, like
// RequireAVX2.c, so asking never needs what it asks about.
#include "Lanes.h"

int ebm_cpu_vector_bits(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx")) return 256;
    return 128;
#elif defined(__aarch64__)
    return 128;  // NEON
#else
    return 0;
#endif
}

const char *ebm_cpu_blas_kernel(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    // OpenBLAS's SkylakeX kernels use AVX-512 F, CD, BW, DQ and VL; its Haswell ones AVX2 and FMA.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return 0;
}

// A benign race: every thread stores the same value.
int ebm_vector_bits(void) {
    static _Atomic int bits = 0;
    int known = bits;
    if (!known) bits = known = ebm_cpu_vector_bits();
    return known;
}
