/// Numbers in the run directory's CSV files: the shortest text that reads back to the same
/// Double (Swift's round-trip `description`, which pandas and NumPy parse), `nan`, `inf`,
/// `-inf` for non-finite values (docs/CONFIGURATION.md §5), and an empty field for "not measured".
enum CSVNumber {
    static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    static func format(_ x: Double?) -> String { x.map(format) ?? "" }

    /// One CSV line of already formatted fields.
    static func line(_ fields: [String]) -> String { fields.joined(separator: ",") + "\n" }
}
