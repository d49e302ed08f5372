import AWSWire
import CompressNIO
import NIOCore

/// Request bodies that clients compress: botocore gzips CloudWatch's PutMetricData bodies
/// of 10 KB and more (`Content-Encoding: gzip`, the signature covering the compressed
/// bytes), as the model's `requestcompression` trait allows.
enum RequestCompression {
    /// The body's bytes, decompressed when `encoding` says gzip, at most `limit` of them.
    static func decode(_ body: ByteBuffer, encoding: String?, limit: Int) throws -> [UInt8] {
        guard let encoding, !encoding.isEmpty, encoding.lowercased() != "identity" else {
            return Array(body.readableBytesView)
        }
        guard encoding.lowercased() == "gzip" else {
            throw AWSWireError(
                code: "InvalidParameterValue",
                message: "Content-Encoding \(encoding) is not supported; send the body as is or gzip it.",
                httpStatus: 415)
        }
        var compressed = body
        do {
            let inflated = try compressed.decompress(with: .gzip(), maxSize: limit)
            guard isComplete(body, inflatedSize: inflated.readableBytes) else {
                throw AWSWireError(
                    code: "InvalidParameterValue",
                    message: "The request body is not valid gzip data: it ends before the gzip trailer.")
            }
            return Array(inflated.readableBytesView)
        } catch let error as AWSWireError {
            throw error
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw AWSWireError.requestTooLarge(limit: limit)
        } catch {
            throw AWSWireError(
                code: "InvalidParameterValue", message: "The request body is not valid gzip data (\(error)).")
        }
    }

    /// Whether a gzip body ends with its trailer, whose last four bytes are the inflated
    /// size modulo 2^32 (RFC 1952). The inflater stops quietly where its input ends, so a
    /// body cut short would otherwise pass for a shorter one.
    static func isComplete(_ body: ByteBuffer, inflatedSize: Int) -> Bool {
        guard body.readableBytes >= 18,
            let size = body.getInteger(at: body.writerIndex - 4, endianness: .little, as: UInt32.self)
        else { return false }
        return size == UInt32(truncatingIfNeeded: inflatedSize)
    }
}
