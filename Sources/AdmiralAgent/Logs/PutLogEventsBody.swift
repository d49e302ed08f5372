/// The JSON body of a PutLogEvents call, written byte by byte: a batch is thousands of
/// events, and the agent sends them as fast as containers print, so the body is built in
/// one pass into one array rather than through `Codable`.
enum PutLogEventsBody {
    /// `{"logGroupName":…,"logStreamName":…,"logEvents":[{"timestamp":…,"message":…},…]}`.
    static func encode<Events: Collection>(group: String, stream: String, events: Events) -> [UInt8]
    where Events.Element == LogBuffer.Item {
        var out: [UInt8] = []
        out.reserveCapacity(64 + group.utf8.count + stream.utf8.count + events.count * 40
            + events.reduce(0) { $0 + $1.event.message.utf8.count })
        out += #"{"logGroupName":"#.utf8
        string(group, into: &out)
        out += #","logStreamName":"#.utf8
        string(stream, into: &out)
        out += #","logEvents":["#.utf8
        var first = true
        for item in events {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += #"{"timestamp":"#.utf8
            out += String(item.event.timestamp).utf8
            out += #","message":"#.utf8
            string(item.event.message, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += "]}".utf8
        return out
    }

    static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as its
    /// UTF-8 bytes.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case 0x22: out += #"\""#.utf8
                case 0x5C: out += #"\\"#.utf8
                case 0x0A: out += #"\n"#.utf8
                case 0x0D: out += #"\r"#.utf8
                case 0x09: out += #"\t"#.utf8
                default: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
