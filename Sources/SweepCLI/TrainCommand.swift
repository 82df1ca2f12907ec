import ArgumentParser
import Artifacts
import Cluster
import EBMCore
import Foundation

/// `ebm-sweep train`: one run from the command line, every hyperparameter a flag with the course
/// template's default for the chosen method.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model and write its samples, loss, metrics, checkpoint, figures and report.",
        discussion: "Every hyperparameter a sweep spec can set is a flag here, its key in kebab-case (energy_reg: --energy-reg), defaulting to the course template's value for --method.")

    @Option(help: ArgumentHelp("Objective: ml | nce | ism | dsm.", valueName: "method")) var method: Method = .ml
    /// One flag per `Hyperparameter.registry` entry (`HyperparameterFlags`).
    @OptionGroup var hyperparameters: HyperparameterFlags
    @Option(name: .customLong("eval-samples"), parsing: .unconditional,
            help: ArgumentHelp("Evaluation samples (default: the template's chain count).", valueName: "n")) var evalSamples: Int?
    @Option(name: .customLong("eval-steps"), parsing: .unconditional,
            help: ArgumentHelp("Evaluation Langevin steps (default 1000).", valueName: "n")) var evalSteps: Int?
    @Option(name: .customLong("eval-step-size"), parsing: .unconditional,
            help: ArgumentHelp("Evaluation Langevin step size (default 5e-4).", valueName: "epsilon")) var evalStepSize: Double?
    @Option(name: .customLong("eval-init"), help: ArgumentHelp("Evaluation chains start normal | uniform.", valueName: "init")) var evalInit: SamplerInit?
    @Option(name: .customLong("eval-init-scale"), parsing: .unconditional,
            help: ArgumentHelp("Std (normal) or half-width (uniform) of the start.", valueName: "scale")) var evalInitScale: Double?
    @Option(help: ArgumentHelp("Output directory (default runs/<method>-<dataset>-seed<seed>); refused if it holds files, unless --force.",
                               valueName: "dir")) var out: String?
    @Flag(help: "Overwrite the run (or other files) already in --out.") var force = false
    @Flag(help: "No progress display.") var quiet = false

    /// The resolved configuration; every range error names its flag.
    func resolved() throws -> (TrainingConfig, EvaluationConfig) {
        var config = TrainingConfig.defaults(for: method)
        for (name, value) in hyperparameters.given {
            do { try config.set(name, to: value) } catch { throw ValidationError("\(flag(name)) \(error.message)") }
        }
        do { try config.validate() } catch { throw ValidationError("\(flag(error.key)) \(error.message)") }
        if let refusal = TrialRunner.memoryRefusal(config) { throw ValidationError(refusal) }
        var evaluation = EvaluationConfig.defaults(for: method)
        if let evalSamples { evaluation.samples = evalSamples }
        if let evalSteps { evaluation.steps = evalSteps }
        if let evalStepSize { evaluation.stepSize = evalStepSize }
        if let evalInit { evaluation.initDistribution = evalInit }
        if let evalInitScale { evaluation.initScale = evalInitScale }
        do { try evaluation.validate() } catch {
            let evalFlag = ["samples": "--eval-samples", "steps": "--eval-steps", "step_size": "--eval-step-size",
                            "init_scale": "--eval-init-scale"][error.key] ?? error.key
            throw ValidationError("\(evalFlag) \(error.message)")
        }
        return (config, evaluation)
    }

    private func flag(_ name: String) -> String { Hyperparameter.named(name)?.flag ?? name }

    func validate() throws { _ = try resolved() }

    func run() throws {
        BLAS.setSingleThreaded()
        let (config, evaluation) = try resolved()
        if let floor = config.noiseFloor, floor.exceedsData {
            FileHandle.standardError.write(Data(Self.noiseFloorWarning(floor, dataset: config.dataset).utf8))
        }
        let directory = out ?? "runs/\(config.method.rawValue)-\(config.dataset.rawValue)-seed\(config.seed)"
        // Before training: an earlier run is not overwritten by accident, an unwritable place is found now.
        try RunDirectory.prepare(directory, force: force)
        let display = TrainingProgressLine(total: config.iterations, enabled: !quiet)
        display.start("training \(config.method.rawValue) on \(config.dataset.rawValue) (seed \(config.seed)), \(config.iterations) iterations")
        let output = TrialRunner.run(config: config, evaluation: evaluation, jobID: "train", attempt: 1,
                                     worker: ProcessInfo.processInfo.hostName) { iteration, loss in
            display.update(iteration: iteration, loss: loss)
            return true
        }
        display.finish()
        let result = output.result
        try RunDirectory.write(result: result, config: config, evaluation: evaluation, model: output.model, to: directory)
        print("status: \(result.status.rawValue)\(result.error.map { " (\($0))" } ?? "")")
        for name in ["kde_nll", "floor_kde_nll", "oracle_nll", "nll", "precision", "recall", "mmd", "swd", "energy_distance", "escaped"] {
            if let value = result.metrics[name] { print("  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%.4f", value))") }
        }
        print(String(format: "  %.2f ms per iteration, %.1f s in all", result.secondsPerIteration * 1000, result.seconds))
        print("wrote \(directory)/ (report.html, samples.csv, loss.csv, metrics.json, \(RunDirectory.checkpointFile), figures)")
        if result.status == .failed { throw ExitCode(2) }
    }
}

extension TrainCommand {
    /// Said before training a configuration above the noise floor; it still trains, as asked.
    static func noiseFloorWarning(_ floor: NoiseFloor, dataset: DatasetName) -> String {
        let f = { (x: Double) in String(format: "%.3g", x) }
        return "warning: the Langevin noise √(2ε) = \(f(floor.noise)) of --langevin-step-size is wider than the "
            + "\(dataset.rawValue) data's narrowest spread \(f(floor.spread)): the training chains cannot match the data, so "
            + "training has no stable point and diverges once the model sharpens; steps up to \(f(floor.largestStep)) stay below it "
            + "(docs/design.md, \"The Langevin noise floor\")\n"
    }
}

extension Method: ExpressibleByArgument {}
extension SamplerInit: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
