import ArgumentParser
import Cluster
import EBMCore

@main
struct EBMSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebm-sweep",
        abstract: "Train small energy-based models and sweep their hyperparameters over ZeroMQ workers.",
        discussion: """
        Quick start:
          ebm-sweep run sweeps/ml_swiss.yaml    a sweep on local workers
          ebm-sweep train --method dsm          one run, template defaults
          ebm-sweep plan sweeps/ml_swiss.yaml   the jobs, without running
        Results go to results/<name>/: results.md, report.html, best/.
        """,
        version: buildVersion,
        subcommands: [RunCommand.self, TrainCommand.self, PlanCommand.self, StatusCommand.self, ReportCommand.self,
                      PlotCommand.self, ReplayCommand.self, TraceCommand.self, KeygenCommand.self, BenchCommand.self])

    /// Sets OpenBLAS's kernels and threads before anything runs (see `OpenBLASEnvironment`).
    static func main() {
        OpenBLASEnvironment.ensure()
        main(nil)
    }
}
