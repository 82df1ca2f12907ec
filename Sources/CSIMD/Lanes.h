// CSIMD's private vocabulary: the lane types, the lane select, the per-ISA function attributes and
// the CPU's vector width, shared by the kernels that are compiled once per ISA and picked at run
// time (docs/design.md, "Element-wise kernels").
#ifndef EBM_CSIMD_LANES_H
#define EBM_CSIMD_LANES_H
#include "CSIMD.h"

// 64 bytes of lanes in both copies of every kernel: one AVX-512 register, two AVX2 ones. The same
// vector type in both keeps the operations, and so the bits, the same for every number. A NaN
// may differ in sign between the copies: x86 returns an operation's first NaN operand, and the
// compiler may order a commutative add differently per ISA. A NaN ends its run as diverged
// whatever its sign, so results do not depend on it.
typedef float ebm_f32x16 __attribute__((ext_vector_type(16)));
typedef int ebm_i32x16 __attribute__((ext_vector_type(16)));
typedef double ebm_f64x8 __attribute__((ext_vector_type(8)));
typedef long ebm_i64x8 __attribute__((ext_vector_type(8)));
typedef unsigned long ebm_u64x8 __attribute__((ext_vector_type(8)));
// Halves, for reductions.
typedef float ebm_f32x8 __attribute__((ext_vector_type(8)));
typedef float ebm_f32x4 __attribute__((ext_vector_type(4)));
typedef double ebm_f64x4 __attribute__((ext_vector_type(4)));

// a < b ? x : y on every lane (false with a NaN, as IEEE's <). Macros, not functions: a vector
// argument would change the calling convention between the two ISAs' copies.
#define SELECT(M, a, b, x, y) ({ M m_ = (a) < (b); (__typeof__(x))((m_ & (M)(x)) | (~m_ & (M)(y))); })

#if defined(__x86_64__)
#define EBM_AVX512 __attribute__((target("avx512f")))
// FMA with AVX2: every AVX2 CPU has it, and the programs require it (RequireAVX2.c).
#define EBM_AVX2 __attribute__((target("avx2,fma")))
#endif

// a·b + c rounded once, on every lane. Explicit, never contracted by the compiler (the kernels turn
// contraction off), so every ISA's copy fuses exactly the same operations and gives the same bits.
#define FMA(a, b, c) __builtin_elementwise_fma((a), (__typeof__(a))(b), (__typeof__(a))(c))

// A kernel macro KERNEL(name, T, V, M, target) instantiated once per ISA (name_avx512 and
// name_avx2; one generic copy off x86-64), and the copy for a vector width.
#if defined(__x86_64__)
#define BOTH_ISAS(KERNEL, NAME, T, V, M) KERNEL(NAME##_avx512, T, V, M, EBM_AVX512) KERNEL(NAME##_avx2, T, V, M, EBM_AVX2)
#define PICK(NAME, bits) ((bits) >= 512 ? NAME##_avx512 : NAME##_avx2)
#else
#define BOTH_ISAS(KERNEL, NAME, T, V, M) KERNEL(NAME##_generic, T, V, M, )
#define PICK(NAME, bits) ((void)(bits), NAME##_generic)
#endif

// ebm_cpu_vector_bits(), asked once.
int ebm_vector_bits(void);

#endif
