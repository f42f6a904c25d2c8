import Foundation
import LinearAlgebra
import TestSupport
import Testing
@testable import Experiment

private func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("eos-safetensors-\(UUID().uuidString)-\(name)")
}

/// A file with header `json` (padded to a multiple of 8 with spaces) and `buffer`.
private func file(header json: String, buffer: [UInt8]) -> [UInt8] {
    var header = Array(json.utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * $0)) } + header + buffer
}

/// Whether `python3` on PATH imports safetensors and numpy (the cross-check skips otherwise).
private let pythonHasSafetensors: Bool =
    (try? runToEnd("/usr/bin/env", ["python3", "-c", "import safetensors.numpy, numpy"]))?.exit == .exited(0)

@Suite struct SafetensorsTests {
    @Test func exactBytesOfATinyFile() {
        let file = Safetensors(
            tensors: ["b": .init([Int64(258)], shape: []), "a": .init([Float(1), -2], shape: [2])],
            metadata: ["format": "pt"])
        let header =
            #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}"#
        // 138 header bytes + 6 spaces = 144 = 0x90; 1.0f = 0x3F800000, −2.0f = 0xC0000000, 258 = 0x0102.
        let expected: [UInt8] =
            [0x90, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + Array("      ".utf8)
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0] + [0x02, 0x01, 0, 0, 0, 0, 0, 0]
        #expect(file.serialized() == expected)
    }

