import CSIMD

/// What a run's bits depend on beyond its configuration, seed and build: OpenBLAS's kernel family
/// (kernels of different families sum in different orders) and the CPU's vector width. Every
/// result records both; same config, seed, build and kernel family give the same bits
/// (docs/design.md, "Determinism").
public enum Hardware {
    /// This build's version. Raised whenever a change alters any result's bits, so that a fleet of
    /// workers from different builds shows in the coordinator's log: each worker names it when it
    /// joins (docs/design.md, "Determinism"). 0.2.0: softplus with fused multiply-adds.
    public static let buildVersion = "0.2.0"

    /// The kernel family OpenBLAS runs in this process ("SkylakeX", "Haswell", "Prescott", ...).
    public static var blasKernel: String { BLAS.kernel }

    /// The CPU's widest vector registers in bits: 512 with AVX-512, 256 with AVX, 128 with SSE or
    /// NEON (0 when unknown).
    public static var vectorWidth: Int { Int(ebm_cpu_vector_bits()) }

    /// The fastest kernel family this CPU's features allow, as an `OPENBLAS_CORETYPE` name; nil
    /// where OpenBLAS's own detection should stand. Chosen from features, not from the CPU model:
    /// OpenBLAS 0.3.21 does not know CPUs newer than itself and falls back to its SSE3 (Prescott)
    /// kernels on them, at a quarter of the speed.
    public static var fastestBLASKernel: String? { ebm_cpu_blas_kernel().map { String(cString: $0) } }

    /// The family every node of this architecture can execute, for users who need the same bits
    /// on every node: Haswell on x86-64 (AVX2, which this build requires at start), OpenBLAS's
    /// generic ARMV8 kernels on arm64.
    public static var portableBLASKernel: String? {
        #if arch(x86_64)
        return "Haswell"
        #elseif arch(arm64)
        return "ARMV8"
        #else
        return nil
        #endif
    }
}
