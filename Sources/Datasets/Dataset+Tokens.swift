import LinearAlgebra

extension Dataset {
    /// The tokens data set of `spec` (see `TokenSpec`): n = `options.count` sequences, x the
    /// token ids [n, T] as exact integers, y [n, 1] the sign ±1 of each score, labels 1 for
    /// +1 and 0 for −1, classes ["negative", "positive"], input shape 1×1×T, and the rule.
    /// It is binary by construction and never standardized: a class subset, a standardization
    /// or one-hot targets are refused naming the key.
    init(tokens spec: TokenSpec, _ options: DatasetOptions) throws(DatasetError) {
        guard options.classSubset.isEmpty else {
            throw .invalidOption(
                key: "data.classes_subset",
                reason: "the tokens data set is binary by construction (score > 0 is +1); remove data.classes_subset")
        }
        guard options.standardization == .none else {
            throw .invalidOption(
                key: "data.standardize",
                reason: "token ids are never standardized; build the tokens data set with Standardization.none")
        }
        guard options.targets == .plusMinusOne else {
            throw .invalidOption(
                key: "data.name",
                reason: "tokens is a binary task with one output and ±1 targets; build it with TargetKind.plusMinusOne, not one-hot")
        }
        let (rule, ids, signs) = try spec.generate(count: options.count)
        let n = signs.count
        let positive = signs.count { $0 > 0 }
        let negators = rule.isNegator.count { $0 }
        let positiveTokens = rule.polarity.count { $0 > 0 }
        let negativeTokens = rule.polarity.count { $0 < 0 }
        let neutralTokens = spec.vocabulary - positiveTokens - negativeTokens
        let percent = (100 * Double(positive) / Double(n)).rounded()
        self.init(
            x: Matrix(rows: n, columns: spec.length, storage: ids.map(Double.init)),
            y: Matrix(rows: n, columns: 1, storage: signs.map(Double.init)),
            labels: signs.map { $0 > 0 ? 1 : 0 }, inputShape: InputShape(channels: 1, height: 1, width: spec.length),
            classIDs: [0, 1], classNames: TokenSpec.classNames,
            summary: "tokens: \(n) sequences of \(spec.length) token ids over a vocabulary of \(spec.vocabulary) "
                + "(\(positiveTokens) positive, \(negativeTokens) negative, \(neutralTokens) neutral of which \(negators) negators; "
                + "seed \(spec.seed)), binary (positive = +1, negative = −1), \(Int(percent))% positive, not standardized",
            tokenRule: rule)
    }
}
