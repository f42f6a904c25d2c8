/// The line of every key in a TOML text, in file order (TOMLKit reports positions only for
/// parse errors, and its tables are sorted, so error messages and grid order need this).
///
/// Understands `[table]` and `[[array]]` headers, dotted keys with whitespace around the dots,
/// bare, "basic" and 'literal' quoted keys, comments, and values spanning several lines
/// (arrays, inline tables, multi-line strings). Keys inside inline tables are not listed; a
/// lookup falls back to the nearest listed ancestor (the line of `grid = { … }`).
struct TOMLKeyLines: Sendable {
    /// Each key (its path from the root, as components) and its 1-based line, in file order.
    private(set) var entries: [(path: [String], line: Int)] = []

    init(text: String) {
        var table: [String] = []
        var value = ValueScanner()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Array(rawLine.unicodeScalars)
            if value.isOpen {
                value.scan(line, from: 0)
                continue
            }
            var i = TOMLKeyLines.skipSpaces(line, 0)
            guard i < line.count, line[i] != "#" else { continue }
            if line[i] == "[" {
                let isArrayTable = i + 1 < line.count && line[i + 1] == "["
                i += isArrayTable ? 2 : 1
                guard let (path, _) = TOMLKeyLines.parseKey(line, i) else { continue }
                table = path
                entries.append((path, index + 1))
                continue
            }
            guard let (path, end) = TOMLKeyLines.parseKey(line, i) else { continue }
            let afterKey = TOMLKeyLines.skipSpaces(line, end)
            guard afterKey < line.count, line[afterKey] == "=" else { continue }
            entries.append((table + path, index + 1))
            value.scan(line, from: afterKey + 1)
        }
    }

    /// The 1-based line of `dottedKey`, else of its nearest listed ancestor, else nil.
    func line(of dottedKey: String) -> Int? {
        var key = Substring(dottedKey)
        while !key.isEmpty {
            if let entry = entries.first(where: { $0.path.joined(separator: ".") == key }) { return entry.line }
            guard let dot = key.lastIndex(of: ".") else { return nil }
            key = key[..<dot]
        }
        return nil
    }

    /// The position of `dottedKey` in file order (`entries` index), if it is listed.
    func order(of dottedKey: String) -> Int? {
        entries.firstIndex { $0.path.joined(separator: ".") == dottedKey }
    }

    private static func skipSpaces(_ line: [Unicode.Scalar], _ start: Int) -> Int {
        var i = start
        while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
        return i
    }

    /// Parses a dotted key starting at `start`; returns its components and the index after it.
    private static func parseKey(_ line: [Unicode.Scalar], _ start: Int) -> ([String], Int)? {
        var components: [String] = []
        var i = start
        while true {
            i = skipSpaces(line, i)
            guard i < line.count else { return nil }
            var component = ""
            if line[i] == "\"" || line[i] == "'" {
                let quote = line[i]
                i += 1
                while i < line.count, line[i] != quote {
                    if quote == "\"", line[i] == "\\", i + 1 < line.count { i += 1 }
                    component.unicodeScalars.append(line[i])
                    i += 1
                }
                guard i < line.count else { return nil }
                i += 1
            } else {
                while i < line.count, isBareKeyCharacter(line[i]) {
                    component.unicodeScalars.append(line[i])
                    i += 1
                }
                guard !component.isEmpty else { return nil }
            }
            components.append(component)
            i = skipSpaces(line, i)
            guard i < line.count, line[i] == "." else { return (components, i) }
            i += 1
        }
    }

    private static func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    /// Follows a value across lines: open brackets/braces and multi-line strings keep it open.
    private struct ValueScanner {
        private var depth = 0
        /// The delimiter of an open multi-line string (`"""` or `'''`), as its quote character.
        private var openString: Unicode.Scalar?

        var isOpen: Bool { depth > 0 || openString != nil }

        mutating func scan(_ line: [Unicode.Scalar], from start: Int) {
            var i = start
            while i < line.count {
                if let quote = openString {
                    if line[i] == "\\", quote == "\"" {
                        i += 2
                        continue
                    }
                    if TOMLKeyLines.isTripleQuote(line, i, quote) {
                        openString = nil
                        i += 3
                    } else {
                        i += 1
                    }
                    continue
                }
                let c = line[i]
                switch c {
                case "#":
                    return
                case "\"", "'":
                    if TOMLKeyLines.isTripleQuote(line, i, c) {
                        openString = c
                        i += 3
                        continue
                    }
                    i += 1
                    while i < line.count, line[i] != c {
                        if c == "\"", line[i] == "\\" { i += 1 }
                        i += 1
                    }
                    i += 1
                case "[", "{":
                    depth += 1
                    i += 1
                case "]", "}":
                    depth = max(0, depth - 1)
                    i += 1
                default:
                    i += 1
                }
            }
        }
    }

    private static func isTripleQuote(_ line: [Unicode.Scalar], _ i: Int, _ quote: Unicode.Scalar) -> Bool {
        i + 2 < line.count && line[i] == quote && line[i + 1] == quote && line[i + 2] == quote
    }
}
