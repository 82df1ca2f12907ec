// Wire: the EBM/1 protocol — versioned messages, their codec and limits, and the frame channels (ZeroMQ or in memory) they travel over.

import EBMCore

/// The EBM/1 wire protocol in one place (the project's `mdp.h`, after the ZeroMQ guide's Majordomo).
///
/// Every message is 3 or 4 frames:
///
///     ["EBM/1", TYPE, header-JSON, payload]      payload: RESULT only (ResultPayload's binary)
///
/// On the coordinator's ROUTER socket the sender's routing id comes first; the channel layer
/// (`FrameChannel`) strips and adds it, the codec never sees it.
///
/// Worker → coordinator (`WorkerMessage`):
/// - `READY`     {worker_id, host, pid, slots, build}         on connect and every reconnect
/// - `HEARTBEAT` {worker_id, running: [{job_id, attempt, iteration, loss}]}   every second
/// - `PROGRESS`  {job_id, attempt, iteration, loss}
/// - `RUNG`      {job_id, attempt, iteration, metric, escaped}  a rung evaluation (early stopping)
/// - `RESULT`    {job_id, attempt, status, metrics, error?, seconds, seconds_per_iteration,
///               blas_kernel?, vector_width?} + payload
/// - `BYE`       {worker_id}                                  on orderly exit
///
/// Coordinator → worker (`CoordinatorMessage`):
/// - `JOB`       {job_id, attempt, config: TrainingConfig, evaluation: EvaluationConfig,
///                rungs?: {iterations, evaluation, metric}}   rungs only under an early-stopping rule
/// - `CANCEL`    {job_id}
/// - `HEARTBEAT` {}
/// - `ACK`       {job_id, attempt}                            the RESULT is stored
/// - `SHUTDOWN`  {}
///
/// Numbers: JSON has no NaN or infinity, so every Double in a header (losses, metrics, config)
/// that is not finite is written as the string "nan", "inf" or "-inf" and read back from it.
/// Unknown header keys are ignored (a later EBM/1 may add fields); missing or mistyped ones,
/// out-of-range values and unsafe ids are refused with a `WireError`. Nothing is trusted.
public enum WireProtocol {
    /// Frame 0 of every message. A peer speaking another version is refused with `.badProtocol`.
    public static let version = "EBM/1"
    static let versionBytes = Array(version.utf8)

    /// Frame 1: the message type, upper-case ASCII.
    public enum MessageType: String, CaseIterable, Sendable {
        // Worker → coordinator.
        case ready = "READY"
        case progress = "PROGRESS"
        case rung = "RUNG"
        case result = "RESULT"
        case bye = "BYE"
        // Both ways.
        case heartbeat = "HEARTBEAT"
        // Coordinator → worker.
        case job = "JOB"
        case cancel = "CANCEL"
        case ack = "ACK"
        case shutdown = "SHUTDOWN"
    }
}

/// Every bound the decoder enforces, so a hostile or broken peer cannot make us allocate, loop or
/// trust without limit. Encoding does not check them; `validate()` on a message does.
public enum WireLimits {
    /// Protocol, type, header, payload.
    public static let maxFrames = 4
    /// The JSON header, in bytes: a JOB's config is about 1 KiB; 64 KiB leaves room for errors.
    public static let maxHeaderBytes = 64 * 1024
    /// The RESULT payload, in bytes: the template's largest model (2 × 512 hidden) has about 265k
    /// parameters, 2 MiB of doubles (6 MiB with Adam's moments); 64 MiB leaves room without
    /// letting one message exhaust memory.
    public static let maxPayloadBytes = 64 * 1024 * 1024
    /// The checkpoint section of a payload: 48 MiB, the size `ResourceEstimate` lets a
    /// configuration reach, so any valid configuration's result fits in `maxPayloadBytes`.
    public static let maxCheckpointBytes = Checkpoint.maxBytes
    /// Sample rows ([n, 2] doubles), as many as the evaluation config allows.
    public static let maxSamples = EvaluationConfig.maxSamples
    /// Loss-history entries: at most one per iteration; the trainer's hint is ≤ 5000, the
    /// hyperparameter registry allows far more, so this is generous.
    public static let maxHistory = 1_000_000
    /// Metrics in one RESULT (docs/design.md, "Metrics", names about ten).
    public static let maxMetrics = 64
    /// Rungs of one JOB (min_iterations·η^k below 10⁷ iterations: at most 24 for η ≥ 2).
    public static let maxRungs = 64
    /// Jobs listed in one HEARTBEAT.
    public static let maxRunning = 1024
    /// Ids (job, worker) and metric names: `[A-Za-z0-9._-]`, 1...this many characters.
    public static let maxIdentifierLength = 128
    /// Free text (host, build) in characters.
    public static let maxTextLength = 256
    /// A RESULT's error message in characters.
    public static let maxErrorLength = 4096
    /// Attempts of one job (the scheduler's limit is far lower).
    public static let maxAttempt = 1000
    /// Iterations (the registry's bound is lower).
    public static let maxIteration = 100_000_000
    /// Slots one worker may offer.
    public static let maxSlots = 1024
}
