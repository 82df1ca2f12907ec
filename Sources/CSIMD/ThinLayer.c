// The MLP's thin layers, the first (2 inputs → H units) and the energy's last (H → 1 output), as
// direct loops over 64 bytes of lanes: a GEMM with k or n ≤ 4 is mostly packing and call overhead.
// Fused with the relu family's select on the registers before the store, so the layer's [rows, H]
// values are written once (docs/design.md, "Element-wise kernels").
//
// Per element exactly the operations of the scalar loops they replace, in the same order and with
// contraction off: (b_j + x_0·W_j0) + x_1·W_j1 + …, and u_0·W_0j (+ u_1·W_1j). Both ISA copies use
// the same 64-byte vector type, so AVX-512 and AVX2 give the same bits.
#include "Lanes.h"

#pragma clang fp contract(off)

// A rectifier's select, on lanes and on one value: by > 0 ? v : slope·v, with relu (slope 0)
// selecting 0 rather than multiplying by it, so −0 and ∞·0 never appear. A NaN `by` takes the
// lower branch, as in the Swift kernels. φ(z) is GATE(z, z); the reverse pass's z̄ is GATE(a, ā).
#define GATE(V, M, by, v, slope) \
    ((slope) == 0 ? SELECT(M, (V)0, by, v, (V)0) : SELECT(M, (V)0, by, v, (slope) * (v)))
#define GATE1(by, v, slope) ((0 < (by)) ? (v) : ((slope) == 0 ? 0 : (slope) * (v)))

// z[r, j] = b_j + Σ_i x[r, i]·columns[i, j], rectified when `rectify` (columns[i·width + j] = W[j, i]).
#define THIN_AFFINE(NAME, T, V, M, TARGET) \
    TARGET static void NAME(long rows, long inputs, long width, const T *columns, const T *b, const T *x, \
                            int rectify, T slope, T *z) { \
        typedef V Unaligned __attribute__((aligned(sizeof(T)))); \
        enum { lanes = sizeof(V) / sizeof(T) }; \
        long full = width / lanes * lanes; \
        for (long r = 0; r < rows; r++) { \
            const T *xr = x + r * inputs; \
            T *o = z + r * width; \
            for (long j = 0; j < full; j += lanes) { \
                V s = *(const Unaligned *)(b + j); \
                for (long i = 0; i < inputs; i++) s = s + xr[i] * *(const Unaligned *)(columns + i * width + j); \
                *(Unaligned *)(o + j) = rectify ? GATE(V, M, s, s, slope) : s; \
            } \
            for (long j = full; j < width; j++) { \
                T s = b[j]; \
                for (long i = 0; i < inputs; i++) s = s + xr[i] * columns[i * width + j]; \
                o[j] = rectify ? GATE1(s, s, slope) : s; \
            } \
        } \
    }

// target[r, j] = Σ_k u[r, k]·w[k, j] for k < outputs ≤ 2 (w row-major [outputs, width]): the
// adjoint of the thin output layer, then, when `a` is given, the rectifier's slope applied on the
// registers: a[r, j] > 0 ? target : slope·target.
#define THIN_ADJOINT(NAME, T, V, M, TARGET) \
    TARGET static void NAME(long rows, long outputs, long width, const T *u, const T *w, const T *a, \
                            T slope, T *target) { \
        typedef V Unaligned __attribute__((aligned(sizeof(T)))); \
        enum { lanes = sizeof(V) / sizeof(T) }; \
        long full = width / lanes * lanes; \
        for (long r = 0; r < rows; r++) { \
            const T *ur = u + r * outputs; \
            T *o = target + r * width; \
            const T *ar = a ? a + r * width : 0; \
            for (long j = 0; j < full; j += lanes) { \
                V s = ur[0] * *(const Unaligned *)(w + j); \
                if (outputs == 2) s = s + ur[1] * *(const Unaligned *)(w + width + j); \
                if (ar) { \
                    V av = *(const Unaligned *)(ar + j); \
                    s = GATE(V, M, av, s, slope); \
                } \
                *(Unaligned *)(o + j) = s; \
            } \
            for (long j = full; j < width; j++) { \
                T s = ur[0] * w[j]; \
                if (outputs == 2) s = s + ur[1] * w[width + j]; \
                if (ar) s = GATE1(ar[j], s, slope); \
                o[j] = s; \
            } \
        } \
    }

