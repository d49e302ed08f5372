import AWSWire

/// The fields of an `application/x-www-form-urlencoded` body or a query string.
struct FormData: Sendable, Equatable {
    private(set) var fields: [(name: String, value: String)] = []

    init(urlEncoded text: String) {
        fields = PercentEncoding.formPairs(text, plusAsSpace: true).map {
            (String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self))
        }
    }

    /// The first value of a field.
    subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    static func == (lhs: FormData, rhs: FormData) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }
}
