import Foundation

extension ECS {
    /// A task definition encoded once as ECS's wire JSON, without the two members that
    /// depend on where it is registered and read: `revision` (the store assigns it) and
    /// `taskDefinitionArn` (its region is the request's).
    ///
    /// RegisterTaskDefinition stores `json` as it is and answers with `json(arn:revision:)`,
    /// the same bytes with those two members put in front, so that a registration encodes
    /// its definition once instead of once for the store and again for the answer.
    public struct EncodedTaskDefinition: Sendable {
        /// The definition, without `revision` and `taskDefinitionArn`.
        public let definition: TaskDefinition
        /// `definition` as a JSON object.
        public let json: Data

        /// Encodes `definition`, its `revision` and `taskDefinitionArn` left out, with
        /// `WireJSONEncoder` (the JSON `ECS.makeEncoder()` writes).
        public init(_ definition: TaskDefinition) throws {
            var definition = definition
            definition.revision = nil
            definition.taskDefinitionArn = nil
            self.definition = definition
            self.json = Data(try WireJSONEncoder.encode(definition))
        }

        /// The definition's JSON object with `taskDefinitionArn` and `revision` added; the
        /// same members as encoding the definition with them set, keys in another order.
        public func json(arn: String, revision: Int) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(json.count + arn.utf8.count + 64)
            out.append(contentsOf: #"{"taskDefinitionArn":"#.utf8)
            JSONText.appendString(arn, to: &out)
            out.append(contentsOf: #","revision":"#.utf8)
            out.append(contentsOf: String(revision).utf8)
            // `json` is an object: `{` then its members (at least `family`) and `}`.
            if json.count > 2 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: json.dropFirst())
            return out
        }
    }
}

/// JSON text written by hand where a whole encoder is not needed.
enum JSONText {
    /// Appends `text` as a JSON string, escaped as `JSONEncoder` escapes it with
    /// `.withoutEscapingSlashes`: quote, backslash and control characters (other control
    /// characters as `\u00xx`, in lowercase hexadecimal unless `uppercaseHex`).
    static func appendString(_ text: String, to out: inout [UInt8], uppercaseHex: Bool = false) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Runs that need no escape are copied whole.
            var run = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: bytes[run..<index])
                run = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0x08: out.append(contentsOf: #"\b"#.utf8)
                case 0x0C: out.append(contentsOf: #"\f"#.utf8)
                default:
                    let hex = Array((uppercaseHex ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            out.append(contentsOf: bytes[run...])
        }
        out.append(UInt8(ascii: "\""))
    }
}
