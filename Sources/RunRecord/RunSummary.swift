import Configuration

/// A run's record, `summary.json`: how it ended, the EoS summary of its trace, the tracking
/// summary when it tracked θ†, and how it ran. The one definition of its fields: `Experiment`
/// writes it, a sweep stores its text in the journal, and `eos export`, the report and the sweep's
/// table read it back through ``init(json:)``.
///
/// Every field is always written (``Field`` lists them in file order); a field that does not
/// apply, and a number that is not finite, is `null`. Reading is lenient the other way: a field
/// a summary lacks (written by an older version) reads as nil. η is `train.lr`; S is the
/// sharpness λ_max(∇²L); t counts GD steps.
public struct RunSummary: Sendable, Equatable, Codable {
    /// Why the run ended (`stop_reason`); it implies ``status``.
    public var stopReason: RunStopReason
    /// `status`: completed | diverged | stopped | failed.
    public var status: RunStatus { stopReason.status }
    /// `steps_done`: the GD steps taken (the last trace row's step).
    public var stepsDone: Int

    // The EoS summary of the trace.
    /// `two_over_eta`: 2/η, GD's stability threshold: on a quadratic, GD with step η is stable
    /// along a direction of curvature S exactly when S < 2/η (same units as S). The run's own
    /// threshold, another one for other optimizers, is ``threshold``.
    public var twoOverEta: Double?
    /// `sharpness_at`: where the trace's sharpness was measured (iterate | midpoint).
    public var sharpnessAt: RunConfiguration.SharpnessPoint?
    /// `eos_step`: the first trace row whose measured sharpness is ≥ the threshold (2/η for
    /// gd); nil when none is.
    public var eosStep: Int?
    /// `sharpness_ratio_median`, `_p10`, `_p90`: quantiles of S/threshold (S·η/2 for gd;
    /// dimensionless, 1 = at the edge) over the measured rows t ≥ eos_step; nil without an eos_step.
    public var sharpnessRatioMedian: Double?
    public var sharpnessRatioP10: Double?
    public var sharpnessRatioP90: Double?
    /// `max_sharpness`: the largest measured S.
    public var maxSharpness: Double?
    /// `final_loss`: L at the last trace row.
    public var finalLoss: Double?
    /// `final_accuracy`: the training accuracy (fraction in [0, 1]) at the last trace row.
    public var finalAccuracy: Double?
    /// `loss_nonmonotone_steps`: the number of t ≥ 1 with L(θ_t) > L(θ_{t−1}).
    public var lossNonmonotoneSteps: Int?

    // The tracking summary (nil without tracking), over the phase-B rows.
    /// `track_start_step`: t0, the first unstable iterate, where tracking starts.
    public var trackStartStep: Int?
    /// `dist_median`, `dist_max`: of ‖θ − θ†‖ (parameter-space distance).
    public var distMedian: Double?
    public var distMax: Double?
    /// `pred_error_median`: median of ‖θ − θ† − v⋆‖ / ‖θ − θ†‖ (relative).
    public var predErrorMedian: Double?
    /// `loss_pred_rel_error_median`: median of |L − pred_loss| / |L − L(θ†)| over the steps
    /// where |L − L(θ†)| > 0.01·L; nil if none.
    public var lossPredRelErrorMedian: Double?
    /// `sharpness_pred_rel_error_median`: median of |gd_sharpness − pred_sharpness|·η/2.
    public var sharpnessPredRelErrorMedian: Double?
    /// `gf_dist_median`: median of ‖θ_gf − θ†‖ (nil without gradient flow).
    public var gfDistMedian: Double?
    /// `lambda2_max_ratio`: the largest λ₂·η/2 seen at θ†.
    public var lambda2MaxRatio: Double?

