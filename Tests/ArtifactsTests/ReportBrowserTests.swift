import Foundation
import Testing
import TestSupport
@testable import Artifacts

/// report.html opened in headless Chromium, as a user opens it: every image loads, the page renders.
@Suite("report.html in a browser", .serialized)
struct ReportBrowserTests {
    /// Appended to a copy of the page: loads every `<img>` and SVG `<image>` again and writes how
    /// many loaded and which failed into the DOM, which `--dump-dom` prints.
    static let imageCheck = """
        <script>
        (async () => {
          const urls = [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
            .concat([...document.querySelectorAll('image')].map(i => i.getAttribute('href') || i.getAttribute('xlink:href')));
          let ok = 0; const bad = [];
          await Promise.all(urls.map(u => new Promise(done => {
            const probe = new Image();
            probe.onload = () => { ok++; done(); };
            probe.onerror = () => { bad.push(String(u).slice(0, 60)); done(); };
            probe.src = u;
          })));
          const out = document.createElement('pre');
          out.id = 'image-check';
          out.textContent = 'images-ok=' + ok + ' images-failed=' + bad.length + ' svgs=' + document.querySelectorAll('svg').length + ' ' + bad.join(' ');
          document.body.appendChild(out);
        })();
        </script>
        """

    static func chromium(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        try ExternalTool.run("chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments,
                             in: URL(fileURLWithPath: directory), timeout: 180, package: "chromium")
    }

    @Test("every image of report.html loads in Chromium and the page renders to a screenshot")
    func images() throws {
        let fixture = try ComparisonFigureTests.fixture()
        try fixture.writeArtifacts()
        let html = try fixture.read("report.html")
        // Every reference is inline (data:) or a file that exists beside the page.
        for attribute in ["src=\"", "href=\""] {
            for piece in html.components(separatedBy: attribute).dropFirst() {
                let target = String(piece.prefix { $0 != "\"" })
                #expect(target.hasPrefix("data:") || FileManager.default.fileExists(atPath: fixture.path(target)), "missing \(target.prefix(60))")
            }
        }
        try html.replacingOccurrences(of: "</body>", with: Self.imageCheck + "</body>")
            .write(toFile: fixture.path("report-check.html"), atomically: true, encoding: .utf8)
        let dump = try Self.chromium(["--virtual-time-budget=20000", "--dump-dom", "file://" + fixture.path("report-check.html")],
                                     in: fixture.directory)
        #expect(dump.status == 0)
        let line = try #require(dump.output.components(separatedBy: "images-ok=").last?.split(separator: "<").first)
        let counts = line.split(separator: " ")
        #expect(counts.contains("images-failed=0"), "\(line)")
        #expect((Int(counts.first ?? "") ?? 0) >= 1, "the heat maps' colour bars are images: \(line)")
        let figures = try FileManager.default.contentsOfDirectory(atPath: fixture.path("figures")).filter { $0.hasSuffix(".svg") }.count
        let svgs = Int(counts.first { $0.hasPrefix("svgs=") }?.dropFirst(5) ?? "") ?? 0
        #expect(svgs >= figures, "every comparison figure is on the page (\(svgs) svg elements, \(figures) figures)")

        let shot = fixture.path("report.png")
        let run = try Self.chromium(["--window-size=1280,4000", "--screenshot=\(shot)", "file://" + fixture.path("report.html")],
                                    in: fixture.directory)
        #expect(run.status == 0)
        let png = try #require(FileManager.default.contents(atPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 50_000, "a blank page compresses to a few kB")
        if let keep = ProcessInfo.processInfo.environment["EBM_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: shot, toPath: keep)
        }
    }
}
