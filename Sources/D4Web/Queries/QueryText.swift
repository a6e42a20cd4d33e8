/// Typed query decoding: each route's query string is a `Decodable` value decoded with
/// `request.uri.decodeQuery(as:context:)`. Parameters arrive as text and are converted by the rules of
/// `RequestParsing`; a bad value is a 400 naming the parameter and what it should look like.
extension KeyedDecodingContainer {
    /// The parameter's text, nil when absent.
    func text(_ key: Key) throws -> String? {
        try decodeIfPresent(String.self, forKey: key)
    }

    /// `true`/`1` or `false`/`0`.
    func flag(_ key: Key) throws -> Bool? {
        try text(key).map { text in
            switch text {
            case "true", "1": return true
            case "false", "0": return false
            default: throw APIError.badRequest("\(key.stringValue) \"\(text)\": use true or false")
            }
        }
    }

    /// A whole number within `range`.
    func number(_ key: Key, in range: ClosedRange<Int>) throws -> Int? {
        try text(key).map { text in
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest("\(key.stringValue) \"\(text)\": use a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }
}
