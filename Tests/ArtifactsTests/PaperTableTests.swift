import Foundation
import Report
import Sweep
import Testing
import TestSupport
@testable import Artifacts

/// results.tex, results.md and hyperparameters.tex of a sweep database built in the test: what a
/// user pastes into a paper must compile as it is, fit the page and read as one table.
@Suite("Paper-ready tables", .serialized)
struct PaperTableTests {
    /// The `\usepackage` lines the file's first-line comment names.
    static func packages(namedIn tex: String) -> [String] {
        let first = tex.split(separator: "\n").first.map(String.init) ?? ""
        return first.components(separatedBy: "\\usepackage{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }
    }

    static func labels(in tex: String) -> [String] {
        tex.components(separatedBy: "\\label{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) }
    }

    @Test("results.tex and two hyperparameters.tex compile in a minimal document with no error, overfull box or duplicate label")
    func compiles() throws {
        let fixture = try SweepDatabaseFixture()
        try fixture.writeArtifacts()
        let results = try fixture.read("results.tex")
        let best = try FileManager.default.contentsOfDirectory(atPath: fixture.path("best")).sorted()
        #expect(best.count == 3)
        let hyperparameters = try best.prefix(2).map { try fixture.read("best/\($0)/hyperparameters.tex") }
        let packages = Self.packages(namedIn: results)
        #expect(packages == ["booktabs", "adjustbox"])
        for tex in hyperparameters { #expect(Self.packages(namedIn: tex) == packages) }
        let allLabels = ([results] + hyperparameters).flatMap(Self.labels)
        #expect(allLabels.count == 3 && Set(allLabels).count == 3)

        let document = "\\documentclass{article}\n" + packages.map { "\\usepackage{\($0)}\n" }.joined()
            + "\\begin{document}\n\\input{results.tex}\n"
            + best.prefix(2).map { "\\input{best/\($0)/hyperparameters.tex}\n" }.joined()
            + "See Table~\\ref{\(allLabels[0])}.\n\\end{document}\n"
        try document.write(toFile: fixture.path("paper.tex"), atomically: true, encoding: .utf8)
        let directory = URL(fileURLWithPath: fixture.directory)
        for _ in 0..<2 {  // twice, so references resolve and a duplicate label would be reported
            let run = try ExternalTool.run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
                                           in: directory, package: "texlive-latex-extra")
            #expect(run.status == 0, "pdflatex failed:\n\(run.output.suffix(2000))")
        }
        let log = try fixture.read("paper.log")
        for problem in ["Overfull", "Underfull", "multiply defined", "undefined", "Error", "Float too large"] {
            #expect(!log.contains(problem), "paper.log mentions \(problem)")
        }
        // The table fits by its columns, not by adjustbox shrinking it: with adjustbox a no-op, nothing overflows.
        let natural = "\\documentclass{article}\n\\usepackage{booktabs}\n\\newenvironment{adjustbox}[1]{}{}\n"
            + "\\begin{document}\n\\input{results.tex}\n\\end{document}\n"
        try natural.write(toFile: fixture.path("natural.tex"), atomically: true, encoding: .utf8)
        let run = try ExternalTool.run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "natural.tex"],
                                       in: directory, package: "texlive-latex-extra")
        let naturalLog = try fixture.read("natural.log")
        #expect(run.status == 0 && !naturalLog.contains("Overfull"), "results.tex is wider than \\textwidth")
        if let keep = ProcessInfo.processInfo.environment["EBM_KEEP_PAPER"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: fixture.directory, toPath: keep)
        }
    }

    @Test("configurations are named by their swept values, one format per column, mean and sd to the same decimals")
    func readable() throws {
        let fixture = try SweepDatabaseFixture()
        try fixture.writeArtifacts()
        let md = try #require(try fixture.read("results.md").components(separatedBy: "## Hyperparameter importance").first)
        let header = try #require(md.split(separator: "\n").first { $0.hasPrefix("| rank") })
        for column in ["config", "langevin_step_size", "langevin_steps", "lr", "kde_nll", "95% CI", "n", "vs best"] {
            #expect(header.contains(column))
        }
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| rank") && !$0.hasPrefix("| -") }
        #expect(rows.count == 8)
        // Log-spaced and small values in scientific notation with the column's mantissa digits.
        #expect(rows.allSatisfy { $0.contains(" 5e-4 ") || $0.contains(" 2e-3 ") })
        #expect(rows.allSatisfy { $0.contains(" 1e-3 ") || $0.contains(" 3e-3 ") })
        // The best configuration (step size 2e-3, 20 steps, lr 1e-3): 1.7 + seed offsets + jitter.
        let best = try #require(rows.first)
        #expect(best.contains(" 2e-3 ") && best.contains(" 20 ") && best.contains(" 1e-3 "))
        // Every `mean ± sd` and interval bound in the column has the same number of decimals.
        let decimals = Set(rows.flatMap { row -> [Int] in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.filter { $0.contains("±") || $0.hasPrefix("[") }.flatMap { cell in
                cell.split(whereSeparator: { " ±[],".contains($0) }).map { $0.split(separator: ".").last?.count ?? 0 }
            }
        })
        #expect(decimals.count == 1)
        let tex = try fixture.read("results.tex")
        #expect(tex.contains("$2\\times10^{-3}$") && tex.contains("$\\pm$"))
        #expect(!tex.contains(fixture.jobs[0].configID), "the paper table names configurations by their values, not hashes")
    }

    @Test("results.md states the test and gives importance shares that sum to 100%, seed noise beside them")
    func statistics() throws {
        let fixture = try SweepDatabaseFixture()
        try fixture.writeArtifacts()
        let md = try fixture.read("results.md")
        #expect(md.contains("paired by seed") && md.contains("Welch") && md.contains("Holm correction over 7 comparisons"))
        let importance = try #require(md.components(separatedBy: "## Hyperparameter importance").last)
        let shares = importance.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.hasSuffix("% |") }.map { line -> (String, Double) in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return (cells[0], Double(cells[1].dropLast()) ?? .nan)
        }
        #expect(shares.map(\.0) == ["lr", "langevin_step_size", "langevin_steps", "interactions", "seed noise"])
        #expect(abs(shares.map(\.1).reduce(0, +) - 100) < 0.3, "rounded to 0.1 % each")
    }

    @Test("two sweeps' tables and runs' hyperparameter tables carry different labels")
    func uniqueLabels() throws {
        let a = try SweepDatabaseFixture(name: "sweep_a")
        let b = try SweepDatabaseFixture(name: "sweep_b")
        try a.writeArtifacts()
        try b.writeArtifacts()
        var labels: [String] = []
        for fixture in [a, b] {
            labels += Self.labels(in: try fixture.read("results.tex"))
            for run in try FileManager.default.contentsOfDirectory(atPath: fixture.path("best")) {
                labels += Self.labels(in: try fixture.read("best/\(run)/hyperparameters.tex"))
            }
        }
        #expect(labels.count == 8)
        #expect(Set(labels).count == labels.count)
    }
}
