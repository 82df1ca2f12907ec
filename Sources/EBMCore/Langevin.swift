/// Unadjusted Langevin dynamics: x ← x − ε·∇ₓf(x) + √(2ε)·ξ, ξ ~ N(0, I).
///
/// For an energy model ∇ₓf comes from the MLP's reverse pass; for a score model s ≈ ∇ₓ log p,
/// ∇ₓf = −s. The sampler is generic over a gradient closure, so it runs on any energy (tests use
/// closed-form Gaussians) and is the same code for training chains and evaluation sampling.
///
/// Runs in the chains' precision; the noise is drawn in Double and rounded, so both precisions see
/// the same draws. Allocation-free: the caller passes the chain buffer and a gradient buffer of
/// the same size.
public struct LangevinSampler: Sendable {
    /// ε.
    public var stepSize: Double

    public init(stepSize: Double) {
        self.stepSize = stepSize
    }

    /// √(2ε): one step's noise scale in each coordinate, and the narrowest standard deviation the
    /// chains can settle at in any well (`NoiseFloor`).
    public var noiseScale: Double { (2 * stepSize).squareRoot() }

    /// Runs `steps` steps on `count` values of `chains` in place.
    ///
    /// `gradient(x, g)` must write ∇ₓf at the current chains `x` into `g` (`count` values).
    /// The noise is drawn in buffer order, one step after another, from `random`.
    @inline(__always)
    public func run<T: Scalar>(
        chains x: UnsafeMutablePointer<T>, gradientBuffer g: UnsafeMutablePointer<T>, count: Int,
        steps: Int, random: inout RandomSource,
        gradient: (_ x: UnsafePointer<T>, _ into: UnsafeMutablePointer<T>) -> Void
    ) {
        let eps = T(stepSize)
        let noiseScale = T(self.noiseScale)
        // The noise is drawn in lanes a block at a time, into 1 KiB on the stack (the size Swift
        // promises to keep off the heap).
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 128) { noise in
            for _ in 0..<steps {
                gradient(UnsafePointer(x), g)
                var start = 0
                while start < count {
                    let n = min(noise.count, count - start)
                    random.fillGaussian(UnsafeMutableBufferPointer(rebasing: noise[0..<n]))
                    let xs = x + start, gs = g + start
                    for i in 0..<n { xs[i] += -eps * gs[i] + noiseScale * T(noise[i]) }
                    start += n
                }
            }
        }
    }

    /// Array convenience (allocates one gradient buffer).
    public func run<T: Scalar>(
        chains: inout [T], steps: Int, random: inout RandomSource,
        gradient: (_ x: UnsafePointer<T>, _ into: UnsafeMutablePointer<T>) -> Void
    ) {
        var g = [T](repeating: 0, count: chains.count)
        let n = chains.count
        chains.withUnsafeMutableBufferPointer { x in
            g.withUnsafeMutableBufferPointer { gb in
                guard let xa = x.baseAddress, let ga = gb.baseAddress else { return }
                run(chains: xa, gradientBuffer: ga, count: n, steps: steps, random: &random, gradient: gradient)
            }
        }
    }
}
