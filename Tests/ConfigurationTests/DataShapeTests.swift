import Testing
@testable import Configuration

/// `data.shape` = [c, h, w] of a synthetic example (docs/CONFIGURATION.md §2.1).
@Suite struct DataShapeTests {
    @Test func theShapeSetsDimOrMustAgreeWithIt() throws {
        let implied = try RunConfiguration.load(tomlText: "[data]\nname = \"synthetic\"\nshape = [3, 8, 8]\n", file: "run.toml")
        #expect(implied.data.shape == [3, 8, 8] && implied.data.dim == 192)
        let agreeing = try RunConfiguration.load(
            tomlText: "[data]\nname = \"synthetic\"\ndim = 192\nshape = [3, 8, 8]\n", file: "run.toml")
        #expect(agreeing == implied)
        #expect(
            message("[data]\nname = \"synthetic\"\ndim = 100\nshape = [3, 8, 8]\n")
                == "run.toml:4: data.shape: [3, 8, 8] has c·h·w = 192 features but data.dim = 100; "
                + "drop data.dim (the shape sets it) or make the two agree")
        // data.dim set by --set counts as set too.
        #expect(
            message("[data]\nname = \"synthetic\"\nshape = [1, 4, 4]\n", overrides: ["data.dim=17"])
                == "run.toml:3: data.shape: [1, 4, 4] has c·h·w = 16 features but data.dim = 17; "
                + "drop data.dim (the shape sets it) or make the two agree")
        let overridden = try RunConfiguration.load(
            tomlText: "[data]\nname = \"synthetic\"\ndim = 100\n", file: "run.toml", overrides: ["data.shape=[1, 10, 10]"])
        #expect(overridden.data.dim == 100 && overridden.data.shape == [1, 10, 10])
        // [] is the default: [1, 1, dim].
        let empty = try RunConfiguration.load(tomlText: "[data]\nname = \"synthetic\"\ndim = 5\nshape = []\n", file: "run.toml")
        #expect(empty.data.dim == 5 && empty.data.shape == [])
    }

    @Test func badShapesNameTheKey() {
        #expect(
            message("[data]\nname = \"synthetic\"\nshape = [3, 8]\n")
                == "run.toml:3: data.shape: expected [c, h, w] (three integers) or [], got array [3,8]")
        #expect(
            message("[data]\nshape = \"3x8x8\"\n")
                == "run.toml:2: data.shape: expected [c, h, w] (three integers) or [], got string \"3x8x8\"")
        #expect(
            message("[data]\nshape = [3, 8.0, 8]\n")
                == "run.toml:2: data.shape: expected [c, h, w] (three integers) or [], got array [3,8,8]")
        #expect(
            message("[data]\nname = \"synthetic\"\nshape = [3, 0, 8]\n")
                == "run.toml:3: data.shape = [3,0,8] is out of range: it must be three integers >= 1")
        #expect(
            message("[data]\nname = \"synthetic\"\nshape = [4294967296, 4294967296, 2]\n")
                == "run.toml:3: data.shape: [4294967296, 4294967296, 2] has more features than an integer holds")
    }

    @Test func onlySyntheticDataTakeAShape() {
        #expect(
            message("[data]\nshape = [1, 8, 8]\n")
                == "run.toml:2: data.shape: only the synthetic data set reads it (digits is 1×8×8); "
                + "remove it or set data.name = \"synthetic\"")
        #expect(
            message("[data]\nname = \"cifar10\"\nshape = [3, 32, 32]\n")
                == "run.toml:3: data.shape: only the synthetic data set reads it (cifar10 is 3×32×32); "
                + "remove it or set data.name = \"synthetic\"")
        #expect(
            message("[data]\nshape = [1, 28, 28]\n", overrides: ["data.name=fashion-mnist"])
                == "run.toml:2: data.shape: only the synthetic data set reads it (fashion-mnist is 1×28×28); "
                + "remove it or set data.name = \"synthetic\"")
    }

    @Test func configJSONRoundTripsWithAShape() throws {
        let c = try RunConfiguration.load(
            tomlText: "[data]\nname = \"synthetic\"\nshape = [2, 3, 4]\nn = 10\n[model]\narch = \"cnn\"\ndepth = 1\n", file: "run.toml")
        let text = c.resolvedJSON()
        #expect(text.contains("\"shape\": [2, 3, 4]") && text.contains("\"dim\": 24"))
        #expect(try RunConfiguration(json: text) == c)
        #expect(try RunConfiguration(json: text).resolvedJSON() == text)
        // The task key holds the shape and the dim it implies.
        #expect(
            c.taskKey
                == SHA256.hexDigest(#"{"data":{"dim":24,"n":10,"name":"synthetic","shape":[2,3,4]},"model":{"arch":"cnn","depth":1}}"#.utf8)
        )
    }
}
