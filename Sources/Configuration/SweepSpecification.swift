/// A sweep specification (docs/CONFIGURATION.md §3): a run configuration (the base of every task), a `[sweep]`
/// table, and a `[sweep.grid]` whose keys are dotted configuration keys, each with a non-empty
/// list of values. The tasks are the Cartesian product of the grid over the base, grid keys in
/// file order, the last key varying fastest.
///
/// ```toml
/// [sweep]
/// name = "quickstart"
/// [sweep.grid]
/// "train.lr"    = [0.1, 0.25, 0.5]
/// "model.width" = [32, 64]
/// ```
public struct SweepSpecification: Equatable, Sendable {
    /// The sweep's name: a safe folder name (letters, digits, `.`, `_`, `-`; not starting with `.`).
    public var name: String
    /// Attempts (FAILs and expired leases) after which a task is marked failed.
    public var maxAttempts = SweepDefaults.maxAttempts
    /// Seconds between task checkpoints.
    public var checkpointEvery = SweepDefaults.checkpointEvery
    /// Seconds between heartbeats.
    public var heartbeatInterval = SweepDefaults.heartbeatInterval
    /// Missed heartbeats before a worker's lease is given up.
    public var liveness = SweepDefaults.liveness
    /// The configuration every task starts from (the spec without `[sweep]`), as written: the
    /// rules that involve several keys, and the `data.dim` that `data.shape` implies, apply to
    /// each task, not to the base.
    public var base: RunConfiguration
    /// The grid axes in file order.
    public var grid: [GridAxis]
    /// The tasks, in expansion order (first axis slowest, last axis fastest).
    public var tasks: [SweepTask]
    /// The dotted keys the specification's run configuration sets (outside `[sweep]`), sorted:
    /// with the grid's keys, what `eos export` counts as set by the user.
    public var setKeys: [String] = []

    /// One axis of the grid: a dotted configuration key and its values (in normal form: an
    /// integer given for a float key is a float).
    public struct GridAxis: Equatable, Sendable {
        public var key: String
        public var values: [JSONValue]
    }

    /// The dotted keys of the grid axes, in file order (the export's grid columns).
    public var gridKeys: [String] { grid.map(\.key) }

    /// The keys of `[sweep]` other than `grid`, with their rules.
    static let sweepRules: [KeyRule] = [
        KeyRule(key: "sweep.name", kind: .string),
        KeyRule(key: "sweep.max_attempts", kind: .integer(atLeast: 1)),
        KeyRule(key: "sweep.checkpoint_every", kind: .float(above: 0)),
        KeyRule(key: "sweep.heartbeat_interval", kind: .float(above: 0)),
        KeyRule(key: "sweep.liveness", kind: .integer(atLeast: 1)),
    ]

    /// Parses and validates a sweep specification, every task included; `file` names the text
    /// in error messages.
    public static func load(tomlText: String, file: String) throws(ConfigError) -> SweepSpecification {
        let (specification, builder, document) = try outline(tomlText: tomlText, file: file)
        var spec = specification
        spec.tasks = try expand(spec.grid, over: builder, document: document, defaultLocation: ConfigLocation(file: file, line: nil))
        return spec
    }

    /// A sweep specification's settings, base, grid and set keys, without building its tasks
    /// (`tasks` is empty): what a reader of a sweep's stored text needs (`eos export`), at a
    /// cost independent of the grid's size. Errors as ``load(tomlText:file:)``, but for those
    /// of single grid points.
    public static func loadWithoutTasks(tomlText: String, file: String) throws(ConfigError) -> SweepSpecification {
        try outline(tomlText: tomlText, file: file).specification
    }

    /// Everything ``load(tomlText:file:)`` does but the expansion, with what the expansion needs.
    private static func outline(tomlText: String, file: String) throws(ConfigError) -> (
        specification: SweepSpecification, builder: ConfigurationBuilder, document: TOMLDocument
    ) {
        let document = try TOMLDocument(text: tomlText, file: file)
        guard case .object(var members) = document.root, let sweepTable = members.removeValue(forKey: "sweep") else {
            throw ConfigError(
                file: file, line: nil,
                problem: .missingKey(
                    "sweep.name", hint: "add a [sweep] table with name = \"…\" and a [sweep.grid]"))
        }
        var builder = ConfigurationBuilder()
        try builder.apply(.object(members), locate: document.location(of:))
        // Multi-key rules are checked per task: a base that breaks one (norm = "group" under
        // the default arch "mlp") is fine when every grid point mends it (model.arch = ["cnn", "vgg"]).
        let base = builder.decoded()

        guard case .object(var sweep) = sweepTable else {
            throw ConfigError(
                location: document.location(of: "sweep"),
                problem: .wrongType(key: "sweep", expected: "a table", got: sweepTable))
        }
        let gridTable = sweep.removeValue(forKey: "grid") ?? .object([:])
        let known = sweepRules.map(\.key) + ["sweep.grid"]
        var settings: [String: JSONValue] = [:]
        let lineOf = { (key: String) in document.keyLines.order(of: "sweep." + key) ?? .max }
        for (key, value) in sweep.sorted(by: { (lineOf($0.key), $0.key) < (lineOf($1.key), $1.key) }) {
            let path = "sweep." + key
            let location = document.location(of: path)
            guard let rule = sweepRules.first(where: { $0.key == path }) else {
                let suggestion = Suggestion.closest(to: path, among: known + ConfigurationSchema.names)
                throw ConfigError(location: location, problem: .unknownKey(path, suggestion: suggestion))
            }
            do {
                settings[path] = try rule.check(value)
            } catch {
                throw ConfigError(location: location, problem: error)
            }
        }
        guard case .string(let name)? = settings["sweep.name"] else {
            throw ConfigError(
                location: document.location(of: "sweep"),
                problem: .missingKey(
                    "sweep.name", hint: "add name = \"…\" (a folder name) under [sweep]"))
        }
        guard isSafeFolderName(name) else {
            throw ConfigError(
                location: document.location(of: "sweep.name"),
                problem: .invalid(
                    key: "sweep.name",
                    message: "\"\(name)\" is not a safe folder name: use letters, digits, '.', '_' "
                        + "and '-' (not first '.'), at most 100 characters"))
        }

        let grid = try parseGrid(gridTable, document: document)
        var spec = SweepSpecification(name: name, base: base, grid: grid, tasks: [])
        if case .integer(let n)? = settings["sweep.max_attempts"] { spec.maxAttempts = n }
        if case .number(let x)? = settings["sweep.checkpoint_every"] { spec.checkpointEvery = x }
        if case .number(let x)? = settings["sweep.heartbeat_interval"] { spec.heartbeatInterval = x }
        if case .integer(let n)? = settings["sweep.liveness"] { spec.liveness = n }
        spec.setKeys = builder.sources.keys.sorted()
        return (spec, builder, document)
    }

