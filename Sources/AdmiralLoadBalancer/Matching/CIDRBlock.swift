import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address as bytes: 4 for IPv4, 16 for IPv6. An IPv4-mapped IPv6 address
/// (`::ffff:a.b.c.d`) is kept as IPv4, so it matches IPv4 blocks.
struct IPAddressBytes: Sendable, Hashable {
    let bytes: [UInt8]

    init?(_ text: String) {
        if text.contains(":") {
            var raw = [UInt8](repeating: 0, count: 16)
            let parsed = raw.withUnsafeMutableBytes { inet_pton(AF_INET6, text, $0.baseAddress) }
            guard parsed == 1 else { return nil }
            let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
            self.bytes = Array(raw[0..<12]) == mappedPrefix ? Array(raw[12..<16]) : raw
        } else {
            var raw = [UInt8](repeating: 0, count: 4)
            let parsed = raw.withUnsafeMutableBytes { inet_pton(AF_INET, text, $0.baseAddress) }
            guard parsed == 1 else { return nil }
            self.bytes = raw
        }
    }

    init?(_ address: SocketAddress) {
        guard let text = address.ipAddress else { return nil }
        self.init(text)
    }
}

/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`, for `source-ip` conditions.
struct CIDRBlock: Sendable, Equatable {
    let network: [UInt8]
    let prefixLength: Int
    let source: String

    /// Parses `text`; `nil` when it is not an address with a prefix length in range.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]),
            let address = IPAddressBytes(String(parts[0]))
        else { return nil }
        // `::ffff:a.b.c.d/n` (n >= 96) is an IPv4 block written as IPv6.
        var prefixLength = length
        if address.bytes.count == 4, parts[0].contains(":") {
            guard length >= 96 else { return nil }
            prefixLength = length - 96
        }
        guard prefixLength >= 0, prefixLength <= address.bytes.count * 8 else { return nil }
        self.prefixLength = prefixLength
        self.network = Self.mask(address.bytes, prefixLength)
        self.source = text
    }

    func contains(_ address: IPAddressBytes) -> Bool {
        guard address.bytes.count == network.count else { return false }
        return Self.mask(address.bytes, prefixLength) == network
    }

    private static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var result = bytes
        for index in 0..<result.count {
            let bitsHere = max(0, min(8, length - index * 8))
            let mask: UInt8 = bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
            result[index] &= mask
        }
        return result
    }
}
