/// Named tolerances of the numerical tests, each with the reason for its size.
public enum Tolerance {
    /// Central differences with h = 1e-5 on smooth functions of O(1) values: truncation
    /// ~h²·f‴ ≈ 1e-10 and rounding ~1e-16/h ≈ 1e-11; 1e-6 leaves room for deep compositions.
    public static let gradient = 1e-6
    /// The same through a whole MLP objective (losses are sums over a batch, so rounding of the
    /// difference quotient grows with the number of terms and with layer depth).
    public static let objectiveGradient = 1e-5
    /// Denominator floor for whole-network gradient checks: the difference quotient carries
    /// rounding noise ≈ ε·|loss|/h ≈ 1e-10 for O(1) losses, so entries below 1e-4 are compared
    /// absolutely (an error 1e-10 then counts as 1e-6 relative, not 5e-4).
    public static let networkFloor = 1e-4
    /// Two evaluations of the same elementary function by different exact-to-rounding
    /// formulas: a few ulps (2.2e-16 each) apart.
    public static let ulps = 1e-15
    /// Elementary functions computed in float32 against libm in double: a few float32 ulps
    /// (2⁻²³ ≈ 1.2e-7 each) from the polynomial, the division and the final additions.
    public static let floatUlps = 5e-7
    /// A whole objective's gradient in float32 against float64 at the same point, normwise.
    /// Each entry passes through ≈ 2L + 4 products and element-wise steps, each rounding with
    /// u = 6e-8 and summing ≤ 2B = 128 terms (error ≈ √n·u per sum for random-signed terms,
    /// ≈ 7e-7). Measured on the test's points: 6e-8 (NCE) to 9e-7 (DSM, ML with five Langevin
    /// steps, which feed each step's rounding into the next); 1e-5 is about 170 u.
    public static let float32Gradient = 1e-5
    /// BLAS against naive loops: different summation orders on k ≤ 64 terms of O(1) values
    /// differ by a few ulps times k.
    public static let blas = 1e-12
    /// Optimiser steps against hand-written PyTorch equations evaluated in the same order,
    /// but pow/sqrt may round differently by an ulp.
    public static let optimizer = 1e-14
}
