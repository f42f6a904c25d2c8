import Testing
@testable import Configuration

/// `train.optimizer` = gd | polyak | nesterov | rmsprop | adam and the keys `train.momentum`,
/// `train.beta2`, `train.epsilon` (docs/CONFIGURATION.md §2.4).
@Suite struct OptimizerKeysTests {
    @Test func everyOptimizerAndItsKeysLoadWithTorchsDefaults() throws {
        let defaults = RunConfiguration().train
        #expect(defaults.optimizer == .gd && defaults.momentum == 0.9 && defaults.beta2 == 0.999 && defaults.epsilon == 1e-8)
        let adam = try RunConfiguration.load(tomlText: "[train]\noptimizer = \"adam\"\n", file: "run.toml")
        #expect(adam.train.optimizer == .adam && adam.train.momentum == 0.9 && adam.train.beta2 == 0.999 && adam.train.epsilon == 1e-8)
        // RMSprop's α defaults to 0.99 as in torch.optim.RMSprop; set, it is what was set.
        let rmsprop = try RunConfiguration.load(tomlText: "[train]\noptimizer = \"rmsprop\"\n", file: "run.toml")
        #expect(rmsprop.train.beta2 == 0.99 && rmsprop.train.epsilon == 1e-8)
        let slow = try RunConfiguration.load(tomlText: "[train]\noptimizer = \"rmsprop\"\nbeta2 = 0.999\n", file: "run.toml")
        #expect(slow.train.beta2 == 0.999)
        #expect(try RunConfiguration.load(tomlText: "", file: "run.toml", overrides: ["train.optimizer=rmsprop"]).train.beta2 == 0.99)
        let nesterov = try RunConfiguration.load(
            tomlText: "", file: "run.toml", overrides: ["train.optimizer=nesterov", "train.momentum=0"])
        #expect(nesterov.train.optimizer == .nesterov && nesterov.train.momentum == 0)
        let polyak = try RunConfiguration.load(tomlText: "train = { optimizer = \"polyak\", momentum = 0.99 }\n", file: "run.toml")
        #expect(polyak.train.momentum == 0.99)
        // Keys an optimizer ignores may be written at their defaults.
        let gd = try RunConfiguration.load(
            tomlText: "[train]\noptimizer = \"gd\"\nmomentum = 0.9\nbeta2 = 0.999\nepsilon = 1e-8\n", file: "run.toml")
        #expect(gd == RunConfiguration())
    }

