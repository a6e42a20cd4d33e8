import D4Store
import Foundation
import Hummingbird
import NIOCore

/// Per-request state: Hummingbird's core storage, the connection (streams watch it close) and the
/// user the Basic credentials authenticated (nil on unauthenticated routes).
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var user: UserRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
        user = nil
    }

    /// Every JSON answer: ISO-8601 UTC times, keys sorted (stable output for scripts and diffs).
    public var responseEncoder: JSONEncoder { APIJSON.makeEncoder() }
}
