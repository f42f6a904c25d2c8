import Testing
@testable import Configuration

/// `[central]` (docs/CONFIGURATION.md §2.7): keys, defaults, bad input, config.json and task keys.
@Suite struct CentralKeysTests {
    @Test func defaultsAndEveryKeyLoad() throws {
        let d = RunConfiguration().central
        #expect(!d.enabled && d.steps == 1000 && d.start == .instability && d.threshold == 1.95)
        #expect(d.substeps == 4 && d.k == 4 && d.gradientFlow)
        let c = try RunConfiguration.load(
            tomlText: "[central]\nenabled = true\nsteps = 50\nstart = \"init\"\nthreshold = 2\nsubsteps = 8\nk = 6\n"
                + "gradient_flow = false\n",
            file: "run.toml")
        #expect(c.central.enabled && c.central.steps == 50 && c.central.start == .initialization)
        #expect(c.central.threshold == 2 && c.central.substeps == 8 && c.central.k == 6 && !c.central.gradientFlow)
    }

    @Test func badInputIsOneLineNamingTheKey() {
        #expect(
            message("[track]\nenabled = true\n[central]\nenabled = true\n")
                == "run.toml:4: central.enabled: [central] and [track] cannot both be enabled: [track] follows one "
                + "unstable direction, [central] any number; set track.enabled = false")
        #expect(
            message("", overrides: ["track.enabled=true", "central.enabled=true"])?.hasPrefix("--set: central.enabled: ") == true)
        #expect(message("[central]\nthreshold = 2.5\n") == "run.toml:2: central.threshold = 2.5 is out of range: it must be in (1, 2]")
        #expect(message("[central]\nthreshold = 1\n") == "run.toml:2: central.threshold = 1 is out of range: it must be in (1, 2]")
        #expect(message("[central]\nthreshold = 2\n") == nil)
        #expect(message("[central]\nsubsteps = 0\n") == "run.toml:2: central.substeps = 0 is out of range: it must be >= 1")
        #expect(message("[central]\nk = 0\n") == "run.toml:2: central.k = 0 is out of range: it must be >= 1")
        #expect(
            message("[central]\nstart = \"begin\"\n")
                == "run.toml:2: central.start: unknown value \"begin\"; allowed: instability, init")
        #expect(message("[central]\nsubstep = 4\n") == "run.toml:2: unknown key 'central.substep' (did you mean 'central.substeps'?)")
    }

    /// `[central]` is left out of config.json while disabled at its defaults, so every earlier
    /// config.json and task key is unchanged; an enabled run's file names every key.
    @Test func configJSONAndTaskKeys() throws {
        var c = RunConfiguration()
        c.track.enabled = true
        c.model.width = 16
        let text = c.resolvedJSON()
        #expect(!text.contains("central"))
        #expect(try RunConfiguration(json: text).resolvedJSON() == text)
        let pinned = try RunConfiguration.load(tomlText: "[train]\nlr = 0.1\n[model]\nwidth = 128\n", file: "a.toml")
        #expect(pinned.taskKey == "800bf437a9fc8473d00862be40765f5fcdfa2309b63ecf088dbc7cf55e8012e2")

        var central = RunConfiguration()
        central.central.enabled = true
        let json = central.resolvedJSON()
        for key in [
            "\"enabled\": true", "\"steps\": 1000", "\"start\": \"instability\"", "\"threshold\": 1.95", "\"substeps\": 4", "\"k\": 4",
            "\"gradient_flow\": true",
        ] {
            #expect(json.contains(key), "\(key) missing from \(json)")
        }
        #expect(try RunConfiguration(json: json) == central)
        #expect(central.taskKey == SHA256.hexDigest(#"{"central":{"enabled":true}}"#.utf8))
        // A disabled table with a non-default key keeps it (its task differs, as its file says).
        var odd = RunConfiguration()
        odd.central.k = 8
        #expect(odd.resolvedJSON().contains("\"k\": 8"))
    }
}
