// Box–Muller over a buffer, 8 pairs of lanes at a time: the Langevin noise of every sampler step.
// glibc's scalar log, sin and cos had cost about 3 % of a maximum-likelihood iteration
// (docs/design.md, "Element-wise kernels").
//
// From uniforms u₁, u₂ ∈ [0, 1) (multiples of 2⁻⁵³): r = √(−2·log(1 − u₁)), θ = 2π·u₂, and the pair
// (r·cos θ, r·sin θ). Both functions are pure arithmetic with contraction off, and both ISA copies
// use the same 64-byte vectors, so AVX-512 and AVX2 give the same bits.
#include "Lanes.h"
#include <string.h>

#pragma clang fp contract(off)

// log x for x ∈ [2⁻⁵³, 1]: x = m·2ᵉ with m ∈ [√½, √2), log m = 2·atanh(s), s = (m − 1)/(m + 1),
// |s| ≤ 0.1716, by 2·Σ_{k≤10} s^{2k+1}/(2k+1) (truncation below 0.0295¹¹/23 ≈ 6e-19 relative),
// and e·ln2 with ln2 split in a 32-bit-exact high part and a low part.
#define LOG_UNIT(x) ({ \
    ebm_i64x8 bits_ = (ebm_i64x8)(x); \
    ebm_f64x8 e_ = __builtin_convertvector((bits_ >> 52) - 1023, ebm_f64x8); \
    ebm_f64x8 mant_ = (ebm_f64x8)((bits_ & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); \
    ebm_f64x8 sqrt2_ = 1.4142135623730951, one_ = 1, zero_ = 0; \
    e_ = e_ + SELECT(ebm_i64x8, sqrt2_, mant_, one_, zero_); \
    mant_ = SELECT(ebm_i64x8, sqrt2_, mant_, mant_ * 0.5, mant_); \
    ebm_f64x8 s_ = (mant_ - 1) / (mant_ + 1), w_ = s_ * s_; \
    ebm_f64x8 p_ = 1.0 / 21; \
    p_ = 1.0 / 19 + w_ * p_; p_ = 1.0 / 17 + w_ * p_; p_ = 1.0 / 15 + w_ * p_; p_ = 1.0 / 13 + w_ * p_; \
    p_ = 1.0 / 11 + w_ * p_; p_ = 1.0 / 9 + w_ * p_; p_ = 1.0 / 7 + w_ * p_; p_ = 1.0 / 5 + w_ * p_; \
    p_ = 1.0 / 3 + w_ * p_; p_ = 1 + w_ * p_; \
    e_ * 0.6931471803691238 + (e_ * 1.9082149292705877e-10 + 2 * s_ * p_); })

