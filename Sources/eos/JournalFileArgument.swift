import ArgumentParser
import Foundation

/// The journal argument of `eos status` and `eos export`: a sweep's SQLite journal file. A
/// folder (typically the sweep folder itself) is refused with a line naming the file expected,
/// instead of SQLite's "disk I/O error".
struct JournalFileArgument: ParsableArguments {
    @Argument(help: "The sweep's journal (<out>/journal.sqlite).")
    var journal: String

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: journal, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        let inside = (journal as NSString).appendingPathComponent("journal.sqlite")
        if !FileManager.default.fileExists(atPath: inside),
            FileManager.default.fileExists(atPath: (journal as NSString).appendingPathComponent("summary.json"))
        {
            throw ValidationError(
                "\(journal): is a run directory (eos run --out), not a sweep's journal; its summary.json and trace.csv "
                    + "are already JSON and CSV (python/eos_frames.py reads it into pandas: summary(path), history(path)); "
                    + "give a sweep's <out>/journal.sqlite")
        }
        let hint = FileManager.default.fileExists(atPath: inside) ? "; did you mean \(inside)?" : ""
        throw ValidationError("\(journal): is a folder; expected a sweep's journal file (<out>/journal.sqlite)\(hint)")
    }
}
