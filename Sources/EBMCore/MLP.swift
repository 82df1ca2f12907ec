/// A multilayer perceptron with all parameters in one flat buffer (docs/design.md, "The course
/// templates").
///
/// `parameters` are kept as Double whatever the precision; a float32 network's values are float32
/// numbers (exactly representable), and every evaluation runs in `precision`.
///
/// Linear(inputs, H), then `hiddenLayers` × Linear(H, H), the activation after each of these, and
/// an output Linear(H, outputs): out = 1 is an energy f(x), out = 2 a score s(x).
///
/// Parameter layout, per linear layer in order: the weight row-major [out, in] (as PyTorch stores
/// `nn.Linear.weight`), then the bias [out]. One vector, so optimisers and checkpoints see one
/// buffer and the hot loops pass one pointer.
public struct MLP: Hashable, Sendable {
    public var layout: Layout
    /// The flat parameter vector (`layout.parameterCount` values).
    public var parameters: [Double]
    /// The arithmetic of every evaluation (and of training, for the trainer's networks).
    public var precision: Precision

    /// The shape of the network and where each layer's weight and bias sit in the flat buffer.
    public struct Layout: Hashable, Sendable {
        public let inputs: Int
        public let width: Int
        public let hiddenLayers: Int
        public let outputs: Int
        public let activation: ActivationKind

        /// - Precondition: inputs, width and outputs are positive and hiddenLayers is non-negative.
        public init(inputs: Int = 2, width: Int, hiddenLayers: Int, outputs: Int, activation: ActivationKind) {
            precondition(inputs > 0 && width > 0 && outputs > 0 && hiddenLayers >= 0, "invalid MLP shape")
            self.inputs = inputs
            self.width = width
            self.hiddenLayers = hiddenLayers
            self.outputs = outputs
            self.activation = activation
        }

        /// Layers followed by the activation: the input layer and the hidden layers.
        public var activatedLayers: Int { hiddenLayers + 1 }
        /// All linear layers, the output layer included.
        public var linearLayers: Int { hiddenLayers + 2 }

        /// Input width of linear layer `l`.
        @inline(__always) public func fanIn(_ l: Int) -> Int { l == 0 ? inputs : width }
        /// Output width of linear layer `l`.
        @inline(__always) public func fanOut(_ l: Int) -> Int { l == linearLayers - 1 ? outputs : width }

        /// Offset of layer `l`'s weight [fanOut, fanIn] in the flat buffer.
        public func weightOffset(_ l: Int) -> Int {
            precondition(l >= 0 && l < linearLayers)
            var offset = 0
            for i in 0..<l { offset += (fanIn(i) + 1) * fanOut(i) }
            return offset
        }

        /// Offset of layer `l`'s bias [fanOut] in the flat buffer.
        public func biasOffset(_ l: Int) -> Int { weightOffset(l) + fanIn(l) * fanOut(l) }

        public var parameterCount: Int { weightOffset(linearLayers - 1) + (width + 1) * outputs }
    }

    /// A network with PyTorch's `nn.Linear` initialisation: every weight and bias of a layer
    /// uniform in ±1/√fan_in, drawn layer by layer, weight before bias, from `random` (and rounded
    /// to float32 for a float32 network, so both precisions start from the same draws).
    public init(layout: Layout, precision: Precision = .float64, random: inout RandomSource) {
        self.layout = layout
        self.precision = precision
        var p = [Double](repeating: 0, count: layout.parameterCount)
        for l in 0..<layout.linearLayers {
            let bound = 1 / Double(layout.fanIn(l)).squareRoot()
            let start = layout.weightOffset(l)
            let end = layout.biasOffset(l) + layout.fanOut(l)
            for i in start..<end { p[i] = precision.rounded(random.uniform(-bound, bound)) }
        }
        parameters = p
    }

    /// - Precondition: `parameters.count == layout.parameterCount`.
    public init(layout: Layout, precision: Precision = .float64, parameters: [Double]) {
        precondition(parameters.count == layout.parameterCount,
                     "MLP needs \(layout.parameterCount) parameters, got \(parameters.count)")
        self.layout = layout
        self.precision = precision
        self.parameters = parameters
    }

    /// The network's outputs [rows, outputs] at `points` [rows, inputs], computed in `precision`
    /// (allocates; cold code).
    /// - Precondition: `points.columns == layout.inputs`.
    public func callAsFunction(_ points: Matrix) -> Matrix {
        precondition(points.columns == layout.inputs, "points must have \(layout.inputs) columns")
        switch precision {
        case .float32: return outputs(points, in: Float.self)
        case .float64: return outputs(points, in: Double.self)
        }
    }

    private func outputs<T: Scalar>(_ points: Matrix, in _: T.Type) -> Matrix {
        var out = Matrix(rows: points.rows, columns: layout.outputs)
        let chunk = 1024
        let tape = Tape<T>(layout: layout, capacity: min(max(points.rows, 1), chunk))
        let p = parameters.converted(to: T.self), x = points.storage.converted(to: T.self)
        p.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { x in
                var start = 0
                while start < points.rows {
                    let n = min(chunk, points.rows - start)
                    layout.forward(parameters: p.baseAddress!, input: x.baseAddress! + start * layout.inputs,
                                   rows: n, tape: tape, derivatives: .none)
                    for i in 0..<(n * layout.outputs) { out.storage[start * layout.outputs + i] = Double(tape.output[i]) }
                    start += n
                }
            }
        }
        return out
    }
}

