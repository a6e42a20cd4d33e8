// Text form of addresses: dotted quad for IPv4, RFC 5952 canonical text for IPv6.

extension IPAddress: CustomStringConvertible, LosslessStringConvertible {
    public var description: String {
        switch self {
        case .v4(let value):
            return Self.dottedQuad(value)
        case .v6(let high, let low):
            return Self.canonicalIPv6(high: high, low: low)
        }
    }

    /// Parses "192.0.2.1" or any IPv6 text form ("2001:db8::1", "::ffff:192.0.2.1"); nil otherwise.
    public init?(_ text: String) {
        if !text.contains(":") {
            guard let value = Self.parseDottedQuad(Substring(text)) else { return nil }
            self = .v4(value)
            return
        }
        guard let (high, low) = Self.parseIPv6(text) else { return nil }
        self = .v6(high, low)
    }

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    private static func canonicalIPv6(high: UInt64, low: UInt64) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0 ..< 4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))
            groups[i + 4] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i))
        }
        // RFC 5952 §5: IPv4-mapped addresses keep the embedded IPv4 part in dotted form.
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + dottedQuad(UInt32(truncatingIfNeeded: low))
        }
        // §4.2: compress the longest run (first on a tie) of two or more zero groups.
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0 ... 8 {
            if i < 8, groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                text += "::"
                i += bestLength
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            text += String(groups[i], radix: 16)
            i += 1
        }
        return text
    }

    private static func parseDottedQuad(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    private static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        // Split at the one "::" allowed, if any.
        let utf8 = Array(text.utf8)
        var halves = [text]
        if let gap = utf8.indices.dropLast().first(where: { utf8[$0] == UInt8(ascii: ":") && utf8[$0 + 1] == UInt8(ascii: ":") }) {
            halves = [String(decoding: utf8[..<gap], as: UTF8.self), String(decoding: utf8[(gap + 2)...], as: UTF8.self)]
            if halves[1].utf8.starts(with: [UInt8(ascii: ":")]) || halves[1].contains("::") { return nil }
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if index == fields.count - 1, field.contains(".") {
                    guard let v4 = parseDottedQuad(field) else { return nil }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard !field.isEmpty, field.count <= 4, let group = UInt16(field, radix: 16) else { return nil }
                    out.append(group)
                }
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0 ..< 4 {
            high = high << 16 | UInt64(all[i])
            low = low << 16 | UInt64(all[i + 4])
        }
        return (high, low)
    }
}
