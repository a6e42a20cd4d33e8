import Foundation

/// First and last time something was seen; merging keeps the earliest first and the latest last.
public struct SeenSpan: Sendable, Hashable {
    public var first: Date
    public var last: Date

    public init(first: Date, last: Date) {
        self.first = min(first, last)
        self.last = max(first, last)
    }

    public init(at moment: Date) {
        self.first = moment
        self.last = moment
    }

    public mutating func include(_ moment: Date) {
        if moment < first { first = moment }
        if moment > last { last = moment }
    }

    public mutating func merge(_ other: SeenSpan) {
        include(other.first)
        include(other.last)
    }
}
