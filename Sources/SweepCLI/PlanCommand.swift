import ArgumentParser
import EBMCore
import Report
import Sweep

/// `ebm-sweep plan SPEC`: validates a spec and shows what it would run, without running it.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Validate a sweep spec and print its jobs and a compute estimate, then exit.")

    @Argument(help: ArgumentHelp("The sweep spec (YAML).", valueName: "spec.yaml")) var spec: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Rows of the expanded table to show.", valueName: "n")) var rows: Int = 10
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Sustained GFLOP/s of one worker, for the time estimate (see `ebm-sweep bench`; default 60 for float32 jobs, 25 for float64).", valueName: "rate")) var gflops: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("Workers sharing the jobs, for the time estimate.", valueName: "n")) var workers: Int = 2

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more, got \(rows)") }
        if let gflops, !(gflops > 0) { throw ValidationError("--gflops must be positive, got \(gflops)") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1, got \(workers)") }
    }

    func run() throws {
        let sweep = try loadSpec(spec)
        let jobs = Planner.plan(sweep)
        let summary = PlanSummary(spec: sweep, jobs: jobs, gflops: gflops, rows: rows)
        print(summary)
        let wall = summary.estimatedSeconds / Double(workers)
        print("with \(workers) worker\(workers == 1 ? "" : "s"): about \(NumberText.duration(wall)) of wall time")
    }
}

/// Loads and validates a spec, turning every issue into one line of the error.
func loadSpec(_ path: String) throws -> SweepSpec {
    do { return try SweepSpec.load(path: path) } catch {
        throw SpecFailure(error: error)
    }
}

/// A spec that did not validate: printed as its list of issues, exit status 1.
struct SpecFailure: Error, CustomStringConvertible {
    let error: SweepSpecError
    var description: String { "\(error)" }
}

