import Foundation

/// An element being built by ``XMLTreeEncoder``.
final class XMLNode {
    let name: String
    var text: String?
    var children: [XMLNode] = []

    init(name: String, text: String? = nil) {
        self.name = name
        self.text = text
    }

    func appendChild(_ name: String) -> XMLNode {
        let child = XMLNode(name: name)
        children.append(child)
        return child
    }

    func write(into writer: inout XMLWriter) {
        if !children.isEmpty {
            writer.open(name)
            for child in children { child.write(into: &writer) }
            writer.close()
        } else if let text {
            writer.element(name, text: text)
        } else {
            writer.emptyElement(name)
        }
    }
}

/// The `Encoder` behind ``QueryResponseEncoder``: writes into one element.
struct XMLTreeEncoder: Encoder {
    let node: XMLNode
    let strategy: QueryKeyStrategy
    let codingPath: [any CodingKey]
    /// The element name of list items: `member` (Query) or `item` (EC2).
    var listElement = "member"

    init(node: XMLNode, strategy: QueryKeyStrategy, codingPath: [any CodingKey], listElement: String = "member") {
        self.node = node
        self.strategy = strategy
        self.codingPath = codingPath
        self.listElement = listElement
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func child(_ key: some CodingKey, name: String? = nil) -> XMLTreeEncoder {
        XMLTreeEncoder(
            node: node.appendChild(name ?? strategy.wireName(of: key)), strategy: strategy,
            codingPath: codingPath + [key], listElement: listElement)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(XMLKeyedEncodingContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        XMLUnkeyedEncodingContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        XMLSingleValueEncodingContainer(encoder: self)
    }

    /// Writes a value into this element, handling the types the Query protocol writes its
    /// own way before falling back to `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let date as Date:
            node.text = AWSTimestamp.iso8601WithMilliseconds(date)
        case let data as Data:
            node.text = data.base64EncodedString()
        case let url as URL:
            node.text = url.absoluteString
        case let decimal as Decimal:
            node.text = decimal.description
        case let map as any QueryEncodableMap:
            try map.encodeQueryEntries(into: self)
        default:
            try value.encode(to: self)
        }
    }

    func setText(_ text: String) {
        node.text = text
    }
}

/// A `[String: V]` dictionary, which the Query protocol writes as `entry`/`key`/`value`.
protocol QueryEncodableMap {
    func encodeQueryEntries(into encoder: XMLTreeEncoder) throws
}

extension Dictionary: QueryEncodableMap where Key == String, Value: Encodable {
    func encodeQueryEntries(into encoder: XMLTreeEncoder) throws {
        for (index, key) in keys.sorted().enumerated() {
            guard let value = self[key] else { continue }
            let entry = encoder.child(QueryKey("entry", index: index))
            entry.child(QueryKey("key")).setText(key)
            try entry.child(QueryKey("value")).encodeValue(value)
        }
    }
}
