import EBMCore

extension ReplayTrace {
    /// Reads a trace's text (see `ReplayTrace`); `file` only names it in errors. Everything is
    /// checked: sizes, the header, each field's type and range, and that each job's rows are
    /// contiguous, agree with each other and end with one `final` row.
    public static func parse(_ text: String, file: String) throws(ReplayTraceError) -> ReplayTrace {
        let reader = TraceReader(file: file)
        guard text.utf8.count <= maxBytes else {
            throw reader.error(0, "", "is larger than \(maxBytes >> 20) MiB; a trace holds metrics only")
        }
        var metric: RankingMetric?
        var columns = header.count
        var jobs: [TracedJob] = []
        var seen: [String: Int] = [:]
        // A seed is one replica of its configuration: two jobs of one seed would count it twice.
        var seeds: [String: (job: String, line: Int)] = [:]
        var current: (job: TracedJob, line: Int, finished: Bool)?
        // "\r\n" is one Character in Swift: split on both line ends.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, row) in lines.enumerated() {
            let line = index + 1
            if row.isEmpty || row.hasPrefix("#") { continue }
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let metric else {
                metric = try reader.header(fields, line: line)
                columns = fields.count
                continue
            }
            guard fields.count == columns else {
                throw reader.error(line, "", "has \(fields.count) fields, expected \(columns)")
            }
            let row_ = try reader.row(fields, line: line, metric: metric)
            if let c = current, c.job.id != row_.job.id {
                guard c.finished else { throw reader.error(c.line, "kind", "job \(c.job.id) has no final row") }
                jobs.append(c.job)
                current = nil
            }
            if current == nil {
                if let first = seen[row_.job.id] {
                    throw reader.error(line, "job", "rows of job \(row_.job.id) must be contiguous (it began at line \(first))")
                }
                guard jobs.count < maxJobs else { throw reader.error(line, "", "more than \(maxJobs) jobs") }
                let replica = "\(row_.job.configID)#\(row_.job.seed)"
                if let other = seeds[replica] {
                    throw reader.error(line, "seed", "job \(row_.job.id) repeats seed \(row_.job.seed) of configuration "
                                       + "\(row_.job.configID) (job \(other.job), line \(other.line))")
                }
                seeds[replica] = (row_.job.id, line)
                seen[row_.job.id] = line
                current = (row_.job, line, false)
            }
            try reader.add(row_, to: &current!, line: line)
        }
        guard let metric else { throw reader.error(1, "", "is empty; the first line must be the header \(header.joined(separator: ","))") }
        if let c = current {
            guard c.finished else { throw reader.error(c.line, "kind", "job \(c.job.id) has no final row") }
            jobs.append(c.job)
        }
        guard !jobs.isEmpty else { throw reader.error(1, "", "holds no job") }
        return ReplayTrace(metric: metric, jobs: jobs)
    }
}

/// The parser's helpers: each field read or an error naming the line and column.
private struct TraceReader {
    let file: String

    struct Row {
        var job: ReplayTrace.TracedJob
        var isFinal: Bool
        var evaluation: ReplayTrace.Evaluation?
    }

    func error(_ line: Int, _ column: String, _ message: String) -> ReplayTraceError {
        ReplayTraceError(file: file, line: line, column: column, message: message)
    }

