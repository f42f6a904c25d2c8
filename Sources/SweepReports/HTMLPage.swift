import Foundation
import RunRecord

/// `index.html`: a self-contained page (inline CSS and SVG, no scripts, no network) with a
/// heading naming the source, every figure in a `<figure>` with its caption and a link to its
/// `.svg`, and the summary table (a link to `summary.csv` under it).
enum HTMLPage {
    /// The columns of the page's summary table (all of them are in summary.csv).
    static let tableFields: [RunSummary.Field] = [
        .eosStep, .sharpnessRatioMedian, .maxSharpness, .twoOverEta,
        .finalLoss, .finalAccuracy,
    ]

    static let style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1400px;
               color: #111; background: #fff; padding: 0 16px; }
        h1 { font-size: 22px; margin-bottom: 4px; }
        p.source { color: #555; margin-top: 0; }
        nav a { margin-right: 12px; }
        figure { margin: 28px 0; border-top: 1px solid #ddd; padding-top: 12px; }
        figure svg { max-width: 100%; height: auto; display: block; }
        figcaption { max-width: 900px; font-size: 14px; color: #333; margin-top: 6px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        thead th { background: #f2f2f2; }
        """

    static func render(input: ReportInput, figures: [Figure]) -> String {
        let what = input.kind == .sweep ? "sweep" : "run"
        let title = "eos report: \(what) \(input.name)"
        var html = [
            "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(escaped(title))</title>", "<style>", style, "</style>", "</head>", "<body>",
            "<h1>\(escaped(title))</h1>",
            "<p class=\"source\">\(escaped(sourceLine(input)))</p>",
            "<nav>" + figures.map { "<a href=\"#fig-\($0.name)\">\(escaped($0.name))</a>" }.joined() + "</nav>",
        ]
        for (index, figure) in figures.enumerated() {
            html.append("<figure id=\"fig-\(figure.name)\">")
            html.append(figure.svg.trimmingCharacters(in: .newlines))
            html.append(
                "<figcaption><b>Figure \(index + 1).</b> \(escaped(figure.caption)) "
                    + "<a href=\"\(figure.name).svg\">\(figure.name).svg</a></figcaption>")
            html.append("</figure>")
        }
        html.append("<h2>Summary</h2>")
        html.append(table(input))
        html.append("<p>Every run with every EoS summary field: <a href=\"summary.csv\">summary.csv</a>.</p>")
        html += ["</body>", "</html>"]
        return html.joined(separator: "\n") + "\n"
    }

    /// "6 tasks: 5 done, 1 failed" for a sweep, the configuration for a run.
    static func sourceLine(_ input: ReportInput) -> String {
        guard input.kind == .sweep else {
            return ConfigSummary.line(input.runs.first?.config ?? [:])
        }
        var counts: [String: Int] = [:]
        for run in input.runs { counts[run.state, default: 0] += 1 }
        let parts = ["done", "leased", "queued", "failed"].compactMap { state in
            counts[state].map { "\($0) \(state == "leased" ? "running" : state)" }
        }
        let stale = input.staleRuns.isEmpty ? "" : "; \(input.staleRuns.count) stale (no longer in the grid, reported apart)"
        let axes = input.gridKeys.isEmpty ? "" : "; grid: " + input.gridKeys.joined(separator: " × ")
        return "\(input.runs.count) tasks: " + parts.joined(separator: ", ") + axes + stale
    }

    static func table(_ input: ReportInput) -> String {
        // Runs of other optimizers than gd have their own thresholds: then a column for them.
        let fields = tableFields + (input.runs.allSatisfy(\.isPlainGD) ? [] : [.threshold])
        let header = ["run", "state", "run_status", "stop_reason"] + fields.map(\.rawValue)
        var rows = [
            "<table>", "<thead><tr>" + header.map { "<th>\(escaped($0))</th>" }.joined() + "</tr></thead>",
            "<tbody>",
        ]
        for run in input.runs + input.staleRuns {
            let numbers = tableFields.map { key -> String in
                guard let value = run.summary?[key] else { return "" }
                if let x = value.number { return SVGNumber.label(x) }
                return value.label
            }
            let cells =
                [run.label, run.state, run.summary?.status.rawValue ?? "", run.summary?.stopReason.rawValue ?? ""]
                + numbers
            rows.append("<tr>" + cells.map { "<td>\(escaped($0))</td>" }.joined() + "</tr>")
        }
        rows += ["</tbody>", "</table>"]
        return rows.joined(separator: "\n")
    }
}
