import ArgumentParser
import Artifacts
import Cluster
import EBMCore
import Report

/// `ebm-sweep plot DIR`: redraws a run directory's figures from its checkpoint and CSVs.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Redraw the figures of a run directory (from `train --out` or a sweep's best/).")

    @Argument(help: ArgumentHelp("A run directory holding checkpoint.ebm, samples.csv and loss.csv.", valueName: "dir")) var directory: String
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Half-width of the square plot box (default: the dataset's box: swiss_roll 3, gaussians 5, rings 1.5).", valueName: "half-width")) var box: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Grid cells per side of the heat maps.", valueName: "n")) var grid: Int = RunFigures.defaultResolution

    func validate() throws {
        // Beyond these a box's width underflows or overflows (±1e308 is 2e308 = ∞ wide).
        if let box, !(1e-6...1e6).contains(box) { throw ValidationError("--box must be a number in 1e-6...1e6, got \(box)") }
        guard (10...1000).contains(grid) else { throw ValidationError("--grid must be in 10...1000, got \(grid)") }
    }

    func run() throws {
        BLAS.setSingleThreaded()
        let written = try RunDirectory.redraw(directory: directory, box: box.map { PlotBox(halfWidth: $0) }, resolution: grid)
        print("wrote \(written.map { "\(directory)/\($0)" }.joined(separator: ", "))")
    }
}