// cos and sin of 2π·u for u ∈ [0, 1): 4u = q + f exactly (q the nearest integer, |f| ≤ ½), then
// t = f·π/2 ∈ [−π/4, π/4] by Taylor to t¹⁷ and t¹⁸ (truncation below 1e-19), rotated by q quarter turns.
#define COS_SIN_TURN(u, cosine, sine) do { \
    ebm_f64x8 shifter_ = 6755399441055744.0; /* 1.5·2⁵²: adding it rounds to an integer in the low bits */ \
    ebm_f64x8 v_ = (u) * 4, k_ = v_ + shifter_; \
    ebm_f64x8 q_ = k_ - shifter_; \
    ebm_i64x8 quadrant_ = (ebm_i64x8)k_ & 3; \
    ebm_f64x8 t_ = (v_ - q_) * 1.5707963267948966, t2_ = t_ * t_; \
    ebm_f64x8 sp_ = -1.0 / 355687428096000.0; /* −1/17! */ \
    sp_ = 1.0 / 1307674368000.0 + t2_ * sp_; sp_ = -1.0 / 6227020800.0 + t2_ * sp_; \
    sp_ = 1.0 / 39916800.0 + t2_ * sp_; sp_ = -1.0 / 362880.0 + t2_ * sp_; sp_ = 1.0 / 5040.0 + t2_ * sp_; \
    sp_ = -1.0 / 120.0 + t2_ * sp_; sp_ = 1.0 / 6.0 + t2_ * sp_; \
    ebm_f64x8 s_ = t_ + t_ * (t2_ * -sp_); \
    ebm_f64x8 cp_ = 1.0 / 6402373705728000.0; /* 1/18! */ \
    cp_ = -1.0 / 20922789888000.0 + t2_ * cp_; cp_ = 1.0 / 87178291200.0 + t2_ * cp_; \
    cp_ = -1.0 / 479001600.0 + t2_ * cp_; cp_ = 1.0 / 3628800.0 + t2_ * cp_; cp_ = -1.0 / 40320.0 + t2_ * cp_; \
    cp_ = 1.0 / 720.0 + t2_ * cp_; cp_ = -1.0 / 24.0 + t2_ * cp_; cp_ = 0.5 + t2_ * cp_; \
    ebm_f64x8 c_ = 1 - t2_ * cp_; \
    /* Quarter turns: odd ones swap cos and sin; cos is negative in quadrants 1 and 2, sin in 2 and 3. */ \
    ebm_i64x8 odd_ = -(quadrant_ & 1); \
    ebm_f64x8 cs_ = (ebm_f64x8)((odd_ & (ebm_i64x8)s_) | (~odd_ & (ebm_i64x8)c_)); \
    ebm_f64x8 sn_ = (ebm_f64x8)((odd_ & (ebm_i64x8)c_) | (~odd_ & (ebm_i64x8)s_)); \
    /* Unsigned lanes: shifting a 1 into a signed lane's sign bit is undefined in C. */ \
    ebm_u64x8 q_u_ = (ebm_u64x8)quadrant_; \
    ebm_u64x8 cosSign_ = ((q_u_ + 1) & 2) << 62, sinSign_ = (q_u_ & 2) << 62; \
    (cosine) = (ebm_f64x8)((ebm_u64x8)cs_ ^ cosSign_); \
    (sine) = (ebm_f64x8)((ebm_u64x8)sn_ ^ sinSign_); \
} while (0)

// One group of 8 pairs, in place over 16 values (u₁, u₂ interleaved in, the pair interleaved out).
#define BOX_MULLER_GROUP(p) do { \
    ebm_f64x8 lo_, hi_; \
    memcpy(&lo_, (p), sizeof lo_); memcpy(&hi_, (p) + 8, sizeof hi_); \
    ebm_f64x8 u1_ = __builtin_shufflevector(lo_, hi_, 0, 2, 4, 6, 8, 10, 12, 14); \
    ebm_f64x8 u2_ = __builtin_shufflevector(lo_, hi_, 1, 3, 5, 7, 9, 11, 13, 15); \
    ebm_f64x8 r_ = __builtin_elementwise_sqrt(-2 * LOG_UNIT(1 - u1_)), cos_, sin_; \
    COS_SIN_TURN(u2_, cos_, sin_); \
    cos_ = r_ * cos_; sin_ = r_ * sin_; \
    lo_ = __builtin_shufflevector(cos_, sin_, 0, 8, 1, 9, 2, 10, 3, 11); \
    hi_ = __builtin_shufflevector(cos_, sin_, 4, 12, 5, 13, 6, 14, 7, 15); \
    memcpy((p), &lo_, sizeof lo_); memcpy((p) + 8, &hi_, sizeof hi_); \
} while (0)

#define BOX_MULLER(NAME, TARGET) \
    TARGET static void NAME(long pairs, double *values) { \
        long full = pairs / 8 * 8; \
        for (long k = 0; k < full; k += 8) BOX_MULLER_GROUP(values + 2 * k); \
        if (full < pairs) { \
            double group[16] = {0}; \
            size_t bytes = (size_t)(pairs - full) * 2 * sizeof(double); \
            memcpy(group, values + 2 * full, bytes); \
            BOX_MULLER_GROUP(group); \
            memcpy(values + 2 * full, group, bytes); \
        } \
    }

#if defined(__x86_64__)
BOX_MULLER(box_muller_avx512, EBM_AVX512)
BOX_MULLER(box_muller_avx2, EBM_AVX2)

void ebm_box_muller_isa(int vectorBits, long pairs, double *values) {
    (vectorBits >= 512 ? box_muller_avx512 : box_muller_avx2)(pairs, values);
}
#else
BOX_MULLER(box_muller_generic, )

void ebm_box_muller_isa(int vectorBits, long pairs, double *values) {
    (void)vectorBits;
    box_muller_generic(pairs, values);
}
#endif

void ebm_box_muller(long pairs, double *values) { ebm_box_muller_isa(ebm_vector_bits(), pairs, values); }
