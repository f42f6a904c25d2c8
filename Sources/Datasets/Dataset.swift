import LinearAlgebra

/// A training set as the loss sees it, in float64 (callers convert with `Matrix.converted`).
///
/// Shapes, with n examples, d = `inputShape.featureCount` inputs and k outputs:
/// `x` [n, d] (each row channel-major, see `InputShape`; for tokens the T token ids of a
/// sequence as exact integers, d = T), `y` [n, k], `labels` [n] with values in
/// 0..<`classIDs.count`. For a binary task k = 1 while `classIDs` has the two classes.
public struct Dataset: Equatable, Sendable, CustomStringConvertible {
    /// Inputs, [n, d], after standardization.
    public var x: Matrix<Double>
    /// Targets the loss sees, [n, k] (see `TargetKind`).
    public var y: Matrix<Double>
    /// Class of each example as an index into `classIDs`. For a binary `classes_subset` 0 = the
    /// first listed class, target +1, and 1 = the second, target −1; for tokens 1 = positive
    /// (target +1) and 0 = negative (target −1), as docs/CONFIGURATION.md §5 records them.
    public var labels: [Int]
    /// Shape of one example before flattening.
    public var inputShape: InputShape
    /// Source class id of each label, e.g. [4, 9] for `classes_subset = [4, 9]`.
    public var classIDs: [Int]
    /// Human name of each label ("airplane", "7", "Sneaker", …), parallel to `classIDs`.
    public var classNames: [String]
    /// One line saying what the set is: source, count, classes, inputs, targets, standardization.
    public var summary: String
    /// The tokens data set's rule (polarity and negator tables); nil for every other source.
    public var tokenRule: TokenRule?

    public init(
        x: Matrix<Double>, y: Matrix<Double>, labels: [Int], inputShape: InputShape,
        classIDs: [Int], classNames: [String], summary: String, tokenRule: TokenRule? = nil
    ) {
        precondition(
            x.columns == inputShape.featureCount,
            "x has \(x.columns) columns, input shape \(inputShape) has \(inputShape.featureCount) features")
        precondition(y.rows == x.rows && labels.count == x.rows, "x has \(x.rows) rows, y \(y.rows), labels \(labels.count)")
        precondition(classIDs.count == classNames.count, "\(classIDs.count) class ids but \(classNames.count) class names")
        precondition(labels.allSatisfy { (0..<classIDs.count).contains($0) }, "a label outside 0..<\(classIDs.count)")
        self.x = x
        self.y = y
        self.labels = labels
        self.inputShape = inputShape
        self.classIDs = classIDs
        self.classNames = classNames
        self.summary = summary
        self.tokenRule = tokenRule
    }

    /// n, the number of examples.
    public var count: Int { x.rows }
    /// d, the number of inputs.
    public var inputDimension: Int { x.columns }
    /// k, the number of outputs (1 for a binary task).
    public var outputDimension: Int { y.columns }
    /// True when the task has two classes in one ±1 output.
    public var isBinary: Bool { y.columns == 1 && classIDs.count == 2 }

    public var description: String { summary }
}
