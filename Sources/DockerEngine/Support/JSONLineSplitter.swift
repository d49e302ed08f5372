import NIOCore

/// Splits a byte stream of newline-delimited JSON (the Engine API's progress and event
/// streams) into one buffer per non-empty line, whatever the chunk boundaries.
struct JSONLineSplitter: Sendable {
    private var buffer = ByteBuffer()

    /// Appends a chunk as it arrived from the connection.
    mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
    }

    /// The next complete line without its terminator, or nil until more bytes arrive.
    mutating func nextLine() -> ByteBuffer? {
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex
            guard let line = buffer.readSlice(length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 1)
            if Self.hasContent(line) {
                return line
            }
        }
        buffer.discardReadBytes()
        return nil
    }

    /// What is left after the stream ended, when it did not end with a newline.
    mutating func finish() -> ByteBuffer? {
        let rest = buffer.readSlice(length: buffer.readableBytes)
        buffer.clear()
        guard let rest, Self.hasContent(rest) else { return nil }
        return rest
    }

    private static func hasContent(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.contains { byte in
            byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: "\t")
        }
    }
}
