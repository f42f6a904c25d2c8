/// `data.shape` (docs/CONFIGURATION.md §2.1): the image shape [c, h, w] of a synthetic example.
extension ConfigurationSchema {
    /// The fixed input shape (C×H×W) of a named data set; nil for synthetic, whose shape is
    /// `data.shape`. A tokens example is a sequence of `data.length` token ids.
    static func fixedShape(of name: RunConfiguration.DatasetName) -> String? {
        switch name {
        case .digits: "1×8×8"
        case .mnist, .fashionMNIST: "1×28×28"
        case .cifar10: "3×32×32"
        case .tokens: "1×1×data.length token ids"
        case .synthetic: nil
        }
    }

    /// Applies a non-empty `data.shape` to `configuration`: only the synthetic data set takes
    /// one; its product c·h·w becomes `data.dim`, or must equal it when `data.dim` was set too
    /// (`dimIsSet`). An empty shape (the default) means [1, 1, data.dim] and changes nothing.
    static func resolveShape(_ configuration: inout RunConfiguration, dimIsSet: Bool) throws(ConfigError.Problem) {
        let data = configuration.data
        guard !data.shape.isEmpty else { return }
        if let fixed = fixedShape(of: data.name) {
            throw .invalid(
                key: "data.shape",
                message: "only the synthetic data set reads it (\(data.name.rawValue) is \(fixed)); "
                    + "remove it or set data.name = \"synthetic\"")
        }
        let text = "[" + data.shape.map(String.init).joined(separator: ", ") + "]"
        var features = 1
        for size in data.shape {
            let (product, overflow) = features.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw .invalid(key: "data.shape", message: "\(text) has more features than an integer holds")
            }
            features = product
        }
        if dimIsSet {
            guard features == data.dim else {
                throw .invalid(
                    key: "data.shape",
                    message: "\(text) has c·h·w = \(features) features but data.dim = \(data.dim); "
                        + "drop data.dim (the shape sets it) or make the two agree")
            }
        } else {
            configuration.data.dim = features
        }
    }
}
