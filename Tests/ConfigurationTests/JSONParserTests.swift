import Foundation
import LinearAlgebra
import Testing
@testable import Configuration

@Suite("JSONParser: the JSONValue JSONDecoder gives, from one pass over the bytes")
struct JSONParserTests {
    /// The reference: `JSONDecoder` through `JSONValue`'s `Decodable` conformance, the path the
    /// parser replaced (task keys hash what is read, so both must read every value alike).
    static func decoded(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(
        "numbers are integers or floats exactly as JSONDecoder classifies them",
        arguments: [
            "0", "-0", "-0.0", "1.0", "3.000", "1e3", "1E2", "0.1e1", "100e-2", "1.5", "-2.25", "1e-8", "5e-324", "4.9e-324",
            "1e20", "1e18", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "12345678901234567890",
            "9007199254740993", "9007199254740993.0", "1.0000000000000001", "1e-400", "-1e-400", "0.30000000000000004",
            "2.5e0", "123456789.125", "-7e-1", "6.02214076e23", "4.611686018427388e+18", "12345678901234567e2",
            "1.0000000000000001e2", "123.4560e3", "90071992547409930000e-4", "-9.223372036854775808e18", "0e999999999999",
        ])
    func numbers(text: String) throws {
        let reference = try #require(Self.decoded("[\(text)]"))
        #expect(try JSONValue(parsing: "[\(text)]") == reference)
    }

    @Test("strings: escapes, surrogate pairs, unicode as it is")
    func strings() throws {
        for text in [
            #""plain""#, #""a\"b\\c\/d""#, #""\b\f\n\r\t""#, #""\u00e9\u4e2d\ud83d\ude00""#, "\"é中😀 raw\"", #""""#,
            #""\u0000 nul""#, #""mixed \n and é and \u0041""#,
        ] {
            let reference = try #require(Self.decoded(text), "\(text)")
            #expect(try JSONValue(parsing: text) == reference, "\(text)")
        }
    }

    @Test("documents: what eos writes (config.json, grid JSON, summaries) and random nests read alike")
    func documents() throws {
        let configuration = RunConfiguration()
        var texts = [configuration.resolvedJSON(), canonicalJSON(configuration.jsonValue), #"{"train.lr": 0.25, "model.seed": 3}"#]
        texts.append(
            #"{"status":"completed","eos_step":null,"max_sharpness":3.5,"timings":{"total":1.25,"gd":1},"list":[1,2.5,"x",true,[],{}]}"#)
        var generator = SeededGenerator(seed: 11, stream: .testing)
        for _ in 0..<200 { texts.append(canonicalJSON(Self.randomValue(depth: 0, using: &generator))) }
        for text in texts {
            let reference = try #require(Self.decoded(text), "\(text)")
            #expect(try JSONValue(parsing: text) == reference, "\(text)")
        }
    }

    @Test("random number texts: integers, fractions and exponents read as JSONDecoder reads them")
    func randomNumbers() throws {
        var random = SeededGenerator(seed: 7, stream: .testing)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }
        for _ in 0..<5000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let integerLength = Int.random(in: 0...20, using: &random)
            text += integerLength == 0 ? "0" : String(Int.random(in: 1...9, using: &random)) + digits(integerLength - 1)
            if Bool.random(using: &random) {
                let fraction = digits(Int.random(in: 1...20, using: &random))
                text += "." + (Bool.random(using: &random) ? fraction : String(repeating: "0", count: fraction.count))
            }
            if Bool.random(using: &random) {
                text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &random)! + String(Int.random(in: 0...25, using: &random))
            }
            let reference = try #require(Self.decoded("[\(text)]"), "\(text)")
            #expect(try JSONValue(parsing: "[\(text)]") == reference, "\(text)")
        }
    }

    @Test(
        "not JSON: refused with the byte where it went wrong",
        arguments: [
            ("", 0), ("[1,]", 3), ("01", 1), ("1.", 2), (".5", 0), ("-", 1), ("nul", 0), ("[1 2]", 3), ("1 2", 2),
            ("\"a\tb\"", 2), (#""\ud800""#, 7), (#""\udc00""#, 7), (#""\x""#, 3), ("\"open", 5), ("{\"a\" 1}", 5),
            ("{1: 2}", 1), ("1e400", 0), ("[", 1),
        ])
    func refused(text: String, offset: Int) {
        let failure = #expect(throws: JSONParser.Failure.self) { try JSONValue(parsing: text) }
        #expect(failure?.offset == offset, "\(text): \(String(describing: failure))")
    }

    @Test("nesting deeper than 512 is refused, not a stack overflow")
    func deepNesting() {
        #expect(throws: JSONParser.Failure.self) { try JSONValue(parsing: String(repeating: "[", count: 100_000)) }
        #expect(throws: Never.self) { try JSONValue(parsing: String(repeating: "[", count: 500) + String(repeating: "]", count: 500)) }
    }

    @Test("of a repeated key the first value counts, as with JSONDecoder")
    func repeatedKey() throws {
        let text = #"{"a": 1, "a": 2}"#
        #expect(try JSONValue(parsing: text) == .object(["a": .integer(1)]))
        #expect(Self.decoded(text) == .object(["a": .integer(1)]))
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: depth > 3 ? 0...5 : 0...7, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .integer(Int.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator))
        case 3:
            let exponent = Double(Int.random(in: -30...30, using: &generator))
            return .number(Double.random(in: -1...1, using: &generator) * pow(10, exponent))
        case 4: return .number(Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &generator)))
        case 5:
            let alphabet = Array("abcXYZ019 _-.\"\\/\n\té中😀\u{01}")
            return .string(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        case 6:
            return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for i in 0..<Int.random(in: 0...4, using: &generator) { members["k\(i)"] = randomValue(depth: depth + 1, using: &generator) }
            return .object(members)
        }
    }
}
