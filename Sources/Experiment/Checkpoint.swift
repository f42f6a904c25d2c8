import Foundation
import LinearAlgebra
import Dynamics

/// A run's resumable state in its folder, `checkpoint.safetensors`: θ_t (`theta` [N]), the
/// eigen-solver warm start (`warm_start` [m, N], absent when m = 0), the optimizer's buffers
/// after t updates where it has them (`momentum` [N]: torch's `momentum_buffer` or Adam's
/// `exp_avg`; `squares` [N]: `exp_avg_sq` or RMSprop's `square_avg`) and the preconditioned
/// sharpness's warm start (`preconditioned_warm_start` [1, N]), and as metadata the step, L(θ₀),
/// the trace rows before t, the precision and the resolved configuration it belongs to. A plain
/// GD run's file has exactly what it had before optimizers existed.
/// Written atomically every `checkpoint_every` seconds and when a run is stopped; removed when
/// the run ends.
struct Checkpoint<T: BLASScalar> {
    static var fileName: String { "checkpoint.safetensors" }

    var state: GradientDescentState<T>
    /// trace.csv rows 0 … t−1.
    var trace: TraceTable
    var configJSON: String

    func write(to directory: RunDirectory) throws(ExperimentError) {
        var tensors = ["theta": tensor(state.theta, shape: [state.theta.count])]
        if !state.warmStart.isEmpty {
            tensors["warm_start"] = tensor(state.warmStart.flatMap { $0 }, shape: [state.warmStart.count, state.theta.count])
        }
        if !state.momentum.isEmpty { tensors["momentum"] = tensor(state.momentum, shape: [state.momentum.count]) }
        if !state.squares.isEmpty { tensors["squares"] = tensor(state.squares, shape: [state.squares.count]) }
        if !state.preconditionedWarmStart.isEmpty {
            tensors["preconditioned_warm_start"] = tensor(
                state.preconditionedWarmStart.flatMap { $0 }, shape: [state.preconditionedWarmStart.count, state.theta.count])
        }
        var metadata = [
            "step": String(state.step), "precision": T.precisionName, "config": configJSON,
            "trace_csv": trace.text,
        ]
        if let l = state.initialLoss { metadata["initial_loss"] = "\(l)" }
        try directory.write(Checkpoint.fileName, bytes: Safetensors(tensors: tensors, metadata: metadata).serialized())
    }

    /// The checkpoint in `directory`, nil when there is none; an error when it belongs to another
    /// configuration or precision, or cannot be read. The state's edge step (for
    /// `train.steps_after_eos`) is found again in the kept rows, at `threshold`.
    static func load(
        from directory: RunDirectory, configJSON: String, eigenvalueCount: Int, preconditioned: Bool = false,
        threshold: Double
    ) throws(ExperimentError) -> Checkpoint? {
        let path = directory.path(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file: Safetensors
        do { file = try Safetensors(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .checkpoint(path: path, reason: error.description)
        }
        let m = file.metadata
        guard m["config"] == configJSON, m["precision"] == T.precisionName else {
            throw .checkpoint(path: path, reason: "it belongs to another configuration or precision")
        }
        guard let step = m["step"].flatMap({ Int($0) }), let theta = values(file.tensors["theta"]),
            let traceText = m["trace_csv"],
            let trace = TraceTable(parsing: traceText, eigenvalueCount: eigenvalueCount, preconditioned: preconditioned)
        else { throw .checkpoint(path: path, reason: "missing or malformed fields") }
        var state = GradientDescentState(theta: theta)
        state.step = step
        state.edgeStep = StopRules.edgeStep(of: trace.rows, threshold: threshold)
        state.initialLoss = m["initial_loss"].flatMap { Double($0) }.map { T($0) }
        state.warmStart = rows(values(file.tensors["warm_start"]), length: theta.count)
        state.momentum = values(file.tensors["momentum"]) ?? []
        state.squares = values(file.tensors["squares"]) ?? []
        state.preconditionedWarmStart = rows(values(file.tensors["preconditioned_warm_start"]), length: theta.count)
        guard [state.momentum, state.squares].allSatisfy({ $0.isEmpty || $0.count == theta.count }) else {
            throw .checkpoint(path: path, reason: "the optimizer's buffers do not match theta")
        }
        return Checkpoint(state: state, trace: trace, configJSON: configJSON)
    }

    static func remove(from directory: RunDirectory) {
        try? FileManager.default.removeItem(atPath: directory.path(fileName))
    }

    /// The rows of a flattened [m, length] tensor; none when it is absent or `length` is 0.
    private static func rows(_ flat: [T]?, length: Int) -> [[T]] {
        guard let flat, length > 0 else { return [] }
        return stride(from: 0, to: flat.count, by: length).map { Array(flat[$0..<($0 + length)]) }
    }

    private static func values(_ t: Safetensors.Tensor?) -> [T]? {
        guard let t else { return nil }
        if T.self == Double.self { return t.doubles as? [T] }
        return t.floats as? [T]
    }
}

/// A safetensors tensor of `values` in their own precision (F32 or F64).
func tensor<T: BLASScalar>(_ values: [T], shape: [Int]) -> Safetensors.Tensor {
    if let d = values as? [Double] { return Safetensors.Tensor(d, shape: shape) }
    return Safetensors.Tensor(values.map { Float($0) }, shape: shape)
}

extension TraceTable {
    /// Reads back rows this type wrote (a checkpoint's trace); nil when the text is not such a table.
    init?(parsing text: String, eigenvalueCount: Int, preconditioned: Bool = false) {
        self.init(eigenvalueCount: eigenvalueCount, preconditioned: preconditioned)
        let fieldCount = 5 + eigenvalueCount + (preconditioned ? 1 : 0)
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == fieldCount, let step = Int(f[0]), let loss = Double(f[1]),
                let accuracy = Double(f[2]), let gradientNorm = Double(f[3])
            else { return nil }
            let eigen = ([f[4]] + f[6..<(5 + eigenvalueCount)]).compactMap { Double($0) }
            append(
                TraceRecord(
                    step: step, loss: loss, accuracy: accuracy, gradientNorm: gradientNorm,
                    sharpness: eigen, sharpnessAt: SharpnessLocation(rawValue: f[5]),
                    preconditionedSharpness: preconditioned ? Double(f[fieldCount - 1]) : nil))
        }
    }
}
