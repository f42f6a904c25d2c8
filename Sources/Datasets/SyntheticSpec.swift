import LinearAlgebra

/// The synthetic source (`data.name = "synthetic"`): Gaussian class clusters.
///
/// Generator, exactly, from one `SeededGenerator(seed: seed, stream: .data)`:
/// 1. class means μ_c ~ N(0, I_d) for c = 0, 1, …, classes − 1, drawn mean by mean, coordinate
///    by coordinate (classes·d `nextNormal()` draws);
/// 2. then examples i = 0, 1, 2, … in order: label(i) = i mod classes (labels cycle),
///    xᵢ = μ_label(i) + εᵢ with εᵢ ~ N(0, I_d) (d draws per example).
/// Every example i is drawn, also those a class subset drops, so example i is the same for
/// every subset and every n; generation stops at the n-th kept example. The sequence is
/// unbounded, so `data.n` must be positive, and the source's "whole training set" (for
/// `standardize_from = "all"`) is every example generated, i.e. examples 0 … i_last.
/// Input shape: `shape` (`data.shape`, c·h·w = d), feature j of a row being pixel
/// (j mod (h·w)) of channel ⌊j / (h·w)⌋ as `InputShape` says; without one, 1×1×d
/// (per-channel standardization then pools all features). The shape only labels the features:
/// the draws, and so x before standardization, are the same for every shape of the same d.
public struct SyntheticSpec: Equatable, Hashable, Sendable {
    /// d, the input dimension (`data.dim`).
    public var dimension: Int
    /// Number of classes (`data.classes`).
    public var classes: Int
    /// The data's own seed (`data.seed`), independent of the model's.
    public var seed: UInt64
    /// The image shape of an example (`data.shape`); nil = 1×1×`dimension`. Its feature count
    /// must be `dimension`.
    public var shape: InputShape?

    public init(dimension: Int = 3072, classes: Int = 10, seed: UInt64 = 0, shape: InputShape? = nil) {
        self.dimension = dimension
        self.classes = classes
        self.seed = seed
        self.shape = shape
    }

    /// Generates examples until `count` of them have a label in `keep` (all labels when `keep`
    /// is nil), as described above.
    func generate(count: Int, keeping keep: Set<Int>?) throws(DatasetError) -> SourceImages<Double> {
        guard dimension > 0 else { throw .invalidOption(key: "data.dim", reason: "must be positive, got \(dimension)") }
        if let shape, shape.featureCount != dimension {
            throw .invalidOption(
                key: "data.shape", reason: "\(shape) has \(shape.featureCount) features but data.dim = \(dimension); make them agree")
        }
        guard classes >= 2 else {
            throw .invalidOption(key: "data.classes", reason: "synthetic data needs at least 2 classes, got \(classes)")
        }
        guard count > 0 else {
            throw .invalidOption(
                key: "data.n",
                reason: "the synthetic source is unbounded: set data.n to the number of examples wanted (0 = all is not defined)")
        }
        if let keep, let missing = keep.sorted().first(where: { !(0..<classes).contains($0) }) {
            throw .classNotPresent(classID: missing, source: "synthetic", available: "classes 0…\(classes - 1)")
        }
        var generator = SeededGenerator(seed: seed, stream: .data)
        var means = [Double](repeating: 0, count: classes * dimension)
        for j in means.indices { means[j] = generator.nextNormal() }
        var pixels: [Double] = []
        var labels: [Int] = []
        var kept = 0
        var i = 0
        while kept < count {
            let label = i % classes
            let meanOffset = label * dimension
            for j in 0..<dimension { pixels.append(means[meanOffset + j] + generator.nextNormal()) }
            labels.append(label)
            if keep?.contains(label) ?? true { kept += 1 }
            i += 1
        }
        return SourceImages(
            name: "synthetic", shape: shape ?? InputShape(channels: 1, height: 1, width: dimension),
            pixels: pixels, scale: 1, labels: labels, classNames: (0..<classes).map(String.init), isWholeTrainingSet: false)
    }
}
