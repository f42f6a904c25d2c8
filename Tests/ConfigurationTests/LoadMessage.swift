import Testing
@testable import Configuration

/// The one-line message that loading the run configuration `text` (plus `overrides`, as `--set`
/// gives them) fails with, checked to be one line; nil when it loads.
func message(_ text: String, overrides: [String] = []) -> String? {
    do {
        _ = try RunConfiguration.load(tomlText: text, file: "run.toml", overrides: overrides)
        return nil
    } catch {
        #expect(!error.description.contains("\n"))
        return error.description
    }
}
