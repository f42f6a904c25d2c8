/// The version written into every `summary.json` and journal.
public enum ToolVersion {
    public static let current = "0.1.0"
}