// The sum of a vector's lanes, halving in a fixed order (so both ISA copies give the same bits).
#define REDUCE16(v) ({ \
    ebm_f32x16 v_ = (v); \
    ebm_f32x8 h8_ = __builtin_shufflevector(v_, v_, 0, 1, 2, 3, 4, 5, 6, 7) + \
                    __builtin_shufflevector(v_, v_, 8, 9, 10, 11, 12, 13, 14, 15); \
    ebm_f32x4 h4_ = __builtin_shufflevector(h8_, h8_, 0, 1, 2, 3) + __builtin_shufflevector(h8_, h8_, 4, 5, 6, 7); \
    (h4_[0] + h4_[2]) + (h4_[1] + h4_[3]); })
#define REDUCE8(v) ({ \
    ebm_f64x8 v_ = (v); \
    ebm_f64x4 h4_ = __builtin_shufflevector(v_, v_, 0, 1, 2, 3) + __builtin_shufflevector(v_, v_, 4, 5, 6, 7); \
    (h4_[0] + h4_[2]) + (h4_[1] + h4_[3]); })

// x̄[r, i] = Σ_j z̄[r, j]·W[j, i] with z̄ = a > 0 ? ā : slope·ā: the first layer's rectifier slopes
// and the input gradient in one pass over ā and a, instead of a slope pass that writes z̄ and one
// strided GEMV per input that reads it again (columns[i·width + j] = W[j, i]; inputs ≤ 4).
#define RECTIFIED_INPUT_GRADIENT(NAME, T, V, M, REDUCE, TARGET) \
    TARGET static void NAME(long rows, long inputs, long width, const T *adjoint, const T *a, T slope, \
                            const T *columns, T *out) { \
        typedef V Unaligned __attribute__((aligned(sizeof(T)))); \
        enum { lanes = sizeof(V) / sizeof(T) }; \
        long full = width / lanes * lanes; \
        for (long r = 0; r < rows; r++) { \
            const T *ar = a + r * width, *gr = adjoint + r * width; \
            V acc[4] = {0, 0, 0, 0}; \
            for (long j = 0; j < full; j += lanes) { \
                V g = *(const Unaligned *)(gr + j), av = *(const Unaligned *)(ar + j); \
                g = GATE(V, M, av, g, slope); \
                for (long i = 0; i < inputs; i++) acc[i] = acc[i] + g * *(const Unaligned *)(columns + i * width + j); \
            } \
            for (long i = 0; i < inputs; i++) { \
                T s = REDUCE(acc[i]); \
                for (long j = full; j < width; j++) { \
                    T g = GATE1(ar[j], gr[j], slope); \
                    s = s + g * columns[i * width + j]; \
                } \
                out[r * inputs + i] = s; \
            } \
        } \
    }

// The kernels' shapes: at most 4 inputs (the accumulators of the input gradient) and 2 outputs.
// The Swift side only calls them within these; anything else is a programming error, stopped here.
#define LIMIT(n, most) do { if ((n) < 1 || (n) > (most)) __builtin_trap(); } while (0)

#define RECTIFIED_INPUT_GRADIENT_F32(NAME, T, V, M, TARGET) RECTIFIED_INPUT_GRADIENT(NAME, T, V, M, REDUCE16, TARGET)
#define RECTIFIED_INPUT_GRADIENT_F64(NAME, T, V, M, TARGET) RECTIFIED_INPUT_GRADIENT(NAME, T, V, M, REDUCE8, TARGET)

BOTH_ISAS(THIN_AFFINE, thin_affine_f32, float, ebm_f32x16, ebm_i32x16)
BOTH_ISAS(THIN_AFFINE, thin_affine_f64, double, ebm_f64x8, ebm_i64x8)
BOTH_ISAS(THIN_ADJOINT, thin_adjoint_f32, float, ebm_f32x16, ebm_i32x16)
BOTH_ISAS(THIN_ADJOINT, thin_adjoint_f64, double, ebm_f64x8, ebm_i64x8)
BOTH_ISAS(RECTIFIED_INPUT_GRADIENT_F32, rectified_input_gradient_f32, float, ebm_f32x16, ebm_i32x16)
BOTH_ISAS(RECTIFIED_INPUT_GRADIENT_F64, rectified_input_gradient_f64, double, ebm_f64x8, ebm_i64x8)

