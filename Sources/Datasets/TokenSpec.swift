import LinearAlgebra

/// The tokens source (`data.name = "tokens"`): a synthetic sentiment task in the spirit of SST-2
/// for the transformer (docs/ARCHITECTURES.md §Transformer, docs/CONFIGURATION.md §2.1).
///
/// Generator, exactly, from one `SeededGenerator(seed: seed, stream: .data)`, with
/// uniform(b) ∈ 0..<b drawn by rejection — r = next() until r < 2⁶⁴ − (2⁶⁴ mod b), then r mod b:
/// 1. the rule (`TokenRule`): a uniformly random permutation π of the token ids 0..<V by
///    Fisher–Yates (π = 0, 1, …, V−1; for i = V−1 down to 1 swap π[i] with π[uniform(i + 1)]).
///    With q = ⌊V/4⌋, the tokens π[0..<q] have polarity +1, π[q..<2q] polarity −1 and the
///    other m = V − 2q polarity 0; the first ⌊m/4⌋ of those, π[2q..<2q + ⌊m/4⌋], are the
///    negators. So each token is +1, 0, −1 with probabilities ¼, ½, ¼ (exactly so when 4
///    divides V), both signs occur for every seed, and the classes are balanced in law
///    (exchanging the +1 and −1 tokens negates every score);
/// 2. then sequences, one after another: T token ids, each uniform(V); a sequence whose score
///    is 0 is dropped and the next one drawn in its place, until n sequences are kept.
/// Example i is the same for every n, so the source is unbounded and `data.n` must be positive.
///
/// The data set is binary: one output, target +1 for a positive score and −1 for a negative
/// one; labels 1 (positive) and 0 (negative). x holds the token ids as exact integers, [n, T],
/// input shape 1×1×T; ids are never standardized.
public struct TokenSpec: Equatable, Hashable, Sendable {
    /// V, the vocabulary size (`data.vocab`), ≥ 4.
    public var vocabulary: Int
    /// T, the sequence length (`data.length`), ≥ 2.
    public var length: Int
    /// The data's own seed (`data.seed`), independent of the model's.
    public var seed: UInt64

    public init(vocabulary: Int = 64, length: Int = 16, seed: UInt64 = 0) {
        self.vocabulary = vocabulary
        self.length = length
        self.seed = seed
    }

    /// The class names, by label: 0 = negative (target −1), 1 = positive (target +1).
    public static let classNames = ["negative", "positive"]

    /// The rule and `count` sequences as described above: (rule, ids row-major [count, T],
    /// the sign ±1 of each sequence's score).
    func generate(count: Int) throws(DatasetError) -> (rule: TokenRule, ids: [Int], signs: [Int]) {
        guard vocabulary >= 4 else {
            throw .invalidOption(key: "data.vocab", reason: "the tokens data set needs at least 4 token ids, got \(vocabulary)")
        }
        guard length >= 2 else {
            throw .invalidOption(
                key: "data.length", reason: "a sequence needs at least 2 tokens (a negator and what it negates), got \(length)")
        }
        guard count > 0 else {
            throw .invalidOption(
                key: "data.n",
                reason: "the tokens source is unbounded: set data.n to the number of sequences wanted (0 = all is not defined)")
        }
        var generator = SeededGenerator(seed: seed, stream: .data)
        let rule = Self.rule(vocabulary: vocabulary, using: &generator)
        var ids = [Int](repeating: 0, count: count * length)
        var signs = [Int](repeating: 0, count: count)
        for i in 0..<count {
            let row = i * length..<(i + 1) * length
            repeat {
                for j in row { ids[j] = Int(Self.uniform(below: UInt64(vocabulary), using: &generator)) }
                signs[i] = rule.label(ids[row])
            } while signs[i] == 0
        }
        return (rule, ids, signs)
    }

    /// Step 1: polarities and negators from a seeded permutation of the V token ids.
    static func rule(vocabulary: Int, using generator: inout SeededGenerator) -> TokenRule {
        var permutation = Array(0..<vocabulary)
        for i in stride(from: vocabulary - 1, to: 0, by: -1) {
            permutation.swapAt(i, Int(uniform(below: UInt64(i + 1), using: &generator)))
        }
        let quarter = vocabulary / 4
        let negators = (vocabulary - 2 * quarter) / 4
        var polarity = [Int](repeating: 0, count: vocabulary)
        var isNegator = [Bool](repeating: false, count: vocabulary)
        for token in permutation[0..<quarter] { polarity[token] = 1 }
        for token in permutation[quarter..<2 * quarter] { polarity[token] = -1 }
        for token in permutation[2 * quarter..<2 * quarter + negators] { isNegator[token] = true }
        return TokenRule(polarity: polarity, isNegator: isNegator)
    }

    /// Uniform on 0..<bound (bound ≥ 1) by rejection: draws r until r < 2⁶⁴ − (2⁶⁴ mod bound),
    /// returns r mod bound. Written out (not `UInt64.random(in:using:)`, whose algorithm the
    /// standard library may change) so a data set stays the same bits across toolchains.
    static func uniform(below bound: UInt64, using generator: inout SeededGenerator) -> UInt64 {
        precondition(bound >= 1, "uniform(below: \(bound))")
        let excess = (UInt64.max % bound &+ 1) % bound  // 2⁶⁴ mod bound
        while true {
            let r = generator.next()
            if r <= UInt64.max - excess { return r % bound }
        }
    }
}