    /// `threshold`: c/η, the stability threshold of the run's optimizer (docs/THEORY.md §11;
    /// 2/η for gd), in units of S. `eos_step` and the `sharpness_ratio_*` fields compare the
    /// run's sharpness — the preconditioned one for adam and rmsprop — with it (the ratio is
    /// S/threshold). Nil in a summary written before optimizers existed: there it is 2/η.
    public var threshold: Double?
    // The central-flow summary (nil without `[central]`), over the rows of `central.csv`.
    /// `central_loss_error_median`: median over the steps after the start of |GD 2-step-average
    /// loss − predicted loss| / GD 2-step-average loss (relative).
    public var centralLossErrorMedian: Double?
    /// `central_distance_ratio`: ‖θ − w‖ / ‖θ − w_GF‖ at the last step (GD's distance to the
    /// central flow over its distance to gradient flow; nil without gradient flow).
    public var centralDistanceRatio: Double?
    /// `central_directions_max`: the most critical directions at any step.
    public var centralDirectionsMax: Int?

    // How it ran.
    /// `timings`: wall-clock seconds by part (total, gd, eigen, tracking).
    public var timings: [String: Double]
    /// `version`: the eos version that wrote it (``ToolVersion``).
    public var version: String?
    /// `error`: what ended a failed run; nil otherwise.
    public var error: String?
    /// `resumed_from_checkpoint`: true when the run continued from a checkpoint in its folder.
    public var resumedFromCheckpoint: Bool
    /// `blas_threads`: the OpenBLAS threads the run computed with. Results are bit-identical
    /// between runs only at the same count (and the same kernels).
    public var blasThreads: Int?
    /// `checkpoint_error`: the last periodic checkpoint that could not be written (its path and
    /// why); nil when every one was. Such a run, stopped, would resume from an older checkpoint or none.
    public var checkpointError: String?

    /// A summary with the given ending and every other field nil (empty timings).
    public init(
        stopReason: RunStopReason, stepsDone: Int, timings: [String: Double] = [:],
        version: String? = ToolVersion.current, resumedFromCheckpoint: Bool = false, blasThreads: Int? = nil
    ) {
        self.stopReason = stopReason
        self.stepsDone = stepsDone
        self.timings = timings
        self.version = version
        self.resumedFromCheckpoint = resumedFromCheckpoint
        self.blasThreads = blasThreads
    }

    /// The fields of `summary.json` in file order (the contract's order; later additions last).
    public enum Field: String, CaseIterable, Sendable {
        case status
        case stopReason = "stop_reason"
        case stepsDone = "steps_done"
        case twoOverEta = "two_over_eta"
        case sharpnessAt = "sharpness_at"
        case eosStep = "eos_step"
        case sharpnessRatioMedian = "sharpness_ratio_median"
        case sharpnessRatioP10 = "sharpness_ratio_p10"
        case sharpnessRatioP90 = "sharpness_ratio_p90"
        case maxSharpness = "max_sharpness"
        case finalLoss = "final_loss"
        case finalAccuracy = "final_accuracy"
        case lossNonmonotoneSteps = "loss_nonmonotone_steps"
        case trackStartStep = "track_start_step"
        case distMedian = "dist_median"
        case distMax = "dist_max"
        case predErrorMedian = "pred_error_median"
        case lossPredRelErrorMedian = "loss_pred_rel_error_median"
        case sharpnessPredRelErrorMedian = "sharpness_pred_rel_error_median"
        case gfDistMedian = "gf_dist_median"
        case lambda2MaxRatio = "lambda2_max_ratio"
        // Added with the optimizers: after the contract's EoS and tracking fields, so their
        // CSV columns (`edgeOfStability`) keep their order.
        case threshold
        case centralLossErrorMedian = "central_loss_error_median"
        case centralDistanceRatio = "central_distance_ratio"
        case centralDirectionsMax = "central_directions_max"
        case timings
        case version
        case error
        case resumedFromCheckpoint = "resumed_from_checkpoint"
        case blasThreads = "blas_threads"
        case checkpointError = "checkpoint_error"

        /// The EoS summary fields (with the tracking and central-flow ones), in the contract's
        /// order: the last columns of `eos export --format csv` and of a report's `summary.csv`.
        public static let edgeOfStability: [Field] =
            Array(allCases[allCases.firstIndex(of: .twoOverEta)!...allCases.firstIndex(of: .lambda2MaxRatio)!])
            + [.centralLossErrorMedian, .centralDistanceRatio, .centralDirectionsMax]
    }

