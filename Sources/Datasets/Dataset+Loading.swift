import LinearAlgebra

extension Dataset {
    /// Loads `options.source` and prepares it, in this order:
    /// 1. decode the source's whole training set (file order; pixels scaled into [0, 1]);
    /// 2. keep the examples of the selected classes (`classSubset`), in file order;
    /// 3. keep the first `count` of them (0 = all; more than there are is an error);
    /// 4. standardize with statistics of those examples (`.subset`) or of the whole training
    ///    set of step 1 (`.all`);
    /// 5. build the targets (`TargetKind`; a binary task has one ±1 column).
    /// The tokens source is generated as it is used (`init(tokens:_:)`): no classes to select,
    /// nothing to standardize.
    public init(loading options: DatasetOptions) throws(DatasetError) {
        guard options.count >= 0 else { throw .invalidOption(key: "data.n", reason: "must be 0 (all) or positive, got \(options.count)") }
        switch options.source {
        case .digits:
            self = try Dataset(preparing: try DigitsReader.read(), options)
        case .cifar10(let folder):
            self = try Dataset(preparing: try CIFAR10Reader.read(folder: folder), options)
        case .mnist(let folder):
            self = try Dataset(preparing: try IDXReader.read(folder: folder, name: "mnist", classNames: IDXReader.mnistClassNames), options)
        case .fashionMNIST(let folder):
            self = try Dataset(
                preparing: try IDXReader.read(folder: folder, name: "fashion-mnist", classNames: IDXReader.fashionClassNames), options)
        case .synthetic(let spec):
            let selection = try ClassSelection(subset: options.classSubset, classCount: Swift.max(spec.classes, 0), source: "synthetic")
            self = try Dataset(preparing: try spec.generate(count: options.count, keeping: selection.keptClasses), options)
        case .tokens(let spec):
            self = try Dataset(tokens: spec, options)
        }
    }

    /// Steps 2–5 of `init(loading:)` on a decoded training set.
    init<P: PixelValue>(preparing source: SourceImages<P>, _ options: DatasetOptions) throws(DatasetError) {
        let selection = try ClassSelection(subset: options.classSubset, classCount: source.classNames.count, source: source.name)
        if options.isBinary && options.targets == .oneHot {
            throw .invalidOption(
                key: "data.classes_subset",
                reason: "a binary task has one output with ±1 targets; build it with TargetKind.plusMinusOne, not one-hot")
        }
        var present = Set<Int>()
        var rows: [Int] = []
        var labels: [Int] = []
        for (i, id) in source.labels.enumerated() {
            guard let label = selection.label(ofClass: id) else { continue }
            present.insert(id)
            if options.count == 0 || rows.count < options.count {
                rows.append(i)
                labels.append(label)
            }
        }
        if source.isWholeTrainingSet, let absent = options.classSubset.first(where: { !present.contains($0) }) {
            throw .classNotPresent(
                classID: absent, source: source.name, available: "no example of it among its \(source.count) training examples")
        }
        if options.count > rows.count {
            throw .notEnoughExamples(requested: options.count, available: rows.count, source: source.name)
        }

        let d = source.featureCount
        var x = [Double](repeating: 0, count: rows.count * d)
        for (r, i) in rows.enumerated() {
            for j in 0..<d { x[r * d + j] = source.scale * source.pixels[i * d + j].realValue }
        }
        if options.standardization != .none {
            let statistics =
                switch options.standardizationReference {
                case .subset:
                    FeatureStatistics(values: x, scale: 1, rows: rows.count, shape: source.shape, standardization: options.standardization)
                case .all:
                    FeatureStatistics(
                        values: source.pixels, scale: source.scale, rows: source.count, shape: source.shape,
                        standardization: options.standardization)
                }
            statistics.standardize(&x, columns: d)
        }

        let k = selection.isBinary ? 1 : selection.classIDs.count
        let off: Double = options.targets == .plusMinusOne ? -1 : 0
        var y = [Double](repeating: off, count: rows.count * k)
        for (r, label) in labels.enumerated() {
            if selection.isBinary { y[r] = label == 0 ? 1 : -1 } else { y[r * k + label] = 1 }
        }

        let classes = options.classSubset.isEmpty ? "all \(selection.classIDs.count) classes" : "classes \(options.classSubset)"
        let task =
            selection.isBinary
            ? "binary (\(selection.classIDs[0]) = +1, \(selection.classIDs[1]) = −1)" : "\(k) outputs \(options.targets.rawValue)"
        let scaling =
            options.standardization == .none
            ? "not standardized"
            : "standardized \(options.standardization.rawValue) from the \(options.standardizationReference == .subset ? "examples used" : "whole training set")"
        self.init(
            x: Matrix(rows: rows.count, columns: d, storage: x),
            y: Matrix(rows: rows.count, columns: k, storage: y),
            labels: labels, inputShape: source.shape, classIDs: selection.classIDs,
            classNames: selection.classIDs.map { source.classNames[$0] },
            summary:
                "\(source.name): \(rows.count) of \(source.count) training examples, \(classes), \(d) inputs (\(source.shape)), \(task), \(scaling)"
        )
    }
}
