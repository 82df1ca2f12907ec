// The bias rows a hidden layer's GEMM accumulates onto (C = b, then C += a·Wᵀ with β = 1): one call
// that stores the bias from registers row after row, where a memmove per row of 128 floats was
// mostly call overhead, about 3 % of a maximum-likelihood iteration (docs/design.md,
// "Element-wise kernels"). A copy: the same bits on every ISA.
#include "Lanes.h"

#define FILL_ROWS(NAME, T, V, M, TARGET) \
    TARGET static void NAME(long rows, long width, const T *b, T *out) { \
        typedef V Unaligned __attribute__((aligned(sizeof(T)))); \
        enum { lanes = sizeof(V) / sizeof(T) }; \
        long full = width / lanes * lanes; \
        for (long r = 0; r < rows; r++) { \
            T *o = out + r * width; \
            for (long j = 0; j < full; j += lanes) *(Unaligned *)(o + j) = *(const Unaligned *)(b + j); \
            for (long j = full; j < width; j++) o[j] = b[j]; \
        } \
    }

BOTH_ISAS(FILL_ROWS, fill_rows_f32, float, ebm_f32x16, ebm_i32x16)
BOTH_ISAS(FILL_ROWS, fill_rows_f64, double, ebm_f64x8, ebm_i64x8)

void ebm_fill_rows_f32(long rows, long width, const float *b, float *out) {
    PICK(fill_rows_f32, ebm_vector_bits())(rows, width, b, out);
}

void ebm_fill_rows_f64(long rows, long width, const double *b, double *out) {
    PICK(fill_rows_f64, ebm_vector_bits())(rows, width, b, out);
}
