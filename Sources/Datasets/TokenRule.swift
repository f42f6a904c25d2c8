/// The sentiment rule of the `tokens` data set (docs/ARCHITECTURES.md §Transformer): every
/// token t of the vocabulary has a polarity p(t) ∈ {−1, 0, +1}, and some tokens of polarity 0
/// are negators, which flip the sign of the token after them.
///
/// A sequence x₀ … x_{T−1} scores Σₜ sₜ·p(xₜ) with sₜ = −1 when t ≥ 1 and x_{t−1} is a negator,
/// else +1; its label is the sign of the score (`TokenSpec` redraws sequences that score 0).
/// `data.safetensors` records the two tables as `polarity` [vocab] and `negator` [vocab] (int64).
public struct TokenRule: Equatable, Hashable, Sendable {
    /// p(t) for each token id t, [vocab]: −1, 0 or +1.
    public var polarity: [Int]
    /// Whether token id t is a negator, [vocab]; a negator has polarity 0.
    public var isNegator: [Bool]

    public init(polarity: [Int], isNegator: [Bool]) {
        precondition(polarity.count == isNegator.count, "\(polarity.count) polarities but \(isNegator.count) negator flags")
        precondition(polarity.allSatisfy { (-1...1).contains($0) }, "a polarity outside {−1, 0, +1}")
        precondition(zip(polarity, isNegator).allSatisfy { !$1 || $0 == 0 }, "a negator with a polarity")
        self.polarity = polarity
        self.isNegator = isNegator
    }

    /// V, the number of token ids.
    public var vocabularySize: Int { polarity.count }

    /// Σₜ sₜ·p(xₜ) of a sequence of token ids (each in 0..<V), sₜ = −1 after a negator.
    public func score(_ sequence: some Sequence<Int>) -> Int {
        var total = 0
        var negated = false
        for token in sequence {
            total += negated ? -polarity[token] : polarity[token]
            negated = isNegator[token]
        }
        return total
    }

    /// The sign of `score(sequence)`: +1, −1, or 0 for a sequence the data set never keeps.
    public func label(_ sequence: some Sequence<Int>) -> Int {
        score(sequence).signum()
    }
}