    func header(_ fields: [String], line: Int) throws(ReplayTraceError) -> RankingMetric {
        let expected = ReplayTrace.header
        guard fields.count == expected.count || fields.count == ReplayTrace.legacyColumns,
              zip(fields, expected).allSatisfy({ $0 == $1 || $1 == "<metric>" }) else {
            throw error(line, "", "the header must be \(expected.joined(separator: ",")), <metric> the ranking metric "
                        + "(or its first ten columns: a trace without elapsed)")
        }
        guard let metric = RankingMetric(rawValue: fields[8]) else {
            throw error(line, fields[8], "is not a ranking metric (\(RankingMetric.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return metric
    }

    func name(_ s: String, _ column: String, _ line: Int) throws(ReplayTraceError) -> String {
        let ok = (1...64).contains(s.utf8.count)
            && s.utf8.allSatisfy { $0 == 45 || $0 == 46 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
        guard ok else { throw error(line, column, "must be 1 to 64 letters, digits, '-', '_' or '.'") }
        return s
    }

    func integer(_ s: String, _ column: String, _ line: Int, in range: ClosedRange<Int>) throws(ReplayTraceError) -> Int {
        guard let v = Int(s), range.contains(v) else {
            throw error(line, column, "must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(s.prefix(32))'")
        }
        return v
    }

    func number(_ s: String, _ column: String, _ line: Int, in range: ClosedRange<Double>? = nil) throws(ReplayTraceError) -> Double {
        guard let v = Double(s), !s.lowercased().contains("x"), range.map({ $0.contains(v) }) ?? true else {
            let bounds = range.map { " in \(HyperparameterValue.format($0.lowerBound))...\(HyperparameterValue.format($0.upperBound))" } ?? ""
            throw error(line, column, "must be a number\(bounds), got '\(s.prefix(32))'")
        }
        return v
    }

    func row(_ f: [String], line: Int, metric: RankingMetric) throws(ReplayTraceError) -> Row {
        let iterations = try integer(f[3], "iterations", line, in: 1...10_000_000)
        guard let status = RunStatus(rawValue: f[5]), status != .cancelled else {
            throw error(line, "status", "must be ok, diverged or failed, got '\(f[5].prefix(32))'")
        }
        guard f[6] == "rung" || f[6] == "final" else { throw error(line, "kind", "must be rung or final, got '\(f[6].prefix(32))'") }
        let isFinal = f[6] == "final"
        let iteration = try integer(f[7], "iteration", line, in: (isFinal ? 0 : 1)...iterations)
        var job = ReplayTrace.TracedJob(
            id: try name(f[0], "job", line), configID: try name(f[1], "config", line),
            seed: UInt64(try integer(f[2], "seed", line, in: 0...Int.max)), iterations: iterations,
            seconds: try number(f[4], "seconds", line, in: 1e-9...1e9), status: status,
            rungs: [], finalIteration: iteration, finalMetric: nil)
        guard isFinal else {
            guard iteration < iterations else { throw error(line, "iteration", "a rung must be below iterations (\(iterations))") }
            // A rung's metric may be non-finite (the chains blew up): divergence pruning judges it.
            // A finite one is held to the final metric's range, so means of a few stay finite.
            let value = try number(f[8], metric.rawValue, line)
            guard !value.isFinite || abs(value) <= 1e300 else {
                throw error(line, metric.rawValue, "must be in -1e300...1e300 or non-finite, got '\(f[8].prefix(32))'")
            }
            let escaped = try number(f[9], "escaped", line, in: 0...1)
            let elapsed = f.count > ReplayTrace.legacyColumns && !f[10].isEmpty
                ? try number(f[10], "elapsed", line, in: 0...job.seconds) : nil
            return Row(job: job, isFinal: false,
                       evaluation: .init(iteration: iteration, metric: value, escaped: escaped, elapsed: elapsed))
        }
        if f.count > ReplayTrace.legacyColumns, !f[10].isEmpty, try number(f[10], "elapsed", line) != job.seconds {
            throw error(line, "elapsed", "a final row's elapsed is the job's seconds (\(HyperparameterValue.format(job.seconds))) or empty")
        }
        if status == .ok {
            guard iteration == iterations else { throw error(line, "iteration", "a run that ended ok trained all \(iterations) iterations") }
            job.finalMetric = try number(f[8], metric.rawValue, line, in: -1e300...1e300)
        } else if !f[8].isEmpty {
            throw error(line, metric.rawValue, "must be empty: a \(status.rawValue) run has no final metric")
        }
        return Row(job: job, isFinal: true, evaluation: nil)
    }

    func add(_ row: Row, to current: inout (job: ReplayTrace.TracedJob, line: Int, finished: Bool), line: Int) throws(ReplayTraceError) {
        let j = current.job, r = row.job
        for (column, same) in [("config", j.configID == r.configID), ("seed", j.seed == r.seed),
                               ("iterations", j.iterations == r.iterations), ("seconds", j.seconds == r.seconds),
                               ("status", j.status == r.status)] where !same {
            throw error(line, column, "differs from the job's first row (line \(current.line))")
        }
        guard !current.finished else { throw error(line, "kind", "job \(j.id) has a row after its final row") }
        if let e = row.evaluation {
            guard e.iteration > (j.rungs.last?.iteration ?? 0) else {
                throw error(line, "iteration", "rungs must ascend; \(e.iteration) follows \(j.rungs.last?.iteration ?? 0)")
            }
            if let t = e.elapsed, let before = j.rungs.compactMap(\.elapsed).last, t < before {
                throw error(line, "elapsed", "must not fall from one rung to the next; \(HyperparameterValue.format(t)) follows "
                            + HyperparameterValue.format(before))
            }
            current.job.rungs.append(e)
        } else {
            guard r.finalIteration >= (j.rungs.last?.iteration ?? 0) else {
                throw error(line, "iteration", "the final row cannot come before the last rung (\(j.rungs.last?.iteration ?? 0))")
            }
            current.job.finalIteration = r.finalIteration
            current.job.finalMetric = r.finalMetric
            current.finished = true
        }
    }
}
