/// A dense row-major matrix: element (i, j) is `storage[i * columns + j]`.
///
/// Value semantics (copy-on-write through `Array`). Hot loops take `inout` matrices that were
/// allocated once, so the step loop of the engine does not allocate.
public struct Matrix<T: BLASScalar>: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var storage: [T]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: T = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [T](repeating: value, count: rows * columns)
    }

    /// Wraps row-major `storage` of exactly `rows * columns` elements.
    public init(rows: Int, columns: Int, storage: [T]) {
        precondition(
            storage.count == rows * columns,
            "Matrix storage has \(storage.count) elements, shape [\(rows), \(columns)] needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Builds a matrix from nested rows (tests and small constants).
    public init(_ nested: [[T]]) {
        let c = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == c }, "Ragged rows")
        self.init(rows: nested.count, columns: c, storage: nested.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> T {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [T] { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    /// Column `j` as a new array.
    public func column(_ j: Int) -> [T] { (0..<rows).map { storage[$0 * columns + j] } }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t.storage[j * rows + i] = storage[i * columns + j] } }
        return t
    }

    /// Converts the element type (Float ↔ Double).
    public func converted<U: BLASScalar>(to _: U.Type = U.self) -> Matrix<U> {
        Matrix<U>(rows: rows, columns: columns, storage: storage.map { U($0) })
    }
}
