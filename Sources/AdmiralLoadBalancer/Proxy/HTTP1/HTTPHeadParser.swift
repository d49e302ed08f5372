import NIOCore

/// Why a message head was refused.
enum HTTPHeadError: Error, Equatable {
    /// Not HTTP/1.x, or not well formed.
    case malformed
    /// A line or the whole head is larger than allowed.
    case tooLarge
    /// Conflicting or invalid framing (Content-Length and Transfer-Encoding, two different
    /// lengths, a transfer coding other than chunked last): the smuggling cases.
    case badFraming
}

/// Finds and parses HTTP/1.x heads in received bytes, strictly: CRLF line ends, single
/// spaces in the start line, token field names, no obsolete line folding. Response heads
/// (from targets) may also end lines with a bare LF, which RFC 9112 (2.2) lets a recipient
/// accept and nginx and HAProxy do; requests may not (a bare LF is a smuggling vector).
enum HTTPHeadParser {
    /// ALB's limits: a 16 KiB request line or header line, a 64 KiB head.
    static let maximumLineLength = 16 * 1024
    static let maximumHeadLength = 64 * 1024

    /// The length of the head at the start of `buffer` (through its empty line), `nil`
    /// when more bytes are needed. `scanFrom` lets a caller resume where it stopped.
    /// With `allowBareLF` (responses) a line may end with LF alone.
    static func headLength(
        in buffer: ByteBuffer, scanFrom: inout Int, allowBareLF: Bool = false
    ) throws(HTTPHeadError) -> Int? {
        let found: Int? = buffer.withUnsafeReadableBytes { raw in
            if allowBareLF { return bareLFHeadEnd(raw, scanFrom: &scanFrom) }
            let count = raw.count
            // `index` is a candidate for the final LF of CRLF CRLF.
            var index = max(scanFrom, 3)
            while index < count {
                if raw[index] == UInt8(ascii: "\n"), raw[index - 1] == UInt8(ascii: "\r"),
                    raw[index - 2] == UInt8(ascii: "\n"), raw[index - 3] == UInt8(ascii: "\r")
                {
                    return index + 1
                }
                index += 1
            }
            scanFrom = max(3, count)
            return nil
        }
        if let found {
            if found > maximumHeadLength { throw .tooLarge }
            return found
        }
        if buffer.readableBytes > maximumHeadLength { throw .tooLarge }
        return nil
    }

    /// The end of a head whose lines may end with CRLF or LF: an LF after an empty line.
    private static func bareLFHeadEnd(_ raw: UnsafeRawBufferPointer, scanFrom: inout Int) -> Int? {
        let count = raw.count
        var index = max(scanFrom, 1)
        while index < count {
            if raw[index] == UInt8(ascii: "\n") {
                let before = raw[index - 1]
                if before == UInt8(ascii: "\n")
                    || (before == UInt8(ascii: "\r") && index >= 2 && raw[index - 2] == UInt8(ascii: "\n"))
                {
                    return index + 1
                }
            }
            index += 1
        }
        scanFrom = max(2, count)
        return nil
    }