    @Test func badValuesNameTheKeyInOneLine() {
        #expect(
            message("[train]\noptimizer = \"adamw\"\n")
                == "run.toml:2: train.optimizer: unknown value \"adamw\" (did you mean \"adam\"?); "
                + "allowed: gd, polyak, nesterov, rmsprop, adam")
        #expect(
            message("[train]\noptimizer = \"polyak\"\nmomentum = 1\n")
                == "run.toml:3: train.momentum = 1 is out of range: it must be in [0, 1)")
        #expect(
            message("[train]\noptimizer = \"adam\"\nmomentum = -0.1\n")
                == "run.toml:3: train.momentum = -0.1 is out of range: it must be in [0, 1)")
        #expect(
            message("[train]\noptimizer = \"adam\"\nbeta2 = 1.0\n")
                == "run.toml:3: train.beta2 = 1 is out of range: it must be in (0, 1)")
        #expect(message("", overrides: ["train.beta2=0"]) == "--set: train.beta2 = 0 is out of range: it must be in (0, 1)")
        #expect(
            message("[train]\noptimizer = \"rmsprop\"\nepsilon = 0\n")
                == "run.toml:3: train.epsilon = 0 is out of range: it must be > 0")
        #expect(
            message("[train]\noptimizer = \"rmsprop\"\nepsilon = -1e-8\n")
                == "run.toml:3: train.epsilon = -1e-8 is out of range: it must be > 0")
        #expect(message("[train]\nmomentum = \"high\"\n") == "run.toml:2: train.momentum: expected a float, got string \"high\"")
        #expect(message("[train]\nmomentum = nan\n") == "run.toml:2: train.momentum: expected a finite float, got float nan")
        #expect(message("[train]\nmomentm = 0.5\n") == "run.toml:2: unknown key 'train.momentm' (did you mean 'train.momentum'?)")
    }

    @Test func keysTheOptimizerIgnoresMustKeepTheirDefaults() {
        #expect(
            message("[train]\nmomentum = 0.5\n")
                == "run.toml:2: train.momentum: train.optimizer = \"gd\" has no momentum (polyak, nesterov and adam read it); "
                + "remove it or choose one of those")
        #expect(
            message("[train]\noptimizer = \"rmsprop\"\nmomentum = 0.5\n")
                == "run.toml:3: train.momentum: train.optimizer = \"rmsprop\" has no momentum (polyak, nesterov and adam read it); "
                + "remove it or choose one of those")
        #expect(
            message("[train]\noptimizer = \"polyak\"\nbeta2 = 0.9\n")
                == "run.toml:3: train.beta2: train.optimizer = \"polyak\" does not read it (rmsprop and adam do); "
                + "remove it or choose one of those")
        #expect(
            message("[train]\nepsilon = 1e-6\n")
                == "run.toml:2: train.epsilon: train.optimizer = \"gd\" does not read it (rmsprop and adam do); "
                + "remove it or choose one of those")
    }

    @Test func trackingFollowsPlainGDOnly() {
        #expect(
            message("[train]\noptimizer = \"polyak\"\n[track]\nenabled = true\n")
                == "run.toml:2: train.optimizer: tracking (track.enabled = true) follows plain GD only, not polyak; "
                + "set train.optimizer = \"gd\" or track.enabled = false")
        // The optimizer left at a value from --set: the location is where it was set.
        #expect(
            message("[track]\nenabled = true\n", overrides: ["train.optimizer=adam"])
                == "--set: train.optimizer: tracking (track.enabled = true) follows plain GD only, not adam; "
                + "set train.optimizer = \"gd\" or track.enabled = false")
        #expect(message("[train]\noptimizer = \"gd\"\n[track]\nenabled = true\n") == nil)
    }

    /// config.json names the keys an optimizer reads, defaults included, and leaves out the ones it
    /// does not read: a gd configuration's file is byte for byte what it was before optimizers existed.
    @Test func configJSONListsTheKeysTheOptimizerReads() throws {
        func train(_ c: RunConfiguration) -> [String: JSONValue] {
            guard case .object(let root) = c.resolvedJSONValue, case .object(let train)? = root["train"] else { return [:] }
            return train
        }
        #expect(Set(train(RunConfiguration()).keys) == ["lr", "steps", "precision", "diverge_factor"])
        var polyak = RunConfiguration()
        polyak.train.optimizer = .polyak
        #expect(Set(train(polyak).keys) == ["lr", "steps", "precision", "diverge_factor", "optimizer", "momentum"])
        var rmsprop = RunConfiguration()
        rmsprop.train.optimizer = .rmsprop
        rmsprop.train.beta2 = 0.99
        #expect(Set(train(rmsprop).keys) == ["lr", "steps", "precision", "diverge_factor", "optimizer", "beta2", "epsilon"])
        var adam = RunConfiguration()
        adam.train.optimizer = .adam
        #expect(train(adam)["beta2"] == .number(0.999) && train(adam)["momentum"] == .number(0.9))
        #expect(train(adam)["epsilon"] == .number(1e-8))
        for c in [polyak, rmsprop, adam] {
            #expect(try RunConfiguration(json: c.resolvedJSON()) == c)
        }
        // RMSprop at β₂ = 0.999, the key's own default, survives config.json too.
        rmsprop.train.beta2 = 0.999
        #expect(try RunConfiguration(json: rmsprop.resolvedJSON()) == rmsprop)
    }

    @Test func taskKeysOfEarlierConfigurationsAreUnchanged() throws {
        let c = try RunConfiguration.load(
            tomlText: "[train]\nlr = 0.1\noptimizer = \"gd\"\nmomentum = 0.9\n[model]\nwidth = 128\ndepth = 2\n", file: "a.toml")
        #expect(c.taskKey == "800bf437a9fc8473d00862be40765f5fcdfa2309b63ecf088dbc7cf55e8012e2")
        // RMSprop's default α is part of its key, set or not.
        let implicit = try RunConfiguration.load(tomlText: "[train]\noptimizer = \"rmsprop\"\n", file: "a.toml")
        let explicit = try RunConfiguration.load(tomlText: "[train]\noptimizer = \"rmsprop\"\nbeta2 = 0.99\n", file: "b.toml")
        #expect(implicit.taskKey == explicit.taskKey)
        #expect(implicit.taskKey == SHA256.hexDigest(#"{"train":{"beta2":0.99,"optimizer":"rmsprop"}}"#.utf8))
    }

    /// Optimizer as a sweep axis: momentum crossed with the momentum methods; rmsprop gets its α
    /// per task; an axis that crosses a key with an optimizer that ignores it is refused at its line.
    @Test func optimizerIsASweepAxis() throws {
        let spec = try SweepSpecification.load(
            tomlText: """
                [sweep]
                name = "optimizers"
                [sweep.grid]
                "train.optimizer" = ["polyak", "nesterov", "adam"]
                "train.momentum" = [0.5, 0.9]
                "train.lr" = [0.01, 0.02]
                """, file: "spec.toml")
        #expect(spec.tasks.count == 12 && Set(spec.tasks.map(\.key)).count == 12)
        #expect(spec.tasks[0].configuration.train.optimizer == .polyak && spec.tasks[0].configuration.train.momentum == 0.5)
        let mixed = try SweepSpecification.load(
            tomlText: "[sweep]\nname = \"m\"\n[sweep.grid]\n\"train.optimizer\" = [\"gd\", \"rmsprop\", \"adam\"]\n", file: "spec.toml")
        #expect(mixed.tasks.map(\.configuration.train.beta2) == [0.999, 0.99, 0.999])
        #expect(throws: ConfigError.self) {
            try SweepSpecification.load(
                tomlText: "[sweep]\nname = \"m\"\n[sweep.grid]\n\"train.optimizer\" = [\"gd\", \"polyak\"]\n\"train.momentum\" = [0.5]\n",
                file: "spec.toml")
        }
        do {
            _ = try SweepSpecification.load(
                tomlText: "[sweep]\nname = \"m\"\n[sweep.grid]\n\"train.optimizer\" = [\"gd\", \"polyak\"]\n\"train.momentum\" = [0.5]\n",
                file: "spec.toml")
        } catch {
            #expect(error.description.hasPrefix("spec.toml:5: train.momentum: train.optimizer = \"gd\" has no momentum"))
        }
    }
}
