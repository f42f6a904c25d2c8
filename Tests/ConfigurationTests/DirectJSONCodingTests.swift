import Foundation
import LinearAlgebra
import Testing
@testable import Configuration

/// The direct `JSONValue` encoder and decoder (`JSONValueEncoder`, `JSONValueDecoder`) against
/// the `JSONEncoder` → text → `JSONDecoder` round trip they replace, which existing task keys
/// were computed with: the same values bit for bit, the same task keys and `config.json`, over
/// every sweep under sweeps/, every TOML text of these tests' sources, and random configurations
/// and values (integral, huge, tiny and signed-zero floats, extreme integers, strings with
/// escapes and non-ASCII text).
@Suite struct DirectJSONCodingTests {
    // MARK: The round trip (the oracle)

    static func roundTrip(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    static func roundTrip<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONDecoder().decode(type, from: JSONEncoder().encode(value))
    }

    /// The nested object of dotted leaves, as it was built before: one leaf at a time.
    static func nested(_ leaves: [String: JSONValue]) -> JSONValue {
        func insert(_ value: JSONValue, at path: ArraySlice<String>, into tree: inout JSONValue) {
            guard let first = path.first else {
                tree = value
                return
            }
            guard case .object(var members) = tree else { preconditionFailure("not an object") }
            var child = members[first] ?? .object([:])
            insert(value, at: path.dropFirst(), into: &child)
            members[first] = child
            tree = .object(members)
        }
        var root = JSONValue.object([:])
        for (key, value) in leaves { insert(value, at: key.split(separator: ".").map(String.init)[...], into: &root) }
        return root
    }

    /// The task key and `config.json` of `configuration` as they were computed before: round
    /// trip, dotted leaves, filtered, nested again.
    static func oracleKeyAndConfigJSON(_ configuration: RunConfiguration) throws -> (key: String, configJSON: String) {
        let defaults = try roundTrip(RunConfiguration()).dottedLeaves
        let leaves = try roundTrip(configuration).dottedLeaves
        let nonDefault = nested(leaves.filter { defaults[$0.key] != $0.value })
        let unread = Set(configuration.unreadKeys)
        let resolved = nested(leaves.filter { !unread.contains($0.key) || defaults[$0.key] != $0.value })
        return (SHA256.hexDigest(canonicalJSON(nonDefault).utf8), CanonicalJSON.prettyPrinted(resolved))
    }

