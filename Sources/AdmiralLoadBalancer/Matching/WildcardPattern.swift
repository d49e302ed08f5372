/// A compiled ALB match pattern: `*` matches any run of bytes (also none), `?` exactly one,
/// everything else itself, optionally ignoring ASCII case.
///
/// ALB's rules apply to visible ASCII only, so matching works on UTF-8 bytes.
struct WildcardPattern: Sendable, Equatable, CustomStringConvertible {
    private enum Token: Sendable, Equatable {
        case byte(UInt8)
        case one
        case many
    }

    private let tokens: [Token]
    /// The pattern's bytes when it has no wildcard: compared directly.
    private let literal: [UInt8]?
    let caseInsensitive: Bool
    /// The pattern as written.
    let source: String

    /// Compiles `pattern`. With `escapes`, `\*` and `\?` (and `\\`) stand for themselves,
    /// as in ALB's query-string conditions.
    init(_ pattern: String, caseInsensitive: Bool, escapes: Bool = false) {
        var tokens: [Token] = []
        var escaped = false
        for byte in pattern.utf8 {
            if escaped {
                tokens.append(.byte(caseInsensitive ? byte.asciiLowercased : byte))
                escaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\") where escapes:
                escaped = true
            case UInt8(ascii: "*"):
                if tokens.last != .many { tokens.append(.many) }
            case UInt8(ascii: "?"):
                tokens.append(.one)
            default:
                tokens.append(.byte(caseInsensitive ? byte.asciiLowercased : byte))
            }
        }
        if escaped { tokens.append(.byte(UInt8(ascii: "\\"))) }
        self.tokens = tokens
        self.caseInsensitive = caseInsensitive
        self.source = pattern
        var literal: [UInt8] = []
        for token in tokens {
            guard case .byte(let byte) = token else {
                self.literal = nil
                return
            }
            literal.append(byte)
        }
        self.literal = literal
    }

    var description: String { source }

    /// Whether `input` matches the whole pattern.
    func matches(_ input: String) -> Bool {
        if let fast = input.utf8.withContiguousStorageIfAvailable({ self.matches(bytes: $0) }) {
            return fast
        }
        let bytes = Array(input.utf8)
        return bytes.withUnsafeBufferPointer { self.matches(bytes: $0) }
    }

    /// Whether `input` matches the whole pattern.
    func matches(_ input: Substring) -> Bool {
        if let fast = input.utf8.withContiguousStorageIfAvailable({ self.matches(bytes: $0) }) {
            return fast
        }
        let bytes = Array(input.utf8)
        return bytes.withUnsafeBufferPointer { self.matches(bytes: $0) }
    }

    private func fold(_ byte: UInt8) -> UInt8 {
        caseInsensitive ? byte.asciiLowercased : byte
    }

    func matches(bytes input: UnsafeBufferPointer<UInt8>) -> Bool {
        if let literal {
            guard literal.count == input.count else { return false }
            for index in 0..<literal.count where literal[index] != fold(input[index]) {
                return false
            }
            return true
        }
        // Greedy matching with one backtrack point per `*` (linear in practice).
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        let m = tokens.count
        let n = input.count
        while s < n {
            if p < m {
                switch tokens[p] {
                case .one:
                    p += 1
                    s += 1
                    continue
                case .byte(let byte) where byte == fold(input[s]):
                    p += 1
                    s += 1
                    continue
                case .many:
                    starP = p
                    starS = s
                    p += 1
                    continue
                case .byte:
                    break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starS += 1
            s = starS
        }
        while p < m, tokens[p] == .many { p += 1 }
        return p == m
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 {
        (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")) ? self | 0x20 : self
    }
}
