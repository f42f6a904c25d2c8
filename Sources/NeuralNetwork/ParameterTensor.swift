/// One tensor of a network's `state_dict`: its PyTorch `name` (e.g. `features.0.weight`), `shape`
/// and `range` in the flat θ (tensors follow each other in state_dict order, each row-major), and
/// how `pytorch` initialisation fills it.
public struct ParameterTensor: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// A Conv2d/Linear weight, U(±1/√fanIn).
        case weight(fanIn: Int)
        /// A Conv2d/Linear bias, U(±1/√fanIn), or 0 under `pytorch-zero-bias`.
        case bias(fanIn: Int)
        /// An embedding or position table, N(0, 1).
        case normal
        /// A norm's scale γ (1) or shift β (0).
        case normScale, normShift
    }

    public let name: String
    public let shape: [Int]
    public let range: Range<Int>
    public let role: Role
}
