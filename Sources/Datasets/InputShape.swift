/// The shape of one input example before flattening: `channels × height × width`.
///
/// A row of `Dataset.x` holds the example channel-major, as PyTorch's CHW tensors do: feature
/// `c·height·width + h·width + w` is pixel (h, w) of channel c. Per-channel standardization
/// pools the `height·width` features of each channel.
public struct InputShape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "InputShape needs positive sizes, got \(channels)×\(height)×\(width)")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// d = channels · height · width, the number of columns of `Dataset.x`.
    public var featureCount: Int { channels * height * width }

    /// `C×H×W`, e.g. `3×32×32`.
    public var description: String { "\(channels)×\(height)×\(width)" }
}
