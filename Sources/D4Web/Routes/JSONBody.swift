import Hummingbird

/// Any encodable value as a JSON answer, encoded as it is (no wrapper object): lets routes answer with
/// the records' own one JSON form.
struct JSONBody<Value: Encodable & Sendable>: ResponseEncodable {
    let value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}
