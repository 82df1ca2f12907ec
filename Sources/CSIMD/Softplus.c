// Softplus and its derivatives over a buffer, from ONE exponential per element, 64 bytes of lanes at a
// time (docs/design.md, "Element-wise kernels").
//
// With e = exp(−|z|) ∈ (0, 1]:  softplus(z) = max(z, 0) + log1p(e),  σ(z) = 1/(1+e) for z ≥ 0 and
// e/(1+e) otherwise,  σ′ = σ(1 − σ). Above PyTorch's threshold 20, softplus is z, σ = 1, σ′ = 0.
// Both exp and log1p are pure arithmetic (no libm calls, no branches, only selects), so the loop
// runs in vector registers; glibc's scalar exp and log1p had cost 15–20 ms of every score-model
// iteration.
//
// Why C: the body is compiled twice, for AVX-512 and for AVX2, and the CPU picks at run time. Swift
// has no per-function target ISA, and EBMCore as a whole must still run on AVX2-only CPUs. Both
// copies perform the same IEEE operations in the same order on every lane (the polynomials' FMAs
// are explicit and the compiler contracts nothing else: the pragma below), so they give the same
// bits, and a scalar value computed as a one-lane group equals the batch's. The FMAs made the
// kernel 1.39× faster in float32 and 1.56× in float64 (BENCHMARKS.md, eleventh session).
#include "Lanes.h"
#include <string.h>

// Neither fusing nor reordering: the same operations on every ISA, whatever the build flags.
#pragma clang fp contract(off)
#pragma clang fp reassociate(off)

// eˣ for x ≤ 0 in float32 (Cody–Waite): n = round(x/ln2) by the 1.5·2²³ shifter, r = x − n·ln2
// with ln2 split as 0.693359375 (9 bits, so n·ln2_hi is exact for |n| ≤ 2¹⁴) + −2.12194440e-4,
// eʳ by Taylor to degree 7 (truncation r⁸/8! < 7.5e-9 relative for |r| ≤ ln2/2, a sixteenth of an
// ulp) in Estrin's scheme, times 2ⁿ built in the exponent bits. Clamped at −87, where eˣ ≈
// 1.6e-38 is still a normal number.
#define EXP_NONPOSITIVE_F32(x) ({ \
    ebm_f32x16 floor_ = -87.0f, shifter_ = 12582912.0f; \
    ebm_f32x16 y_ = SELECT(ebm_i32x16, x, floor_, floor_, x); \
    ebm_f32x16 t_ = FMA(y_, 1.44269504f, shifter_); \
    ebm_f32x16 n_ = t_ - shifter_; \
    ebm_f32x16 r_ = FMA(n_, 2.12194440e-4f, FMA(n_, -0.693359375f, y_)); \
    ebm_f32x16 r2_ = r_ * r_, r4_ = r2_ * r2_; \
    ebm_f32x16 p01_ = 1 + r_, p23_ = FMA(r_, 1.0f / 6, 0.5f), p45_ = FMA(r_, 1.0f / 120, 1.0f / 24); \
    ebm_f32x16 p67_ = FMA(r_, 1.0f / 5040, 1.0f / 720); \
    ebm_f32x16 p_ = FMA(FMA(p67_, r2_, p45_), r4_, FMA(p23_, r2_, p01_)); \
    /* t's low mantissa bits hold n + 2²²; (that + 127) << 23 keeps exactly the biased exponent. */ \
    p_ * (ebm_f32x16)(((ebm_i32x16)t_ + 127) << 23); })

// log(1 + e) for e ∈ [0, 1] in float32: 2·atanh(u), u = e/(2 + e) ∈ [0, 1/3], by
// 2·Σ_{k<7} u^{2k+1}/(2k+1) (truncation below (1/9)⁷/15 ≈ 1.4e-8 relative, a quarter ulp).
#define LOG1P_UNIT_F32(e) ({ \
    ebm_f32x16 u_ = (e) / (2 + (e)); \
    ebm_f32x16 w_ = u_ * u_, w2_ = w_ * w_, w4_ = w2_ * w2_; \
    ebm_f32x16 e0_ = FMA(w_, 1.0f / 3, 1), e1_ = FMA(w_, 1.0f / 7, 1.0f / 5), e2_ = FMA(w_, 1.0f / 11, 1.0f / 9); \
    ebm_f32x16 p_ = FMA(FMA(w2_, 1.0f / 13, e2_), w4_, FMA(e1_, w2_, e0_)); \
    2 * u_ * p_; })

