/// How Swift property names map to Query-protocol member names.
public enum QueryKeyStrategy: Sendable, Hashable {
    /// The `CodingKey` string is the wire name (write `CodingKeys` or capitalised properties).
    case useDefaultKeys
    /// The wire name is the `CodingKey` string with its first letter uppercased, which is
    /// how AWS names Query members: `vpcId` ↔ `VpcId`, `targetGroupARNs` ↔ `TargetGroupARNs`.
    case upperCamelCase

    /// The wire name of a Swift key.
    public func wireName(_ key: String) -> String {
        switch self {
        case .useDefaultKeys: key
        case .upperCamelCase: key.prefix(1).uppercased() + key.dropFirst()
        }
    }

    /// The Swift key of a wire name (the inverse of ``wireName(_:)`` for ordinary names).
    public func keyName(_ wireName: String) -> String {
        switch self {
        case .useDefaultKeys: wireName
        case .upperCamelCase: wireName.prefix(1).lowercased() + wireName.dropFirst()
        }
    }

    /// The wire name of a coding key; the decoder's own keys (list members, map entries)
    /// are already wire names.
    func wireName(of key: any CodingKey) -> String {
        key is QueryKey ? key.stringValue : wireName(key.stringValue)
    }
}
