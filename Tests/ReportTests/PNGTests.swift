import Testing
@testable import Report

@Suite struct PNGTests {
    static func gradient(width: Int, height: Int, channels: Int) -> RasterImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels { pixels.append(UInt8((x * 7 + y * 13 + c * 50) % 256)) }
            }
        }
        return RasterImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    @Test("a PNG has the signature, IHDR first, IEND last and a valid CRC on every chunk",
          arguments: [3, 4])
    func structure(channels: Int) throws {
        let png = PNG.encode(Self.gradient(width: 37, height: 11, channels: channels))
        let chunks = try #require(Check.chunks(png))
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks.allSatisfy { $0.crcMatches })
        let ihdr = chunks[0].data
        #expect(Check.readUInt32(ihdr, 0) == 37)
        #expect(Check.readUInt32(ihdr, 4) == 11)
        #expect(ihdr[8] == 8)
        #expect(ihdr[9] == (channels == 4 ? 6 : 2))
    }

    @Test("IDAT inflates to one filter byte plus the pixels of every row", arguments: [3, 4])
    func idatRoundTrip(channels: Int) throws {
        let image = Self.gradient(width: 23, height: 9, channels: channels)
        let chunks = try #require(Check.chunks(PNG.encode(image)))
        let rowBytes = 23 * channels
        let raw = try #require(Check.inflate(chunks[1].data, expected: 9 * (rowBytes + 1)))
        #expect(raw.count == 9 * (rowBytes + 1))
        var pixels: [UInt8] = []
        for y in 0..<9 {
            #expect(raw[y * (rowBytes + 1)] == 0)
            pixels += raw[(y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1))]
        }
        #expect(pixels == image.pixels)
    }

    @Test("the module's CRC-32 agrees with a bitwise reference")
    func crc() {
        let inputs: [[UInt8]] = [[], Array("IEND".utf8), Array("123456789".utf8), (0..<300).map { UInt8($0 % 256) }]
        for bytes in inputs { #expect(PNG.crc32(bytes) == Check.referenceCRC32(bytes)) }
        // The CRC-32 check value of "123456789" (ISO 3309).
        #expect(Check.referenceCRC32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("a grid image puts its row 0 (the smallest y) at the bottom and maps the range ends to the map ends")
    func gridOrientation() {
        // 1 column, 2 rows: bottom row low value, top row high value.
        let image = RasterImage(grid: [0, 1], rows: 2, columns: 1, range: 0...1, colorMap: .viridis)
        let top = ColorMap.viridis.color(at: 1), bottom = ColorMap.viridis.color(at: 0)
        #expect(Array(image.pixels[0..<3]) == [top.red, top.green, top.blue])
        #expect(Array(image.pixels[3..<6]) == [bottom.red, bottom.green, bottom.blue])
    }

    @Test("colour maps hit the published end points and the viridis middle")
    func colorMaps() {
        // Published viridis ends #440154 and #fde725; index 128 is (0.127568, 0.566949, 0.550556) → #21918c.
        #expect(ColorMap.viridis.color(at: 0).hex == "#440154")
        #expect(ColorMap.viridis.color(at: 1).hex == "#fde725")
        #expect(ColorMap.viridis.color(at: 128.0 / 255).hex == "#21918c")
        #expect(ColorMap.inferno.color(at: 0).hex == "#000004")
        #expect(ColorMap.inferno.color(at: 1).hex == "#fcffa4")
        // Perceptual maps get brighter along the scale: the summed channels rise at every anchor for inferno.
        let sums = ColorMap.positions.map { p -> Int in
            let c = ColorMap.inferno.color(at: Double(p) / 255)
            return Int(c.red) + Int(c.green) + Int(c.blue)
        }
        #expect(zip(sums, sums.dropFirst()).allSatisfy { $0 < $1 })
    }
}
