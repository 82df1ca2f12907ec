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
    /// BLAS against naive loops: different summation orders on k ≤ 64 terms of O(1) values
    /// differ by a few ulps times k.
    public static let blas = 1e-12
    /// Optimiser steps against hand-written PyTorch equations evaluated in the same order,
    /// but pow/sqrt may round differently by an ulp.
    public static let optimizer = 1e-14
}
