/// "Did you mean …?" for a misspelt key or value.
enum Suggestion {
    /// The optimal-string-alignment edit distance: insertions, deletions, substitutions and
    /// transpositions of adjacent characters each cost 1 (`widht` → `width` is 1).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// The candidate closest to `word`: a dotted key whose last component equals `word`'s
    /// (`train.width` → `model.width`) first, else the nearest by edit distance if it is within
    /// a third of the word's length (at least 2); ties go to the earlier candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let leaf = word.split(separator: ".").last.map(String.init) ?? word
        if word.contains("."),
            let sameLeaf = candidates.first(where: { $0 != word && $0.split(separator: ".").last.map(String.init) == leaf })
        {
            return sameLeaf
        }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, word.count / 3) else { return nil }
        return best.candidate
    }
}
