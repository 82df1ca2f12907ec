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
        discussion: "Defaults are the course template's for --method (ml: swiss_roll, 2×128 relu, batch 512, 3000 iterations; nce: gaussians, 3×256 leaky_relu, batch 100, 1000 iterations; ism: rings, 1024 points, 2×512 softplus, 5000 iterations; dsm: rings, 2×512 softplus, 5000 iterations, sigma 0.1).")

    @Option(help: ArgumentHelp("Objective: ml | nce | ism | dsm.", valueName: "method")) var method: Method = .ml
    @Option(help: ArgumentHelp("swiss_roll | rings | gaussians (default: the method's template dataset).", valueName: "dataset")) var dataset: DatasetName?
    @Option(name: .customLong("data-size"), parsing: .unconditional, help: ArgumentHelp("Training points.", valueName: "n")) var dataSize: Int?
    @Option(name: .customLong("hidden-layers"), parsing: .unconditional,
            help: ArgumentHelp("Linear(H, H) layers after the input layer.", valueName: "n")) var hiddenLayers: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Width H.", valueName: "n")) var neurons: Int?
    @Option(help: ArgumentHelp("relu | leaky_relu | softplus | silu | tanh.", valueName: "activation")) var activation: ActivationKind?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Data points per step.", valueName: "n")) var batchSize: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Optimiser steps.", valueName: "n")) var iterations: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Learning rate.", valueName: "rate")) var lr: Double?
    @Option(help: ArgumentHelp("adam | sgd.", valueName: "optimizer")) var optimizer: OptimizerKind?
    @Option(parsing: .unconditional, help: ArgumentHelp("SGD momentum.", valueName: "beta")) var momentum: Double?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional,
            help: ArgumentHelp("L2 penalty on the parameters, added to the gradient.", valueName: "lambda")) var weightDecay: Double?
    @Option(name: .customLong("langevin-step-size"), parsing: .unconditional,
            help: ArgumentHelp("ML: step size of the training chains.", valueName: "epsilon")) var langevinStepSize: Double?
    @Option(name: .customLong("langevin-steps"), parsing: .unconditional,
            help: ArgumentHelp("ML: Langevin steps per iteration.", valueName: "n")) var langevinSteps: Int?
    @Option(help: ArgumentHelp("ML: persistent | fresh training chains.", valueName: "chains")) var chains: ChainMode?
    @Option(name: .customLong("energy-reg"), parsing: .unconditional,
            help: ArgumentHelp("ML: weight of α·mean(f(x)² + f(x̂)²).", valueName: "alpha")) var energyReg: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("DSM: noise scale σ.", valueName: "sigma")) var sigma: Double?
    @Option(name: .customLong("noise-std"), parsing: .unconditional,
            help: ArgumentHelp("NCE: noise model N(0, noise_std²·I).", valueName: "std")) var noiseStd: Double?
    @Option(help: ArgumentHelp("float32 (the templates' dtype, default) | float64: the arithmetic of training and sampling.",
                               valueName: "precision")) var precision: Precision?
    @Option(parsing: .unconditional, help: ArgumentHelp("Training seed.", valueName: "n")) var seed: Int = 0
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
        let given: [(String, HyperparameterValue?)] = [
            ("dataset", dataset.map { .string($0.rawValue) }), ("data_size", dataSize.map(HyperparameterValue.int)),
            ("hidden_layers", hiddenLayers.map(HyperparameterValue.int)), ("neurons", neurons.map(HyperparameterValue.int)),
            ("activation", activation.map { .string($0.rawValue) }), ("batch_size", batchSize.map(HyperparameterValue.int)),
            ("iterations", iterations.map(HyperparameterValue.int)), ("lr", lr.map(HyperparameterValue.double)),
            ("optimizer", optimizer.map { .string($0.rawValue) }), ("momentum", momentum.map(HyperparameterValue.double)),
            ("weight_decay", weightDecay.map(HyperparameterValue.double)),
            ("langevin_step_size", langevinStepSize.map(HyperparameterValue.double)),
            ("langevin_steps", langevinSteps.map(HyperparameterValue.int)), ("chains", chains.map { .string($0.rawValue) }),
            ("energy_reg", energyReg.map(HyperparameterValue.double)), ("sigma", sigma.map(HyperparameterValue.double)),
            ("noise_std", noiseStd.map(HyperparameterValue.double)), ("precision", precision.map { .string($0.rawValue) }),
            ("seed", .int(seed)),
        ]
        for case let (name, value?) in given {
            do { try config.set(name, to: value) } catch {
                throw ValidationError("\(flag(name)) \(error.message)")
            }
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

    private func flag(_ name: String) -> String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    func validate() throws { _ = try resolved() }

    func run() throws {
        BLAS.setSingleThreaded()
        let (config, evaluation) = try resolved()
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

extension Method: ExpressibleByArgument {}
extension DatasetName: ExpressibleByArgument {}
extension ActivationKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ChainMode: ExpressibleByArgument {}
extension SamplerInit: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
