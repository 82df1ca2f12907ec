/// What one call of `Trainer.train` produced: a result even when the run diverged or was cancelled.
public struct TrainingRun: Sendable {
    public var status: RunStatus
    /// The loss of every iteration run, in order (a diverged run ends with its non-finite loss,
    /// unless the parameters or chains diverged first).
    public var losses: [Double]
    /// Optimiser steps taken.
    public var iterations: Int
    /// Wall-clock seconds per iteration, averaged over the run (0 when none ran).
    public var secondsPerIteration: Double
    /// The model after the last iteration.
    public var model: Model

    public init(status: RunStatus, losses: [Double], iterations: Int, secondsPerIteration: Double, model: Model) {
        self.status = status
        self.losses = losses
        self.iterations = iterations
        self.secondsPerIteration = secondsPerIteration
        self.model = model
    }
}
