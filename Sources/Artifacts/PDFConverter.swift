import Foundation

/// SVG → PDF for LaTeX documents by librsvg's `rsvg-convert` (a maintained renderer; drawing PDF by
/// hand would mean a second renderer to keep in step with the SVG one).
enum PDFConverter {
    /// Longest a conversion may take before it is killed: the figures are small; a hung converter
    /// must not hold up the coordinator's report.
    static let timeout: TimeInterval = 30

    /// The converter's path, or nil when librsvg2-bin is not installed.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"])
            .map { $0 + "/rsvg-convert" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Converts `svgPath` to `pdfPath` (temp file, then rename). Returns nil on success, else a
    /// sentence saying what went wrong and what to install.
    static func convert(_ svgPath: String, to pdfPath: String) -> String? {
        guard let executable else {
            return "PDFs not written: rsvg-convert not found (install librsvg2-bin)"
        }
        let temporary = pdfPath + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "pdf", "-o", temporary, svgPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            return "PDFs not written: cannot start \(executable): \(error)"
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: temporary)
            return "PDF of \(svgPath) not written: rsvg-convert took over \(Int(timeout)) s"
        }
        guard process.terminationStatus == 0, rename(temporary, pdfPath) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            return "PDF of \(svgPath) not written: rsvg-convert exited with \(process.terminationStatus)"
        }
        return nil
    }
}