    /// Loads the sweep specification at `path` (named by `path` in error messages).
    public static func load(path: String) throws(ConfigError) -> SweepSpecification {
        try load(tomlText: readConfigurationFile(path), file: path)
    }

    /// Letters, digits, `.`, `_`, `-`, not starting with `.`, 1…100 characters.
    static func isSafeFolderName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    /// The axes of `[sweep.grid]` (quoted dotted keys or nested tables), each key and value
    /// checked, in file order (keys of an inline grid table, which have no line, sorted last).
    private static func parseGrid(_ table: JSONValue, document: TOMLDocument) throws(ConfigError) -> [GridAxis] {
        guard case .object = table else {
            throw ConfigError(
                location: document.location(of: "sweep.grid"),
                problem: .wrongType(key: "sweep.grid", expected: "a table", got: table))
        }
        var axes: [GridAxis] = []
        let entries = table.dottedLeaves.sorted {
            (document.keyLines.order(of: "sweep.grid." + $0.key) ?? .max, $0.key)
                < (document.keyLines.order(of: "sweep.grid." + $1.key) ?? .max, $1.key)
        }
        for (key, list) in entries {
            let location = document.location(of: "sweep.grid." + key)
            guard let rule = ConfigurationSchema.rulesByKey[key] else {
                let suggestion = Suggestion.closest(to: key, among: ConfigurationSchema.keys)
                throw ConfigError(location: location, problem: .unknownKey(key, suggestion: suggestion))
            }
            guard case .array(let items) = list, !items.isEmpty else {
                throw ConfigError(
                    location: location,
                    problem: .wrongType(
                        key: "sweep.grid.\(key)", expected: "a non-empty list of values", got: list))
            }
            var values: [JSONValue] = []
            var listed = Set<JSONValue>()
            for (index, item) in items.enumerated() {
                let value: JSONValue
                do {
                    value = try rule.check(item, name: "sweep.grid.\(key)[\(index)]")
                } catch {
                    throw ConfigError(location: location, problem: error)
                }
                guard listed.insert(value).inserted else {
                    throw ConfigError(
                        location: location,
                        problem: .invalid(
                            key: "sweep.grid.\(key)[\(index)]",
                            message: "\(CanonicalJSON.serialize(item)) is listed twice: list each value once"))
                }
                values.append(value)
            }
            axes.append(GridAxis(key: key, values: values))
        }
        return axes
    }

    /// The Cartesian product of the grid over the base configuration, in grid order (the last
    /// axis fastest); a combination that breaks a multi-key check (e.g. ce with a binary subset,
    /// depth 2 with arch vgg) is reported at the line of its key (a grid key's line when the grid
    /// sets it), else of a related key — the first such point in grid order.
    ///
    /// The points are independent, and building one (configuration, task key, `config.json`) is
    /// all the cost of a sweep's start, so they are built on every core: `ParallelGrid`.
    private static func expand(
        _ grid: [GridAxis], over base: ConfigurationBuilder, document: TOMLDocument,
        defaultLocation: ConfigLocation
    ) throws(ConfigError) -> [SweepTask] {
        let sizes = grid.map(\.values.count)
        let results = ParallelGrid.map(count: sizes.reduce(1, *)) { index -> Result<SweepTask, ConfigError> in
            // Mixed radix, the last axis fastest.
            var choice = [Int](repeating: 0, count: grid.count)
            var rest = index
            for axis in grid.indices.reversed() {
                choice[axis] = rest % sizes[axis]
                rest /= sizes[axis]
            }
            do throws(ConfigError) {
                var builder = base
                var gridValues: [SweepTask.GridValue] = []
                for (axis, index) in zip(grid, choice) {
                    let value = axis.values[index]
                    try builder.apply(value, prefix: axis.key, locate: { _ in document.location(of: "sweep.grid." + axis.key) })
                    gridValues.append(SweepTask.GridValue(key: axis.key, value: value))
                }
                let configuration = try builder.build(defaultLocation: defaultLocation)
                let (key, configJSON) = configuration.keyAndResolvedJSON()
                return .success(SweepTask(key: key, configuration: configuration, configJSON: configJSON, gridValues: gridValues))
            } catch {
                return .failure(error)
            }
        }
        var tasks: [SweepTask] = []
        tasks.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let task): tasks.append(task)
            case .failure(let error): throw error
            }
        }
        return tasks
    }
}
