/// The optimizer keys against `train.optimizer` (docs/CONFIGURATION.md §2.4, docs/THEORY.md §11).
extension ConfigurationSchema {
    /// RMSprop's default α (torch.optim.RMSprop), which `train.beta2` takes under optimizer
    /// rmsprop when the configuration does not set it; the key's own default, 0.999, is Adam's β₂.
    static let rmspropDefaultAlpha = 0.99

    /// Gives an rmsprop configuration that does not set `train.beta2` (`beta2IsSet`) RMSprop's
    /// default α = 0.99. Every other configuration is left as it is.
    static func resolveOptimizer(_ configuration: inout RunConfiguration, beta2IsSet: Bool) {
        if configuration.train.optimizer == .rmsprop && !beta2IsSet {
            configuration.train.beta2 = rmspropDefaultAlpha
        }
    }

    /// Checks the optimizer keys against `train.optimizer`:
    /// - a key the optimizer does not read keeps its default: `train.momentum` is read by polyak,
    ///   nesterov and adam, `train.beta2` and `train.epsilon` by rmsprop and adam (so no two task
    ///   keys name the same computation);
    /// - tracking (`track.enabled`) follows plain GD only: its stable set and predicted dynamics
    ///   are GD's (docs/THEORY.md §4–§6).
    static func checkOptimizer(_ configuration: RunConfiguration) throws(ConfigError.Problem) {
        let train = configuration.train
        let optimizer = train.optimizer
        let defaults = RunConfiguration.TrainSettings()
        let with = "train.optimizer = \"\(optimizer.rawValue)\""
        if train.momentum != defaults.momentum && !optimizer.readsMomentum {
            throw .invalid(
                key: "train.momentum",
                message: "\(with) has no momentum (polyak, nesterov and adam read it); remove it or choose one of those")
        }
        for (key, value, defaultValue) in [
            ("train.beta2", train.beta2, defaults.beta2), ("train.epsilon", train.epsilon, defaults.epsilon),
        ] where value != defaultValue && !optimizer.isAdaptive {
            throw .invalid(key: key, message: "\(with) does not read it (rmsprop and adam do); remove it or choose one of those")
        }
        if configuration.track.enabled && optimizer != .gd {
            throw .invalid(
                key: "train.optimizer",
                message: "tracking (track.enabled = true) follows plain GD only, not \(optimizer.rawValue); "
                    + "set train.optimizer = \"gd\" or track.enabled = false")
        }
    }
}
