import TOMLKit

/// A parsed TOML file: its values as a `JSONValue` object, and the line of each key.
struct TOMLDocument: Sendable {
    /// The file name used in error messages.
    let file: String
    /// The whole document as a JSON object (TOML integers → `.integer`, floats → `.number`).
    let root: JSONValue
    let keyLines: TOMLKeyLines

    /// Parses `text`; a syntax error, or a date/time value (which the configuration never
    /// takes), throws with its line.
    init(text: String, file: String) throws(ConfigError) {
        self.file = file
        keyLines = TOMLKeyLines(text: text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, problem: .syntax(error.description))
        } catch {
            throw ConfigError(file: file, line: nil, problem: .syntax("\(error)"))
        }
        do {
            root = try TOMLDocument.convert(table, path: "")
        } catch {
            throw ConfigError(file: file, line: keyLines.line(of: error.key), problem: error)
        }
    }

    /// The location of `dottedKey` in this file.
    func location(of dottedKey: String) -> ConfigLocation {
        ConfigLocation(file: file, line: keyLines.line(of: dottedKey))
    }

    /// The JSON form of one TOML value.
    static func convert(_ value: any TOMLValueConvertible, path: String) throws(ConfigError.Problem) -> JSONValue {
        switch value.type {
        case .table:
            var members: [String: JSONValue] = [:]
            for (key, member) in value.table! {
                members[key] = try convert(member, path: path.isEmpty ? key : path + "." + key)
            }
            return .object(members)
        case .array:
            var items: [JSONValue] = []
            for item in value.array! { items.append(try convert(item, path: path)) }
            return .array(items)
        case .string: return .string(value.string!)
        case .int: return .integer(value.int!)
        case .double: return .number(value.double!)
        case .bool: return .bool(value.bool!)
        case .date, .time, .dateTime:
            throw .invalid(key: path, message: "dates and times are not accepted here: write a number or a \"quoted string\"")
        }
    }
}
