import Foundation

/// One progress line for `ebm-sweep train`: redrawn in place on a terminal, a line every 10 % otherwise.
final class TrainingProgressLine: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDrawn = Date.distantPast
    private var lastTenth = -1
    private let started = Date()

    init(total: Int, enabled: Bool) {
        self.total = max(1, total)
        self.enabled = enabled
    }

    func start(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    func update(iteration: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        let tenth = iteration * 10 / total
        if isTerminal {
            guard now.timeIntervalSince(lastDrawn) > 0.1 || iteration == total else { return }
            lastDrawn = now
            let elapsed = now.timeIntervalSince(started)
            let eta = elapsed / Double(iteration) * Double(total - iteration)
            let filled = iteration * 30 / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
            let line = String(format: "\r\u{1B}[2K%@ %d/%d  loss %.4f  %.1f ms/it  eta %.0f s", bar, iteration, total, loss,
                              elapsed / Double(iteration) * 1000, eta)
            FileHandle.standardError.write(Data(line.utf8))
        } else if tenth != lastTenth {
            lastTenth = tenth
            FileHandle.standardError.write(Data(String(format: "iteration %d/%d loss %.4f\n", iteration, total, loss).utf8))
        }
    }

    func finish() {
        guard enabled, isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