void ebm_thin_affine_f32_isa(int vectorBits, long rows, long inputs, long width, const float *columns, const float *b,
                             const float *x, int rectify, float slope, float *z) {
    LIMIT(inputs, 4);
    PICK(thin_affine_f32, vectorBits)(rows, inputs, width, columns, b, x, rectify, slope, z);
}

void ebm_thin_affine_f64_isa(int vectorBits, long rows, long inputs, long width, const double *columns, const double *b,
                             const double *x, int rectify, double slope, double *z) {
    LIMIT(inputs, 4);
    PICK(thin_affine_f64, vectorBits)(rows, inputs, width, columns, b, x, rectify, slope, z);
}

void ebm_thin_adjoint_f32_isa(int vectorBits, long rows, long outputs, long width, const float *u, const float *w,
                              const float *a, float slope, float *target) {
    LIMIT(outputs, 2);
    PICK(thin_adjoint_f32, vectorBits)(rows, outputs, width, u, w, a, slope, target);
}

void ebm_thin_adjoint_f64_isa(int vectorBits, long rows, long outputs, long width, const double *u, const double *w,
                              const double *a, double slope, double *target) {
    LIMIT(outputs, 2);
    PICK(thin_adjoint_f64, vectorBits)(rows, outputs, width, u, w, a, slope, target);
}

void ebm_thin_affine_f32(long rows, long inputs, long width, const float *columns, const float *b, const float *x,
                         int rectify, float slope, float *z) {
    ebm_thin_affine_f32_isa(ebm_vector_bits(), rows, inputs, width, columns, b, x, rectify, slope, z);
}

void ebm_thin_affine_f64(long rows, long inputs, long width, const double *columns, const double *b, const double *x,
                         int rectify, double slope, double *z) {
    ebm_thin_affine_f64_isa(ebm_vector_bits(), rows, inputs, width, columns, b, x, rectify, slope, z);
}

void ebm_thin_adjoint_f32(long rows, long outputs, long width, const float *u, const float *w, const float *a,
                          float slope, float *target) {
    ebm_thin_adjoint_f32_isa(ebm_vector_bits(), rows, outputs, width, u, w, a, slope, target);
}

void ebm_thin_adjoint_f64(long rows, long outputs, long width, const double *u, const double *w, const double *a,
                          double slope, double *target) {
    ebm_thin_adjoint_f64_isa(ebm_vector_bits(), rows, outputs, width, u, w, a, slope, target);
}

void ebm_rectified_input_gradient_f32_isa(int vectorBits, long rows, long inputs, long width, const float *adjoint,
                                          const float *a, float slope, const float *columns, float *out) {
    LIMIT(inputs, 4);
    PICK(rectified_input_gradient_f32, vectorBits)(rows, inputs, width, adjoint, a, slope, columns, out);
}

void ebm_rectified_input_gradient_f32(long rows, long inputs, long width, const float *adjoint, const float *a,
                                      float slope, const float *columns, float *out) {
    ebm_rectified_input_gradient_f32_isa(ebm_vector_bits(), rows, inputs, width, adjoint, a, slope, columns, out);
}

void ebm_rectified_input_gradient_f64_isa(int vectorBits, long rows, long inputs, long width, const double *adjoint,
                                          const double *a, double slope, const double *columns, double *out) {
    LIMIT(inputs, 4);
    PICK(rectified_input_gradient_f64, vectorBits)(rows, inputs, width, adjoint, a, slope, columns, out);
}

void ebm_rectified_input_gradient_f64(long rows, long inputs, long width, const double *adjoint, const double *a,
                                      double slope, const double *columns, double *out) {
    ebm_rectified_input_gradient_f64_isa(ebm_vector_bits(), rows, inputs, width, adjoint, a, slope, columns, out);
}
