import Foundation

/// One field of a CSV line as RFC 4180 writes it: quoted (with `"` doubled) when it holds a
/// comma, a quote or a line break, else verbatim.
public func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// One CSV line (without its line break): `fields` quoted by ``csvField(_:)`` and joined by commas.
public func csvLine(_ fields: [String]) -> String {
    fields.map(csvField).joined(separator: ",")
}
