/// How inputs are standardized (`data.standardize`): x ← (x − mean) / std with the population
/// standard deviation (ddof 0). A feature (or channel) whose standard deviation is 0 is only
/// centred. The raw values match the configuration strings.
public enum Standardization: String, CaseIterable, Sendable {
    /// Inputs as decoded: pixels in [0, 1] (digits: value/16; CIFAR-10 and MNIST: byte/255).
    case none
    /// One mean and one std per feature (column of x).
    case perPixel = "per-pixel"
    /// One mean and one std per channel, pooled over the channel's height·width features and
    /// all examples.
    case perChannel = "per-channel"
}

/// Which examples the standardization statistics come from (`data.standardize_from`).
public enum StandardizationReference: String, CaseIterable, Sendable {
    /// The n examples actually used, after class selection and truncation (Damian et al.).
    case subset
    /// The source's whole training set, before class selection and truncation (Cohen et al.
    /// standardize cifar10-5k with the statistics of all 50 000 training images). For the
    /// synthetic source the training set is every example generated (see `SyntheticSpec`).
    case all
}
