/// "Did you mean ...?" hints for misspelt keys and words.
public enum EditDistance {
    /// Levenshtein distance (insertions, deletions, substitutions each cost 1) over Unicode scalars.
    static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate nearest to `word`, if it is near enough to be a plausible typo: at most a third
    /// of the word's length away (and at least 2 edits allowed, so short names like `lr` match `lf`).
    /// Ties go to the earlier candidate, so hints are deterministic.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.unicodeScalars.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = between(word.lowercased(), candidate)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// ` (did you mean 'x'?)` or an empty string.
    static func hint(for word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
