import Foundation

/// A numeric CSV file of a run (trace.csv, track.csv, …): a header line of column names, then
/// rows of numbers. Empty fields and `nan` are NaN, `inf`/`-inf` are infinite; a text field
/// (such as `sharpness_at`) is NaN in ``column(_:)`` and kept verbatim in ``text(_:)``.
struct CSVTable {
    let columns: [String]
    /// rows × columns, as written.
    let cells: [[String]]

    /// Parses `text`; `name` (e.g. "trace.csv") is only used in errors.
    init(parsing text: String, name: String) throws(ReportError) {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw .malformedFile(name: name, line: 1, reason: "it is empty (no header line)") }
        columns = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var cells: [[String]] = []
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                throw .malformedFile(
                    name: name, line: index + 2,
                    reason: "\(fields.count) fields where the header has \(columns.count)")
            }
            cells.append(fields)
        }
        self.cells = cells
    }

    var rowCount: Int { cells.count }

    func has(_ column: String) -> Bool { columns.contains(column) }

    /// The column as numbers (NaN where empty or not a number); nil when there is no such column.
    func column(_ name: String) -> [Double]? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return cells.map { Self.number($0[index]) }
    }

    func text(_ name: String) -> [String]? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return cells.map { $0[index] }
    }

    /// Pairs (x, y) of two columns, every row kept (non-finite values included, so a chart breaks its line there).
    func points(x: String, y: String) -> [(x: Double, y: Double)] {
        guard let xs = column(x), let ys = column(y) else { return [] }
        return zip(xs, ys).map { (x: $0, y: $1) }
    }

    static func number(_ field: String) -> Double {
        switch field.trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "nan", "null": .nan
        case "inf", "+inf": .infinity
        case "-inf": -.infinity
        case let other: Double(other) ?? .nan
        }
    }
}
