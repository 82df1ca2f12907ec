/// Preallocated buffers of one MLP evaluation, in precision `T`: the pre-activations, activations and activation
/// derivatives of every activated layer, the outputs, and the scratch of the backward pass.
///
/// Made once (in the trainer's init) for a maximum row count, then reused every iteration, so the
/// hot loop allocates nothing. For the forward-mode tangents of `MLP+Tangent.swift` the rows are
/// stacked: rows 0..<B hold the primal, block k + 1 the tangent in input direction k, so
/// `capacity` must be (inputs + 1)·B.
///
/// Not thread-safe and not copyable in value terms: one owner at a time.
public final class Tape<T: Scalar> {
    public let layout: MLP.Layout
    /// Maximum rows of one pass.
    public let capacity: Int
    /// Rows of the last forward pass.
    public internal(set) var rows = 0

    /// Copy of the last input [capacity, inputs] (the first layer's weight gradient needs it).
    public let input: UnsafeMutablePointer<T>
    /// Pre-activations z_l, activations a_l, φ′(z_l), φ″(z_l) per activated layer, [capacity, width].
    let z, a, d1, d2: [UnsafeMutablePointer<T>]
    /// Network outputs [capacity, outputs].
    public let output: UnsafeMutablePointer<T>
    /// ∂loss/∂output [capacity, outputs]; the caller fills it before a backward pass.
    public let outputGradient: UnsafeMutablePointer<T>
    /// ∂loss/∂input [capacity, inputs], filled by a backward pass that asks for it.
    public let inputGradient: UnsafeMutablePointer<T>
    /// Two [capacity, width] buffers the backward pass alternates between.
    let scratch: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>)
    /// [width] scratch for the tangent's first-layer column sums.
    let columnScratch: UnsafeMutablePointer<T>
    /// [inputs, width]: the first layer's weight columns laid out apart for the forward pass.
    let inputColumns: UnsafeMutablePointer<T>
    /// [capacity] ones: bias gradients are column sums, computed as a GEMV with this vector.
    let ones: UnsafeMutablePointer<T>

    private let block: UnsafeMutablePointer<T>
    private let blockCount: Int

    /// - Precondition: `capacity > 0`.
    public init(layout: MLP.Layout, capacity: Int) {
        precondition(capacity > 0, "Tape capacity must be positive")
        self.layout = layout
        self.capacity = capacity
        let h = capacity * layout.width
        let layers = layout.activatedLayers
        blockCount = layout.tapeValueCount(capacity: capacity)
        block = .allocate(capacity: blockCount)
        block.initialize(repeating: 0, count: blockCount)
        var cursor = block
        func take(_ n: Int) -> UnsafeMutablePointer<T> {
            defer { cursor += n }
            return cursor
        }
        input = take(capacity * layout.inputs)
        z = (0..<layers).map { _ in take(h) }
        a = (0..<layers).map { _ in take(h) }
        d1 = (0..<layers).map { _ in take(h) }
        d2 = (0..<layers).map { _ in take(h) }
        output = take(capacity * layout.outputs)
        outputGradient = take(capacity * layout.outputs)
        inputGradient = take(capacity * layout.inputs)
        scratch = (take(h), take(h))
        columnScratch = take(layout.width)
        inputColumns = take(layout.inputs * layout.width)
        ones = take(capacity)
        ones.update(repeating: 1, count: capacity)
    }


    deinit {
        block.deinitialize(count: blockCount)
        block.deallocate()
    }
}

/// Tape sizes as plain functions of the shape (no generic type involved), for `ResourceEstimate`
/// and the objectives alike.
extension MLP.Layout {
    /// The values a tape of `capacity` rows holds (what `init` allocates, in one block): the
    /// input, four [capacity, width] buffers per activated layer, outputs and their gradient, the
    /// input gradient, two scratch buffers, and the small per-layer vectors.
    public func tapeValueCount(capacity: Int) -> Int {
        let h = capacity * width
        return capacity * inputs + 4 * activatedLayers * h + 2 * capacity * outputs
            + capacity * inputs + 2 * h + width + inputs * width + capacity
    }

    /// Rows of `method`'s training tape for a batch: the batch stacked with samples or noise (ML,
    /// NCE), with one tangent block per input (ISM), or alone (DSM).
    public func tapeRows(for method: Method, batchSize: Int) -> Int {
        switch method {
        case .ml, .nce: 2 * batchSize
        case .ism: (inputs + 1) * batchSize
        case .dsm: batchSize
        }
    }
}
