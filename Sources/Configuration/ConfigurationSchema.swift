/// The rule a value of one configuration key must satisfy.
struct KeyRule: Sendable {
    enum Kind: Sendable {
        /// A finite float (an integer is accepted and converted) greater than `above` and at most
        /// `atMost`, where given.
        case float(above: Double?, atMost: Double? = nil)
        /// A finite float in [0, 1) (`includesZero`) or (0, 1).
        case fraction(includesZero: Bool)
        /// A finite float (an integer is accepted and converted) in [`lower`, `upper`] (no upper
        /// bound when nil).
        case floatRange(lower: Double, upper: Double?)
        /// An integer at least `atLeast`.
        case integer(atLeast: Int)
        case string
        case bool
        /// One of the listed strings.
        case choice([String])
        /// A list of integers, each at least `atLeast`.
        case integerList(atLeast: Int)
        /// An image shape `[c, h, w]`: three integers ≥ 1, or `[]` (the default, no shape).
        case imageShape
    }

    let key: String
    let kind: Kind

    /// Checks `value` for this key and returns it in normal form (an integer given for a float
    /// becomes a float). `name` is how the value is named in a message (the key, or a grid item).
    func check(_ value: JSONValue, name: String? = nil) throws(ConfigError.Problem) -> JSONValue {
        let name = name ?? key
        switch (kind, value) {
        case (.float(let above, let atMost), .integer(let n)):
            return try KeyRule.checkFloat(Double(n), above: above, atMost: atMost, name: name, original: value)
        case (.float(let above, let atMost), .number(let x)):
            guard x.isFinite else { throw .wrongType(key: name, expected: "a finite float", got: value) }
            return try KeyRule.checkFloat(x, above: above, atMost: atMost, name: name, original: value)
        case (.floatRange(let lower, let upper), .integer(let n)):
            return try KeyRule.checkFloat(Double(n), lower: lower, upper: upper, name: name, original: value)
        case (.floatRange(let lower, let upper), .number(let x)):
            guard x.isFinite else { throw .wrongType(key: name, expected: "a finite float", got: value) }
            return try KeyRule.checkFloat(x, lower: lower, upper: upper, name: name, original: value)
        case (.float, _), (.floatRange, _):
            throw .wrongType(key: name, expected: "a float", got: value)
        case (.fraction(let includesZero), .integer(let n)):
            return try KeyRule.checkFraction(Double(n), includesZero: includesZero, name: name, original: value)
        case (.fraction(let includesZero), .number(let x)):
            guard x.isFinite else { throw .wrongType(key: name, expected: "a finite float", got: value) }
            return try KeyRule.checkFraction(x, includesZero: includesZero, name: name, original: value)
        case (.fraction, _):
            throw .wrongType(key: name, expected: "a float", got: value)
        case (.integer(let minimum), .integer(let n)):
            guard n >= minimum else { throw .outOfRange(key: name, value: value, requirement: ">= \(minimum)") }
            return value
        case (.integer, _):
            throw .wrongType(key: name, expected: "an integer", got: value)
        case (.string, .string), (.bool, .bool):
            return value
        case (.string, _):
            throw .wrongType(key: name, expected: "a string", got: value)
        case (.bool, _):
            throw .wrongType(key: name, expected: "a boolean (true or false)", got: value)
        case (.choice(let allowed), .string(let s)):
            guard allowed.contains(s) else {
                throw .unknownChoice(
                    key: name, value: s, allowed: allowed,
                    suggestion: Suggestion.closest(to: s, among: allowed))
            }
            return value
        case (.choice, _):
            throw .wrongType(key: name, expected: "a string", got: value)
        case (.integerList(let minimum), .array(let items)):
            for item in items {
                guard case .integer(let n) = item else {
                    throw .wrongType(key: name, expected: "a list of integers", got: value)
                }
                guard n >= minimum else {
                    throw .outOfRange(key: name, value: value, requirement: "a list of integers >= \(minimum)")
                }
            }
            return value
        case (.integerList, _):
            throw .wrongType(key: name, expected: "a list of integers", got: value)
        case (.imageShape, .array(let items)):
            let sizes = items.compactMap { if case .integer(let n) = $0 { n } else { nil } }
            guard sizes.count == items.count, sizes.isEmpty || sizes.count == 3 else {
                throw .wrongType(key: name, expected: KeyRule.imageShapeForm, got: value)
            }
            guard sizes.allSatisfy({ $0 >= 1 }) else {
                throw .outOfRange(key: name, value: value, requirement: "three integers >= 1")
            }
            return value
        case (.imageShape, _):
            throw .wrongType(key: name, expected: KeyRule.imageShapeForm, got: value)
        }
    }

