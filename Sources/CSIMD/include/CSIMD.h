#ifndef EBM_CSIMD_H
#define EBM_CSIMD_H

// Eight doubles as one clang vector; Swift sees it as SIMD8<Double>.
typedef double ebm_double8 __attribute__((ext_vector_type(8)));

// Correctly rounded square root of every lane. Swift's Double.squareRoot() lowers to libm's sqrt
// with its errno check, one scalar call per lane; this is sqrtpd (or vsqrtpd, NEON fsqrt) at the
// width the including module is compiled for. IEEE-exact, so the bits equal sqrt's.
static inline ebm_double8 ebm_sqrt8(ebm_double8 x) { return __builtin_elementwise_sqrt(x); }

#endif
