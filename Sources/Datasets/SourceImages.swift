/// A stored pixel value: a byte of an image file or an already real-valued feature.
protocol PixelValue: Sendable {
    var realValue: Double { get }
}

extension UInt8: PixelValue {
    var realValue: Double { Double(self) }
}

extension Double: PixelValue {
    var realValue: Double { self }
}

/// A source's whole training set as decoded from its files, before class selection,
/// truncation and standardization: feature j of example i is `scale · pixels[i·d + j]`
/// (d = `shape.featureCount`), its class id in the source is `labels[i]`.
///
/// Image sources keep their bytes (`Pixel = UInt8`), so a 50 000-image CIFAR-10 training set
/// costs 150 MB, not 1.2 GB, until the selected rows become `Double`.
struct SourceImages<Pixel: PixelValue>: Sendable {
    /// The `data.name` of the source.
    var name: String
    var shape: InputShape
    var pixels: [Pixel]
    var scale: Double
    var labels: [Int]
    /// Name of each class id of the source (index = class id); their count is the source's
    /// number of classes, whether or not each occurs in `labels`.
    var classNames: [String]
    /// False for the synthetic source, which generates only the prefix it needs: a listed
    /// class that does not occur in it is not missing, just not reached.
    var isWholeTrainingSet = true

    var count: Int { labels.count }
    var featureCount: Int { shape.featureCount }
}