    /// What an `.imageShape` value must look like, for messages.
    private static let imageShapeForm = "[c, h, w] (three integers) or []"

    private static func checkFloat(
        _ x: Double, above: Double?, atMost: Double?, name: String,
        original: JSONValue
    ) throws(ConfigError.Problem) -> JSONValue {
        let range: String
        switch (above, atMost) {
        case (let above?, let atMost?):
            range = "in (\(CanonicalJSON.format(number: above)), \(CanonicalJSON.format(number: atMost))]"
        case (let above?, nil): range = "> \(CanonicalJSON.format(number: above))"
        case (nil, let atMost?): range = "<= \(CanonicalJSON.format(number: atMost))"
        case (nil, nil): range = ""
        }
        if let above, !(x > above) { throw .outOfRange(key: name, value: original, requirement: range) }
        if let atMost, !(x <= atMost) { throw .outOfRange(key: name, value: original, requirement: range) }
        return .number(x)
    }

    private static func checkFraction(
        _ x: Double, includesZero: Bool, name: String,
        original: JSONValue
    ) throws(ConfigError.Problem) -> JSONValue {
        guard includesZero ? x >= 0 && x < 1 : x > 0 && x < 1 else {
            throw .outOfRange(key: name, value: original, requirement: includesZero ? "in [0, 1)" : "in (0, 1)")
        }
        return .number(x)
    }

    private static func checkFloat(
        _ x: Double, lower: Double, upper: Double?, name: String,
        original: JSONValue
    ) throws(ConfigError.Problem) -> JSONValue {
        let bounds =
            upper.map { "between \(CanonicalJSON.format(number: lower)) and \(CanonicalJSON.format(number: $0))" }
            ?? ">= \(CanonicalJSON.format(number: lower))"
        guard x >= lower, upper.map({ x <= $0 }) ?? true else {
            throw .outOfRange(key: name, value: original, requirement: bounds)
        }
        return .number(x)
    }
}

/// Every key of a run configuration with its rule (types, ranges, choices), and the checks
/// that involve several keys.
enum ConfigurationSchema {
    /// The rules, in the order of docs/CONFIGURATION.md §2.
    static let rules: [KeyRule] = {
        typealias C = RunConfiguration
        func choice<E: CaseIterable & RawRepresentable<String>>(_ key: String, _: E.Type) -> KeyRule {
            KeyRule(key: key, kind: .choice(E.allCases.map(\.rawValue)))
        }
        return [
            choice("data.name", C.DatasetName.self),
            KeyRule(key: "data.n", kind: .integer(atLeast: 0)),
            KeyRule(key: "data.path", kind: .string),
            KeyRule(key: "data.classes_subset", kind: .integerList(atLeast: 0)),
            choice("data.standardize", C.Standardization.self),
            choice("data.standardize_from", C.StandardizationSource.self),
            KeyRule(key: "data.dim", kind: .integer(atLeast: 1)),
            KeyRule(key: "data.shape", kind: .imageShape),
            KeyRule(key: "data.classes", kind: .integer(atLeast: 2)),
            KeyRule(key: "data.vocab", kind: .integer(atLeast: 4)),
            KeyRule(key: "data.length", kind: .integer(atLeast: 2)),
            KeyRule(key: "data.seed", kind: .integer(atLeast: 0)),
            choice("model.arch", C.Architecture.self),
            KeyRule(key: "model.depth", kind: .integer(atLeast: 0)),
            KeyRule(key: "model.width", kind: .integer(atLeast: 1)),
            choice("model.pool", C.Pooling.self),
            choice("model.norm", C.Normalization.self),
            KeyRule(key: "model.groups", kind: .integer(atLeast: 1)),
            KeyRule(key: "model.heads", kind: .integer(atLeast: 1)),
            choice("model.activation", C.Activation.self),
            choice("model.init", C.Initialization.self),
            KeyRule(key: "model.seed", kind: .integer(atLeast: 0)),
            choice("loss.name", C.LossName.self),
            KeyRule(key: "train.lr", kind: .float(above: 0)),
            KeyRule(key: "train.steps", kind: .integer(atLeast: 0)),
            choice("train.precision", C.Precision.self),
            KeyRule(key: "train.diverge_factor", kind: .float(above: 1)),
            choice("train.optimizer", C.Optimizer.self),
            KeyRule(key: "train.momentum", kind: .fraction(includesZero: true)),
            KeyRule(key: "train.beta2", kind: .fraction(includesZero: false)),
            KeyRule(key: "train.epsilon", kind: .float(above: 0)),
            KeyRule(key: "train.loss_goal", kind: .floatRange(lower: 0, upper: nil)),
            KeyRule(key: "train.accuracy_goal", kind: .floatRange(lower: 0, upper: 1)),
            KeyRule(key: "train.steps_after_eos", kind: .integer(atLeast: 0)),
            KeyRule(key: "sharpness.every", kind: .integer(atLeast: 0)),
            KeyRule(key: "sharpness.k", kind: .integer(atLeast: 1)),
            choice("sharpness.at", C.SharpnessPoint.self),
            KeyRule(key: "sharpness.tol", kind: .float(above: 0)),
            KeyRule(key: "track.enabled", kind: .bool),
            KeyRule(key: "track.steps", kind: .integer(atLeast: 0)),
            choice("track.projection", C.Projection.self),
            KeyRule(key: "track.projection_steps", kind: .integer(atLeast: 1)),
            KeyRule(key: "track.projection_tol", kind: .float(above: 0)),
            KeyRule(key: "track.generalized", kind: .bool),
            KeyRule(key: "track.gradient_flow", kind: .bool),
            KeyRule(key: "central.enabled", kind: .bool),
            KeyRule(key: "central.steps", kind: .integer(atLeast: 0)),
            choice("central.start", C.CentralStart.self),
            KeyRule(key: "central.threshold", kind: .float(above: 1, atMost: 2)),
            KeyRule(key: "central.substeps", kind: .integer(atLeast: 1)),
            KeyRule(key: "central.k", kind: .integer(atLeast: 1)),
            KeyRule(key: "central.gradient_flow", kind: .bool),
        ]
    }()

