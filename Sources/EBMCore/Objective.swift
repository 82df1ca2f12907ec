/// One training objective: the loss of one batch and its gradient with respect to the flat
/// parameter vector, computed in place into preallocated buffers, in precision `T`.
///
/// Objectives are classes because they own their tapes, noise buffers and (for ML) persistent
/// chains, all allocated once in init; `evaluate` must allocate nothing. The loss is summed in
/// Double (it is only reported); everything that reaches the gradient runs in `T`.
public protocol Objective<T>: AnyObject {
    associatedtype T: Scalar

    /// Length of the parameter vector this objective trains (the MLP's, plus NCE's c).
    var parameterCount: Int { get }

    /// The batch loss; writes ∂loss/∂parameters into `gradient` (overwritten).
    /// - Parameters:
    ///   - batch: [rows, 2] data points.
    ///   - random: the run's stream, for noise and Langevin draws.
    /// - Precondition: `rows` is at most the batch size the objective was made for.
    func evaluate(parameters: UnsafePointer<T>, gradient: UnsafeMutablePointer<T>,
                  batch: UnsafePointer<T>, rows: Int, random: inout RandomSource) -> Double

    /// False when internal state (ML's chains) has become non-finite: the run has diverged.
    var stateIsFinite: Bool { get }
}

extension Objective {
    public var stateIsFinite: Bool { true }

    /// Array convenience for tests: the loss and the gradient at `parameters` (rounded to `T`) on
    /// `batch`, the gradient widened to Double.
    public func evaluate(parameters: [Double], batch: Matrix, random: inout RandomSource) -> (loss: Double, gradient: [Double]) {
        precondition(parameters.count == parameterCount, "parameter count mismatch")
        var g = [T](repeating: 0, count: parameterCount)
        let p = parameters.converted(to: T.self), b = batch.storage.converted(to: T.self)
        let loss = p.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { gb in
                b.withUnsafeBufferPointer { b in
                    evaluate(parameters: p.baseAddress!, gradient: gb.baseAddress!, batch: b.baseAddress!,
                             rows: batch.rows, random: &random)
                }
            }
        }
        return (loss, g.map { Double($0) })
    }
}

/// Numerically stable log-sigmoid and sigmoid (never log(exp(a) + exp(b))).
enum LogSigmoid {
    /// log σ(t) = −softplus(−t) = min(t, 0) − log1p(e^−|t|).
    @inline(__always)
    static func value<T: Scalar>(_ t: T) -> T {
        min(t, 0) - T.log1p(T.exp(-abs(t)))
    }

    /// σ(t), stable for both signs.
    @inline(__always)
    static func sigmoid<T: Scalar>(_ t: T) -> T {
        ActivationKind.sigmoid(t)
    }
}
