/// What a network costs the engine, for the memory check and the BLAS thread count of a run
/// (docs/ARCHITECTURE.md § Engine), counted from the same graph `FullBatchLoss` instantiates.
extension Network {
    /// Scalars `FullBatchLoss` holds per example: for every value its order-0 and order-1
    /// coefficients and gradients (4 per entry), the activations' σ′, σ″, σ‴ (3), a norm's x̂₀, x̂₁
    /// and r per group, attention's probabilities A₀, A₁, a max pool's winners (counted as one scalar each), its copy of the
    /// example and target; with `secondOrder` (∇³L) 2 more per value entry a norm's x̂₂ and attention's A₂.
    public func lossScalarsPerExample(secondOrder: Bool) -> Double {
        var scalars = Double(input.count + outputs)
        for size in valueSizes.dropFirst() { scalars += Double(size) * (secondOrder ? 6 : 4) }
        for node in nodes {
            switch node.kind {
            case .activation(let size): scalars += 3 * Double(size)
            case .groupNorm(let shape, let groups, _, _): scalars += Double(shape.count) * (secondOrder ? 3 : 2) + 3 * Double(groups)
            case .maxPool: scalars += Double(valueSizes[node.output])
            default: break
            }
        }
        return scalars
    }

    /// Scalars of the scratch buffer the layers share (a convolution's patch matrix), 0 without one.
    public var scratchScalars: Double {
        nodes.contains { if case .conv = $0.kind { true } else { false } } ? Double(Scratch<Double>.budget) : 0
    }

    /// The floating-point operations of the largest single product of a gradient pass on n
    /// examples: 2·n·rows·in·out for a dense layer (rows = T for the transformer's per-token
    /// layers, whose product has n·T rows), 2·n·Ho·Wo·cout·cin·k² for a convolution.
    public func largestProductFLOPs(examples n: Int) -> Double {
        nodes.map { node -> Double in
            switch node.kind {
            case .dense(let inputs, let outputs, _, _): 2 * Double(n * node.rows) * Double(inputs) * Double(outputs)
            case .conv(let input, _, let kernel, _, _, _, _):
                // valueSizes[output] = Ho·Wo·cout
                2 * Double(n) * Double(valueSizes[node.output]) * Double(input.channels * kernel * kernel)
            default: 0
            }
        }.max() ?? 0
    }
}
