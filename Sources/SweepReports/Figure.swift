/// One figure of a report: written as `<name>.svg` and inlined in `index.html`.
public struct Figure: Equatable, Sendable {
    /// The file stem, unique within the report (letters, digits, `-`, `.`), e.g. "sharpness".
    public let name: String
    public let title: String
    /// One or two sentences under the figure in `index.html`: what is plotted and how to read it.
    public let caption: String
    /// The standalone SVG document.
    public let svg: String
}

/// `text` as a file-name fragment: letters, digits, `.` and `-` kept, every other run of characters one `-`.
func slug(_ text: String) -> String {
    var out = ""
    for character in text {
        if character.isASCII && (character.isLetter || character.isNumber || character == ".") {
            out.append(character)
        } else if !out.hasSuffix("-") {
            out.append("-")
        }
    }
    while out.hasSuffix("-") { out.removeLast() }
    while out.hasPrefix("-") { out.removeFirst() }
    return out
}