    static let rulesByKey: [String: KeyRule] = Dictionary(uniqueKeysWithValues: rules.map { ($0.key, $0) })

    /// All dotted keys, in the order of docs/CONFIGURATION.md §2.
    static let keys: [String] = rules.map(\.key)

    /// The tables (`data`, `model`, …) and every key: what a misspelling may be close to.
    static let names: [String] = {
        var tables: [String] = []
        for key in keys {
            let table = String(key.split(separator: ".")[0])
            if !tables.contains(table) { tables.append(table) }
        }
        return tables + keys
    }()

    /// Whether `path` is a table that holds configuration keys ("" is the root).
    static func isTable(_ path: String) -> Bool {
        path.isEmpty || keys.contains { $0.hasPrefix(path + ".") }
    }

    /// Where to point for a multi-key problem about a key the user did not set: the keys whose
    /// values caused it, most specific first (e.g. `model.depth` breaks a rule of `model.arch`).
    static let relatedKeys: [String: [String]] = [
        "model.arch": ["data.name"],
        "model.depth": ["model.arch"],
        "model.pool": ["model.arch"],
        "model.norm": ["model.arch"],
        "model.groups": ["model.width", "model.norm", "model.arch"],
        "model.heads": ["model.width", "model.arch"],
        "data.shape": ["data.dim", "data.name"],
        "data.vocab": ["data.name"],
        "data.length": ["data.name"],
        "train.momentum": ["train.optimizer"],
        "train.beta2": ["train.optimizer"],
        "train.epsilon": ["train.optimizer"],
        "train.optimizer": ["track.enabled"],
        "train.steps_after_eos": ["sharpness.every"],
        "central.enabled": ["track.enabled", "train.optimizer"],
    ]

    /// Checks that involve several keys: the data keys against the data set
    /// (`checkTokenKeys`), the architecture against the data (`checkArchitecture(_:reads:)`),
    /// the class subset against the dataset and the loss, the model keys against the
    /// architecture (`checkArchitecture`), the optimizer keys (`checkOptimizer`), the stop rules,
    /// then `[central]` (`checkCentral`). The problem names the key to point the user at.
    static func checkConsistency(_ configuration: RunConfiguration) throws(ConfigError.Problem) {
        try checkTokenKeys(configuration.data)
        try checkArchitecture(configuration.model.arch, reads: configuration.data.name)
        try checkClassSubsetAndLoss(configuration)
        try checkArchitecture(configuration.model)
        try checkOptimizer(configuration)
        try checkStopRules(configuration)
        try checkCentral(configuration)
    }

