/// Writes compact XML, escaping text and attribute values.
public struct XMLWriter: Sendable {
    private var output = ""
    private var openElements: [String] = []

    /// Creates an empty document.
    public init() {}

    /// Opens an element; attribute values are escaped.
    public mutating func open(_ name: String, attributes: [(name: String, value: String)] = []) {
        output += "<" + name
        for attribute in attributes {
            output += " " + attribute.name + "=\"" + Self.escape(attribute.value) + "\""
        }
        output += ">"
        openElements.append(name)
    }

    /// Closes the innermost open element.
    public mutating func close() {
        guard let name = openElements.popLast() else { return }
        output += "</" + name + ">"
    }

    /// Writes `<name>text</name>`.
    public mutating func element(_ name: String, text: String) {
        output += "<" + name + ">" + Self.escape(text) + "</" + name + ">"
    }

    /// Writes `<name/>`.
    public mutating func emptyElement(_ name: String) {
        output += "<" + name + "/>"
    }

    /// Writes escaped text inside the current element.
    public mutating func text(_ text: String) {
        output += Self.escape(text)
    }

    /// The document so far, with any elements still open closed.
    public var string: String {
        openElements.reversed().reduce(output) { $0 + "</" + $1 + ">" }
    }

    /// ``string`` as UTF-8.
    public var bytes: [UInt8] { Array(string.utf8) }

    /// Escapes `&`, `<`, `>`, `"` and `'`, writes a carriage return as `&#xD;` so that it
    /// survives parsing, and replaces characters XML 1.0 cannot carry with U+FFFD.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#xD;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            case "\u{00}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
