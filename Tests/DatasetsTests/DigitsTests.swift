import Testing
@testable import Datasets

@Suite struct DigitsTests {
    /// Label counts 0…9 of the bundled file (the scikit-learn digits).
    static let labelCounts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]

    @Test func bundledFileHasAllImagesAndLabels() throws {
        let data = try Dataset(loading: DatasetOptions(source: .digits, count: 0, standardization: .none))
        #expect(data.count == 1797)
        #expect(data.inputShape == InputShape(channels: 1, height: 8, width: 8))
        #expect((0...9).map { c in data.labels.filter { $0 == c }.count } == Self.labelCounts)
        // The file's first line: 0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,… label 0.
        #expect(Array(data.x.row(0).prefix(16)) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0].map { Double($0) / 16 })
        #expect(data.labels[0] == 0)
        #expect(data.x.storage.allSatisfy { (0...1).contains($0) })
        for i in [0, 500, 1796] { #expect(data.y[i, data.labels[i]] == 1 && data.y.row(i).reduce(0, +) == 1) }
    }

    @Test func perPixelStandardizationOfTheFirstThousand() throws {
        let data = try Dataset(loading: DatasetOptions(source: .digits, count: 1000))
        #expect(data.count == 1000)
        var constant: [Int] = []
        for j in 0..<64 {
            let (mean, std) = meanAndStd(data.x.column(j))
            if std == 0 {
                constant.append(j)
                #expect(data.x.column(j).allSatisfy { $0 == 0 })
            } else {
                #expect(abs(mean) < 1e-12)
                #expect(abs(std - 1) < 1e-12)
            }
        }
        #expect(constant == [0, 32, 39])
    }

    @Test func perChannelStandardizationPoolsAllPixels() throws {
        let data = try Dataset(loading: DatasetOptions(source: .digits, count: 300, standardization: .perChannel))
        let (mean, std) = meanAndStd(data.x.storage)
        #expect(abs(mean) < 1e-12 && abs(std - 1) < 1e-12)
    }

    @Test func wholeSetStatisticsApplyToTheSubset() throws {
        let raw = try Dataset(loading: DatasetOptions(source: .digits, count: 0, standardization: .none))
        let data = try Dataset(loading: DatasetOptions(source: .digits, count: 100, standardizationReference: .all))
        for j in [2, 20, 43] {
            let (mean, std) = meanAndStd(raw.x.column(j))
            for i in [0, 57, 99] { #expect(abs(data.x[i, j] - (raw.x[i, j] - mean) / std) < 1e-12) }
        }
    }

    @Test func binarySubsetGivesOnePlusMinusOneColumn() throws {
        let all = try Dataset(loading: DatasetOptions(source: .digits, count: 0, standardization: .none))
        let data = try Dataset(
            loading: DatasetOptions(source: .digits, count: 0, classSubset: [4, 9], standardization: .none, targets: .plusMinusOne))
        #expect(data.count == Self.labelCounts[4] + Self.labelCounts[9])
        #expect(data.y.columns == 1 && data.isBinary)
        #expect(data.classIDs == [4, 9] && data.classNames == ["4", "9"])
        let kept = all.labels.indices.filter { [4, 9].contains(all.labels[$0]) }
        for (r, i) in kept.enumerated() {
            #expect(data.y[r, 0] == (all.labels[i] == 4 ? 1 : -1))
            #expect(data.labels[r] == (all.labels[i] == 4 ? 0 : 1))
        }
        #expect(data.x.row(5) == all.x.row(kept[5]))
        #expect(throws: DatasetError.notEnoughExamples(requested: 400, available: 361, source: "digits")) {
            try Dataset(loading: DatasetOptions(source: .digits, count: 400, classSubset: [4, 9], targets: .plusMinusOne))
        }
        #expect(throws: DatasetError.self) {
            try Dataset(loading: DatasetOptions(source: .digits, classSubset: [4, 9], targets: .oneHot))
        }
    }

    @Test func plusMinusOneTargetsOverThreeClasses() throws {
        let data = try Dataset(loading: DatasetOptions(source: .digits, count: 50, classSubset: [7, 1, 3], targets: .plusMinusOne))
        #expect(data.y.columns == 3)
        for i in 0..<data.count {
            #expect(data.y.row(i) == (0..<3).map { $0 == data.labels[i] ? 1 : -1 })
            #expect([7, 1, 3].contains(data.classIDs[data.labels[i]]))
        }
    }

    @Test func invalidSubsetsAndCountsAreRefused() {
        #expect(throws: DatasetError.classNotPresent(classID: 12, source: "digits", available: "classes 0…9")) {
            try Dataset(loading: DatasetOptions(source: .digits, classSubset: [3, 12], targets: .plusMinusOne))
        }
        #expect(throws: DatasetError.invalidClassSubset([5], reason: "a single class is not a classification task")) {
            try Dataset(loading: DatasetOptions(source: .digits, classSubset: [5]))
        }
        #expect(throws: DatasetError.invalidClassSubset([1, 2, 1], reason: "a class is listed twice")) {
            try Dataset(loading: DatasetOptions(source: .digits, classSubset: [1, 2, 1]))
        }
        #expect(throws: DatasetError.notEnoughExamples(requested: 1798, available: 1797, source: "digits")) {
            try Dataset(loading: DatasetOptions(source: .digits, count: 1798))
        }
        #expect(throws: DatasetError.self) { try Dataset(loading: DatasetOptions(source: .digits, count: -1)) }
    }

    @Test func csvErrorsNameTheLine() {
        let good = (Array(repeating: "0", count: 64) + ["3"]).joined(separator: ",")
        let badPixel = (Array(repeating: "0", count: 63) + ["17", "3"]).joined(separator: ",")
        #expect(throws: DatasetError.badFormat(path: "d.csv", found: "line 2: pixel value 17 outside 0…16")) {
            try DigitsReader.parse(csv: Array("\(good)\n\(badPixel)\n".utf8), path: "d.csv")
        }
        #expect(throws: DatasetError.badFormat(path: "d.csv", found: "line 1: 3 fields, expected 64 pixels and a label")) {
            try DigitsReader.parse(csv: Array("1,2,3\n".utf8), path: "d.csv")
        }
        #expect((try? DigitsReader.parse(csv: Array("\(good)\r\n\(good)".utf8), path: "d.csv"))?.labels == [3, 3])
    }
}
