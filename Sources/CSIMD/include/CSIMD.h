// CSIMD: the CPU-feature queries and the AVX2 load-time check EBMCore's vector kernels need, in C compiled without AVX.
#ifndef EBM_CSIMD_H
#define EBM_CSIMD_H

// Four doubles as one clang vector (one AVX register); Swift sees it as SIMD4<Double>.
typedef double ebm_double4 __attribute__((ext_vector_type(4)));

// Correctly rounded square root of every lane. Swift's Double.squareRoot() lowers to libm's sqrt
// with its errno check, one scalar call per lane; this is vsqrtpd (sqrtpd, NEON fsqrt) at the
// width the including module is compiled for. IEEE-exact, so the bits equal sqrt's.
static inline ebm_double4 ebm_sqrt4(ebm_double4 x) { return __builtin_elementwise_sqrt(x); }

// Eight floats, one AVX register; Swift sees it as SIMD8<Float>. Same reason, vsqrtps.
typedef float ebm_float8 __attribute__((ext_vector_type(8)));
static inline ebm_float8 ebm_sqrt8f(ebm_float8 x) { return __builtin_elementwise_sqrt(x); }

typedef long ebm_long4 __attribute__((ext_vector_type(4)));
typedef int ebm_int8 __attribute__((ext_vector_type(8)));

// a < b ? x : y on every lane (false where either is NaN, as IEEE's <), as one compare and a
// blend. Swift's lane comparisons build their mask one lane at a time when specialised for
// eight floats (a scalar loop of compares and stores); these are vector instructions. One AVX
// register only: wider vectors passed by value change the C calling convention without AVX-512.
#define EBM_LESS(name, vector, mask) \
    static inline vector name(vector a, vector b, vector x, vector y) { \
        mask m = a < b; \
        return (vector)((m & (mask)x) | (~m & (mask)y)); \
    }
EBM_LESS(ebm_less4, ebm_double4, ebm_long4)
EBM_LESS(ebm_less8f, ebm_float8, ebm_int8)
#undef EBM_LESS

// The widest vector registers the CPU has, in bits (512 with AVX-512, 256 with AVX, 128 for
// SSE or NEON; 0 when unknown).
int ebm_cpu_vector_bits(void);

// The OpenBLAS kernel family (an OPENBLAS_CORETYPE name) for this CPU's features: "SkylakeX" with
// AVX-512, "Haswell" with AVX2 and FMA; NULL when OpenBLAS's own choice should stand.
const char *ebm_cpu_blas_kernel(void);

// Flush subnormal floats to zero in this thread's floating-point environment (Subnormals.c);
// returns the environment before, for ebm_restore_float_environment.
unsigned long ebm_flush_subnormals(void);
void ebm_restore_float_environment(unsigned long previous);

// Softplus over `count` values (Softplus.c): a = softplus(z), and where given d1 = σ(z), d2 =
// σ′(z). z may equal a. AVX-512 or AVX2 lanes as the CPU has them, the same bits either way.
void ebm_softplus_f32(long count, const float *z, float *a, float *d1, float *d2);
void ebm_softplus_f64(long count, const double *z, double *a, double *d1, double *d2);
// The same with the lane width chosen by the caller (512 or 256; tests compare the two).
void ebm_softplus_f32_isa(int vectorBits, long count, const float *z, float *a, float *d1, float *d2);
void ebm_softplus_f64_isa(int vectorBits, long count, const double *z, double *a, double *d1, double *d2);

// The MLP's thin layers (ThinLayer.c), AVX-512 or AVX2 lanes as the CPU has them, the same bits
// either way (for every number; a NaN's sign may differ). Shapes: 1 to 4 inputs, 1 or 2 outputs;
// anything else traps.
// - thin_affine: z[r, j] = b_j + Σ_i x[r, i]·columns[i·width + j] over `inputs` inputs, rectified
//   (v > 0 ? v : slope·v; relu selects 0) when `rectify`.
// - thin_adjoint: target[r, j] = Σ_k u[r, k]·w[k·width + j] over `outputs`, then where `a` is
//   given, a[r, j] > 0 ? target : slope·target.
// - rectified_input_gradient: out[r, i] = Σ_j z̄[r, j]·columns[i·width + j] with z̄ = a > 0 ?
//   adjoint : slope·adjoint, the lanes summed in a fixed order.
void ebm_thin_affine_f32(long rows, long inputs, long width, const float *columns, const float *b, const float *x,
                         int rectify, float slope, float *z);
void ebm_thin_affine_f64(long rows, long inputs, long width, const double *columns, const double *b, const double *x,
                         int rectify, double slope, double *z);
void ebm_thin_adjoint_f32(long rows, long outputs, long width, const float *u, const float *w, const float *a,
                          float slope, float *target);
void ebm_thin_adjoint_f64(long rows, long outputs, long width, const double *u, const double *w, const double *a,
                          double slope, double *target);
void ebm_rectified_input_gradient_f32(long rows, long inputs, long width, const float *adjoint, const float *a,
                                      float slope, const float *columns, float *out);
void ebm_rectified_input_gradient_f64(long rows, long inputs, long width, const double *adjoint, const double *a,
                                      double slope, const double *columns, double *out);
// The same with the lane width chosen by the caller (512 or 256; tests compare the two).
void ebm_thin_affine_f32_isa(int vectorBits, long rows, long inputs, long width, const float *columns, const float *b,
                             const float *x, int rectify, float slope, float *z);
void ebm_thin_affine_f64_isa(int vectorBits, long rows, long inputs, long width, const double *columns, const double *b,
                             const double *x, int rectify, double slope, double *z);
void ebm_thin_adjoint_f32_isa(int vectorBits, long rows, long outputs, long width, const float *u, const float *w,
                              const float *a, float slope, float *target);
void ebm_thin_adjoint_f64_isa(int vectorBits, long rows, long outputs, long width, const double *u, const double *w,
                              const double *a, double slope, double *target);
void ebm_rectified_input_gradient_f32_isa(int vectorBits, long rows, long inputs, long width, const float *adjoint,
                                          const float *a, float slope, const float *columns, float *out);
void ebm_rectified_input_gradient_f64_isa(int vectorBits, long rows, long inputs, long width, const double *adjoint,
                                          const double *a, double slope, const double *columns, double *out);

// Box–Muller in place over `pairs` pairs (Gaussian.c): values[2k], values[2k + 1] hold uniforms
// u₁, u₂ ∈ [0, 1) on entry and r·cos θ, r·sin θ on return, r = √(−2·log(1 − u₁)), θ = 2π·u₂.
// AVX-512 or AVX2 lanes as the CPU has them, the same bits either way.
void ebm_box_muller(long pairs, double *values);
void ebm_box_muller_isa(int vectorBits, long pairs, double *values);

// out[r, j] = b[j] for r < rows, j < width (BiasRows.c): the rows a layer's GEMM accumulates onto.
void ebm_fill_rows_f32(long rows, long width, const float *b, float *out);
void ebm_fill_rows_f64(long rows, long width, const double *b, double *out);

#endif
