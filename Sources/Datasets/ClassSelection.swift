/// The classes a task keeps and the output index of each (`data.classes_subset`).
///
/// [] keeps every class of the source, output j = class id j; [a, b] is a binary task with
/// label 0 = a (target +1) and label 1 = b (target −1); three or more classes give output j =
/// the j-th listed class.
struct ClassSelection: Equatable, Sendable {
    /// Source class id of each label (output index), in output order.
    var classIDs: [Int]
    /// True for a two-class subset: one output column.
    var isBinary: Bool
    /// Output index of each source class id, nil for a class that is dropped.
    private var labelOfClass: [Int?]

    /// Validates `subset` against a source with `classCount` classes.
    init(subset: [Int], classCount: Int, source: String) throws(DatasetError) {
        if subset.count == 1 { throw .invalidClassSubset(subset, reason: "a single class is not a classification task") }
        if Set(subset).count != subset.count { throw .invalidClassSubset(subset, reason: "a class is listed twice") }
        if let missing = subset.first(where: { !(0..<classCount).contains($0) }) {
            throw .classNotPresent(classID: missing, source: source, available: "classes 0…\(classCount - 1)")
        }
        classIDs = subset.isEmpty ? Array(0..<classCount) : subset
        isBinary = subset.count == 2
        labelOfClass = [Int?](repeating: nil, count: classCount)
        for (label, id) in classIDs.enumerated() { labelOfClass[id] = label }
    }

    /// The output index of source class `id`, nil when the class is dropped.
    func label(ofClass id: Int) -> Int? { labelOfClass[id] }

    /// The classes kept, for a generator that only needs to know which to count.
    var keptClasses: Set<Int>? { classIDs.count == labelOfClass.count ? nil : Set(classIDs) }
}
