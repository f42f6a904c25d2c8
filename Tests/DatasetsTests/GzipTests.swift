import Testing
@testable import Datasets

@Suite struct GzipTests {
    @Test func inflatesConcatenatedMembers() throws {
        let first = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let second = Array("the second member".utf8)
        #expect(try Gzip.inflate(gzip(first) + gzip(second), path: "two.gz") == first + second)
        #expect(try Gzip.inflate(gzip([]), path: "empty.gz") == [])
    }

    @Test func emptyInputIsCorrupt() {
        #expect(throws: DatasetError.corruptGzip(path: "none.gz", reason: "the file is empty")) {
            try Gzip.inflate([], path: "none.gz")
        }
    }
}
