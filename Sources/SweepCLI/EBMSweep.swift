// SweepCLI: the ebm-sweep executable — each subcommand's argument parsing and printing; the work is in the modules below.

import ArgumentParser
import EBMCore
import Processes
import Sweep

@main
struct EBMSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebm-sweep",
        abstract: "Train small energy-based models and sweep their hyperparameters over ZeroMQ workers.",
        discussion: """
        Quick start:
          ebm-sweep run sweeps/smoke.yaml       a first sweep, about 10 seconds
          ebm-sweep run sweeps/ml_swiss.yaml    a real sweep on local workers
          ebm-sweep train --method dsm          one run, template defaults
          ebm-sweep plan sweeps/ml_swiss.yaml   the jobs, without running
        Results go to results/<name>/: results.md, report.html, best/.
        """,
        version: Hardware.buildVersion,
        subcommands: [RunCommand.self, TrainCommand.self, PlanCommand.self, StatusCommand.self, ReportCommand.self,
                      PlotCommand.self, ReplayCommand.self, TraceCommand.self, KeygenCommand.self, BenchCommand.self])

    /// Sets OpenBLAS's kernels and threads before anything runs (see `OpenBLASEnvironment`).
    static func main() {
        OpenBLASEnvironment.ensure()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let word = arguments.first, let message = unknownCommand(word) { exit(withError: ValidationError(message)) }
        main(arguments)
    }

    /// `ebm-sweep rn`: ArgumentParser reports only "Unexpected argument 'rn'"; like git, say which
    /// command was probably meant. nil for a subcommand, `help` or an option (ArgumentParser's).
    static func unknownCommand(_ word: String) -> String? {
        guard !word.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(word) else { return nil }
        let hint = EditDistance.closest(to: word, among: names).map { "; did you mean '\($0)'?" } ?? ""
        return "'\(word)' is not an ebm-sweep command\(hint)"
    }
}
