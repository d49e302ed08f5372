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
        var out = ""
        render(into: &out)
        return out
    }

    /// An object from key-value pairs, in order; `nil` values are left out, as CloudWatch omits absent keys.
    public static func fields(_ members: [(String, AlarmJSON?)]) -> AlarmJSON {
        .object(members.compactMap { key, value in value.map { Member(key, $0) } })
    }

    private func render(into out: inout String) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .double(let value): out += AlarmFormat.javaDouble(value)
        case .integer(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .raw(let text): out += text
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(member.key, into: &out)
                out += ":"
                member.value.render(into: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
