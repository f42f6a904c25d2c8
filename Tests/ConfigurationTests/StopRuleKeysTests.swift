import Testing
@testable import Configuration

/// `train.loss_goal`, `train.accuracy_goal`, `train.steps_after_eos` (docs/CONFIGURATION.md §2.4).
@Suite struct StopRuleKeysTests {
    /// The one-line message that loading `text` (plus `overrides`) as `spec.toml` fails with.
    func message(_ text: String, overrides: [String] = []) -> String? {
        ConfigurationTests.message(text, overrides: overrides, file: "spec.toml")
    }

    @Test func valuesAreCheckedInOneLineNamingTheKey() throws {
        let c = try RunConfiguration.load(
            tomlText: "[train]\nloss_goal = 0.01\naccuracy_goal = 1\nsteps_after_eos = 200\n", file: "a.toml")
        #expect(c.train.lossGoal == 0.01 && c.train.accuracyGoal == 1 && c.train.stepsAfterEos == 200)
        #expect(message("[train]\nloss_goal = -1\n") == "spec.toml:2: train.loss_goal = -1 is out of range: it must be >= 0")
        #expect(
            message("[train]\naccuracy_goal = 1.5\n")
                == "spec.toml:2: train.accuracy_goal = 1.5 is out of range: it must be between 0 and 1")
        #expect(message("[train]\nsteps_after_eos = -3\n") == "spec.toml:2: train.steps_after_eos = -3 is out of range: it must be >= 0")
        #expect(message("[train]\nloss_goal = \"low\"\n") == "spec.toml:2: train.loss_goal: expected a float, got string \"low\"")
        #expect(
            message("[train]\nacuracy_goal = 0.9\n")
                == "spec.toml:2: unknown key 'train.acuracy_goal' (did you mean 'train.accuracy_goal'?)")
    }

    @Test func stopRulesNeedAPlainRunAndStepsAfterTheEdgeNeedMeasurements() {
        #expect(
            message("[train]\nloss_goal = 0.1\n[track]\nenabled = true\n")
                == "spec.toml:2: train.loss_goal: stop rules end plain GD runs, not tracked ones; remove it or set track.enabled = false")
        #expect(
            message("[track]\nenabled = true\n", overrides: ["train.steps_after_eos=10"])
                == "--set: train.steps_after_eos: stop rules end plain GD runs, not tracked ones; remove it or set track.enabled = false")
        #expect(
            message("[train]\nsteps_after_eos = 10\n[sharpness]\nevery = 0\n")
                == "spec.toml:2: train.steps_after_eos: counts from eos_step, the first measured sharpness ≥ 2/η: set sharpness.every ≥ 1")
        #expect(message("[train]\nsteps_after_eos = 10\naccuracy_goal = 0.99\nloss_goal = 1e-3\n") == nil)
    }

    /// In a sweep the rules hold for each task: a grid that turns tracking on under a base with a
    /// stop rule is refused at the rule's line.
    @Test func aSweepChecksTheRulesPerTask() {
        let spec = """
            [sweep]
            name = "s"
            [sweep.grid]
            "track.enabled" = [false, true]
            [train]
            accuracy_goal = 0.9
            """
        #expect(throws: ConfigError.self) { try SweepSpecification.load(tomlText: spec, file: "spec.toml") }
        do {
            _ = try SweepSpecification.load(tomlText: spec, file: "spec.toml")
        } catch {
            #expect(error.description.hasPrefix("spec.toml:6: train.accuracy_goal: stop rules end plain GD runs"))
        }
    }

    /// At their defaults (0 = off) the keys are left out of config.json and of the task key, so
    /// files and journals of earlier versions are unchanged; set, they are written.
    @Test func offRulesLeaveConfigJSONAndTaskKeysAsTheyWere() throws {
        let c = RunConfiguration()
        #expect(!c.resolvedJSON().contains("goal") && !c.resolvedJSON().contains("steps_after_eos"))
        #expect(c.taskKey == SHA256.hexDigest("{}".utf8))
        var set = RunConfiguration()
        set.train.lossGoal = 0.01
        set.train.stepsAfterEos = 50
        let text = set.resolvedJSON()
        #expect(text.contains("\"loss_goal\": 0.01") && text.contains("\"steps_after_eos\": 50") && !text.contains("accuracy_goal"))
        #expect(try RunConfiguration(json: text) == set)
        #expect(set.taskKey == SHA256.hexDigest(#"{"train":{"loss_goal":0.01,"steps_after_eos":50}}"#.utf8))
    }
}
