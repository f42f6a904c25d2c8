import Foundation

/// Reading the files of a source, turning every failure into a `DatasetError` that names the path.
enum SourceFile {
    /// The whole file at `path`; `expected` says what belongs there when it is missing.
    static func bytes(at path: String, expected: String) throws(DatasetError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missingFile(path: path, expected: expected)
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(path: path, reason: "it is a folder") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    /// The bytes of `name` in `folder`, read raw when `name` exists and inflated from
    /// `name.gz` otherwise; also returns the path that was read.
    static func rawOrGzip(folder: String, name: String, expected: String) throws(DatasetError) -> (bytes: [UInt8], path: String) {
        let raw = (folder as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: raw) { return (try bytes(at: raw, expected: expected), raw) }
        let gz = raw + ".gz"
        guard FileManager.default.fileExists(atPath: gz) else {
            throw .missingFile(path: raw, expected: "\(expected) (\(name) or \(name).gz)")
        }
        return (try Gzip.inflate(try bytes(at: gz, expected: expected), path: gz), gz)
    }
}
