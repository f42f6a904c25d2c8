import Configuration
import Curvature
import NeuralNetwork

/// The memory one run takes, estimated from its configuration and the shape of its data before
/// anything is allocated or written, so that a model too large for the machine is refused with
/// one line instead of dying in an allocation (`PreparedRun.checkMemory`).
///
/// It counts the buffers the engine allocates for the run's `Network` on n examples, in bytes s
/// per scalar (8 in Float64, 4 in Float32):
/// - the loss (`FullBatchLoss`): `Network.lossScalarsPerExample` per example — every value's
///   order-0 and order-1 coefficients and gradients, the layers' caches (σ′, σ″, σ‴, a norm's
///   x̂), and with tracking the order-2 (Taylor) buffers of ∇³L — its copy of X and Y, the
///   layers' shared scratch, and its cached θ and gradient;
/// - vectors of length N: θ, the gradient, the next iterate, the copies while a parameter file
///   is serialized (8 in all, as measured), the warm start (k vectors), and the block-Lanczos
///   storage (`BlockLanczos.storedVectors`); an optimizer other than gd its buffers (momentum,
///   squares), for adam and rmsprop the preconditioner, its scale, the scaled operator's two
///   scratch vectors and the preconditioned warm start, and at the midpoint a copy of θ and the
///   buffers (docs/THEORY.md §11); a central run adds, for 2k pairs (k = `central.k`, room to
///   grow), the gᵢⱼ, the eigenvectors and two solves' storage; tracking adds 24 Float64 vectors (θ†, v⋆, ∇²L·u,
///   ∇³L[u, u], the projection's and the gradient flow's iterates) and a 2-pair solver;
/// - the dataset in Float64 (x, y) and its serialized `data.safetensors`;
/// - the process itself (`baseline`: Swift runtime, Foundation, OpenBLAS's buffers).
///
/// Checked against the peak resident size of `eos run` (MLP depth 2, width 1024, 1000 digits,
/// one sharpness solve: 810 MB measured, 866 MB estimated); the Lanczos term is its worst case
/// (a cold start that reaches the full basis), so the estimate is an upper bound there.
///
/// A tracked run whose training precision is Float32 holds both a Float32 and a Float64 loss.
/// Sizes are computed in floating point (`Network` bounds width and depth so that its own sizes
/// stay integers).
public struct MemoryEstimate: Sendable, Equatable {
    /// N, the number of parameters.
    public let parameters: Double
    /// The bytes of the buffers above.
    public let bytes: Double

    /// The estimate for `configuration` with its `network` on n examples.
    public init(_ configuration: RunConfiguration, network: Network, examples n: Int) {
        let n = Double(n), d = Double(network.input.count), k = Double(network.outputs)
        let parameters = Double(network.parameterCount)
        let tracking = configuration.track.enabled || configuration.central.enabled
        let eigenvalues = configuration.sharpness.k

        func lossBytes(scalar s: Double, secondOrder: Bool) -> Double {
            s * (n * network.lossScalarsPerExample(secondOrder: secondOrder) + network.scratchScalars + 2 * parameters)
        }
        let dimension = max(network.parameterCount, 1)
        /// The solver's storage for `pairs` eigenpairs plus their warm start.
        func lanczosVectors(pairs: Int) -> Double {
            Double(BlockLanczos<Double>(count: pairs).storedVectors(dimension: dimension) + pairs)
        }
        let s = configuration.train.precision == .float64 ? 8.0 : 4.0
        var bytes = lossBytes(scalar: s, secondOrder: tracking && s == 8)
        bytes += s * parameters * (8 + lanczosVectors(pairs: eigenvalues) + Self.optimizerVectors(configuration))
        if tracking {
            if s != 8 { bytes += lossBytes(scalar: 8, secondOrder: true) }
            bytes += 8 * parameters * (24 + lanczosVectors(pairs: max(2, eigenvalues)))
        }
        if configuration.central.enabled {
            // The central flow's critical eigenvectors, gᵢⱼ and Σ's eigenvectors for k pairs
            // (twice k when k grows), and GD's own solve of as many.
            let pairs = 2 * configuration.central.k
            bytes += 8 * parameters * (Double(pairs * (pairs + 1) / 2 + 2 * pairs) + 2 * lanczosVectors(pairs: pairs))
        }
        bytes += 8 * n * (d + k + 1) + (configuration.usesFloat64 ? 8 : 4) * n * (d + k + 1)
        bytes += Self.baseline
        self.parameters = parameters
        self.bytes = bytes
    }

    /// The [N] vectors an optimizer other than gd adds (see the type's comment).
    static func optimizerVectors(_ configuration: RunConfiguration) -> Double {
        let optimizer = configuration.train.optimizer
        guard optimizer != .gd else { return 0 }
        let buffers = (optimizer.readsMomentum ? 1.0 : 0) + (optimizer.isAdaptive ? 1 : 0)
        let preconditioned = optimizer.isAdaptive ? 5.0 : 0
        let midpoint = configuration.sharpness.at == .midpoint ? 1 + buffers : 0
        return buffers + preconditioned + midpoint
    }

    /// The resident size of `eos` before any run buffer: 64 MB (about 33 MB measured with one
    /// BLAS thread, the rest for more threads' buffers).
    public static let baseline = 64.0 * 1024 * 1024

    /// Bytes as "1.5 GB", "640 MB" (powers of 1024).
    public static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}

extension PreparedRun {
    /// The memory estimate of this run on its loaded dataset.
    public var memoryEstimate: MemoryEstimate {
        MemoryEstimate(configuration, network: network, examples: dataset.count)
    }

    /// Refuses a run whose `memoryEstimate` exceeds the memory available to this process
    /// (`AvailableMemory`), with one line naming both and the keys that size a run. Does
    /// nothing where the available memory cannot be read.
    public func checkMemory(available: AvailableMemory? = .current) throws(ExperimentError) {
        guard let available else { return }
        let estimate = memoryEstimate
        guard estimate.bytes > available.bytes else { return }
        let parameters =
            estimate.parameters < 1e6
            ? "\(Int(estimate.parameters))"
            : String(format: "%.3g", estimate.parameters)
        throw .invalidConfiguration(
            "model too large for this machine: the run needs about \(MemoryEstimate.format(estimate.bytes)) "
                + "(\(parameters) parameters, \(dataset.count) examples), only \(MemoryEstimate.format(available.bytes)) "
                + "available (\(available.source)); reduce model.width, model.depth or data.n")
    }
}
