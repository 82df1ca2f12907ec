/// An 8-bit image, row-major from the top row down, `channels` bytes per pixel (3 = RGB, 4 = RGBA).
public struct RasterImage: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    /// Precondition: width, height ≥ 1; channels is 3 or 4; `pixels.count == width * height * channels`.
    public init(width: Int, height: Int, channels: Int = 3, pixels: [UInt8]) {
        precondition(width >= 1 && height >= 1, "image must be at least 1×1")
        precondition(channels == 3 || channels == 4, "channels must be 3 (RGB) or 4 (RGBA)")
        precondition(pixels.count == width * height * channels,
                     "pixels has \(pixels.count) bytes, \(width)×\(height)×\(channels) needs \(width * height * channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Colours a scalar grid `[ny, nx]` whose row 0 is the *bottom* of the plot (smallest y), as
    /// PlotBox grids are; the image is flipped so row 0 is the top. Values are mapped linearly from
    /// `range` to the colour map (clamped); non-finite values get the top colour of the map,
    /// because they arise where an energy overflows, i.e. far from the data. Any range works; a
    /// non-finite or zero width maps everything to the bottom colour.
    ///
    /// Precondition: `grid` has at least one row and column.
    public init(grid: [Double], rows ny: Int, columns nx: Int, range: ClosedRange<Double>, colorMap: ColorMap) {
        precondition(ny >= 1 && nx >= 1 && grid.count == ny * nx, "grid shape mismatch")
        let table = colorMap.lookupTable
        let span = range.upperBound - range.lowerBound
        let inverse = span > 0 && span.isFinite ? 255 / span : 0
        var pixels = [UInt8](repeating: 0, count: nx * ny * 3)
        for j in 0..<ny {
            let outRow = ny - 1 - j
            for i in 0..<nx {
                let v = grid[j * nx + i]
                let level: Int
                // NaN where a subnormal range meets a huge value (∞ · 0): the top colour, as for
                // non-finite values.
                let scaled = (v - range.lowerBound) * inverse
                if v.isFinite && !scaled.isNaN {
                    level = Int(min(max(scaled, 0), 255).rounded())
                } else {
                    level = 255
                }
                let c = table[level]
                let p = (outRow * nx + i) * 3
                pixels[p] = c.red
                pixels[p + 1] = c.green
                pixels[p + 2] = c.blue
            }
        }
        self.init(width: nx, height: ny, channels: 3, pixels: pixels)
    }
}
