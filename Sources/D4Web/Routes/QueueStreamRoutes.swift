import D4Queues
import HTTPTypes
import Hummingbird

/// `GET /api/v1/queues/{name}/stream?format=ndjson|raw`: joins the queue as a consumer and streams
/// its items as they arrive, in the same encodings as the Unix socket and `d4 queue consume`
/// (`QueueStreamFormat`), one HTTP chunk per item. See `QueueStreamer` for delivery guarantees.
public struct QueueStreamRoutes: WebRoutes {
    public init() {}

    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!

    public func addRoutes(to api: RouterGroup<WebRequestContext>, environment: WebEnvironment) {
        let hub = environment.queues
        let batchSize = max(1, environment.configuration.streamBatchSize)
        api.get("queues/{name}/stream") { request, context in
            let name = try context.parameters.require("name")
            let format = try request.uri.decodeQuery(as: QueueStreamQuery.self, context: context).format
            let subscription: QueueSubscription
            do {
                subscription = try hub.subscribe(name)
            } catch {
                throw APIError.notFound("\(error)")
            }
            let streamer = QueueStreamer(subscription: subscription, format: format, channel: context.channel,
                                         batchSize: batchSize, logger: context.logger)
            var headers: HTTPFields = [
                .contentType: format == .ndjson ? "application/x-ndjson" : "application/octet-stream",
                .cacheControl: "no-store",
            ]
            // Reverse proxies (nginx) must pass items on at once instead of buffering the stream.
            headers[Self.accelBuffering] = "no"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await streamer.stream(to: &writer)
            })
        }
    }
}
