import CZlib

/// A minimal PNG encoder (ISO/IEC 15948): signature, IHDR, one IDAT, IEND; 8-bit RGB or RGBA,
/// no interlacing, filter type 0 on every row. The only file of the module that imports zlib.
///
/// Heat maps are small (a few hundred pixels a side), so one zlib stream at level 6 is fine; the
/// encoding is deterministic for a given zlib version.
public enum PNG {
    /// The eight signature bytes every PNG starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes the image. zlib's `compress2` into a `compressBound`-sized buffer cannot run out of
    /// space; failure there (out of memory) traps.
    public static func encode(_ image: RasterImage) -> [UInt8] {
        var out = signature
        var header: [UInt8] = []
        header += bigEndian(UInt32(image.width))
        header += bigEndian(UInt32(image.height))
        header += [8, image.channels == 4 ? 6 : 2, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace
        appendChunk("IHDR", header, to: &out)

        let rowBytes = image.width * image.channels
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * image.height)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let dst = y * (rowBytes + 1)
                raw[dst] = 0  // filter type None
                for x in 0..<rowBytes { raw[dst + 1 + x] = src[y * rowBytes + x] }
            }
        }
        appendChunk("IDAT", deflate(raw), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// CRC-32 (ISO 3309, as PNG chunks use) of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }

    private static func deflate(_ raw: [UInt8]) -> [UInt8] {
        var destinationLength = compressBound(uLong(raw.count))
        var destination = [UInt8](repeating: 0, count: Int(destinationLength))
        let status = destination.withUnsafeMutableBufferPointer { dst in
            raw.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &destinationLength, src.baseAddress, uLong(src.count), 6)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status) (out of memory?)")
        return Array(destination[0..<Int(destinationLength)])
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
