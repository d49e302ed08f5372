import NIOCore

/// Splits the Engine API's multiplexed log stream into stdout and stderr.
///
/// Containers without a TTY send frames of an 8-byte header (stream type: 0 stdin,
/// 1 stdout, 2 stderr; three zero bytes; a big-endian 32-bit length) then the payload.
/// Containers with a TTY send raw bytes, which count as stdout.
enum LogDemultiplexer {
    /// Stdout and stderr of a complete log body.
    static func split(_ body: ByteBuffer) -> ContainerLogs {
        var body = body
        guard looksMultiplexed(body) else {
            return ContainerLogs(stdout: body.readString(length: body.readableBytes) ?? "", stderr: "")
        }
        var stdout = ByteBuffer()
        var stderr = ByteBuffer()
        while body.readableBytes >= 8,
            let stream = body.readInteger(as: UInt8.self),
            body.readSlice(length: 3) != nil,
            let length = body.readInteger(endianness: .big, as: UInt32.self)
        {
            guard var payload = body.readSlice(length: min(Int(length), body.readableBytes)) else { break }
            if stream == 2 {
                stderr.writeBuffer(&payload)
            } else {
                stdout.writeBuffer(&payload)
            }
        }
        return ContainerLogs(
            stdout: stdout.readString(length: stdout.readableBytes) ?? "",
            stderr: stderr.readString(length: stderr.readableBytes) ?? ""
        )
    }

    private static func looksMultiplexed(_ body: ByteBuffer) -> Bool {
        guard body.readableBytes >= 8,
            let header = body.getBytes(at: body.readerIndex, length: 4)
        else { return false }
        return header[0] <= 2 && header[1] == 0 && header[2] == 0 && header[3] == 0
    }
}
