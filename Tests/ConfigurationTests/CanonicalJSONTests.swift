import Testing
@testable import Configuration

@Suite struct CanonicalJSONTests {
    /// RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript/JCS text.
    @Test(
        arguments: [
            (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"),
            (0x0000_0000_0000_0001, "5e-324"), (0x8000_0000_0000_0001, "-5e-324"),
            (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"), (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"),
            (0x4340_0000_0000_0000, "9007199254740992"), (0xc340_0000_0000_0000, "-9007199254740992"),
            (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"), (0x44b5_2d02_c7e1_4af6, "1e+23"),
            (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
            (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"), (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
            (0x444b_1ae4_d6e2_ef50, "1e+21"),
            (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"), (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
            (0x41b3_de43_5555_5553, "333333333.3333332"), (0x41b3_de43_5555_5554, "333333333.33333325"),
            (0x41b3_de43_5555_5555, "333333333.3333333"), (0x41b3_de43_5555_5556, "333333333.3333334"),
            (0x41b3_de43_5555_5557, "333333333.33333343"),
            (0xbecb_f647_612f_3696, "-0.0000033333333333333333"), (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
        ] as [(UInt64, String)])
    func rfc8785NumberExamples(bits: UInt64, expected: String) {
        #expect(canonicalJSON(.number(Double(bitPattern: bits))) == expected)
    }

    @Test func everydayNumbersAndIntegers() {
        let cases: [(Double, String)] = [
            (0.1, "0.1"), (1e-8, "1e-8"), (1e6, "1000000"), (1e-7, "1e-7"), (1.5e-6, "0.0000015"),
            (0.25, "0.25"), (-2.5, "-2.5"), (123e18, "123000000000000000000"), (1e21, "1e+21"), (-0.0, "0"),
        ]
        for (x, text) in cases { #expect(canonicalJSON(.number(x)) == text) }
        #expect(canonicalJSON(.integer(1500)) == "1500")
        #expect(canonicalJSON(.integer(-7)) == "-7")
        #expect(canonicalJSON(.integer(Int.max)) == "9223372036854775807")
    }

    /// RFC 8785 §3.2.3: keys sort by UTF-16 code units (the emoji's surrogate D83D sorts
    /// before U+FB33, although its scalar value is larger).
    @Test func keysSortByUTF16CodeUnits() {
        let object = JSONValue.object([
            "\u{20ac}": .string("Euro Sign"), "\r": .string("Carriage Return"),
            "\u{fb33}": .string("Hebrew Letter Dalet With Dagesh"), "1": .string("One"),
            "\u{1f600}": .string("Emoji: Grinning Face"), "\u{80}": .string("Control"),
            "\u{f6}": .string("Latin Small Letter O With Diaeresis"),
        ])
        let expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\","
            + "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(canonicalJSON(object) == expected)
    }

    @Test func stringsEscapeOnlyWhatRFC8785Requires() {
        let s = "\u{0}\u{8}\t\n\u{c}\r\u{1f}\"\\/é€😀"
        #expect(canonicalJSON(.string(s)) == "\"\\u0000\\b\\t\\n\\f\\r\\u001f\\\"\\\\/é€😀\"")
    }

    @Test func nestedValuesHaveNoWhitespace() {
        let value = JSONValue.object([
            "b": .array([.integer(1), .number(0.5), .bool(true), .null]),
            "a": .object(["z": .string("x"), "y": .object([:])]),
        ])
        #expect(canonicalJSON(value) == "{\"a\":{\"y\":{},\"z\":\"x\"},\"b\":[1,0.5,true,null]}")
    }
}
