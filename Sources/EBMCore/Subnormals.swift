import CSIMD

/// Training and sampling run with subnormal numbers flushed to zero (docs/design.md,
/// "Subnormals"): x86 takes a microcode assist of about a hundred cycles on every operation
/// that reads or writes one, and late in an ISM run most of a GEMM's inputs were subnormal.
/// Whole ISM and DSM runs gave the same bits flushed and not (their subnormals are summed with
/// far larger terms); runs that never reach one keep their bits by construction.
///
/// The floating-point environment is the thread's: this sets it for `body` (callbacks included)
/// and restores the caller's after, so numerics never leak a mode into the code that called them.
/// BLAS sees it because it runs on this thread (one OpenBLAS thread per process).
public enum Subnormals {
    public static func flushed<R>(_ body: () throws -> R) rethrows -> R {
        let previous = ebm_flush_subnormals()
        defer { ebm_restore_float_environment(previous) }
        return try body()
    }
}