    /// Parses a request head (`head` holds exactly the head's bytes).
    static func parseRequest(_ head: ByteBuffer) throws(HTTPHeadError) -> HTTPHead {
        var result = HTTPHead(bytes: head)
        try head.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
            let lineEnd = try findLineEnd(raw, from: 0)
            guard lineEnd <= maximumLineLength else { throw .tooLarge }
            guard let space1 = find(UInt8(ascii: " "), raw, 0..<lineEnd), space1 > 0 else { throw .malformed }
            guard let space2 = find(UInt8(ascii: " "), raw, (space1 + 1)..<lineEnd), space2 > space1 + 1 else {
                throw .malformed
            }
            for index in 0..<space1 where !raw[index].isHTTPTokenByte { throw .malformed }
            for index in (space1 + 1)..<space2 where raw[index] <= 0x20 || raw[index] == 0x7F { throw .malformed }
            result.first = 0..<space1
            result.second = (space1 + 1)..<space2
            result.third = (space2 + 1)..<lineEnd
            result.versionMinor = try parseVersion(raw, result.third)
            result.startLineEnd = lineEnd
            try parseFields(raw, from: lineEnd + 2, allowBareLF: false, into: &result)
        }
        try checkFraming(&result, isRequest: true)
        return result
    }

    /// Parses a response head, whose lines may end with CRLF or a bare LF.
    static func parseResponse(_ head: ByteBuffer) throws(HTTPHeadError) -> HTTPHead {
        var result = HTTPHead(bytes: head)
        try head.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
            let lineEnd = try findLineEnd(raw, from: 0, allowBareLF: true)
            guard lineEnd <= maximumLineLength, lineEnd >= 12 else { throw .malformed }
            result.first = 0..<8
            result.versionMinor = try parseVersion(raw, 0..<8)
            guard raw[8] == UInt8(ascii: " ") else { throw .malformed }
            var status = 0
            for index in 9..<12 {
                let digit = raw[index]
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { throw .malformed }
                status = status * 10 + Int(digit - UInt8(ascii: "0"))
            }
            guard status >= 100 else { throw .malformed }
            guard lineEnd == 12 || raw[12] == UInt8(ascii: " ") else { throw .malformed }
            result.status = status
            result.second = 9..<12
            result.third = min(13, lineEnd)..<lineEnd
            result.startLineEnd = lineEnd
            try parseFields(raw, from: nextLine(raw, after: lineEnd), allowBareLF: true, into: &result)
        }
        try checkFraming(&result, isRequest: false)
        return result
    }

    private static func parseVersion(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) throws(HTTPHeadError) -> Int {
        guard range.count == 8 else { throw .malformed }
        let start = range.lowerBound
        // "HTTP/1." then 0 or 1.
        guard raw[start] == 0x48, raw[start + 1] == 0x54, raw[start + 2] == 0x54, raw[start + 3] == 0x50,
            raw[start + 4] == 0x2F, raw[start + 5] == 0x31, raw[start + 6] == 0x2E
        else { throw .malformed }
        switch raw[start + 7] {
        case UInt8(ascii: "0"): return 0
        case UInt8(ascii: "1"): return 1
        default: throw .malformed
        }
    }

    /// The offset of the CR ending the line that starts at `from` (or of its LF, when
    /// `allowBareLF` and the line ends with LF alone); a lone CR, a lone LF unless allowed,
    /// or a NUL, is malformed.
    private static func findLineEnd(
        _ raw: UnsafeRawBufferPointer, from: Int, allowBareLF: Bool = false
    ) throws(HTTPHeadError) -> Int {
        var index = from
        let count = raw.count
        while index < count {
            let byte = raw[index]
            if byte == UInt8(ascii: "\r") {
                guard index + 1 < count, raw[index + 1] == UInt8(ascii: "\n") else { throw .malformed }
                return index
            }
            if byte == UInt8(ascii: "\n") {
                guard allowBareLF else { throw .malformed }
                return index
            }
            if byte == 0 { throw .malformed }
            index += 1
        }
        throw .malformed
    }

    /// Where the line after the one ending at `lineEnd` (a CR of CRLF, or a bare LF) starts.
    private static func nextLine(_ raw: UnsafeRawBufferPointer, after lineEnd: Int) -> Int {
        raw[lineEnd] == UInt8(ascii: "\r") ? lineEnd + 2 : lineEnd + 1
    }

    private static func find(_ byte: UInt8, _ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if raw[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private static func parseFields(
        _ raw: UnsafeRawBufferPointer, from start: Int, allowBareLF: Bool, into head: inout HTTPHead
    ) throws(HTTPHeadError) {
        var index = start
        head.fields.reserveCapacity(12)
        while true {
            guard index < raw.count else { throw .malformed }
            if raw[index] == UInt8(ascii: "\r") {
                guard index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "\n") else { throw .malformed }
                break
            }
            if raw[index] == UInt8(ascii: "\n") {
                guard allowBareLF else { throw .malformed }
                break
            }
            let lineEnd = try findLineEnd(raw, from: index, allowBareLF: allowBareLF)
            guard lineEnd - index <= maximumLineLength else { throw .tooLarge }
            // A field line: token ":" OWS value OWS. A line starting with whitespace is an
            // obsolete fold, refused as RFC 9112 allows.
            var colon = index
            while colon < lineEnd, raw[colon] != UInt8(ascii: ":") {
                guard raw[colon].isHTTPTokenByte else { throw .malformed }
                colon += 1
            }
            guard colon < lineEnd, colon > index else { throw .malformed }
            var valueStart = colon + 1
            while valueStart < lineEnd, raw[valueStart] == 0x20 || raw[valueStart] == 0x09 { valueStart += 1 }
            var valueEnd = lineEnd
            while valueEnd > valueStart, raw[valueEnd - 1] == 0x20 || raw[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            for position in valueStart..<valueEnd {
                let byte = raw[position]
                guard byte >= 0x20 || byte == 0x09, byte != 0x7F else { throw .malformed }
            }
            let kind = classify(raw, index..<colon)
            let field = HTTPHead.Field(
                kind: kind, lineStart: index, lineEnd: lineEnd, nameEnd: colon, valueStart: valueStart,
                valueEnd: valueEnd)
            try note(field, raw, into: &head)
            head.fields.append(field)
            index = nextLine(raw, after: lineEnd)
        }
        if head.hasConnectionTokens { markListedInConnection(raw, &head) }
    }

    /// Records what framing and connection fields say.
    private static func note(_ field: HTTPHead.Field, _ raw: UnsafeRawBufferPointer, into head: inout HTTPHead)
        throws(HTTPHeadError)
    {
        switch field.kind {
        case .contentLength:
            // `Content-Length: 5, 5` is allowed when the values agree.
            var value: Int? = nil
            var current = 0
            var digits = 0
            func finish() throws(HTTPHeadError) {
                guard digits > 0 else { throw .badFraming }
                if let value, value != current { throw .badFraming }
                value = current
                current = 0
                digits = 0
            }
            for position in field.valueStart..<field.valueEnd {
                let byte = raw[position]
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard digits < 18 else { throw .badFraming }
                    current = current * 10 + Int(byte - UInt8(ascii: "0"))
                    digits += 1
                case UInt8(ascii: ","):
                    try finish()
                case 0x20, 0x09:
                    continue
                default:
                    throw .badFraming
                }
            }
            try finish()
            if let existing = head.contentLength, existing != value { throw .badFraming }
            head.contentLength = value
        case .transferEncoding:
            head.hasTransferEncoding = true
            // The last coding decides: chunked must be last.
            var last = field.valueEnd
            var start = field.valueStart
            for position in field.valueStart..<field.valueEnd where raw[position] == UInt8(ascii: ",") {
                start = position + 1
            }
            while start < last, raw[start] == 0x20 || raw[start] == 0x09 { start += 1 }
            while last > start, raw[last - 1] == 0x20 || raw[last - 1] == 0x09 { last -= 1 }
            head.isChunked = equalsLowercase(raw, start..<last, "chunked")
        case .connection:
            var start = field.valueStart
            for position in field.valueStart...field.valueEnd {
                guard position == field.valueEnd || raw[position] == UInt8(ascii: ",") else { continue }
                var tokenStart = start
                var tokenEnd = position
                while tokenStart < tokenEnd, raw[tokenStart] == 0x20 || raw[tokenStart] == 0x09 { tokenStart += 1 }
                while tokenEnd > tokenStart, raw[tokenEnd - 1] == 0x20 || raw[tokenEnd - 1] == 0x09 { tokenEnd -= 1 }
                if equalsLowercase(raw, tokenStart..<tokenEnd, "close") {
                    head.connectionClose = true
                } else if equalsLowercase(raw, tokenStart..<tokenEnd, "keep-alive") {
                    head.connectionKeepAlive = true
                } else if tokenEnd > tokenStart {
                    head.hasConnectionTokens = true
                }
                start = position + 1
            }
        default:
            break
        }
    }

    private static func checkFraming(_ head: inout HTTPHead, isRequest: Bool) throws(HTTPHeadError) {
        if head.hasTransferEncoding {
            // RFC 9112 6.1: with both, Transfer-Encoding wins, but a proxy should refuse the
            // request (smuggling); a request whose last coding is not chunked is refused too.
            if isRequest, head.contentLength != nil || !head.isChunked { throw .badFraming }
            head.contentLength = nil
        }
    }

    /// Marks the fields named by `Connection` tokens as hop-by-hop.
    private static func markListedInConnection(_ raw: UnsafeRawBufferPointer, _ head: inout HTTPHead) {
        var names: [Range<Int>] = []
        for field in head.fields where field.kind == .connection {
            var start = field.valueStart
            for position in field.valueStart...field.valueEnd {
                guard position == field.valueEnd || raw[position] == UInt8(ascii: ",") else { continue }
                var tokenStart = start
                var tokenEnd = position
                while tokenStart < tokenEnd, raw[tokenStart] == 0x20 || raw[tokenStart] == 0x09 { tokenStart += 1 }
                while tokenEnd > tokenStart, raw[tokenEnd - 1] == 0x20 || raw[tokenEnd - 1] == 0x09 { tokenEnd -= 1 }
                if tokenEnd > tokenStart { names.append(tokenStart..<tokenEnd) }
                start = position + 1
            }
        }
        for index in head.fields.indices {
            let field = head.fields[index]
            guard field.kind == .other else { continue }
            let nameRange = field.lineStart..<field.nameEnd
            if names.contains(where: { equalsIgnoringCase(raw, $0, raw, nameRange) }) {
                head.fields[index].kind = .listedInConnection
            }
        }
    }

    // MARK: - Names

    private static func classify(_ raw: UnsafeRawBufferPointer, _ name: Range<Int>) -> HTTPHead.FieldKind {
        switch name.count {
        case 2: return equalsLowercase(raw, name, "te") ? .te : .other
        case 4: return equalsLowercase(raw, name, "host") ? .host : .other
        case 6:
            if equalsLowercase(raw, name, "cookie") { return .cookie }
            if equalsLowercase(raw, name, "expect") { return .expect }
            return .other
        case 7:
            if equalsLowercase(raw, name, "upgrade") { return .upgrade }
            if equalsLowercase(raw, name, "trailer") { return .trailer }
            return .other
        case 10:
            if equalsLowercase(raw, name, "connection") { return .connection }
            if equalsLowercase(raw, name, "keep-alive") { return .keepAlive }
            if equalsLowercase(raw, name, "set-cookie") { return .setCookie }
            return .other
        case 14: return equalsLowercase(raw, name, "content-length") ? .contentLength : .other
        case 15:
            if equalsLowercase(raw, name, "x-forwarded-for") { return .xForwardedFor }
            if equalsLowercase(raw, name, "x-amzn-trace-id") { return .traceID }
            return .other
        case 16:
            if equalsLowercase(raw, name, "proxy-connection") { return .proxyConnection }
            if equalsLowercase(raw, name, "x-forwarded-port") { return .xForwardedPort }
            return .other
        case 17:
            if equalsLowercase(raw, name, "transfer-encoding") { return .transferEncoding }
            if equalsLowercase(raw, name, "x-forwarded-proto") { return .xForwardedProto }
            return .other
        default: return .other
        }
    }

    /// Whether the bytes in `range` equal `lowercase` ignoring ASCII case.
    static func equalsLowercase(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let pattern = lowercase.utf8Start
        for index in 0..<range.count where raw[range.lowerBound + index].asciiLowercased != pattern[index] {
            return false
        }
        return true
    }

    private static func equalsIgnoringCase(
        _ a: UnsafeRawBufferPointer, _ ra: Range<Int>, _ b: UnsafeRawBufferPointer, _ rb: Range<Int>
    ) -> Bool {
        guard ra.count == rb.count else { return false }
        for index in 0..<ra.count
        where a[ra.lowerBound + index].asciiLowercased != b[rb.lowerBound + index].asciiLowercased {
            return false
        }
        return true
    }
}
