/// Means and population standard deviations (ddof 0) for standardization, one entry per
/// feature (per-channel statistics are repeated over the channel's features).
///
/// Per pixel, feature j: mean_j = (1/n) Σᵢ x_ij, std_j = sqrt((1/n) Σᵢ (x_ij − mean_j)²).
/// Per channel c: the same over all n·height·width values of the channel. Two passes (mean,
/// then squared deviations), so no cancellation; a feature or channel whose values are all
/// equal gets that value as its mean exactly and std 0.
struct FeatureStatistics: Equatable, Sendable {
    var mean: [Double]
    var std: [Double]

    /// Statistics of `rows` examples stored row-major in `values` (feature j of example i is
    /// `scale · values[i·d + j]`, d = `shape.featureCount`).
    init<P: PixelValue>(values: [P], scale: Double, rows: Int, shape: InputShape, standardization: Standardization) {
        let d = shape.featureCount
        precondition(values.count == rows * d, "statistics over \(rows) rows of \(d) features need \(rows * d) values, got \(values.count)")
        precondition(standardization != .none, "no statistics are needed without standardization")
        let groupSize = standardization == .perChannel ? shape.height * shape.width : 1
        let groups = d / groupSize
        let count = Double(rows * groupSize)

        var sums = [Double](repeating: 0, count: d)
        var minima = [Double](repeating: .infinity, count: d)
        var maxima = [Double](repeating: -.infinity, count: d)
        for i in 0..<rows {
            let offset = i * d
            for j in 0..<d {
                let v = values[offset + j].realValue
                sums[j] += v
                minima[j] = Swift.min(minima[j], v)
                maxima[j] = Swift.max(maxima[j], v)
            }
        }
        var groupMean = [Double](repeating: 0, count: groups)
        var groupConstant = [Bool](repeating: true, count: groups)
        for g in 0..<groups {
            let features = (g * groupSize)..<((g + 1) * groupSize)
            let low = features.map { minima[$0] }.min() ?? 0
            let high = features.map { maxima[$0] }.max() ?? 0
            groupConstant[g] = low == high
            groupMean[g] = groupConstant[g] ? low : features.reduce(0) { $0 + sums[$1] } / count
        }
        var deviations = [Double](repeating: 0, count: d)
        for i in 0..<rows {
            let offset = i * d
            for j in 0..<d {
                let delta = values[offset + j].realValue - groupMean[j / groupSize]
                deviations[j] += delta * delta
            }
        }
        mean = [Double](repeating: 0, count: d)
        std = [Double](repeating: 0, count: d)
        for g in 0..<groups {
            let features = (g * groupSize)..<((g + 1) * groupSize)
            let groupStd = groupConstant[g] ? 0 : (features.reduce(0) { $0 + deviations[$1] } / count).squareRoot()
            for j in features {
                mean[j] = scale * groupMean[g]
                std[j] = scale * groupStd
            }
        }
    }

    /// x_ij ← (x_ij − mean_j) / std_j, or x_ij − mean_j where std_j = 0; `x`: [n, d].
    func standardize(_ x: inout [Double], columns d: Int) {
        precondition(d == mean.count && x.count % d == 0, "standardizing rows of \(d) features with statistics of \(mean.count)")
        let divisor = std.map { $0 == 0 ? 1 : $0 }
        for offset in stride(from: 0, to: x.count, by: d) {
            for j in 0..<d { x[offset + j] = (x[offset + j] - mean[j]) / divisor[j] }
        }
    }
}
