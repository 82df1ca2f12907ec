import EBMCore
import Testing
@testable import Report

@Suite struct TableTests {
    static let table = Table(columns: ["config", "lr", "kde_nll", "n"], rows: [
        [.text("a,b"), .number(0.001), .meanStd(mean: 1.234567, std: 0.0456), .integer(3)],
        [.text("say \"hi\"\nthere"), .number(12345.678), .meanStd(mean: -0.5, std: 0), .integer(12)],
        [.text("x_1 & 50% #"), .empty, .number(0.000012345), .empty],
    ], significantDigits: 3)

    @Test("CSV quotes commas, quotes and line breaks as RFC 4180 says")
    func csv() {
        let lines = Self.table.csv().components(separatedBy: "\r\n")
        #expect(lines[0] == "config,lr,kde_nll,n")
        #expect(lines[1] == "\"a,b\",0.00100,1.23 ± 0.0456,3")
        #expect(lines[2] == "\"say \"\"hi\"\"\nthere\",12300,-0.500 ± 0,12")
        #expect(lines[3] == "x_1 & 50% #,,1.23e-05,")
        #expect(lines.last == "")
    }

    @Test("Markdown is aligned: every line has the same length, numeric columns right-aligned")
    func markdown() {
        let md = Self.table.markdown()
        let lines = md.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(Set(lines.map(\.count)).count == 1)
        let rule = lines[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(rule[0].hasSuffix("-") && rule[1].hasSuffix(":") && rule[2].hasSuffix(":") && rule[3].hasSuffix(":"))
        #expect(!md.contains("\nthere"))
    }

    @Test("LaTeX uses booktabs, escapes specials and turns ± into math")
    func latex() {
        let tex = Self.table.latex(caption: "Results of ml_swiss", label: "tab:ml_swiss")
        #expect(tex.contains("\\begin{tabular}{lrrr}"))
        #expect(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"))
        #expect(tex.contains("x\\_1 \\& 50\\% \\#"))
        #expect(tex.contains("1.23 $\\pm$ 0.0456"))
        #expect(tex.contains("\\caption{Results of ml\\_swiss}"))
        #expect(tex.contains("\\label{tab:ml_swiss}"))
        #expect(Markup.latex("a\\b~c^d{e}$") == "a\\textbackslash{}b\\textasciitilde{}c\\textasciicircum{}d\\{e\\}\\$")
    }

    @Test("the hyperparameter table lists exactly the method's hyperparameters")
    func hyperparameters() {
        for method in Method.allCases {
            let config = TrainingConfig.defaults(for: method)
            let table = HyperparameterTable(config: config, evaluation: EvaluationConfig.defaults(for: method))
            let names = table.table.rows.compactMap { row -> String? in
                if case .text(let s) = row[0] { return s } else { return nil }
            }
            var expected = TrainingConfig.hyperparameterNames(for: method)
            if config.optimizer == .adam { expected.removeAll { $0 == "momentum" } }
            #expect(Array(names.dropFirst().prefix(expected.count)) == expected)
            #expect(names.first == "method")
            #expect(names.contains("evaluation steps"))
            #expect((method == .ml) == names.contains("langevin_steps"))
            #expect((method == .dsm) == names.contains("sigma"))
            #expect((method == .nce) == names.contains("noise_std"))
            let md = table.markdown()
            #expect(md.hasPrefix("| hyperparameter"))
            let tex = table.latex(label: "tab:\(method.rawValue)-hyperparameters")
            #expect(tex.contains("\\begin{table}") && !tex.contains("data_size"))
            #expect(tex.contains("\\caption{Hyperparameters of " + Markup.latex("\(method.rawValue) on \(config.dataset.rawValue)") + "}"))
            #expect(tex.contains("data\\_size"))
        }
    }

    @Test("a configuration without a mean says why: its diverged seeds before the rung it was stopped at; not run when no seed started")
    func unrankedCells() {
        let rows = [
            ConfigurationResults(rank: 1, configID: "a", values: ["lr": .double(1e-3)], metricBySeed: [0: 1.5, 1: 1.6], seeds: 2, status: .ok),
            ConfigurationResults(rank: 2, configID: "b", values: ["lr": .double(3e-3)], metricBySeed: [:], seeds: 2,
                                 status: .stopped, stoppedAt: 300),
            // A seed diverged at 600, its sibling stopped with it at the rung it had passed.
            ConfigurationResults(rank: 3, configID: "c", values: ["lr": .double(1e-2)], metricBySeed: [:], seeds: 2,
                                 diverged: 1, status: .stopped, stoppedAt: 300),
            ConfigurationResults(rank: 4, configID: "d", values: ["lr": .double(3e-2)], metricBySeed: [:], seeds: 2,
                                 diverged: 2, status: .diverged),
            // Every seed stopped before it started (its Langevin noise floor).
            ConfigurationResults(rank: 5, configID: "e", values: ["lr": .double(1e-1)], metricBySeed: [:], seeds: 2,
                                 status: .stopped, stoppedAt: 0),
        ]
        let markdown = SweepTables(sweepName: "s", subject: "ml on swiss_roll", metric: .kdeNLL, swept: ["lr"],
                                   configurations: rows).markdown()
        let line = { (id: String) in markdown.split(separator: "\n").first { $0.contains("| \(id) ") }.map(String.init) ?? "" }
        #expect(line("b").contains("stopped at 300"))
        #expect(line("c").contains("1 seed diverged") && !line("c").contains("stopped at"))
        #expect(line("d").contains("2 seeds diverged"))
        #expect(line("e").contains("not run") && !line("e").contains("stopped at"))
    }

    /// 25 configurations: 2 ranked, 21 stopped at rung 100, 2 never started. The paper's table
    /// has no "not run" rows; its caption counts them, and its 20-row cut is of the 23 that ran.
    @Test("results.tex counts the configurations early stopping never started in its caption instead of listing them")
    func latexLeavesOutNotRun() {
        var rows = [
            ConfigurationResults(rank: 1, configID: "a", values: ["lr": .double(1e-3)], metricBySeed: [0: 1.5, 1: 1.6], seeds: 2, status: .ok),
            ConfigurationResults(rank: 2, configID: "b", values: ["lr": .double(2e-3)], metricBySeed: [0: 1.7, 1: 1.8], seeds: 2, status: .ok),
        ]
        rows += (3...23).map { ConfigurationResults(rank: $0, configID: "s\($0)", values: ["lr": .double(Double($0) * 1e-3)],
                                                    metricBySeed: [:], seeds: 2, status: .stopped, stoppedAt: 100) }
        rows += (24...25).map { ConfigurationResults(rank: $0, configID: "n\($0)", values: ["lr": .double(Double($0) * 1e-3)],
                                                     metricBySeed: [:], seeds: 2, status: .stopped, stoppedAt: 0) }
        let tex = SweepTables(sweepName: "s", subject: "ml on swiss_roll", metric: .kdeNLL, swept: ["lr"],
                              configurations: rows).latex(label: "tab:s")
        #expect(!tex.contains("not run &") && !tex.contains("& not run"))
        #expect(tex.contains("2 of 25 configurations not run") && tex.contains("Best 20 of the 23 run"))
        #expect(tex.components(separatedBy: "stopped at 100").count - 1 == 18)
    }
}
