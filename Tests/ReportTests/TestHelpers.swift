import CZlib
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Report

/// Independent checks of the module's outputs: an XML parser, an HTML tag-balance checker and a
/// PNG reader with its own CRC-32, so the tests do not trust the code they test.
enum Check {
    /// Parses `text` as XML with Foundation's parser; returns the root element.
    static func xmlRoot(_ text: String) throws -> XMLElement? {
        let document = try XMLDocument(xmlString: text, options: [])
        return document.rootElement()
    }

    /// All elements named `name` anywhere under `element` (the element itself included).
    static func elements(named name: String, in element: XMLElement) -> [XMLElement] {
        var out: [XMLElement] = element.name == name ? [element] : []
        for child in element.children ?? [] {
            if let e = child as? XMLElement { out += elements(named: name, in: e) }
        }
        return out
    }

    /// An attribute's value. (FoundationXML's `attribute(forName:)` returns nil on elements in a
    /// default namespace, as every SVG element is, so search the list.)
    static func attribute(_ name: String, of element: XMLElement) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    static let voidElements: Set<String> = ["meta", "br", "img", "hr", "link", "input", "source", "wbr"]

    /// Tags of an HTML page balance (void elements excepted, self-closing SVG tags allowed);
    /// returns the first problem, or nil.
    static func htmlBalanceProblem(_ html: String) -> String? {
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return "unterminated tag" }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") || tag.hasPrefix("?") { continue }
            if tag.hasSuffix("/") { continue }
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
            if name.hasPrefix("/") {
                let n = String(name.dropFirst()).lowercased()
                guard stack.last == n else { return "closing </\(n)> but open is <\(stack.last ?? "nothing")>" }
                stack.removeLast()
            } else if !voidElements.contains(name.lowercased()) {
                stack.append(name.lowercased())
            }
        }
        return stack.isEmpty ? nil : "unclosed <\(stack.joined(separator: "> <"))>"
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The PNG byte strings of every `data:image/png;base64,` URI in `svg`.
    static func embeddedPNGs(_ svg: String) -> [[UInt8]] {
        svg.components(separatedBy: "data:image/png;base64,").dropFirst().compactMap { part in
            guard let end = part.firstIndex(of: "\"") else { return nil }
            return Data(base64Encoded: String(part[..<end])).map { Array($0) }
        }
    }

    struct Chunk {
        var type: String
        var data: [UInt8]
        var crcMatches: Bool
    }

    /// Splits a PNG after its signature into chunks, checking each CRC with `referenceCRC32`.
    static func chunks(_ png: [UInt8]) -> [Chunk]? {
        guard png.count >= 8, Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        var out: [Chunk] = []
        var p = 8
        while p + 12 <= png.count {
            let length = Int(readUInt32(png, p))
            guard p + 12 + length <= png.count else { return nil }
            let typeAndData = Array(png[(p + 4)..<(p + 8 + length)])
            let crc = readUInt32(png, p + 8 + length)
            out.append(Chunk(type: String(decoding: typeAndData[0..<4], as: UTF8.self),
                             data: Array(typeAndData[4...]), crcMatches: crc == referenceCRC32(typeAndData)))
            p += 12 + length
        }
        return p == png.count ? out : nil
    }

    static func readUInt32(_ b: [UInt8], _ p: Int) -> UInt32 {
        UInt32(b[p]) << 24 | UInt32(b[p + 1]) << 16 | UInt32(b[p + 2]) << 8 | UInt32(b[p + 3])
    }

    /// Bit-by-bit CRC-32 (reflected polynomial 0xEDB88320), written from the PNG spec, not zlib.
    static func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// zlib `uncompress` into a buffer of `expected + 1` bytes; returns what came out.
    static func inflate(_ data: [UInt8], expected: Int) -> [UInt8]? {
        var length = uLongf(expected + 1)
        var out = [UInt8](repeating: 0, count: expected + 1)
        let status = out.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &length, src.baseAddress, uLong(src.count)) }
        }
        guard status == Z_OK else { return nil }
        return Array(out[0..<Int(length)])
    }
}
