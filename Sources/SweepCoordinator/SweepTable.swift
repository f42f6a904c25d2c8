import Configuration
import RunRecord
import SweepJournal

/// The table printed at the end of a sweep: one row per learning rate η (and per value of each
/// grid axis other than `train.lr` and `model.width`, shown as extra leading columns), one column
/// per width; each cell `sharpness_ratio_median / eos_step / final_loss` of the task, `diverged`
/// appended for a diverged run, `FAILED` for a failed task, `-` for one without result; a
/// missing field (no EoS reached: no eos_step, no ratio) is `—`. A central run's cell adds
/// `central <central_loss_error_median>` (and the header line says so).
public enum SweepTable {
    public static func render(_ tasks: [TaskRecord], gridKeys: [String]) -> String {
        let extraKeys = gridKeys.filter { $0 != "train.lr" && $0 != "model.width" }
        var cells: [String: String] = [:]
        var rows: [(extras: [String], lr: Double, label: String)] = []
        var rowLabels = Set<String>()  // a grid of 10⁵ points must not search the rows for each
        var widthSet = Set<Int>()
        var central = false
        for task in tasks where task.state != .stale {
            guard let config = try? JSONValue(parsing: task.configJSON) else { continue }
            let leaves = config.dottedLeaves
            // A grid value config.json leaves out (a key at its default that the configuration
            // does not read, e.g. train.optimizer = "gd") is in the task's grid.
            let grid = (try? JSONValue(parsing: task.gridJSON))?.dottedLeaves ?? [:]
            let lr = leaves["train.lr"].flatMap(Self.double) ?? .nan
            let width = leaves["model.width"].flatMap(Self.int) ?? 0
            let extras = extraKeys.map { (grid[$0] ?? leaves[$0]).map(Self.text) ?? "" }
            let label = (extras + [Self.text(.number(lr))]).joined(separator: "\u{1F}")
            if rowLabels.insert(label).inserted { rows.append((extras, lr, label)) }
            widthSet.insert(width)
            cells[label + "\u{1E}\(width)"] = cell(task)
            if let text = task.summaryJSON, (try? RunSummary(parsing: text))?.centralLossErrorMedian != nil { central = true }
        }
        rows.sort { ($0.extras.lexicographicallyPrecedes($1.extras)) || ($0.extras == $1.extras && $0.lr < $1.lr) }
        let widths = widthSet.sorted()
        let header = extraKeys + ["lr \\ width"] + widths.map { "\($0)" }
        var lines = [header]
        for row in rows {
            lines.append(row.extras + [Self.text(.number(row.lr))] + widths.map { cells[row.label + "\u{1E}\($0)"] ?? "" })
        }
        var columnWidths = [Int](repeating: 0, count: header.count)
        for line in lines { for (i, field) in line.enumerated() { columnWidths[i] = max(columnWidths[i], field.count) } }
        let text = lines.map { line in
            line.enumerated().map { i, field in field.padding(toLength: columnWidths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        let legend =
            "cells: sharpness_ratio_median / eos_step / final_loss (— where S never reached its threshold, 2/η for gd)"
            + (central ? "; central = central_loss_error_median" : "")
        return ([legend] + text)
            .joined(separator: "\n")
    }

    static func cell(_ task: TaskRecord) -> String {
        if task.state == .failed { return "FAILED" }
        guard let text = task.summaryJSON, let summary = try? RunSummary(parsing: text) else { return "-" }
        func show(_ x: Double?) -> String { x.map { String(format: "%.3g", $0) } ?? "—" }
        let mark = summary.status == .diverged ? " diverged" : ""
        let central = summary.centralLossErrorMedian.map { " central \(show($0))" } ?? ""
        return
            "\(show(summary.sharpnessRatioMedian))/\(summary.eosStep.map(String.init) ?? "—")/\(show(summary.finalLoss))\(central)\(mark)"
    }

    static func double(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let x): x
        case .integer(let n): Double(n)
        default: nil
        }
    }

    static func int(_ value: JSONValue) -> Int? {
        if case .integer(let n) = value { return n }
        return nil
    }

    static func text(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return canonicalJSON(value)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
