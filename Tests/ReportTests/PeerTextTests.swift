import Report
import Testing

@Suite("Text from a peer, made safe to print")
struct PeerTextTests {
    @Test("Control and invisible characters are escaped, printable text and backslashes kept, length bounded")
    func escaping() {
        #expect(PeerText.escaped("box\nFORGED line\t\u{1B}[2J") == "box\\u{A}FORGED line\\u{9}\\u{1B}[2J")
        #expect(PeerText.escaped("\u{9B}31m \u{7F} \u{202E}evil \u{2028}") == "\\u{9B}31m \\u{7F} \\u{202E}evil \\u{2028}")
        #expect(PeerText.escaped("naïve – 東京 \\u{1B} ok") == "naïve – 東京 \\u{1B} ok")
        let once = PeerText.escaped("a\u{7}b")
        #expect(PeerText.escaped(once) == once)
        #expect(PeerText.escaped(String(repeating: "x", count: 5000), limit: 10) == "xxxxxxxxxx…(4990 more)")
    }
}