    @Test func roundTripOfEveryDTypeThroughAFile() throws {
        let doubles: [Double] = [0, -0.0, 1.5, -1e300, .infinity, .leastNonzeroMagnitude, .pi]
        let floats: [Float] = [3.25, -.greatestFiniteMagnitude, .nan, .leastNonzeroMagnitude]
        let ints: [Int64] = [.min, -1, 0, 42, .max, 7]
        let original = Safetensors(
            tensors: [
                "x": .init(doubles + [2], shape: [2, 4]),
                "layers.0.weight": .init(floats, shape: [4]),
                "labels": .init(ints, shape: [3, 2]),
                "empty": .init([Double](), shape: [0, 3]),
            ],
            metadata: ["note": "quote \" backslash \\ newline \n tab \t é"])
        let url = temporaryFile("round.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.write(to: url)
        let read = try Safetensors(contentsOf: url)
        #expect(read == original)
        #expect(read.metadata["note"] == "quote \" backslash \\ newline \n tab \t é")
        #expect(read.tensors["x"]?.doubles?.map(\.bitPattern) == (doubles + [2]).map(\.bitPattern))
        #expect(read.tensors["x"]?.shape == [2, 4])
        #expect(read.tensors["layers.0.weight"]?.floats?.map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(read.tensors["labels"]?.int64s == ints)
        #expect(read.tensors["labels"]?.doubles == nil)
        #expect(read.tensors["empty"]?.elementCount == 0)
        #expect((try Data(contentsOf: url)).count % 8 == 0)
    }

    @Test func matricesBecomeRowMajorTensors() {
        let m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        let tensor = Safetensors.Tensor(m)
        #expect(tensor.dtype == .f64 && tensor.shape == [2, 3] && tensor.doubles == [1, 2, 3, 4, 5, 6])
        let single = Safetensors.Tensor(m.converted(to: Float.self))
        #expect(single.dtype == .f32 && single.bytes.count == 24 && single.floats == [1, 2, 3, 4, 5, 6])
    }

    @Test func sameTensorsGiveSameBytesWhateverTheInsertionOrder() {
        var first: [String: Safetensors.Tensor] = [:]
        var second: [String: Safetensors.Tensor] = [:]
        let names = ["w", "B", "a", "layers.10.bias", "layers.2.bias", "é"]
        for (k, name) in names.enumerated() { first[name] = .init([Double(k)], shape: [1]) }
        for (k, name) in names.enumerated().reversed() { second[name] = .init([Double(k)], shape: [1]) }
        let bytes = Safetensors(tensors: first).serialized()
        #expect(bytes == Safetensors(tensors: second).serialized())
        // UTF-8 byte order: "B" < "a" < "layers.10.bias" < "layers.2.bias" < "w" < "é".
        let header = String(decoding: bytes[8..<bytes.count], as: UTF8.self)
        let positions = ["\"B\"", "\"a\"", "\"layers.10.bias\"", "\"layers.2.bias\"", "\"w\"", "\"é\""].map {
            header.range(of: $0)!.lowerBound
        }
        #expect(positions == positions.sorted())
    }

    @Test(arguments: [
        ("short", [UInt8](repeating: 0, count: 5), "shorter than the 8-byte header length"),
        ("long header", [200, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8), "header length 200 exceeds the 8 bytes"),
        ("not json", file(header: "{nope", buffer: []), "header JSON"),
        (
            "out of range",
            file(header: #"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#, buffer: [UInt8](repeating: 0, count: 8)),
            "outside the 8-byte buffer"
        ),
        (
            "size mismatch",
            file(header: #"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}"#, buffer: [UInt8](repeating: 0, count: 8)), "needs 16"
        ),
        (
            "dtype", file(header: #"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, buffer: [UInt8](repeating: 0, count: 4)),
            "dtype BF16"
        ),
        (
            "gap", file(header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"#, buffer: [UInt8](repeating: 0, count: 16)),
            "expected 0"
        ),
        (
            "overlap",
            file(
                header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#,
                buffer: [UInt8](repeating: 0, count: 8)), "gap or overlap"
        ),
        (
            "trailing", file(header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, buffer: [UInt8](repeating: 0, count: 9)),
            "cover 8 of the 9"
        ),
        ("metadata", file(header: #"{"__metadata__":{"n":1}}"#, buffer: []), "__metadata__"),
        ("negative", file(header: #"{"a":{"dtype":"I64","shape":[-1],"data_offsets":[0,0]}}"#, buffer: []), "negative dimension"),
    ])
    func malformedFilesAreRejected(name: String, bytes: [UInt8], reason: String) {
        do {
            _ = try Safetensors(bytes: bytes, path: "bad-\(name).safetensors")
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.description.hasPrefix("bad-\(name).safetensors: not a valid safetensors file"))
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingFileIsNamed() {
        let url = temporaryFile("absent.safetensors")
        #expect(throws: SafetensorsError.self) { try Safetensors(contentsOf: url) }
        do { _ = try Safetensors(contentsOf: url) } catch { #expect(error.description.hasPrefix(url.path)) }
    }

    @Test(.enabled(if: pythonHasSafetensors, "python3 with the safetensors and numpy packages is not installed; cross-check skipped"))
    func pythonSafetensorsAgreesBothWays() throws {
        let url = temporaryFile("python.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors(
            tensors: [
                "x": .init([1.5, -2, 3, 4.25, 5, 6], shape: [2, 3]), "labels": .init([Int64(9), -3], shape: [2]),
                "w": .init([Float(0.5)], shape: [1, 1]),
            ],
            metadata: ["source": "eos"]
        ).write(to: url)
        let script = """
            import sys, json, safetensors, safetensors.numpy as st
            d = st.load_file(sys.argv[1])
            with safetensors.safe_open(sys.argv[1], "np") as f: meta = f.metadata()
            print(json.dumps({k: [str(v.dtype), list(v.shape), v.ravel().tolist()] for k, v in sorted(d.items())} | {"meta": meta}, sort_keys=True))
            import numpy as np
            st.save_file({"z": np.array([[1.5, -2.0]]), "a": np.array([7, 8, 9], dtype=np.int64), "f": np.array([0.25], dtype=np.float32)},
                         sys.argv[2], metadata={"by": "python"})
            """
        let back = temporaryFile("from-python.safetensors")
        defer { try? FileManager.default.removeItem(at: back) }
        let python = try runToEnd("/usr/bin/env", ["python3", "-c", script, url.path, back.path])
        #expect(python.exit == .exited(0), "\(python.errors)")
        #expect(
            python.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"{"labels": ["int64", [2], [9, -3]], "meta": {"source": "eos"}, "w": ["float32", [1, 1], [0.5]], "x": ["float64", [2, 3], [1.5, -2.0, 3.0, 4.25, 5.0, 6.0]]}"#
        )
        let fromPython = try Safetensors(contentsOf: back)
        #expect(fromPython.metadata == ["by": "python"])
        #expect(fromPython.tensors["z"]?.doubles == [1.5, -2] && fromPython.tensors["z"]?.shape == [1, 2])
        #expect(fromPython.tensors["a"]?.int64s == [7, 8, 9] && fromPython.tensors["f"]?.floats == [0.25])
    }
}
