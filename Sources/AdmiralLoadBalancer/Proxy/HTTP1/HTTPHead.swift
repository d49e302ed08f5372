import NIOCore

/// A parsed HTTP/1.x message head (request or response), kept as the bytes it came in
/// with plus the offsets of its parts: nothing is copied or turned into strings unless a
/// rule asks for it, and forwarding rewrites it by copying lines.
struct HTTPHead {
    /// What a header field is, for the ones the proxy acts on.
    enum FieldKind: UInt8 {
        case other
        case host
        case contentLength
        case transferEncoding
        case connection
        case keepAlive
        case proxyConnection
        case te
        case upgrade
        case trailer
        case xForwardedFor
        case xForwardedProto
        case xForwardedPort
        case traceID
        case cookie
        case setCookie
        case expect
        /// Named by the `Connection` header: hop-by-hop.
        case listedInConnection
    }

    struct Field {
        var kind: FieldKind
        let lineStart: Int
        /// Offset of the line's CR (or of its LF, in a response head that ends lines with a
        /// bare LF).
        let lineEnd: Int
        let nameEnd: Int
        let valueStart: Int
        let valueEnd: Int
    }

    /// The head's bytes, from the start line to the empty line (both included).
    let bytes: ByteBuffer
    /// Request: method; response: version.
    var first: Range<Int> = 0..<0
    /// Request: target; response: status code.
    var second: Range<Int> = 0..<0
    /// Request: version; response: reason phrase.
    var third: Range<Int> = 0..<0
    /// Offset of the start line's CR (or bare LF, in a response).
    var startLineEnd = 0
    var fields: [Field] = []
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var versionMinor = 1
    /// Responses: the status code.
    var status = 0
    var contentLength: Int?
    var isChunked = false
    var hasTransferEncoding = false
    var connectionClose = false
    var connectionKeepAlive = false
    var hasConnectionTokens = false

    init(bytes: ByteBuffer) {
        self.bytes = bytes
    }

    /// Whether the connection may carry another message after this one, by the message's
    /// version and `Connection` header.
    var isKeepAlive: Bool {
        versionMinor >= 1 ? !connectionClose : connectionKeepAlive
    }

    // MARK: - Reading parts

    func string(_ range: Range<Int>) -> String {
        bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""
    }

    var method: String { string(first) }
    var target: String { string(second) }

    /// Whether the request method is exactly `name` (ASCII).
    func methodIs(_ name: StaticString) -> Bool {
        guard first.count == name.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeReadableBytes { raw in
            let pattern = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            for index in 0..<first.count where raw[first.lowerBound + index] != pattern[index] {
                return false
            }
            return true
        }
    }

    func name(of field: Field) -> String { string(field.lineStart..<field.nameEnd) }
    func value(of field: Field) -> String { string(field.valueStart..<field.valueEnd) }

    /// The values of every field of this kind, in order.
    func values(of kind: FieldKind) -> [String] {
        fields.compactMap { $0.kind == kind ? value(of: $0) : nil }
    }

    func firstValue(of kind: FieldKind) -> String? {
        fields.first { $0.kind == kind }.map { value(of: $0) }
    }

    func contains(_ kind: FieldKind) -> Bool {
        fields.contains { $0.kind == kind }
    }

    /// Every field as (name, value) strings, for rule conditions on arbitrary headers.
    func allFields() -> [(String, String)] {
        fields.map { (name(of: $0), value(of: $0)) }
    }

    /// The value of cookie `name` in the Cookie headers.
    func cookie(named name: String) -> Substring? {
        for header in values(of: .cookie) {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingSpaces
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name {
                    return trimmed[trimmed.index(after: equals)...]
                }
            }
        }
        return nil
    }

    /// Whether the request says it carries a body.
    var declaresBody: Bool {
        hasTransferEncoding || (contentLength ?? 0) > 0
    }
}
