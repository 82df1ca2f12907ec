import ArgumentParser
import EBMCore

@main
struct EBMSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebm-sweep",
        abstract: "Train small energy-based models and sweep their hyperparameters over ZeroMQ workers.",
        discussion: """
        Quick start:
          ebm-sweep run sweeps/ml_swiss.yaml      run a sweep with local workers
          ebm-sweep train --method dsm            one run with the course template's defaults
          ebm-sweep plan sweeps/ml_swiss.yaml     what a sweep would run, without running it
        Results go to results/<name>/ (results.md, report.html, best/).
        """,
        version: buildVersion,
        subcommands: [RunCommand.self, TrainCommand.self, PlanCommand.self, StatusCommand.self, ReportCommand.self,
                      PlotCommand.self, KeygenCommand.self, BenchCommand.self])
}
