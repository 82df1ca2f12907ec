import Artifacts
import Foundation
import Testing

@Suite struct ReportFileTests {
    @Test("files are written whole, replacing the old content; a missing directory is a typed error")
    func atomicWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.svg"
        try ReportFile.write("first", to: path)
        try ReportFile.write("second ±", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second ±")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.svg"])
        #expect(throws: ReportFileError.self) { try ReportFile.write([1, 2], to: dir + "/missing/b.png") }
    }
}