    /// The value of one field as written (null where it does not apply or is not finite).
    public subscript(field: Field) -> JSONValue {
        switch field {
        case .status: .string(status.rawValue)
        case .stopReason: .string(stopReason.rawValue)
        case .stepsDone: .integer(stepsDone)
        case .twoOverEta: Self.number(twoOverEta)
        case .sharpnessAt: sharpnessAt.map { .string($0.rawValue) } ?? .null
        case .eosStep: Self.integer(eosStep)
        case .sharpnessRatioMedian: Self.number(sharpnessRatioMedian)
        case .sharpnessRatioP10: Self.number(sharpnessRatioP10)
        case .sharpnessRatioP90: Self.number(sharpnessRatioP90)
        case .maxSharpness: Self.number(maxSharpness)
        case .finalLoss: Self.number(finalLoss)
        case .finalAccuracy: Self.number(finalAccuracy)
        case .lossNonmonotoneSteps: Self.integer(lossNonmonotoneSteps)
        case .trackStartStep: Self.integer(trackStartStep)
        case .distMedian: Self.number(distMedian)
        case .distMax: Self.number(distMax)
        case .predErrorMedian: Self.number(predErrorMedian)
        case .lossPredRelErrorMedian: Self.number(lossPredRelErrorMedian)
        case .sharpnessPredRelErrorMedian: Self.number(sharpnessPredRelErrorMedian)
        case .gfDistMedian: Self.number(gfDistMedian)
        case .lambda2MaxRatio: Self.number(lambda2MaxRatio)
        case .threshold: Self.number(threshold)
        case .centralLossErrorMedian: Self.number(centralLossErrorMedian)
        case .centralDistanceRatio: Self.number(centralDistanceRatio)
        case .centralDirectionsMax: Self.integer(centralDirectionsMax)
        case .timings: .object(timings.mapValues { Self.number($0) })
        case .version: version.map { .string($0) } ?? .null
        case .error: error.map { .string($0) } ?? .null
        case .resumedFromCheckpoint: .bool(resumedFromCheckpoint)
        case .blasThreads: Self.integer(blasThreads)
        case .checkpointError: checkpointError.map { .string($0) } ?? .null
        }
    }

    /// The whole summary as a JSON object (every field present).
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Field.allCases.map { ($0.rawValue, self[$0]) }))
    }

    /// The text of `summary.json`: ``json`` pretty-printed with sorted keys.
    public var text: String { prettyJSON(json) }

    /// Reads a summary from its JSON object. Fields it lacks read as nil (false, empty); a field
    /// of the wrong type, an unknown stop reason, or a missing `stop_reason`/`steps_done` is an error.
    public init(json: JSONValue) throws(RunSummaryError) {
        guard case .object(let fields) = json else { throw .notAnObject }
        let reader = FieldReader(fields: fields)
        guard let reasonText = try reader.string(.stopReason) else { throw .missing(Field.stopReason.rawValue) }
        guard let reason = RunStopReason(rawValue: reasonText) else {
            throw .invalid(field: Field.stopReason.rawValue, value: JSONValue.string(reasonText).description)
        }
        guard let steps = try reader.integer(.stepsDone) else { throw .missing(Field.stepsDone.rawValue) }
        self.init(
            stopReason: reason, stepsDone: steps, version: try reader.string(.version),
            resumedFromCheckpoint: try reader.bool(.resumedFromCheckpoint) ?? false,
            blasThreads: try reader.integer(.blasThreads))
        twoOverEta = try reader.number(.twoOverEta)
        if let at = try reader.string(.sharpnessAt) {
            guard let point = RunConfiguration.SharpnessPoint(rawValue: at) else {
                throw .invalid(field: Field.sharpnessAt.rawValue, value: JSONValue.string(at).description)
            }
            sharpnessAt = point
        }
        eosStep = try reader.integer(.eosStep)
        sharpnessRatioMedian = try reader.number(.sharpnessRatioMedian)
        sharpnessRatioP10 = try reader.number(.sharpnessRatioP10)
        sharpnessRatioP90 = try reader.number(.sharpnessRatioP90)
        maxSharpness = try reader.number(.maxSharpness)
        finalLoss = try reader.number(.finalLoss)
        finalAccuracy = try reader.number(.finalAccuracy)
        lossNonmonotoneSteps = try reader.integer(.lossNonmonotoneSteps)
        trackStartStep = try reader.integer(.trackStartStep)
        distMedian = try reader.number(.distMedian)
        distMax = try reader.number(.distMax)
        predErrorMedian = try reader.number(.predErrorMedian)
        lossPredRelErrorMedian = try reader.number(.lossPredRelErrorMedian)
        sharpnessPredRelErrorMedian = try reader.number(.sharpnessPredRelErrorMedian)
        gfDistMedian = try reader.number(.gfDistMedian)
        lambda2MaxRatio = try reader.number(.lambda2MaxRatio)
        threshold = try reader.number(.threshold)
        centralLossErrorMedian = try reader.number(.centralLossErrorMedian)
        centralDistanceRatio = try reader.number(.centralDistanceRatio)
        centralDirectionsMax = try reader.integer(.centralDirectionsMax)
        timings = try reader.numbers(.timings)
        error = try reader.string(.error)
        checkpointError = try reader.string(.checkpointError)
    }

    /// Reads the text of a `summary.json`.
    public init(parsing text: String) throws(RunSummaryError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw .notJSON }
        try self.init(json: json)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(json: JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    private static func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    private static func integer(_ n: Int?) -> JSONValue {
        n.map { .integer($0) } ?? .null
    }
}

