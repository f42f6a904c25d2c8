/// Everything that decides a `Dataset`: the `[data]` table of docs/CONFIGURATION.md §2.1 in plain Swift values,
/// plus the target kind that the Experiment layer derives from the loss.
public struct DatasetOptions: Equatable, Sendable {
    public var source: DatasetSource
    /// `data.n`: keep the first `count` examples after class selection; 0 keeps all.
    public var count: Int
    /// `data.classes_subset`: [] all classes; [a, b] a binary task (a = +1); 3 or more: k outputs
    /// over the listed classes, output j being the j-th listed class.
    public var classSubset: [Int]
    public var standardization: Standardization
    public var standardizationReference: StandardizationReference
    public var targets: TargetKind

    public init(
        source: DatasetSource, count: Int = 1000, classSubset: [Int] = [],
        standardization: Standardization = .perPixel, standardizationReference: StandardizationReference = .subset,
        targets: TargetKind = .oneHot
    ) {
        self.source = source
        self.count = count
        self.classSubset = classSubset
        self.standardization = standardization
        self.standardizationReference = standardizationReference
        self.targets = targets
    }

    /// True when `classSubset` lists exactly two classes: one output, targets ±1.
    public var isBinary: Bool { classSubset.count == 2 }
}
