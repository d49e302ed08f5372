import NIOCore

/// How a message body is delimited, and how much of it is still to come.
enum MessageFraming {
    /// No body (or it is over).
    case none
    /// `Content-Length`: this many bytes remain.
    case length(Int)
    /// `Transfer-Encoding: chunked`, parsed as it streams by.
    case chunked(ChunkedParser)
    /// A response without length: the body ends when the target closes the connection.
    case untilClose

    /// The framing of a request body.
    static func request(_ head: HTTPHead) -> MessageFraming {
        if head.isChunked { return .chunked(ChunkedParser()) }
        if let length = head.contentLength, length > 0 { return .length(length) }
        return .none
    }

    /// The framing of a response body (RFC 9112 6.3).
    static func response(_ head: HTTPHead, requestWasHead: Bool) -> MessageFraming {
        if requestWasHead || head.status == 204 || head.status == 304 || head.status < 200 { return .none }
        if head.isChunked { return .chunked(ChunkedParser()) }
        if head.hasTransferEncoding { return .untilClose }
        if let length = head.contentLength { return length > 0 ? .length(length) : .none }
        return .untilClose
    }

    var isComplete: Bool {
        if case .none = self { return true }
        return false
    }

    /// Takes from `buffer` the bytes that belong to this body and returns them (a slice,
    /// no copy), advancing the framing; `done` when the body ended within them.
    mutating func take(from buffer: inout ByteBuffer) throws(HTTPHeadError) -> (bytes: ByteBuffer?, done: Bool) {
        switch self {
        case .none:
            return (nil, true)
        case .length(let remaining):
            let count = min(remaining, buffer.readableBytes)
            let slice = count > 0 ? buffer.readSlice(length: count) : nil
            let left = remaining - count
            self = left == 0 ? .none : .length(left)
            return (slice, left == 0)
        case .chunked(var parser):
            let (consumed, done) = try buffer.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
                try parser.consume(raw)
            }
            let slice = consumed > 0 ? buffer.readSlice(length: consumed) : nil
            self = done ? .none : .chunked(parser)
            return (slice, done)
        case .untilClose:
            let slice = buffer.readableBytes > 0 ? buffer.readSlice(length: buffer.readableBytes) : nil
            return (slice, false)
        }
    }
}

/// Follows `Transfer-Encoding: chunked` framing byte by byte through the size lines and in
/// one step over chunk data, to find where the message ends; the bytes themselves are
/// forwarded unchanged.
struct ChunkedParser {
    enum Phase: Equatable {
        case size
        case sizeExtension
        case sizeLF
        case data(Int)
        case dataCR
        case dataLF
        case trailerStart
        case trailerLine
        case trailerLF
        case finalLF
        case done
    }

    private(set) var phase: Phase = .size
    private var size = 0
    private var digits = 0

    /// Consumes as much of `raw` as belongs to the body; returns how much and whether the
    /// body (with its trailers) ended.
    mutating func consume(_ raw: UnsafeRawBufferPointer) throws(HTTPHeadError) -> (Int, Bool) {
        var index = 0
        let count = raw.count
        while index < count {
            let byte = raw[index]
            switch phase {
            case .size:
                if let value = byte.hexDigitValue {
                    guard digits < 15 else { throw .badFraming }
                    size = size << 4 | value
                    digits += 1
                } else if byte == UInt8(ascii: ";") || byte == 0x20 || byte == 0x09 {
                    guard digits > 0 else { throw .badFraming }
                    phase = .sizeExtension
                } else if byte == UInt8(ascii: "\r") {
                    guard digits > 0 else { throw .badFraming }
                    phase = .sizeLF
                } else {
                    throw .badFraming
                }
                index += 1
            case .sizeExtension:
                if byte == UInt8(ascii: "\r") {
                    phase = .sizeLF
                } else if byte == UInt8(ascii: "\n") || byte == 0 {
                    throw .badFraming
                }
                index += 1
            case .sizeLF:
                guard byte == UInt8(ascii: "\n") else { throw .badFraming }
                index += 1
                if size == 0 {
                    phase = .trailerStart
                } else {
                    phase = .data(size)
                }
                size = 0
                digits = 0
            case .data(let remaining):
                let take = min(remaining, count - index)
                index += take
                phase = remaining - take == 0 ? .dataCR : .data(remaining - take)
            case .dataCR:
                guard byte == UInt8(ascii: "\r") else { throw .badFraming }
                phase = .dataLF
                index += 1
            case .dataLF:
                guard byte == UInt8(ascii: "\n") else { throw .badFraming }
                phase = .size
                index += 1
            case .trailerStart:
                if byte == UInt8(ascii: "\r") {
                    phase = .finalLF
                } else if byte == UInt8(ascii: "\n") {
                    throw .badFraming
                } else {
                    phase = .trailerLine
                }
                index += 1
            case .trailerLine:
                if byte == UInt8(ascii: "\r") {
                    phase = .trailerLF
                } else if byte == UInt8(ascii: "\n") || byte == 0 {
                    throw .badFraming
                }
                index += 1
            case .trailerLF:
                guard byte == UInt8(ascii: "\n") else { throw .badFraming }
                phase = .trailerStart
                index += 1
            case .finalLF:
                guard byte == UInt8(ascii: "\n") else { throw .badFraming }
                phase = .done
                return (index + 1, true)
            case .done:
                return (index, true)
            }
        }
        return (index, phase == .done)
    }
}

extension UInt8 {
    var hexDigitValue: Int? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(self - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
