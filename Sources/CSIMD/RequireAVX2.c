// EBMCore is compiled for AVX2 on x86-64 (Package.swift): its element-wise kernels run twice as
// wide. On a CPU without AVX2 those instructions would kill the process with SIGILL and no word
// of why; this check runs when the program loads, before any of them, and says so instead.
// Compiled without AVX2 itself.
#if defined(EBM_REQUIRE_AVX2) && defined(__x86_64__)
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void ebm_require_avx2(void) {
    __builtin_cpu_init();
    // FMA too: CSIMD's AVX2 kernels use it (Softplus.c), as do OpenBLAS's Haswell kernels, which
    // `reproducible: portable` pins (OpenBLASEnvironment).
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        fputs("error: this build of ebm-sweep uses AVX2 and FMA instructions (x86-64 CPUs since 2013), "
              "and this CPU lacks them.\n", stderr);
        _exit(1);
    }
}
#endif
