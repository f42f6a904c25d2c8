import Configuration
import Foundation
import LinearAlgebra

/// A set of named tensors in the safetensors format (the files of a run directory:
/// data.safetensors, params-*.safetensors).
///
/// Layout of a file, all integers little-endian:
/// - 8 bytes: N, a UInt64, the length of the header;
/// - N bytes: a UTF-8 JSON object `{"__metadata__": {str: str}, "name": {"dtype": "F64" | "F32" |
///   "I64", "shape": [d₀, d₁, …], "data_offsets": [begin, end]}, …}`, padded with spaces so that
///   8 + N is a multiple of 8 (`__metadata__` only when there is metadata);
/// - the byte buffer: each tensor's elements row-major (C order) as little-endian IEEE 754
///   binary64 / binary32 or two's-complement Int64, at `begin..<end` from the buffer's start.
/// The writer orders header keys and tensors by name (UTF-8 byte order), so the same tensors
/// always give the same bytes; the reader accepts any order but requires the tensors to tile
/// the buffer exactly, as the reference implementation does.
public struct Safetensors: Equatable, Sendable {
    /// Element types this project writes and reads.
    public enum DType: String, CaseIterable, Sendable {
        case f64 = "F64"
        case f32 = "F32"
        case i64 = "I64"

        /// Bytes per element.
        public var byteCount: Int { self == .f32 ? 4 : 8 }
    }

    /// One tensor: its element type, shape and raw little-endian bytes.
    public struct Tensor: Equatable, Sendable {
        public let dtype: DType
        /// Row-major shape; [] is a scalar (one element).
        public let shape: [Int]
        /// `elementCount · dtype.byteCount` little-endian bytes.
        public let bytes: [UInt8]

        /// Number of elements: the product of `shape` (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }

