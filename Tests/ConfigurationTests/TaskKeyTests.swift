import Testing
@testable import Configuration

@Suite struct TaskKeyTests {
    @Test func allDefaultsHashEmptyObject() throws {
        // SHA-256("{}") from the NIST-verified function, and as printed by Python's hashlib.
        #expect(taskKey(RunConfiguration()) == SHA256.hexDigest("{}".utf8))
        #expect(RunConfiguration().taskKey == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(try RunConfiguration.load(tomlText: "", file: "a.toml").taskKey == SHA256.hexDigest("{}".utf8))
    }

    @Test func keyHashesTheCanonicalNonDefaultLeaves() throws {
        let c = try RunConfiguration.load(tomlText: "[train]\nlr = 0.1\n[model]\nwidth = 128\ndepth = 2\n", file: "a.toml")
        let expected = SHA256.hexDigest(#"{"model":{"width":128},"train":{"lr":0.1}}"#.utf8)
        #expect(c.taskKey == expected)
        #expect(c.taskKey == "800bf437a9fc8473d00862be40765f5fcdfa2309b63ecf088dbc7cf55e8012e2")
    }

    @Test func changingAValueChangesTheKeyAddingADefaultDoesNot() throws {
        let base = try RunConfiguration.load(tomlText: "[train]\nlr = 0.1\n", file: "a.toml")
        let withDefaults = try RunConfiguration.load(
            tomlText: "[train]\nlr = 0.1\nsteps = 1500\n[track]\nenabled = false\n[data]\nclasses_subset = []\n", file: "b.toml")
        #expect(withDefaults.taskKey == base.taskKey)
        var changed = base
        changed.train.steps = 1501
        #expect(changed.taskKey != base.taskKey)
        var otherSeed = base
        otherSeed.model.seed = 1
        #expect(otherSeed.taskKey != base.taskKey && otherSeed.taskKey != changed.taskKey)
        // An integer given for a float key is the same value.
        #expect(
            try RunConfiguration.load(tomlText: "[train]\nlr = 1\n", file: "c.toml").taskKey
                == RunConfiguration.load(tomlText: "[train]\nlr = 1.0\n", file: "d.toml").taskKey)
    }

    @Test func keyIsIndependentOfTOMLKeyOrderAndSpelling() throws {
        let a = try RunConfiguration.load(
            tomlText: "[model]\nwidth = 32\nactivation = \"relu\"\n[train]\nlr = 0.5\n", file: "a.toml")
        let b = try RunConfiguration.load(
            tomlText: "train.lr = 0.5\nmodel = { activation = \"relu\", width = 32 }\n", file: "b.toml")
        #expect(a.taskKey == b.taskKey)
        #expect(a.taskKey.count == 64 && a.taskKey.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