    /// `[central]` follows plain GD (its flow is GD's), excludes `[track]` (one direction against
    /// any number), and the stop rules (its side-by-side part has its own budget).
    private static func checkCentral(_ configuration: RunConfiguration) throws(ConfigError.Problem) {
        guard configuration.central.enabled else { return }
        if configuration.track.enabled {
            throw .invalid(
                key: "central.enabled",
                message: "[central] and [track] cannot both be enabled: [track] follows one unstable direction, "
                    + "[central] any number; set track.enabled = false")
        }
        let optimizer = configuration.train.optimizer
        if optimizer != .gd {
            throw .invalid(
                key: "central.enabled",
                message: "the central flow (central.enabled = true) is plain GD's, not \(optimizer.rawValue)'s; "
                    + "set train.optimizer = \"gd\" or central.enabled = false")
        }
        let train = configuration.train
        let rules = [
            ("train.loss_goal", train.lossGoal > 0), ("train.accuracy_goal", train.accuracyGoal > 0),
            ("train.steps_after_eos", train.stepsAfterEos > 0),
        ]
        if let key = rules.first(where: \.1)?.0 {
            throw .invalid(
                key: key, message: "stop rules end plain GD runs, not central ones; remove it or set central.enabled = false")
        }
    }

    /// The stop rules (`train.loss_goal`, `train.accuracy_goal`, `train.steps_after_eos`) end a
    /// plain GD run; a tracked run has its own phases and budget. `steps_after_eos` counts from
    /// the first measured sharpness at the optimizer's threshold, so it needs measurements.
    private static func checkStopRules(_ configuration: RunConfiguration) throws(ConfigError.Problem) {
        let train = configuration.train
        let set = [
            ("train.loss_goal", train.lossGoal > 0), ("train.accuracy_goal", train.accuracyGoal > 0),
            ("train.steps_after_eos", train.stepsAfterEos > 0),
        ].filter(\.1).map(\.0)
        if let key = set.first, configuration.track.enabled {
            throw .invalid(
                key: key, message: "stop rules end plain GD runs, not tracked ones; remove it or set track.enabled = false")
        }
        if train.stepsAfterEos > 0 && configuration.sharpness.every == 0 {
            throw .invalid(
                key: "train.steps_after_eos",
                message: "counts from eos_step, the first measured sharpness ≥ 2/η: set sharpness.every ≥ 1")
        }
    }

    /// `data.classes_subset` against the dataset's classes, and the loss against the task.
    private static func checkClassSubsetAndLoss(_ configuration: RunConfiguration) throws(ConfigError.Problem) {
        let data = configuration.data
        let subset = data.classesSubset
        let classCount = data.name == .synthetic ? data.classes : 10
        var seen: Set<Int> = []
        for c in subset {
            guard c < classCount else {
                throw .invalid(
                    key: "data.classes_subset",
                    message: "class \(c) does not exist: \(data.name.rawValue) has classes 0…\(classCount - 1)")
            }
            guard seen.insert(c).inserted else {
                throw .invalid(key: "data.classes_subset", message: "class \(c) is listed twice: list each class once")
            }
        }
        if subset.count == 1 {
            throw .invalid(
                key: "data.classes_subset",
                message: "one class is not a task: list two classes (binary) or more, or [] for all")
        }
        if data.name == .tokens {
            // Binary by construction (checkTokenKeys refused a subset): one output, targets ±1.
            guard configuration.loss.name != .ce else {
                throw .invalid(
                    key: "loss.name",
                    message: "ce is refused with data.name = \"tokens\", a binary task with one ±1 output: use \"logistic\" or \"mse\"")
            }
            return
        }
        let binary = subset.count == 2
        switch configuration.loss.name {
        case .logistic where !binary:
            throw .invalid(
                key: "loss.name",
                message: "logistic needs a binary task: set data.classes_subset to two classes, e.g. [4, 9]")
        case .ce where binary:
            throw .invalid(
                key: "loss.name",
                message: "ce is refused with the binary data.classes_subset \(subset): use \"logistic\"")
        default:
            break
        }
    }
}
