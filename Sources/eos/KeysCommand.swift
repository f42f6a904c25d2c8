import ArgumentParser
import Foundation
import ZeroMQTransport

/// `eos keys generate [--name NAME] --out DIR`
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "CURVE keys for multi-machine sweeps.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a CURVE key pair DIR/NAME.key (secret, mode 600) and DIR/NAME.pub.")

        @Option(help: "Key name (default: the short host name).")
        var name: String?

        @Option(help: "Folder to write the two files to (created if needed).")
        var out: String

        func run() throws {
            let name = name ?? (ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host")
            do {
                let pair = try CurveKeyPair.generate()
                let files = try CurveKeyFile.write(pair, name: name, directory: URL(fileURLWithPath: out))
                Console.line("secret key \(files.secretKey.path)\npublic key \(files.publicKey.path) (\(pair.publicKey.z85))")
            } catch let error as CurveKeyFileError {
                throw fail(error.description)
            } catch {
                throw fail(String(describing: error))
            }
        }
    }
}
