/// A JSON value that keeps its object keys in the order they were given and renders compactly the way
/// CloudWatch's documents read (`StateReasonData`, `HistoryData`): no spaces, numbers as Java prints
/// doubles (`50.0`), only `"`, `\` and control characters escaped.
public indirect enum AlarmJSON: Sendable, Equatable {
    /// One key and its value inside an ``object(_:)``.
    public struct Member: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: AlarmJSON

        /// Creates a member.
        public init(_ key: String, _ value: AlarmJSON) {
            self.key = key
            self.value = value
        }
    }

    /// A string.
    case string(String)
    /// A floating-point number, rendered as Java's `Double.toString` prints it (`1.0`, `1.0E7`).
    case double(Double)
    /// An integral number, rendered without a fraction (`300`).
    case integer(Int64)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array.
    case array([AlarmJSON])
    /// An object whose keys render in the order given.
    case object([Member])
    /// JSON text embedded as it is, such as a stored `StateReasonData` document.
    case raw(String)

    /// The compact JSON text.
    public var rendered: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        render(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// An object from key-value pairs, in order; `nil` values are left out, as CloudWatch omits absent keys.
    public static func fields(_ members: [(String, AlarmJSON?)]) -> AlarmJSON {
        .object(members.compactMap { key, value in value.map { Member(key, $0) } })
    }

    private func render(into out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .double(let value): out.append(contentsOf: AlarmFormat.javaDouble(value).utf8)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .raw(let text): out.append(contentsOf: text.utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.render(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.render(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `text` as a JSON string, as CloudWatch (Java) escapes it: `\u001F` in uppercase.
    private static func quote(_ text: String, into out: inout [UInt8]) {
        JSONText.appendString(text, to: &out, uppercaseHex: true)
    }
}
