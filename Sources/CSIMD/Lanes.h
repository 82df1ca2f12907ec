// CSIMD's private vocabulary: the lane types, the lane select, the per-ISA function attributes and
// the CPU's vector width, shared by the kernels that are compiled once per ISA and picked at run
// time (docs/design.md, "Element-wise kernels").
#ifndef EBM_CSIMD_LANES_H
#define EBM_CSIMD_LANES_H
#include "CSIMD.h"

// 64 bytes of lanes in both copies of every kernel: one AVX-512 register, two AVX2 ones. The same
// vector type in both keeps the operations, and so the bits, the same.
typedef float ebm_f32x16 __attribute__((ext_vector_type(16)));
typedef int ebm_i32x16 __attribute__((ext_vector_type(16)));
typedef double ebm_f64x8 __attribute__((ext_vector_type(8)));
typedef long ebm_i64x8 __attribute__((ext_vector_type(8)));
// Halves, for reductions.
typedef float ebm_f32x8 __attribute__((ext_vector_type(8)));
typedef float ebm_f32x4 __attribute__((ext_vector_type(4)));
typedef double ebm_f64x4 __attribute__((ext_vector_type(4)));

// a < b ? x : y on every lane (false with a NaN, as IEEE's <). Macros, not functions: a vector
// argument would change the calling convention between the two ISAs' copies.
#define SELECT(M, a, b, x, y) ({ M m_ = (a) < (b); (__typeof__(x))((m_ & (M)(x)) | (~m_ & (M)(y))); })

#if defined(__x86_64__)
#define EBM_AVX512 __attribute__((target("avx512f")))
#define EBM_AVX2 __attribute__((target("avx2")))
#endif

// ebm_cpu_vector_bits(), asked once.
int ebm_vector_bits(void);

#endif
