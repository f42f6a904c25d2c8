import Testing
@testable import SweepReports

@Suite("eos export's timestamps: ISO 8601 in UTC to the millisecond, as python/eos_frames.py reads them")
struct ExportTimestampTests {
    @Test(
        "unix seconds → the millisecond Python's round(seconds * 1000) gives, formatted by hand",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (1_733_459_593.25, "2024-12-06T04:33:13.250Z"),
            (-0.5, "1969-12-31T23:59:59.500Z"),
            (1_764_991_993.1234, "2025-12-06T03:33:13.123Z"),
            (0.0025, "1970-01-01T00:00:00.002Z"),  // a tie goes to even, as in Python
            (4_102_444_800.999, "2100-01-01T00:00:00.999Z"),
            (951_825_599.9996, "2000-02-29T12:00:00.000Z"),  // rounds up into the next second
        ])
    func timestamps(seconds: Double, expected: String) {
        #expect(SweepExport.timestamp(seconds) == expected)
    }
}