/// Which activation derivatives a forward pass keeps on the tape.
public enum DerivativeOrder: Int, Sendable, Comparable {
    /// Outputs only.
    case none = 0
    /// φ′, for reverse mode.
    case first = 1
    /// φ′ and φ″, for reversing through tangents (implicit score matching).
    case second = 2

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

extension MLP.Layout {
    /// Forward pass over `rows` points at `input` [rows, inputs], into `tape`:
    /// z_l = a_{l−1}·W_lᵀ + b_l, a_l = φ(z_l) (and φ′, φ″ as requested), output = a_L·W_outᵀ + b_out.
    /// Allocation-free: everything lands in the tape's preallocated buffers.
    ///
    /// z is kept only for `.second` (a later pass through tangents reads it); otherwise layers are
    /// activated in place. For relu and leaky relu φ′ is not stored either: it is 1 where a > 0
    /// and the slope elsewhere, so the reverse pass reads it off a.
    /// - Precondition: `rows <= tape.capacity` and the tape was made for this layout.
    /// `computeOutput: false` stops before the output layer, for a reverse pass that needs only
    /// the activations (∇ₓf of an energy: its seed ∂f/∂f = 1 does not depend on f).
    public func forward<T: Scalar>(
        parameters p: UnsafePointer<T>, input x: UnsafePointer<T>, rows: Int,
        tape t: Tape<T>, derivatives: DerivativeOrder, computeOutput: Bool = true
    ) {
        precondition(rows <= t.capacity && t.layout == self, "tape too small or for another layout")
        t.rows = rows
        t.input.update(from: x, count: rows * inputs)
        let keepSlopes = derivatives == .second || (derivatives == .first && !activation.isPiecewiseLinear)
        var previous = UnsafePointer(t.input)
        for l in 0..<activatedLayers {
            // Only reversing through tangents reads z again; otherwise activate in place, one
            // buffer fewer through the cache per layer.
            let a = t.a[l], z = derivatives == .second ? t.z[l] : a
            let d1 = keepSlopes ? t.d1[l] : nil, d2 = derivatives >= .second ? t.d2[l] : nil
            if l == 0 && inputs <= 4 {
                // The thin input layer is a direct loop, not a GEMM (`ThinLayer.c`). A rectifier is
                // applied on its registers; another activation block by block of rows, while the
                // block's pre-activations are still in L1.
                let columns = layOutInputColumns(parameters: p, tape: t)
                if z == a, d1 == nil, let slope = activation.rectifierSlope(T.self) {
                    T.thinAffine(rows: rows, inputs: inputs, width: width, columns: columns, bias: p + biasOffset(0),
                                 input: previous, rectifierSlope: slope, output: a)
                } else {
                    let block = 16
                    for start in stride(from: 0, to: rows, by: block) {
                        let count = min(block, rows - start), offset = start * width
                        T.thinAffine(rows: count, inputs: inputs, width: width, columns: columns, bias: p + biasOffset(0),
                                     input: previous + start * inputs, rectifierSlope: nil, output: z + offset)
                        activation.apply(count: count * width, z: z + offset, a: a + offset,
                                         d1: d1.map { $0 + offset }, d2: d2.map { $0 + offset })
                    }
                }
            } else {
                affine(layer: l, parameters: p, input: previous, rows: rows, output: z)
                activation.apply(count: rows * width, z: z, a: a, d1: d1, d2: d2)
            }
            previous = UnsafePointer(a)
        }
        if computeOutput {
            affine(layer: linearLayers - 1, parameters: p, input: previous, rows: rows, output: t.output)
        }
    }

    /// W_0's columns laid out apart in the tape (`columns[i·width + j]` = W_0[j, i]), so that the
    /// thin first layer's kernels run over units in lanes. The reverse pass lays them out again
    /// (2 × H values) rather than trust that the tape's are still from the same parameters.
    @inline(__always)
    func layOutInputColumns<T: Scalar>(parameters p: UnsafePointer<T>, tape t: Tape<T>) -> UnsafePointer<T> {
        let w = p + weightOffset(0), columns = t.inputColumns
        for j in 0..<width { for i in 0..<inputs { columns[i * width + j] = w[j * inputs + i] } }
        return UnsafePointer(columns)
    }

    /// output [rows, fanOut] = input [rows, fanIn] · Wᵀ + b for linear layer `l`.
    @inline(__always)
    func affine<T: Scalar>(layer l: Int, parameters p: UnsafePointer<T>, input: UnsafePointer<T>,
                           rows: Int, output: UnsafeMutablePointer<T>) {
        let n = fanOut(l), k = fanIn(l)
        let w = p + weightOffset(l), b = p + biasOffset(l)
        if k <= 4 {
            // The thin input layer: a GEMM with k ≤ 4 is mostly overhead; a direct loop is faster.
            for r in 0..<rows {
                let xr = input + r * k, o = output + r * n
                for j in 0..<n {
                    var s = b[j]
                    for i in 0..<k { s += xr[i] * w[j * k + i] }
                    o[j] = s
                }
            }
            return
        }
        T.fillRows(rows: rows, width: n, bias: b, into: output)
        if n <= 2 {
            // The thin output layer: one GEMV per output beats a GEMM with n ≤ 2.
            for j in 0..<n {
                BLAS.gemv(.none, rows: rows, columns: k, a: input, lda: k, x: w + j * k, beta: 1, y: output + j, incY: n)
            }
            return
        }
        BLAS.gemm(.none, .transposed, m: rows, n: n, k: k, a: input, lda: k, b: w, ldb: k,
                  beta: 1, c: output, ldc: n)
    }
}

extension Precision {
    /// `value` as this precision stores it (float32: rounded to the nearest float).
    public func rounded(_ value: Double) -> Double {
        self == .float32 ? Double(Float(value)) : value
    }
}