/// Why a text is not a run summary (the caller names the file or task).
public enum RunSummaryError: Error, Equatable, CustomStringConvertible {
    case notJSON
    case notAnObject
    case missing(String)
    case invalid(field: String, value: String)

    public var description: String {
        switch self {
        case .notJSON: "not valid JSON"
        case .notAnObject: "not a JSON object"
        case .missing(let field): "no \(field)"
        case .invalid(let field, let value): "\(field): \(value) is not valid"
        }
    }
}

/// Typed reads of a summary's fields: absent or null is nil, a value of another type an error.
private struct FieldReader {
    let fields: [String: JSONValue]

    func string(_ field: RunSummary.Field) throws(RunSummaryError) -> String? {
        switch fields[field.rawValue] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw .invalid(field: field.rawValue, value: other.description)
        }
    }

    func bool(_ field: RunSummary.Field) throws(RunSummaryError) -> Bool? {
        switch fields[field.rawValue] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw .invalid(field: field.rawValue, value: other.description)
        }
    }

    /// An integer; a float with an integral value (as `32.0`) is read as that integer.
    func integer(_ field: RunSummary.Field) throws(RunSummaryError) -> Int? {
        switch fields[field.rawValue] {
        case nil, .null?: return nil
        case .integer(let n)?: return n
        case .number(let x)? where x == x.rounded() && Swift.abs(x) < 1e15: return Int(x)
        case let other?: throw .invalid(field: field.rawValue, value: other.description)
        }
    }

    func number(_ field: RunSummary.Field) throws(RunSummaryError) -> Double? {
        switch fields[field.rawValue] {
        case nil, .null?: return nil
        case .integer(let n)?: return Double(n)
        case .number(let x)?: return x
        case let other?: throw .invalid(field: field.rawValue, value: other.description)
        }
    }

    /// An object of numbers (null members left out).
    func numbers(_ field: RunSummary.Field) throws(RunSummaryError) -> [String: Double] {
        switch fields[field.rawValue] {
        case nil, .null?: return [:]
        case .object(let members)?:
            var values: [String: Double] = [:]
            for (key, value) in members {
                switch value {
                case .null: continue
                case .integer(let n): values[key] = Double(n)
                case .number(let x): values[key] = x
                default: throw .invalid(field: field.rawValue + "." + key, value: value.description)
                }
            }
            return values
        case let other?: throw .invalid(field: field.rawValue, value: other.description)
        }
    }
}
