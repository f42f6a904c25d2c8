import LinearAlgebra
import Testing
@testable import Datasets

/// The tokens data set (`TokenSpec`, `TokenRule`): the synthetic sentiment task of
/// docs/ARCHITECTURES.md §Transformer.
@Suite struct TokensTests {
    private func load(_ spec: TokenSpec, count: Int) throws -> Dataset {
        try Dataset(loading: DatasetOptions(source: .tokens(spec), count: count, standardization: .none, targets: .plusMinusOne))
    }

    /// The ids of row i, as integers.
    private func ids(_ data: Dataset, _ i: Int) -> [Int] { data.x.row(i).map { Int($0) } }

    @Test func followsTheDocumentedGenerator() throws {
        let spec = TokenSpec(vocabulary: 10, length: 3, seed: 5)
        let data = try load(spec, count: 6)
        // Re-derive from TokenSpec's documentation: Fisher–Yates, then ⌊V/4⌋ of each sign, then
        // ⌊m/4⌋ negators among the m neutral tokens, then sequences with a score-0 redraw.
        var g = SeededGenerator(seed: 5, stream: .data)
        var pi = Array(0..<10)
        for i in stride(from: 9, to: 0, by: -1) { pi.swapAt(i, Int(TokenSpec.uniform(below: UInt64(i + 1), using: &g))) }
        var polarity = [Int](repeating: 0, count: 10)
        var negator = [Bool](repeating: false, count: 10)
        for t in pi[0..<2] { polarity[t] = 1 }
        for t in pi[2..<4] { polarity[t] = -1 }
        negator[pi[4]] = true  // m = 6 neutral tokens, ⌊6/4⌋ = 1 negator
        #expect(data.tokenRule == TokenRule(polarity: polarity, isNegator: negator))
        var rows: [[Int]] = []
        while rows.count < 6 {
            let row = (0..<3).map { _ in Int(TokenSpec.uniform(below: 10, using: &g)) }
            var score = 0
            for t in 0..<3 { score += (t > 0 && negator[row[t - 1]] ? -1 : 1) * polarity[row[t]] }
            if score != 0 { rows.append(row) }
        }
        #expect((0..<6).map { ids(data, $0) } == rows)
    }

