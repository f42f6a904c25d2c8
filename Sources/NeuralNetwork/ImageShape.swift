/// The shape of one image-like example, `channels × height × width`. The data rows hold it
/// channel-major (CHW, PyTorch's layout); inside the network, convolutional layers keep their
/// activations channels-last, [n, height, width, channels] (docs/ARCHITECTURE.md § Engine), so
/// that a convolution is one GEMM over all pixels and a bias or norm runs along the last axis.
public struct ImageShape: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// channels · height · width.
    public var count: Int { channels * height * width }
    /// height · width.
    public var pixels: Int { height * width }

    /// `C×H×W`.
    public var description: String { "\(channels)×\(height)×\(width)" }
}

extension ImageShape {
    /// [1, 1, d]: d features with no image structure (an MLP's input, synthetic data by default).
    public static func flat(_ features: Int) -> ImageShape { ImageShape(channels: 1, height: 1, width: features) }
}
