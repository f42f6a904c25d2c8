import Testing
@testable import Configuration

/// The one-line message that loading the run configuration `text` (plus `overrides`, as `--set`
/// gives them) fails with, the text named `file`, checked to be one line; nil when it loads.
func message(_ text: String, overrides: [String] = [], file: String = "run.toml") -> String? {
    do {
        _ = try RunConfiguration.load(tomlText: text, file: file, overrides: overrides)
        return nil
    } catch {
        #expect(!error.description.contains("\n"))
        return error.description
    }
}
