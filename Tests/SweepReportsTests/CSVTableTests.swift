import Testing
@testable import SweepReports

@Suite struct CSVTableTests {
    @Test func emptyNanAndInfinityFieldsAreRead() throws {
        let table = try CSVTable(
            parsing: "step,loss,sharpness,sharpness_at\n0,1.5,,\n1,nan,2.25,iterate\n2,inf,-inf,\n",
            name: "trace.csv")
        #expect(table.rowCount == 3)
        let loss = try #require(table.column("loss"))
        #expect(loss[0] == 1.5 && loss[1].isNaN && loss[2] == .infinity)
        let sharpness = try #require(table.column("sharpness"))
        #expect(sharpness[0].isNaN && sharpness[1] == 2.25 && sharpness[2] == -.infinity)
        #expect(table.text("sharpness_at") == ["", "iterate", ""])
        #expect(table.column("eig2") == nil)
    }

    @Test func aRowWithTheWrongFieldCountNamesItsLine() {
        #expect(throws: ReportError.malformedFile(name: "trace.csv", line: 3, reason: "1 fields where the header has 2")) {
            _ = try CSVTable(parsing: "step,loss\n0,1\n1\n", name: "trace.csv")
        }
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [ReportError] = [
            .notASource(path: "/x"), .missingFile(path: "/x/trace.csv"),
            .malformedFile(name: "trace.csv", line: 3, reason: "bad"), .cannotWrite(path: "/o", reason: "denied"),
        ]
        for error in errors { #expect(!error.description.contains("\n")) }
    }
}
