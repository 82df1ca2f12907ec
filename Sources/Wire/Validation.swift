import EBMCore

/// Field checks shared by every message's `validate()`. Each names the header key it checks.
enum Check {
    /// Ids and metric names: 1...`maxIdentifierLength` characters of `[A-Za-z0-9._-]`, so they are
    /// safe in file names, SQL, logs and CSV without quoting.
    static func identifier(_ s: String, _ field: String) throws(WireError) {
        let bytes = s.utf8
        guard !bytes.isEmpty else { throw WireError(.invalidField, "must not be empty", field: field) }
        guard bytes.count <= WireLimits.maxIdentifierLength else {
            throw WireError(.tooLarge, "is \(bytes.count) bytes, the limit is \(WireLimits.maxIdentifierLength)",
                            field: field)
        }
        guard bytes.allSatisfy(isSafe) else {
            throw WireError(.invalidField, "may contain only A-Z a-z 0-9 . _ -", field: field)
        }
    }

    /// Free text (host, build, error): at most `maxLength` characters, no control characters
    /// except newline and tab (so a peer cannot forge log lines or terminal escapes).
    static func text(_ s: String, _ field: String, maxLength: Int, allowEmpty: Bool = false) throws(WireError) {
        guard allowEmpty || !s.isEmpty else { throw WireError(.invalidField, "must not be empty", field: field) }
        guard s.unicodeScalars.count <= maxLength else {
            throw WireError(.tooLarge, "is longer than \(maxLength) characters", field: field)
        }
        guard s.unicodeScalars.allSatisfy({ $0 == "\n" || $0 == "\t" || !$0.properties.generalCategory.isControl })
        else { throw WireError(.invalidField, "contains control characters", field: field) }
    }

    static func range(_ v: Int, _ r: ClosedRange<Int>, _ field: String) throws(WireError) {
        guard r.contains(v) else {
            throw WireError(.invalidField, "must be in \(r.lowerBound)...\(r.upperBound), got \(v)", field: field)
        }
    }

    /// Durations: finite and not negative.
    static func duration(_ v: Double, _ field: String) throws(WireError) {
        guard v.isFinite, v >= 0 else {
            throw WireError(.invalidField, "must be a finite number ≥ 0, got \(v)", field: field)
        }
    }

    static func config(_ body: () throws(ConfigError) -> Void, prefix: String) throws(WireError) {
        do { try body() } catch {
            throw WireError(.invalidField, error.message, field: "\(prefix).\(error.key)")
        }
    }

    private static func isSafe(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

extension Unicode.GeneralCategory {
    var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: true
        default: false
        }
    }
}

// MARK: - Message validation

extension WorkerMessage {
    /// Checks every field against its type's range and `WireLimits`. The decoder calls it on every
    /// message; a sender may call it to catch its own mistakes before sending.
    public func validate() throws(WireError) {
        switch self {
        case .ready(let r):
            try Check.identifier(r.workerID, "worker_id")
            try Check.text(r.host, "host", maxLength: WireLimits.maxTextLength)
            try Check.range(r.pid, 1...Int(Int32.max), "pid")
            try Check.range(r.slots, 1...WireLimits.maxSlots, "slots")
            try Check.text(r.build, "build", maxLength: WireLimits.maxTextLength)
        case .heartbeat(let h):
            try Check.identifier(h.workerID, "worker_id")
            guard h.running.count <= WireLimits.maxRunning else {
                throw WireError(.tooLarge, "lists \(h.running.count) jobs, the limit is \(WireLimits.maxRunning)",
                                field: "running")
            }
            for (i, job) in h.running.enumerated() { try job.validate(prefix: "running[\(i)].") }
        case .progress(let p):
            try p.validate(prefix: "")
        case .rung(let r):
            try r.validate()
        case .result(let r):
            try r.validate()
        case .bye(let workerID):
            try Check.identifier(workerID, "worker_id")
        }
    }
}

extension WorkerMessage.RunningJob {
    func validate(prefix: String) throws(WireError) {
        try Check.identifier(jobID, prefix + "job_id")
        try Check.range(attempt, 0...WireLimits.maxAttempt, prefix + "attempt")
        try Check.range(iteration, 0...WireLimits.maxIteration, prefix + "iteration")
    }
}

extension ResultReport {
    func validate() throws(WireError) {
        try Check.identifier(jobID, "job_id")
        try Check.range(attempt, 0...WireLimits.maxAttempt, "attempt")
        guard status.endsAttempt else {
            throw WireError(.invalidField, "must end an attempt (ok, diverged, failed or cancelled), got \(status.rawValue)",
                            field: "status")
        }
        guard metrics.count <= WireLimits.maxMetrics else {
            throw WireError(.tooLarge, "has \(metrics.count) entries, the limit is \(WireLimits.maxMetrics)",
                            field: "metrics")
        }
        for name in metrics.keys { try Check.identifier(name, "metrics.\(name.prefix(64))") }
        if let error { try Check.text(error, "error", maxLength: WireLimits.maxErrorLength, allowEmpty: true) }
        try Check.duration(seconds, "seconds")
        try Check.duration(secondsPerIteration, "seconds_per_iteration")
        if let blasKernel { try Check.identifier(blasKernel, "blas_kernel") }
        if let vectorWidth { try Check.range(vectorWidth, 0...65536, "vector_width") }
        try payload.validate()
    }
}

extension CoordinatorMessage {
    /// Checks every field; the job's configuration through EBMCore's own `validate()`.
    public func validate() throws(WireError) {
        switch self {
        case .job(let a):
            try Check.identifier(a.jobID, "job_id")
            try Check.range(a.attempt, 0...WireLimits.maxAttempt, "attempt")
            try Check.config({ () throws(ConfigError) in try a.config.validate() }, prefix: "config")
            try Check.config({ () throws(ConfigError) in try a.evaluation.validate() }, prefix: "evaluation")
            try a.rungs?.validate(below: a.config.iterations)
        case .cancel(let jobID):
            try Check.identifier(jobID, "job_id")
        case .ack(let jobID, let attempt):
            try Check.identifier(jobID, "job_id")
            try Check.range(attempt, 0...WireLimits.maxAttempt, "attempt")
        case .heartbeat, .shutdown:
            break
        }
    }
}
