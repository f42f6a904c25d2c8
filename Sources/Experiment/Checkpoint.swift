import Foundation
import LinearAlgebra
import Dynamics

/// A run's resumable state in its folder, `checkpoint.safetensors`: θ_t (`theta` [N]), the
/// eigen-solver warm start (`warm_start` [m, N], absent when m = 0), and as metadata the step,
/// L(θ₀), the trace rows before t, the precision and the resolved configuration it belongs to.
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
        var metadata = [
            "step": String(state.step), "precision": T.precisionName, "config": configJSON,
            "trace_csv": trace.text,
        ]
        if let l = state.initialLoss { metadata["initial_loss"] = "\(l)" }
        try directory.write(Checkpoint.fileName, bytes: Safetensors(tensors: tensors, metadata: metadata).serialized())
    }

    /// The checkpoint in `directory`, nil when there is none; an error when it belongs to another
    /// configuration or precision, or cannot be read. The state's edge step (for
    /// `train.steps_after_eos`) is found again in the kept rows, at 2/`learningRate`.
    static func load(
        from directory: RunDirectory, configJSON: String, eigenvalueCount: Int, learningRate: Double
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
            let traceText = m["trace_csv"], let trace = TraceTable(parsing: traceText, eigenvalueCount: eigenvalueCount)
        else { throw .checkpoint(path: path, reason: "missing or malformed fields") }
        var state = GradientDescentState(theta: theta)
        state.step = step
        state.edgeStep = StopRules.edgeStep(of: trace.rows, threshold: 2 / learningRate)
        state.initialLoss = m["initial_loss"].flatMap { Double($0) }.map { T($0) }
        if let w = values(file.tensors["warm_start"]), !theta.isEmpty {
            state.warmStart = stride(from: 0, to: w.count, by: theta.count).map { Array(w[$0..<($0 + theta.count)]) }
        }
        return Checkpoint(state: state, trace: trace, configJSON: configJSON)
    }

    static func remove(from directory: RunDirectory) {
        try? FileManager.default.removeItem(atPath: directory.path(fileName))
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
    init?(parsing text: String, eigenvalueCount: Int) {
        self.init(eigenvalueCount: eigenvalueCount)
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5 + eigenvalueCount, let step = Int(f[0]), let loss = Double(f[1]),
                let accuracy = Double(f[2]), let gradientNorm = Double(f[3])
            else { return nil }
            let eigen = ([f[4]] + f[6...]).compactMap { Double($0) }
            append(
                TraceRecord(
                    step: step, loss: loss, accuracy: accuracy, gradientNorm: gradientNorm,
                    sharpness: eigen, sharpnessAt: SharpnessLocation(rawValue: f[5])))
        }
    }
}
