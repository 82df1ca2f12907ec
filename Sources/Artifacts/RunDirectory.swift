import EBMCore
import Foundation
import Report
import Sweep

/// A run's directory (contract file names): what `ebm-sweep train --out DIR` writes and what every
/// kept configuration of a sweep gets under `best/`.
///
///     checkpoint.ebm  samples.csv  loss.csv  metrics.json  hyperparameters.md  hyperparameters.tex
///     energy.svg  density.svg  score.svg  samples.svg  loss.svg  dataset.svg  report.html
///
/// Every file is written temp-then-rename, so a crash leaves the old file or the new one.
public enum RunDirectory {
    public static let checkpointFile = "checkpoint.ebm"

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes everything about one finished run. `tableLabel` labels hyperparameters.tex; the
    /// default names the method, dataset, configuration and seed, so two runs' tables can share a document.
    public static func write(result: JobResult, config: TrainingConfig, evaluation: EvaluationConfig,
                             model: Model?, to directory: String, title: String? = nil, tableLabel: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        if !result.checkpoint.isEmpty { try ReportFile.write(result.checkpoint, to: path(checkpointFile)) }
        try ReportFile.write(samplesCSV(result.samples), to: path("samples.csv"))
        try ReportFile.write(lossCSV(result.lossHistory), to: path("loss.csv"))
        try ReportFile.write(metricsJSON(result: result, config: config, evaluation: evaluation), to: path("metrics.json"))
        let hyperparameters = HyperparameterTable(config: config, evaluation: evaluation)
        try ReportFile.write(hyperparameters.markdown(), to: path("hyperparameters.md"))
        let label = tableLabel ?? "tab:\(config.method.rawValue)-\(config.dataset.rawValue)-\(Planner.configID(for: config))-s\(config.seed)-hyperparameters"
        let caption = title.map { "Hyperparameters of \(hyperparameters.subject), \($0)" }
        try ReportFile.write(hyperparameters.latex(caption: caption, label: label), to: path("hyperparameters.tex"))
        var figures: [FigureSVG] = []
        if let model, result.status == .ok || result.status == .diverged {
            for (name, svg) in RunFigures.make(model: model, config: config, samples: result.samples, losses: result.lossHistory) {
                try ReportFile.write(svg, to: path(name))
                figures.append(FigureSVG(title: name, svg: svg))
            }
        }
        var notes = ["status: \(result.status.rawValue)",
                     String(format: "%.1f s on %@, %.2f ms per iteration", result.seconds, result.worker, result.secondsPerIteration * 1000)]
        if let error = result.error { notes.append(error) }
        let report = RunReport(title: title ?? "\(config.method.rawValue) on \(config.dataset.rawValue), seed \(config.seed)",
                               notes: notes, metrics: result.metrics, hyperparameters: hyperparameters, figures: figures)
        try ReportFile.write(report.html(), to: path("report.html"))
    }

    /// Redraws the figures of a run directory from its checkpoint and CSVs (`ebm-sweep plot DIR`).
    public static func redraw(directory: String, box: PlotBox?, resolution: Int) throws -> [String] {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        guard let bytes = FileManager.default.contents(atPath: path(checkpointFile)) else {
            throw LoadError(description: "\(path(checkpointFile)): no checkpoint here; is \(directory) a run directory (ebm-sweep train --out)?")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(decoding: [UInt8](bytes)) } catch {
            throw LoadError(description: "\(path(checkpointFile)): \(error)")
        }
        let samples = try readMatrix(path("samples.csv"))
        let losses = try readColumn(path("loss.csv"), column: 1)
        var written: [String] = []
        for (name, svg) in RunFigures.make(model: checkpoint.model, config: checkpoint.config, samples: samples,
                                           losses: losses, box: box, resolution: resolution) {
            try ReportFile.write(svg, to: path(name))
            written.append(name)
        }
        return written
    }

    // MARK: CSV and JSON

    public static func samplesCSV(_ samples: Matrix) -> String {
        var text = "x,y\n"
        for r in 0..<samples.rows { text += "\(samples[r, 0]),\(samples[r, 1])\n" }
        return text
    }

    public static func lossCSV(_ losses: [Double]) -> String {
        var text = "iteration,loss\n"
        for (i, loss) in losses.enumerated() { text += "\(i + 1),\(loss)\n" }
        return text
    }

    public static func metricsJSON(result: JobResult, config: TrainingConfig, evaluation: EvaluationConfig) throws -> String {
        var hyperparameters: [String: Any] = ["method": config.method.rawValue]
        for name in TrainingConfig.hyperparameterNames(for: config.method) {
            switch config.value(of: name) {
            case .int(let v): hyperparameters[name] = v
            case .double(let v): hyperparameters[name] = v
            case .string(let v): hyperparameters[name] = v
            case nil: break
            }
        }
        var object: [String: Any] = [
            "status": result.status.rawValue,
            "error": result.error as Any? ?? NSNull(),
            "seconds": result.seconds,
            "seconds_per_iteration": result.secondsPerIteration,
            "iterations_run": result.lossHistory.count,
            "metrics": result.metrics.filter { $0.value.isFinite },
            "hyperparameters": hyperparameters,
            "evaluation": ["samples": evaluation.samples, "init": evaluation.initDistribution.rawValue,
                           "init_scale": evaluation.initScale, "step_size": evaluation.stepSize, "steps": evaluation.steps],
        ]
        if let kernel = result.blasKernel { object["blas_kernel"] = kernel }
        if let width = result.vectorWidth { object["vector_width"] = width }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func readMatrix(_ path: String) throws -> Matrix {
        let rows = try readRows(path)
        return Matrix(rows: rows.count, columns: 2, storage: rows.flatMap { Array($0.prefix(2)) })
    }

    static func readColumn(_ path: String, column: Int) throws -> [Double] {
        try readRows(path).map { $0[column] }
    }

    private static func readRows(_ path: String) throws -> [[Double]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read")
        }
        var rows: [[Double]] = []
        for (number, line) in text.split(separator: "\n").enumerated().dropFirst() {
            let values = line.split(separator: ",").map { Double($0) }
            guard values.count >= 2, values.allSatisfy({ $0 != nil }) else {
                throw LoadError(description: "\(path):\(number + 1): expected two numbers, got '\(line)'")
            }
            rows.append(values.compactMap { $0 })
        }
        return rows
    }
}