// eˣ for x ≤ 0 in float64, the same scheme: ln2 split in a 32-bit-exact high part and a low part,
// eʳ by Taylor to degree 13 (truncation r¹⁴/14! < 4.2e-18 relative), the 1.5·2⁵² shifter; clamped
// at −708, where eˣ ≈ 3e-308 is still normal.
#define EXP_NONPOSITIVE_F64(x) ({ \
    ebm_f64x8 floor_ = -708.0, shifter_ = 6755399441055744.0; \
    ebm_f64x8 y_ = SELECT(ebm_i64x8, x, floor_, floor_, x); \
    ebm_f64x8 t_ = FMA(y_, 1.4426950408889634, shifter_); \
    ebm_f64x8 n_ = t_ - shifter_; \
    ebm_f64x8 r_ = FMA(n_, -1.9082149292705877e-10, FMA(n_, -0.6931471803691238, y_)); \
    ebm_f64x8 r2_ = r_ * r_, r4_ = r2_ * r2_, r8_ = r4_ * r4_; \
    ebm_f64x8 p01_ = 1 + r_, p23_ = FMA(r_, 1.0 / 6, 0.5), p45_ = FMA(r_, 1.0 / 120, 1.0 / 24); \
    ebm_f64x8 p67_ = FMA(r_, 1.0 / 5040, 1.0 / 720), p89_ = FMA(r_, 1.0 / 362880, 1.0 / 40320); \
    ebm_f64x8 p1011_ = FMA(r_, 1.0 / 39916800, 1.0 / 3628800); \
    ebm_f64x8 p1213_ = FMA(r_, 1.0 / 6227020800.0, 1.0 / 479001600); \
    ebm_f64x8 q0_ = FMA(p23_, r2_, p01_), q1_ = FMA(p67_, r2_, p45_), q2_ = FMA(p1011_, r2_, p89_); \
    ebm_f64x8 s0_ = FMA(q1_, r4_, q0_), s1_ = FMA(p1213_, r4_, q2_); \
    ebm_f64x8 p_ = FMA(s1_, r8_, s0_); \
    p_ * (ebm_f64x8)(((ebm_i64x8)t_ + 1023) << 52); })

// log(1 + e) for e ∈ [0, 1] in float64: 2·Σ_{k<18} u^{2k+1}/(2k+1) (truncation below
// (1/9)¹⁸/37 ≈ 4e-19 relative), Estrin's scheme in w = u².
#define LOG1P_UNIT_F64(e) ({ \
    ebm_f64x8 u_ = (e) / (2 + (e)); \
    ebm_f64x8 w_ = u_ * u_, w2_ = w_ * w_, w4_ = w2_ * w2_, w8_ = w4_ * w4_, w16_ = w8_ * w8_; \
    ebm_f64x8 e0_ = FMA(w_, 1.0 / 3, 1), e1_ = FMA(w_, 1.0 / 7, 1.0 / 5), e2_ = FMA(w_, 1.0 / 11, 1.0 / 9); \
    ebm_f64x8 e3_ = FMA(w_, 1.0 / 15, 1.0 / 13), e4_ = FMA(w_, 1.0 / 19, 1.0 / 17), e5_ = FMA(w_, 1.0 / 23, 1.0 / 21); \
    ebm_f64x8 e6_ = FMA(w_, 1.0 / 27, 1.0 / 25), e7_ = FMA(w_, 1.0 / 31, 1.0 / 29), e8_ = FMA(w_, 1.0 / 35, 1.0 / 33); \
    ebm_f64x8 f0_ = FMA(e1_, w2_, e0_), f1_ = FMA(e3_, w2_, e2_), f2_ = FMA(e5_, w2_, e4_), f3_ = FMA(e7_, w2_, e6_); \
    ebm_f64x8 g0_ = FMA(f1_, w4_, f0_), g1_ = FMA(f3_, w4_, f2_); \
    ebm_f64x8 p_ = FMA(e8_, w16_, FMA(g1_, w8_, g0_)); \
    2 * u_ * p_; })

// One group: value and σ of the lanes in `v`.
#define SOFTPLUS_GROUP(V, M, EXP, LOG1P, v, value, sigma) do { \
    V zero_ = 0, one_ = 1, threshold_ = 20; \
    V e_ = EXP(SELECT(M, v, zero_, v, -(v))); \
    V inv_ = 1 / (1 + e_); \
    V soft_ = SELECT(M, v, zero_, zero_, v) + LOG1P(e_); \
    value = SELECT(M, threshold_, v, v, soft_); \
    sigma = SELECT(M, threshold_, v, one_, SELECT(M, v, zero_, e_ * inv_, inv_)); \
} while (0)

