/// A `Duration` as a number of seconds: the one conversion the project uses (timings, the I/O
/// loops' clocks, channel timeouts), so none keeps a hand copy of the attoseconds arithmetic.
extension Duration {
    /// Seconds, with the fraction (attosecond resolution rounded to a Double).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