    /// The uniform draw is exact rejection sampling: in range, and every value reached.
    @Test func uniformDrawsCoverTheirRange() {
        var g = SeededGenerator(seed: 1, stream: .testing)
        for bound: UInt64 in [1, 2, 3, 7, 64, 1 << 63 + 1] {
            let draws = (0..<200).map { _ in TokenSpec.uniform(below: bound, using: &g) }
            #expect(draws.allSatisfy { $0 < bound })
            if bound <= 7 { #expect(Set(draws).count == Int(bound)) }
        }
    }

    @Test func labelsFollowTheRule() throws {
        let spec = TokenSpec(vocabulary: 64, length: 16, seed: 3)
        let data = try load(spec, count: 500)
        let rule = try #require(data.tokenRule)
        // The tables: ⌊V/4⌋ tokens of each sign, ⌊m/4⌋ negators among the m neutral ones.
        #expect(rule.polarity.count { $0 == 1 } == 16 && rule.polarity.count { $0 == -1 } == 16)
        #expect(rule.isNegator.count { $0 } == 8)
        #expect(zip(rule.polarity, rule.isNegator).allSatisfy { !$1 || $0 == 0 })
        #expect(data.x.rows == 500 && data.x.columns == 16 && data.y.columns == 1)
        #expect(data.inputShape == InputShape(channels: 1, height: 1, width: 16))
        #expect(data.classIDs == [0, 1] && data.classNames == ["negative", "positive"] && data.isBinary)
        #expect(data.x.storage.allSatisfy { $0 == $0.rounded() && (0..<64).contains(Int($0)) })
        for i in 0..<500 {
            // Recomputed from the tables alone: sₜ = −1 after a negator.
            let row = ids(data, i)
            var score = 0
            for t in row.indices { score += (t > 0 && rule.isNegator[row[t - 1]] ? -1 : 1) * rule.polarity[row[t]] }
            #expect(score != 0)
            #expect(data.y[i, 0] == Double(score.signum()))
            #expect(data.labels[i] == (score > 0 ? 1 : 0))
            #expect(rule.score(row) == score)
        }
    }

    /// Attention to the previous token matters: without the negators some labels flip.
    @Test func negatorsMatter() throws {
        let data = try load(TokenSpec(vocabulary: 64, length: 16, seed: 0), count: 500)
        let rule = try #require(data.tokenRule)
        let plain = TokenRule(polarity: rule.polarity, isNegator: rule.polarity.map { _ in false })
        let flipped = (0..<500).count { plain.label(ids(data, $0)) != Int(data.y[$0, 0]) }
        #expect(flipped >= 25, "only \(flipped) of 500 labels depend on the negators")
        #expect(flipped < 250)
    }

    @Test func deterministicPerSeedAndDifferentAcrossSeeds() throws {
        let a = try load(TokenSpec(vocabulary: 32, length: 8, seed: 9), count: 100)
        let b = try load(TokenSpec(vocabulary: 32, length: 8, seed: 9), count: 100)
        let c = try load(TokenSpec(vocabulary: 32, length: 8, seed: 10), count: 100)
        #expect(a == b)
        #expect(a.x != c.x && a.tokenRule != c.tokenRule)
        // Example i is the same for every n.
        let shorter = try load(TokenSpec(vocabulary: 32, length: 8, seed: 9), count: 30)
        #expect(shorter.x.storage == Array(a.x.storage.prefix(30 * 8)) && shorter.tokenRule == a.tokenRule)
    }

    /// Exchanging the +1 and −1 tokens negates every score, so the classes are balanced in law.
    @Test func classesAreRoughlyBalanced() throws {
        for seed: UInt64 in [0, 1, 2] {
            let data = try load(TokenSpec(seed: seed), count: 2000)
            let positive = Double(data.labels.count { $0 == 1 }) / 2000
            #expect(abs(positive - 0.5) < 0.06, "seed \(seed): \(positive) positive")
        }
        // The smallest vocabulary: one token of each sign, no negator; still both classes.
        let small = try load(TokenSpec(vocabulary: 4, length: 2, seed: 0), count: 200)
        #expect(small.tokenRule?.isNegator.contains(true) == false)
        #expect(Set(small.labels) == [0, 1])
    }

    @Test func invalidSettingsAreRefused() {
        #expect(throws: DatasetError.invalidOption(key: "data.vocab", reason: "the tokens data set needs at least 4 token ids, got 3")) {
            try load(TokenSpec(vocabulary: 3), count: 10)
        }
        #expect(
            throws: DatasetError.invalidOption(
                key: "data.length", reason: "a sequence needs at least 2 tokens (a negator and what it negates), got 1")
        ) {
            try load(TokenSpec(length: 1), count: 10)
        }
        #expect(
            throws: DatasetError.invalidOption(
                key: "data.n",
                reason: "the tokens source is unbounded: set data.n to the number of sequences wanted (0 = all is not defined)")
        ) {
            try load(TokenSpec(), count: 0)
        }
        let source = DatasetSource.tokens(TokenSpec())
        #expect(throws: DatasetError.self) {
            try Dataset(
                loading: DatasetOptions(source: source, count: 10, classSubset: [0, 1], standardization: .none, targets: .plusMinusOne))
        }
        #expect(throws: DatasetError.self) { try Dataset(loading: DatasetOptions(source: source, count: 10, targets: .plusMinusOne)) }
        #expect(throws: DatasetError.self) { try Dataset(loading: DatasetOptions(source: source, count: 10, standardization: .none)) }
        #expect(source.description == "tokens (vocab 64, length 16, seed 0)" && source.name == "tokens")
    }

    @Test func theSummarySaysWhatTheSetIs() throws {
        let data = try load(TokenSpec(vocabulary: 64, length: 16, seed: 0), count: 100)
        #expect(
            data.summary.hasPrefix(
                "tokens: 100 sequences of 16 token ids over a vocabulary of 64 (16 positive, 16 negative, 32 neutral of which 8 negators; seed 0), binary (positive = +1, negative = −1), "
            ))
        #expect(data.summary.hasSuffix("% positive, not standardized"))
    }
}
