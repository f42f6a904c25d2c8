import Testing
@testable import Configuration

@Suite struct ConfigErrorTests {
    /// The one-line message that loading `text` (plus `overrides`) as `spec.toml` fails with.
    func message(_ text: String, overrides: [String] = []) -> String? {
        ConfigurationTests.message(text, overrides: overrides, file: "spec.toml")
    }

    @Test func unknownKeyNamesFileLineAndSuggestion() {
        let text = "[data]\nname = \"digits\"\n\n[model]\ndepth = 2\n# a comment\nwidht = 64\n"
        #expect(message(text) == "spec.toml:7: unknown key 'model.widht' (did you mean 'model.width'?)")
        #expect(message("[modle]\nwidth = 3\n") == "spec.toml:1: unknown key 'modle' (did you mean 'model'?)")
        #expect(message("[train]\nwidth = 3\n") == "spec.toml:2: unknown key 'train.width' (did you mean 'model.width'?)")
        #expect(message("model . \"widht\" = 3\n") == "spec.toml:1: unknown key 'model.widht' (did you mean 'model.width'?)")
        #expect(message("[data]\nqwertyuiop = 1\n") == "spec.toml:2: unknown key 'data.qwertyuiop'")
    }

    @Test func linesSurviveMultiLineValues() {
        let text = """
            [data]
            classes_subset = [
              4,   # first class
              9,
            ]
            path = \"\"\"
            nn = 5
            \"\"\"
            nn = 5
            """
        #expect(message(text) == "spec.toml:9: unknown key 'data.nn' (did you mean 'data.n'?)")
    }

    @Test func wrongTypes() {
        #expect(message("[train]\nlr = \"abc\"\n") == "spec.toml:2: train.lr: expected a float, got string \"abc\"")
        #expect(message("[model]\nwidth = 64.5\n") == "spec.toml:2: model.width: expected an integer, got float 64.5")
        #expect(message("[track]\nenabled = 1\n") == "spec.toml:2: track.enabled: expected a boolean (true or false), got integer 1")
        #expect(
            message("[data]\nclasses_subset = [1, \"a\"]\n")
                == "spec.toml:2: data.classes_subset: expected a list of integers, got array [1,\"a\"]")
        #expect(message("data = 5\n") == "spec.toml:1: data: expected a table, got integer 5")
        #expect(message("[train]\nlr = inf\n") == "spec.toml:2: train.lr: expected a finite float, got float inf")
        #expect(
            message("[data]\npath = 1979-05-27\n")
                == "spec.toml:2: data.path: dates and times are not accepted here: write a number or a \"quoted string\"")
    }

    @Test func outOfRange() {
        let cases: [(String, String)] = [
            ("[train]\nlr = 0\n", "spec.toml:2: train.lr = 0 is out of range: it must be > 0"),
            ("[train]\nlr = -0.5\n", "spec.toml:2: train.lr = -0.5 is out of range: it must be > 0"),
            ("[data]\nn = -1\n", "spec.toml:2: data.n = -1 is out of range: it must be >= 0"),
            ("[model]\nwidth = 0\n", "spec.toml:2: model.width = 0 is out of range: it must be >= 1"),
            ("[model]\ndepth = -1\n", "spec.toml:2: model.depth = -1 is out of range: it must be >= 0"),
            ("[train]\nsteps = -3\n", "spec.toml:2: train.steps = -3 is out of range: it must be >= 0"),
            ("[sharpness]\ntol = 0.0\n", "spec.toml:2: sharpness.tol = 0 is out of range: it must be > 0"),
            ("[sharpness]\nk = 0\n", "spec.toml:2: sharpness.k = 0 is out of range: it must be >= 1"),
            ("[train]\ndiverge_factor = 1\n", "spec.toml:2: train.diverge_factor = 1 is out of range: it must be > 1"),
            ("[track]\nprojection_steps = 0\n", "spec.toml:2: track.projection_steps = 0 is out of range: it must be >= 1"),
        ]
        for (text, expected) in cases { #expect(message(text) == expected) }
    }

    @Test func unknownChoiceListsAllowedValues() {
        #expect(
            message("[model]\ndepth = 1\nactivation = \"tahn\"\n")
                == "spec.toml:3: model.activation: unknown value \"tahn\" (did you mean \"tanh\"?); "
                + "allowed: tanh, relu, elu, gelu, softplus, swish, hardtanh, linear")
        #expect(
            message("[data]\nname = \"imagenet\"\n")
                == "spec.toml:2: data.name: unknown value \"imagenet\"; allowed: digits, cifar10, mnist, fashion-mnist, synthetic, tokens")
    }

    @Test func classSubsetAndLossConflicts() {
        #expect(
            message("[loss]\nname = \"logistic\"\n")
                == "spec.toml:2: loss.name: logistic needs a binary task: set data.classes_subset to two classes, e.g. [4, 9]")
        #expect(
            message("data.classes_subset = [4, 9]\n[loss]\nname = \"ce\"\n")
                == "spec.toml:3: loss.name: ce is refused with the binary data.classes_subset [4, 9]: use \"logistic\"")
        #expect(
            message("[data]\nclasses_subset = [3, 5, 3]\n")
                == "spec.toml:2: data.classes_subset: class 3 is listed twice: list each class once")
        #expect(
            message("[data]\nclasses_subset = [3, 10]\n")
                == "spec.toml:2: data.classes_subset: class 10 does not exist: digits has classes 0…9")
        #expect(
            message("[data]\nclasses_subset = [3]\n")
                == "spec.toml:2: data.classes_subset: one class is not a task: list two classes (binary) or more, or [] for all")
        #expect(
            message("data.classes_subset = [4, 9]\n", overrides: ["loss.name=ce"])
                == "--set: loss.name: ce is refused with the binary data.classes_subset [4, 9]: use \"logistic\"")
    }

    @Test func syntaxErrorsCarryTheirLine() throws {
        let text = "[train]\nlr = 0.1\nsteps = = 3\n"
        let m = try #require(message(text))
        #expect(m == "spec.toml:3: syntax error: Error while parsing value: could not determine value type")
    }

    @Test func overrideErrors() {
        #expect(message("", overrides: ["train.lrr=0.1"]) == "--set: unknown key 'train.lrr' (did you mean 'train.lr'?)")
        #expect(message("", overrides: ["train.lr=abc"]) == "--set: train.lr: expected a float, got string \"abc\"")
        #expect(message("", overrides: ["train.lr"]) == "--set: train.lr: expected KEY=VALUE, e.g. --set train.lr=0.1")
    }

    @Test func unreadableFileAndBadJSON() {
        #expect(throws: ConfigError(file: "/nonexistent/x.toml", line: nil, problem: .unreadable(reason: "no such file"))) {
            try RunConfiguration.load(path: "/nonexistent/x.toml")
        }
        do {
            _ = try RunConfiguration(json: "{\"train\": {\"lr\": -1}}")
            Issue.record("negative lr accepted")
        } catch {
            #expect(error.description == "config.json: train.lr = -1 is out of range: it must be > 0")
        }
        #expect(throws: ConfigError.self) { try RunConfiguration(json: "{\"train\": ") }
        #expect(
            ConfigError(file: "/nonexistent/x.toml", line: nil, problem: .unreadable(reason: "no such file")).description
                == "/nonexistent/x.toml: cannot read the file (no such file): check the path")
    }
}