        public init(_ values: [Double], shape: [Int]) {
            self.init(checking: values.count, shape: shape, dtype: .f64, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
        }

        public init(_ values: [Float], shape: [Int]) {
            self.init(checking: values.count, shape: shape, dtype: .f32, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
        }

        public init(_ values: [Int64], shape: [Int]) {
            self.init(
                checking: values.count, shape: shape, dtype: .i64, bytes: Self.littleEndianBytes(values.map { UInt64(bitPattern: $0) }))
        }

        /// A row-major matrix as an F64 tensor of shape [rows, columns].
        public init(_ matrix: Matrix<Double>) {
            self.init(matrix.storage, shape: [matrix.rows, matrix.columns])
        }

        /// A row-major matrix as an F32 tensor of shape [rows, columns].
        public init(_ matrix: Matrix<Float>) {
            self.init(matrix.storage, shape: [matrix.rows, matrix.columns])
        }

        init(checking count: Int, shape: [Int], dtype: DType, bytes: [UInt8]) {
            precondition(shape.allSatisfy { $0 >= 0 }, "tensor shape \(shape) has a negative dimension")
            precondition(count == shape.reduce(1, *), "\(count) values do not fill shape \(shape)")
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// The elements of an F64 tensor, nil for another dtype.
        public var doubles: [Double]? {
            dtype == .f64 ? Self.words(bytes, as: UInt64.self).map(Double.init(bitPattern:)) : nil
        }

        /// The elements of an F32 tensor, nil for another dtype.
        public var floats: [Float]? {
            dtype == .f32 ? Self.words(bytes, as: UInt32.self).map(Float.init(bitPattern:)) : nil
        }

        /// The elements of an I64 tensor, nil for another dtype.
        public var int64s: [Int64]? {
            dtype == .i64 ? Self.words(bytes, as: UInt64.self).map { Int64(bitPattern: $0) } : nil
        }

        static func littleEndianBytes<W: FixedWidthInteger>(_ words: [W]) -> [UInt8] {
            words.map(\.littleEndian).withUnsafeBytes { Array($0) }
        }

        static func words<W: FixedWidthInteger>(_ bytes: [UInt8], as _: W.Type) -> [W] {
            bytes.withUnsafeBytes { raw in
                (0..<(raw.count / MemoryLayout<W>.size)).map {
                    W(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<W>.size, as: W.self))
                }
            }
        }
    }

    /// The header key that holds string metadata instead of a tensor.
    public static let metadataKey = "__metadata__"

    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        precondition(tensors[Self.metadataKey] == nil, "\(Self.metadataKey) is reserved for metadata, not a tensor name")
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Names in UTF-8 byte order (what the writer lays out).
    static func sorted(_ names: some Sequence<String>) -> [String] {
        names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The file's bytes; equal inputs give equal bytes.
    public func serialized() -> [UInt8] {
        let names = Self.sorted(tensors.keys)
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = Self.sorted(metadata.keys).map { "\(canonicalJSON(.string($0))):\(canonicalJSON(.string(metadata[$0]!)))" }
            entries.append("\(canonicalJSON(.string(Self.metadataKey))):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(canonicalJSON(.string(name))):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var file = Tensor.littleEndianBytes([UInt64(header.count)])
        file.reserveCapacity(8 + header.count + offset)
        file.append(contentsOf: header)
        for name in names { file.append(contentsOf: tensors[name]!.bytes) }
        return file
    }

    /// Writes `serialized()` to `url` atomically (a reader never sees half a file).
    public func write(to url: URL) throws(SafetensorsError) {
        do {
            try Data(serialized()).write(to: url, options: .atomic)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws(SafetensorsError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data), path: url.path)
    }

    /// Parses and validates a file's bytes; `path` names the file in errors.
    ///
    /// Checks: the header length fits in the file; the header is a JSON object of tensor
    /// entries (and optional string metadata); every dtype is F64, F32 or I64; every
    /// `data_offsets` pair lies in the buffer and spans exactly elements × dtype size bytes;
    /// the tensors tile the buffer with no gap or overlap.
    public init(bytes: [UInt8], path: String) throws(SafetensorsError) {
        guard bytes.count >= 8 else {
            throw .malformed(path: path, reason: "\(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let declared = Tensor.words(Array(bytes[0..<8]), as: UInt64.self)[0]
        guard declared <= UInt64(bytes.count - 8) else {
            throw .malformed(path: path, reason: "header length \(declared) exceeds the \(bytes.count - 8) bytes after the length field")
        }
        let headerEnd = 8 + Int(declared)
        let header: [String: HeaderEntry]
        do {
            header = try JSONDecoder().decode([String: HeaderEntry].self, from: Data(bytes[8..<headerEnd]))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.keyNotFound(_, context),
            let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context)
        {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .malformed(path: path, reason: "header JSON\(key.isEmpty ? "" : " at \(key)"): \(context.debugDescription)")
        } catch {
            throw .malformed(path: path, reason: "header is not a JSON object: \(error)")
        }
        let bufferCount = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, entry) in header {
            switch entry {
            case .metadata(let values) where name == Self.metadataKey:
                metadata = values
            case .metadata:
                throw .malformed(path: path, reason: "tensor \"\(name)\" has no dtype, shape and data_offsets")
            case .tensor where name == Self.metadataKey:
                throw .malformed(path: path, reason: "\(Self.metadataKey) must map strings to strings")
            case .tensor(let dtypeName, let shape, let offsets):
                guard let dtype = DType(rawValue: dtypeName) else {
                    throw .malformed(path: path, reason: "tensor \"\(name)\" has dtype \(dtypeName); eos reads F64, F32 and I64")
                }
                guard shape.allSatisfy({ $0 >= 0 }) else {
                    throw .malformed(path: path, reason: "tensor \"\(name)\" has a negative dimension in shape \(shape)")
                }
                guard offsets.count == 2, 0 <= offsets[0], offsets[0] <= offsets[1], offsets[1] <= bufferCount else {
                    throw .malformed(
                        path: path, reason: "tensor \"\(name)\" has data_offsets \(offsets) outside the \(bufferCount)-byte buffer")
                }
                let (elements, overflow) = shape.reduce((1, false)) { acc, dim in
                    let product = acc.0.multipliedReportingOverflow(by: dim)
                    return (product.partialValue, acc.1 || product.overflow)
                }
                guard !overflow, elements <= bufferCount, offsets[1] - offsets[0] == elements * dtype.byteCount else {
                    throw .malformed(
                        path: path,
                        reason:
                            "tensor \"\(name)\" spans \(offsets[1] - offsets[0]) bytes but \(dtype.rawValue) \(shape) needs \(overflow ? "more than the file" : "\(elements * dtype.byteCount)")"
                    )
                }
                let start = headerEnd + offsets[0]
                tensors[name] = Tensor(
                    checking: elements, shape: shape, dtype: dtype, bytes: Array(bytes[start..<(headerEnd + offsets[1])]))
                spans.append((offsets[0], offsets[1], name))
            }
        }
        var covered = 0
        for span in spans.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard span.begin == covered else {
                throw .malformed(
                    path: path,
                    reason: "tensor \"\(span.name)\" starts at byte \(span.begin) of the buffer, expected \(covered) (gap or overlap)")
            }
            covered = span.end
        }
        guard covered == bufferCount else {
            throw .malformed(path: path, reason: "the tensors cover \(covered) of the \(bufferCount) buffer bytes")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// One value of the header object: a tensor entry, or the metadata's string map.
    private enum HeaderEntry: Decodable {
        case tensor(dtype: String, shape: [Int], offsets: [Int])
        case metadata([String: String])

        private enum Keys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }

        init(from decoder: any Decoder) throws {
            if decoder.codingPath.last?.stringValue == Safetensors.metadataKey {
                self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self = .tensor(
                dtype: try container.decode(String.self, forKey: .dtype),
                shape: try container.decode([Int].self, forKey: .shape),
                offsets: try container.decode([Int].self, forKey: .dataOffsets))
        }
    }
}

/// Why a safetensors file could not be read or written; one line naming the file.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// The bytes are not a valid safetensors file (header length, JSON, dtype, offsets).
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "\(path): cannot read the safetensors file (\(reason)); check that it exists and is readable"
        case .unwritable(let path, let reason):
            "\(path): cannot write the safetensors file (\(reason)); check the folder exists and is writable"
        case .malformed(let path, let reason):
            "\(path): not a valid safetensors file: \(reason); write it again or check it is the file you meant"
        }
    }
}