// The whole buffer: full groups loaded and stored in place (unaligned vectors), then the tail as
// one zero-padded group. z may be a (in place).
#define SOFTPLUS_KERNEL(NAME, T, V, M, EXP, LOG1P, TARGET) \
    TARGET static void NAME(long count, const T *z, T *a, T *d1, T *d2) { \
        typedef V Unaligned __attribute__((aligned(sizeof(T)))); \
        enum { lanes = sizeof(V) / sizeof(T) }; \
        long full = count / lanes * lanes; \
        for (long i = 0; i < full; i += lanes) { \
            V v = *(const Unaligned *)(z + i), value, sigma; \
            SOFTPLUS_GROUP(V, M, EXP, LOG1P, v, value, sigma); \
            *(Unaligned *)(a + i) = value; \
            if (d1) *(Unaligned *)(d1 + i) = sigma; \
            if (d2) *(Unaligned *)(d2 + i) = sigma * (1 - sigma); \
        } \
        if (full < count) { \
            size_t bytes = (size_t)(count - full) * sizeof(T); \
            V v = 0, value, sigma; \
            memcpy(&v, z + full, bytes); \
            SOFTPLUS_GROUP(V, M, EXP, LOG1P, v, value, sigma); \
            V slope = sigma * (1 - sigma); \
            memcpy(a + full, &value, bytes); \
            if (d1) memcpy(d1 + full, &sigma, bytes); \
            if (d2) memcpy(d2 + full, &slope, bytes); \
        } \
    }

#if defined(__x86_64__)
SOFTPLUS_KERNEL(softplus_f32_avx512, float, ebm_f32x16, ebm_i32x16, EXP_NONPOSITIVE_F32, LOG1P_UNIT_F32, EBM_AVX512)
SOFTPLUS_KERNEL(softplus_f32_avx2, float, ebm_f32x16, ebm_i32x16, EXP_NONPOSITIVE_F32, LOG1P_UNIT_F32, EBM_AVX2)
SOFTPLUS_KERNEL(softplus_f64_avx512, double, ebm_f64x8, ebm_i64x8, EXP_NONPOSITIVE_F64, LOG1P_UNIT_F64, EBM_AVX512)
SOFTPLUS_KERNEL(softplus_f64_avx2, double, ebm_f64x8, ebm_i64x8, EXP_NONPOSITIVE_F64, LOG1P_UNIT_F64, EBM_AVX2)

void ebm_softplus_f32_isa(int vectorBits, long count, const float *z, float *a, float *d1, float *d2) {
    (vectorBits >= 512 ? softplus_f32_avx512 : softplus_f32_avx2)(count, z, a, d1, d2);
}

void ebm_softplus_f64_isa(int vectorBits, long count, const double *z, double *a, double *d1, double *d2) {
    (vectorBits >= 512 ? softplus_f64_avx512 : softplus_f64_avx2)(count, z, a, d1, d2);
}
#else
SOFTPLUS_KERNEL(softplus_f32_generic, float, ebm_f32x16, ebm_i32x16, EXP_NONPOSITIVE_F32, LOG1P_UNIT_F32, )
SOFTPLUS_KERNEL(softplus_f64_generic, double, ebm_f64x8, ebm_i64x8, EXP_NONPOSITIVE_F64, LOG1P_UNIT_F64, )

void ebm_softplus_f32_isa(int vectorBits, long count, const float *z, float *a, float *d1, float *d2) {
    (void)vectorBits;
    softplus_f32_generic(count, z, a, d1, d2);
}

void ebm_softplus_f64_isa(int vectorBits, long count, const double *z, double *a, double *d1, double *d2) {
    (void)vectorBits;
    softplus_f64_generic(count, z, a, d1, d2);
}
#endif

void ebm_softplus_f32(long count, const float *z, float *a, float *d1, float *d2) {
    ebm_softplus_f32_isa(ebm_vector_bits(), count, z, a, d1, d2);
}

void ebm_softplus_f64(long count, const double *z, double *a, double *d1, double *d2) {
    ebm_softplus_f64_isa(ebm_vector_bits(), count, z, a, d1, d2);
}
