import Foundation

/// Noise contrastive estimation (docs/design.md, "The course templates") with a trainable c =
/// log(1/z):
///
///   log p(u) = −f(u) + c,   log q(u) = −‖u‖²/(2τ²) − (d/2)·log(2πτ²),   a(u) = log p(u) − log q(u),
///   L(θ, c) = −[ mean_i log σ(a(x_i)) + mean_j log σ(−a(y_j)) ],   y_j ~ Q = N(0, τ²I), |y| = |x|,
///
/// τ = `noiseStd`. log σ(t) = min(t, 0) − log1p(e^−|t|) only (never a log of a sum of exps).
/// With d/dt log σ(t) = σ(−t):  ∂L/∂f(x_i) = σ(−a(x_i))/B,  ∂L/∂f(y_j) = −σ(a(y_j))/B, and
/// ∂L/∂c = −Σ_i ∂L/∂f(x_i) − Σ_j ∂L/∂f(y_j). c is the LAST element of the parameter vector.
public final class NoiseContrastive<T: Scalar>: Objective {
    public let layout: MLP.Layout
    public let batchSize: Int
    public let noiseStd: Double
    public var parameterCount: Int { layout.parameterCount + 1 }

    private let tape: Tape<T>
    private let noise: UnsafeMutablePointer<T>
    private let stacked: UnsafeMutablePointer<T>

    /// - Precondition: the layout is an energy model (one output).
    public init(layout: MLP.Layout, batchSize: Int, noiseStd: Double) {
        precondition(layout.outputs == 1, "NCE trains an energy model")
        self.layout = layout
        self.batchSize = batchSize
        self.noiseStd = noiseStd
        tape = Tape<T>(layout: layout, capacity: layout.tapeRows(for: .nce, batchSize: batchSize))
        let n = batchSize * layout.inputs
        noise = .allocate(capacity: n); noise.initialize(repeating: 0, count: n)
        stacked = .allocate(capacity: 2 * n); stacked.initialize(repeating: 0, count: 2 * n)
    }

    deinit { noise.deallocate(); stacked.deallocate() }


    public func evaluate(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         batch: UnsafePointer<T>, rows: Int, random: inout RandomSource) -> Double {
        precondition(rows <= batchSize)
        for i in 0..<(rows * layout.inputs) { noise[i] = T(noiseStd * random.gaussian()) }
        return contrast(parameters: p, gradient: g, data: batch, noise: noise, rows: rows)
    }

    /// log q(u) of the noise model.
    @inline(__always)
    func logNoiseDensity(_ u: UnsafePointer<T>) -> T {
        let d = layout.inputs
        let variance = noiseStd * noiseStd
        var s: T = 0
        for k in 0..<d { s += u[k] * u[k] }
        return -0.5 * s / T(variance) - T(0.5 * Double(d) * log(2 * Double.pi * variance))
    }

    /// The loss and gradient for given noise draws y (the deterministic part; gradient checks use it).
    public func contrast(parameters p: UnsafePointer<T>, gradient g: UnsafeMutablePointer<T>,
                         data: UnsafePointer<T>, noise y: UnsafePointer<T>, rows: Int) -> Double {
        let d = layout.inputs
        let c = p[layout.parameterCount]
        stacked.update(from: data, count: rows * d)
        (stacked + rows * d).update(from: y, count: rows * d)
        layout.forward(parameters: p, input: stacked, rows: 2 * rows, tape: tape, derivatives: .first)
        let f = tape.output, fBar = tape.outputGradient
        let invB = 1 / Double(rows), scale = T(invB)
        var total = 0.0, cBar: T = 0
        for i in 0..<rows {
            let ax = -f[i] + c - logNoiseDensity(stacked + i * d)
            let ay = -f[rows + i] + c - logNoiseDensity(stacked + (rows + i) * d)
            total += Double(LogSigmoid.value(ax) + LogSigmoid.value(-ay))
            let gx = LogSigmoid.sigmoid(-ax) * scale
            let gy = -LogSigmoid.sigmoid(ay) * scale
            fBar[i] = gx
            fBar[rows + i] = gy
            cBar -= gx + gy
        }
        layout.backward(parameters: p, tape: tape, gradient: g, inputGradient: false)
        g[layout.parameterCount] = cBar
        return -total * invB
    }
}