    /// Equal to the bit: a float's sign of zero counts, strings compare scalar by scalar.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): Array(x.unicodeScalars) == Array(y.unicodeScalars)
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy(identical)
        case (.object(let x), .object(let y)):
            x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: false
        }
    }

    /// Expects the direct encoding of `value` to be the round trip's (or both to throw).
    static func expectSameEncoding(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) {
        let direct = Result { try JSONValue(encoding: value) }
        let oracle = Result { try roundTrip(value) }
        switch (direct, oracle) {
        case (.success(let d), .success(let o)):
            #expect(identical(d, o), "\(value): direct \(d), round trip \(o)", sourceLocation: sourceLocation)
        case (.failure, .failure): break
        default: Issue.record("\(value): direct \(direct), round trip \(oracle)", sourceLocation: sourceLocation)
        }
    }

    /// Expects decoding `value` as `type` directly to give the round trip's value (or both to throw).
    static func expectSameDecoding<T: Decodable & Equatable>(
        _ type: T.Type, from value: JSONValue, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let direct = Result { try value.decode(as: type) }
        let oracle = Result { try roundTrip(type, from: value) }
        switch (direct, oracle) {
        case (.success(let d), .success(let o)):
            #expect(d == o, "\(value) as \(type): direct \(d), round trip \(o)", sourceLocation: sourceLocation)
        case (.failure, .failure): break
        default: Issue.record("\(value) as \(type): direct \(direct), round trip \(oracle)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Values

    static let edgeDoubles: [Double] = [
        0, -0.0, 1, -1, 1.5, 0.25, 0.1, 1e-4, 1e-5, 1e-7, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 2.2250738585072014e-308,
        1e15, 1e16, 1e17, 1e20, -1e20, 1e21, 1e22, 1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        0x1p52 + 1, 0x1p53 - 1, 0x1p53, 0x1p53 + 2, -0x1p53 - 2, 0x1p62, -0x1p62, 0x1p63, -0x1p63,
        0x1p63 - 1024, -0x1p63 + 1024, 0x1p64, 9.2e18, -9.2e18, 123_456_789_012_345_680, 4_503_599_627_370_497,
        .nan, .infinity, -.infinity,
    ]

    /// Edge values, then random ones: any bit pattern, whole numbers of every size, powers of ten.
    static func doubles(count: Int) -> [Double] {
        var random = SeededGenerator(seed: 20_261_206, stream: .testing)
        var values = edgeDoubles
        for i in 0..<count {
            switch i % 4 {
            case 0: values.append(Double(bitPattern: random.next()))
            case 1: values.append(Double(Int64(bitPattern: random.next()) >> (random.next() % 64)))
            case 2: values.append(Double(sign: .plus, exponent: Int(random.next() % 140) - 70, significand: 1) * 3)
            default:
                values.append(
                    (Double(Int.random(in: -1000...1000, using: &random)) / 8) * pow(10, Double(Int.random(in: -25...25, using: &random))))
            }
        }
        return values
    }

    static let edgeStrings = [
        "", "digits", "a\"b\\c/d", "\n\r\t\u{08}\u{0C}", "\u{0}\u{1}\u{1F}\u{7F}", "é漢字🙂", "e\u{301}", "\u{FEFF}x",
        "\u{2028}\u{2029}", "/data/cifar-10-batches-bin",
    ]

    static func strings(count: Int) -> [String] {
        var random = SeededGenerator(seed: 8785, stream: .testing)
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        return edgeStrings
            + (0..<count).map { _ in
                String(
                    String.UnicodeScalarView(
                        (0..<Int.random(in: 0...12, using: &random)).map { _ in
                            Unicode.Scalar(UInt32.random(in: ranges.randomElement(using: &random)!, using: &random))!
                        }))
            }
    }

    @Test func floatsComeBackAsTheRoundTripClassifiesThem() {
        for x in Self.doubles(count: 4000) {
            Self.expectSameEncoding(x)
            Self.expectSameEncoding([x, -x])
            Self.expectSameEncoding(Float(x))
            Self.expectSameDecoding(Double.self, from: .number(x))
            Self.expectSameDecoding(Int.self, from: .number(x))
            Self.expectSameDecoding(UInt64.self, from: .number(x))
            Self.expectSameDecoding(Int8.self, from: .number(x))
            Self.expectSameDecoding(Float.self, from: .number(x))
            Self.expectSameDecoding(JSONValue.self, from: .number(x))
            Self.expectSameDecoding(String.self, from: .number(x))
        }
    }

    @Test func integersStringsAndBooleans() {
        var random = SeededGenerator(seed: 42, stream: .testing)
        let integers =
            [0, 1, -1, .max, .min, 1 << 53, (1 << 53) + 1, -(1 << 62)] + (0..<500).map { _ in Int(bitPattern: UInt(random.next())) }
        for n in integers {
            Self.expectSameEncoding(n)
            Self.expectSameEncoding(Int32(truncatingIfNeeded: n))
            Self.expectSameEncoding(UInt64(bitPattern: Int64(n)))
            Self.expectSameDecoding(Int.self, from: .integer(n))
            Self.expectSameDecoding(Double.self, from: .integer(n))
            Self.expectSameDecoding(Float.self, from: .integer(n))
            Self.expectSameDecoding(Int16.self, from: .integer(n))
            Self.expectSameDecoding(UInt.self, from: .integer(n))
            Self.expectSameDecoding(Bool.self, from: .integer(n))
        }
        for s in Self.strings(count: 500) {
            Self.expectSameEncoding(s)
            Self.expectSameEncoding(["key \(s)": s])
            let direct = try? JSONValue.string(s).decode(as: String.self)
            let oracle = try? Self.roundTrip(String.self, from: .string(s))
            #expect(direct.map { Array($0.unicodeScalars) } == oracle.map { Array($0.unicodeScalars) })
            Self.expectSameDecoding(Int.self, from: .string(s))
        }
        for flag in [true, false] {
            Self.expectSameEncoding(flag)
            Self.expectSameDecoding(Bool.self, from: .bool(flag))
            Self.expectSameDecoding(String.self, from: .bool(flag))
        }
        Self.expectSameDecoding(Int?.self, from: .null)
        Self.expectSameDecoding(Int.self, from: .null)
    }

    /// A value of every shape `Codable` synthesizes: optionals (nil and not), nested structs,
    /// enums with raw values, arrays, dictionaries, an empty struct.
    struct Shapes: Codable, Equatable {
        enum Color: String, Codable { case red, darkBlue = "dark-blue" }
        enum Level: Int, Codable { case low = 1, high = 10 }
        struct Inner: Codable, Equatable {
            var x: Double
            var tags: [String]
        }
        struct Empty: Codable, Equatable {}

        var missing: Int?
        var present: Double?
        var color: Color
        var level: Level
        var inner: Inner
        var inners: [Inner]
        var optionals: [Int?]
        var table: [String: Double]
        var byNumber: [Int: String]
        var empty: Empty
        var nested: [[Double]]
    }

    @Test func shapesOfCodable() throws {
        var random = SeededGenerator(seed: 7, stream: .testing)
        let xs = Self.doubles(count: 400).filter(\.isFinite)
        for (i, x) in xs.enumerated() {
            let value = Shapes(
                missing: i.isMultiple(of: 2) ? nil : i, present: i.isMultiple(of: 3) ? nil : x,
                color: i.isMultiple(of: 2) ? .red : .darkBlue, level: i.isMultiple(of: 5) ? .low : .high,
                inner: .init(x: x, tags: Array(Self.edgeStrings.prefix(i % 5))),
                inners: [.init(x: -x, tags: []), .init(x: x.rounded(), tags: ["t"])],
                optionals: [nil, i, nil], table: ["a": x, "b.c": 1, "": -0.0], byNumber: [i: "n", -1: "m"],
                empty: .init(), nested: [[], [x, xs.randomElement(using: &random)!]])
            Self.expectSameEncoding(value)
            let json = try Self.roundTrip(value)
            Self.expectSameDecoding(Shapes.self, from: json)
            Self.expectSameDecoding(Shapes.Inner.self, from: json)
        }
        Self.expectSameEncoding(Shapes.Empty())
        Self.expectSameEncoding(Int?.none)
        Self.expectSameEncoding([Double.nan])
        Self.expectSameDecoding(Shapes.Color.self, from: .string("blue"))
        Self.expectSameDecoding(Shapes.Level.self, from: .number(10))
        Self.expectSameDecoding(Shapes.Level.self, from: .number(10.5))
        Self.expectSameDecoding([Int].self, from: .array([.integer(1), .number(2), .null]))
        Self.expectSameDecoding(Shapes.Inner.self, from: .object(["x": .number(.nan), "tags": .array([])]))
    }

    // MARK: Configurations

    /// Expects `configuration` to encode, key, write and decode (from its leaves) as before.
    static func expectAsBefore(_ configuration: RunConfiguration, sourceLocation: SourceLocation = #_sourceLocation) throws {
        expectSameEncoding(configuration, sourceLocation: sourceLocation)
        let (key, configJSON) = try oracleKeyAndConfigJSON(configuration)
        #expect(configuration.taskKey == key, sourceLocation: sourceLocation)
        let direct = configuration.keyAndResolvedJSON()
        #expect(direct.key == key && direct.configJSON == configJSON, sourceLocation: sourceLocation)
        #expect(configuration.resolvedJSON() == configJSON, sourceLocation: sourceLocation)
        let leaves = try roundTrip(configuration).dottedLeaves
        expectSameDecoding(RunConfiguration.self, from: nested(leaves), sourceLocation: sourceLocation)
    }

    @Test func everySweepUnderSweepsKeysAsBefore() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sweeps").standardized
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".toml") }
        #expect(files.count >= 13)
        for file in files {
            let path = root.appendingPathComponent(file).path
            guard let spec = try? SweepSpecification.load(path: path) else {
                try Self.expectAsBefore(RunConfiguration.load(path: path))  // a run's configuration
                continue
            }
            for task in spec.tasks {
                try Self.expectAsBefore(task.configuration)
                let oracle = try Self.oracleKeyAndConfigJSON(task.configuration)
                #expect(oracle.key == task.key && oracle.configJSON == task.configJSON, "\(file)")
            }
        }
    }

    /// Every one-line string literal with a line break in this folder's tests that loads as a run
    /// configuration or a sweep: the fixtures of the configuration tests.
    @Test func everyTestFixtureKeysAsBefore() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let literal = try Regex(#""((?:[^"\\\n]|\\.)*\\n(?:[^"\\\n]|\\.)*)""#)
        var configurations = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in source.matches(of: literal) {
                let text = String(source[match.range].dropFirst().dropLast())
                    .replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\\\", with: "\\")
                if let configuration = try? RunConfiguration.load(tomlText: text, file: "fixture.toml") {
                    try Self.expectAsBefore(configuration)
                    configurations += 1
                } else if let spec = try? SweepSpecification.load(tomlText: text, file: "fixture.toml") {
                    for task in spec.tasks { try Self.expectAsBefore(task.configuration) }
                    configurations += spec.tasks.count
                }
            }
        }
        #expect(configurations >= 50)
    }

    @Test func randomConfigurationsKeyAsBefore() throws {
        var random = SeededGenerator(seed: 15, stream: .testing)
        let xs = Self.doubles(count: 2000).filter(\.isFinite)
        let strings = Self.strings(count: 100)
        func x() -> Double { xs.randomElement(using: &random)! }
        func n() -> Int { [0, 1, -1, 7, 1500, .max, .min, 1 << 53].randomElement(using: &random)! }
        func pick<T: CaseIterable>(_: T.Type) -> T { T.allCases.randomElement(using: &random)! }
        for _ in 0..<1500 {
            var c = RunConfiguration()
            c.data.name = pick(RunConfiguration.DatasetName.self)
            c.data.n = n()
            c.data.path = strings.randomElement(using: &random)!
            c.data.classesSubset = (0..<Int.random(in: 0...3, using: &random)).map { _ in n() }
            c.data.standardize = pick(RunConfiguration.Standardization.self)
            c.data.shape = Bool.random(using: &random) ? [] : [n(), n(), n()]
            c.data.seed = n()
            c.model.arch = pick(RunConfiguration.Architecture.self)
            c.model.depth = n()
            c.model.norm = pick(RunConfiguration.Normalization.self)
            c.model.activation = pick(RunConfiguration.Activation.self)
            c.model.seed = n()
            c.loss.name = pick(RunConfiguration.LossName.self)
            c.train.lr = x()
            c.train.steps = n()
            c.train.divergeFactor = x()
            c.train.optimizer = pick(RunConfiguration.Optimizer.self)
            c.train.momentum = x()
            c.train.beta2 = x()
            c.train.epsilon = x()
            c.train.lossGoal = x()
            c.train.accuracyGoal = x()
            c.sharpness.tol = x()
            c.track.enabled = Bool.random(using: &random)
            c.track.projectionTol = x()
            c.central.enabled = Bool.random(using: &random)
            c.central.threshold = x()
            c.central.start = pick(RunConfiguration.CentralStart.self)
            // Sometimes the defaults, so that keys are left out too.
            if Bool.random(using: &random) { c.train = RunConfiguration.TrainSettings() }
            if Bool.random(using: &random) { c.data = RunConfiguration.DataSettings() }
            try Self.expectAsBefore(c)
        }
    }
}
