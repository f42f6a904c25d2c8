import Dynamics

/// `trace.csv`: `step,loss,accuracy,grad_norm,sharpness,sharpness_at` (+ `eig2` … `eigk` when
/// k > 1, + `preconditioned_sharpness` for an adaptive optimizer); row t is θ_t before update t;
/// sharpness fields empty where not measured.
struct TraceTable {
    let eigenvalueCount: Int
    /// Whether the table has the `preconditioned_sharpness` column (adam, rmsprop).
    let preconditioned: Bool
    private(set) var rows: [TraceRecord] = []
    private(set) var text: String

    init(eigenvalueCount: Int, preconditioned: Bool = false) {
        self.eigenvalueCount = eigenvalueCount
        self.preconditioned = preconditioned
        let extra = eigenvalueCount > 1 ? (2...eigenvalueCount).map { "eig\($0)" } : []
        text = CSVNumber.line(
            ["step", "loss", "accuracy", "grad_norm", "sharpness", "sharpness_at"] + extra
                + (preconditioned ? ["preconditioned_sharpness"] : []))
    }

    mutating func append(_ r: TraceRecord) {
        rows.append(r)
        let eigen = (0..<eigenvalueCount).map { i in r.sharpness.count > i ? CSVNumber.format(r.sharpness[i]) : "" }
        let last = preconditioned ? [CSVNumber.format(r.preconditionedSharpness)] : []
        text += CSVNumber.line(
            [
                String(r.step), CSVNumber.format(r.loss), CSVNumber.format(r.accuracy),
                CSVNumber.format(r.gradientNorm), eigen[0], r.sharpnessAt?.rawValue ?? "",
            ]
                + eigen.dropFirst() + last)
    }

    /// Drops the rows from `step` on (a resumed run writes them again).
    mutating func truncate(before step: Int) {
        let kept = rows.filter { $0.step < step }
        self = TraceTable(eigenvalueCount: eigenvalueCount, preconditioned: preconditioned)
        kept.forEach { append($0) }
    }
}
