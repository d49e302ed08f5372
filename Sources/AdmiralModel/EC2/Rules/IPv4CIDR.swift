import Foundation

/// An IPv4 block in CIDR notation (`172.31.0.0/16`): VPC and subnet ranges, and the
/// address arithmetic EC2 does on them.
public struct IPv4CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block, as a 32-bit number.
    public var base: UInt32
    /// The prefix length, 0…32.
    public var prefixLength: Int

    /// Creates a block; bits of `base` past the prefix are cleared.
    public init(base: UInt32, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.base = base & Self.mask(prefixLength)
    }

    /// Parses `a.b.c.d/n`. Returns nil for anything else, or when `a.b.c.d` has bits set
    /// past the prefix and `strict` is true (EC2 refuses `10.0.0.1/16` for a VPC).
    public init?(_ text: String, strict: Bool = false) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
            let address = Self.parseAddress(String(parts[0]))
        else { return nil }
        if strict && address & ~Self.mask(length) != 0 { return nil }
        self.init(base: address, prefixLength: length)
    }

    /// Parses a dotted IPv4 address.
    public static func parseAddress(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let number = UInt32(octet),
                number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    /// Writes a 32-bit address in dotted form.
    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xff).\(address >> 8 & 0xff).\(address & 0xff)"
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// The number of addresses in the block.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    /// The last address of the block.
    public var last: UInt32 { base | ~Self.mask(prefixLength) }

    /// Whether `other` lies wholly inside this block.
    public func contains(_ other: IPv4CIDR) -> Bool {
        other.prefixLength >= prefixLength && other.base & Self.mask(prefixLength) == base
    }

    /// Whether an address lies in this block.
    public func contains(address: UInt32) -> Bool {
        address & Self.mask(prefixLength) == base
    }

    /// Whether the two blocks share an address.
    public func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The addresses EC2 lets instances use: all but the first four (network, router,
    /// DNS, reserved) and the last (broadcast) of a subnet.
    public var usableAddressCount: Int {
        max(0, Int(size) - 5)
    }

    /// The usable addresses in order, for allocation.
    public var usableAddresses: ClosedRange<UInt32>? {
        guard size > 5 else { return nil }
        return (base + 4)...(last - 1)
    }

    public var description: String { "\(Self.format(base))/\(prefixLength)" }
}
