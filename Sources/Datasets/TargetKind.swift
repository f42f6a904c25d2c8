/// What the loss sees as targets `y` (the Experiment layer chooses from the loss).
///
/// A binary task (`data.classes_subset = [a, b]`) has one output column: y = +1 for class a
/// and −1 for class b, which needs `.plusMinusOne`.
public enum TargetKind: String, CaseIterable, Sendable {
    /// y[i, labelᵢ] = 1, every other entry 0 (mse, cat_mse, ce over k ≥ 3 outputs).
    case oneHot = "one-hot"
    /// Binary tasks: y[i, 0] = +1 for the first listed class, −1 for the second (logistic, or
    /// mse on a binary task). With k ≥ 3 outputs: y[i, labelᵢ] = +1, every other entry −1.
    case plusMinusOne = "plus-minus-one"
}
