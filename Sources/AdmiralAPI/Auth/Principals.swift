import AWSWire
import Foundation

/// One identity allowed to call the API: a named access key pair.
public struct Principal: Sendable, Hashable {
    /// The section name of the credentials file, used as the IAM user name.
    public var name: String
    public var accessKeyId: String
    public var secretAccessKey: String

    /// Creates a principal.
    public init(name: String, accessKeyId: String, secretAccessKey: String) {
        self.name = name
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    /// A new random key pair, shaped like AWS's (`AKIA` + 16, 40-character secret).
    public static func generate(name: String) -> Principal {
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var generator = SystemRandomNumberGenerator()
        let keyId = "AKIA" + String((0..<16).map { _ in upper[Int(generator.next() % UInt64(upper.count))] })
        let secret = String((0..<40).map { _ in secretAlphabet[Int(generator.next() % UInt64(secretAlphabet.count))] })
        return Principal(name: name, accessKeyId: keyId, secretAccessKey: secret)
    }
}

/// The AWS shared-credentials file format: `[name]` sections with
/// `aws_access_key_id` and `aws_secret_access_key`.
public enum SharedCredentialsFile {
    /// A problem in a credentials file, with the line it is on.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses the text of a credentials file. Sections without both keys are refused.
    public static func parse(_ text: String) throws -> [Principal] {
        var principals: [Principal] = []
        var section: String?
        var values: [String: String] = [:]
        func finish() throws {
            guard let name = section else { return }
            guard let keyId = values["aws_access_key_id"], !keyId.isEmpty,
                let secret = values["aws_secret_access_key"], !secret.isEmpty
            else {
                throw ParseError(
                    description: "section [\(name)] needs both aws_access_key_id and aws_secret_access_key")
            }
            principals.append(Principal(name: name, accessKeyId: keyId, secretAccessKey: secret))
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw ParseError(description: "line \(number + 1): a section header looks like [name]")
                }
                try finish()
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                    .replacingOccurrences(of: "profile ", with: "")
                values = [:]
                continue
            }
            guard section != nil, let equals = line.firstIndex(of: "=") else {
                throw ParseError(description: "line \(number + 1): expected key = value inside a [section]")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = value
        }
        try finish()
        guard !principals.isEmpty else {
            throw ParseError(description: "no [section] with aws_access_key_id and aws_secret_access_key")
        }
        let ids = principals.map(\.accessKeyId)
        guard Set(ids).count == ids.count else {
            throw ParseError(description: "the same aws_access_key_id appears in two sections")
        }
        return principals
    }

    /// Renders principals in the file format.
    public static func render(_ principals: [Principal]) -> String {
        principals.map {
            "[\($0.name)]\naws_access_key_id = \($0.accessKeyId)\naws_secret_access_key = \($0.secretAccessKey)\n"
        }.joined(separator: "\n")
    }
}
