/// An 8-bit RGB colour.
public struct RGB: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`, lower case, for SVG attributes.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [red, green, blue] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 15)])
        }
        return s
    }
}

/// Perceptually uniform colour maps for heat maps (Smith & van der Walt's matplotlib maps, CC0).
///
/// Each map is linear interpolation between 17 anchors: entries 0, 16, 32, ..., 240, 255 of the
/// published 256-entry tables (matplotlib `_cm_listed.py`). Between anchors the published tables are
/// nearly linear; the interpolation stays within about one 8-bit level of the full table.
public enum ColorMap: String, CaseIterable, Sendable {
    case viridis
    case inferno

    /// The colour at `t` in [0, 1]; `t` outside is clamped, NaN maps to 0 (the low end).
    public func color(at t: Double) -> RGB {
        let anchors = self.anchors
        let u = t.isNaN ? 0 : min(max(t, 0), 1)
        // Anchor k sits at table index positions[k] / 255.
        let index = u * 255
        var k = 0
        while k < Self.positions.count - 2 && Double(Self.positions[k + 1]) < index { k += 1 }
        let lo = Double(Self.positions[k])
        let hi = Double(Self.positions[k + 1])
        let w = (index - lo) / (hi - lo)
        let a = anchors[k]
        let b = anchors[k + 1]
        func channel(_ i: Int) -> UInt8 {
            let v = (a[i] + (b[i] - a[i]) * w) * 255
            return UInt8(min(max(v.rounded(), 0), 255))
        }
        return RGB(red: channel(0), green: channel(1), blue: channel(2))
    }

    /// 256 precomputed colours, for mapping large grids without re-interpolating per pixel.
    public var lookupTable: [RGB] {
        (0..<256).map { color(at: Double($0) / 255) }
    }

    static let positions = [0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 255]

    private var anchors: [[Double]] {
        switch self {
        case .viridis: Self.viridisAnchors
        case .inferno: Self.infernoAnchors
        }
    }

    private static let viridisAnchors: [[Double]] = [
        [0.267004, 0.004874, 0.329415], [0.282327, 0.094955, 0.417331], [0.278826, 0.175490, 0.483397],
        [0.258965, 0.251537, 0.524736], [0.229739, 0.322361, 0.545706], [0.199430, 0.387607, 0.554642],
        [0.172719, 0.448791, 0.557885], [0.149039, 0.508051, 0.557250], [0.127568, 0.566949, 0.550556],
        [0.120638, 0.625828, 0.533488], [0.157851, 0.683765, 0.501686], [0.246070, 0.738910, 0.452024],
        [0.369214, 0.788888, 0.382914], [0.515992, 0.831158, 0.294279], [0.678489, 0.863742, 0.189503],
        [0.845561, 0.887322, 0.099702], [0.993248, 0.906157, 0.143936],
    ]

    private static let infernoAnchors: [[Double]] = [
        [0.001462, 0.000466, 0.013866], [0.042253, 0.028139, 0.141141], [0.129285, 0.047293, 0.290788],
        [0.238273, 0.036621, 0.396353], [0.341500, 0.062325, 0.429425], [0.441207, 0.099338, 0.431594],
        [0.540920, 0.134729, 0.415123], [0.640135, 0.171438, 0.381065], [0.735683, 0.215906, 0.330245],
        [0.822386, 0.275197, 0.266085], [0.894305, 0.353399, 0.193584], [0.946965, 0.449191, 0.115272],
        [0.978422, 0.557937, 0.034931], [0.987874, 0.675267, 0.065257], [0.974638, 0.797692, 0.206332],
        [0.947594, 0.917399, 0.410665], [0.988362, 0.998364, 0.644924],
    ]
}
