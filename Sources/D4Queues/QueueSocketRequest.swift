/// The one line a client sends to the queue socket.
enum QueueSocketRequest: Equatable {
    case consume(queue: String, format: QueueStreamFormat)
    case list

    /// Longest request line accepted: a queue name is at most 64 bytes.
    static let maximumLength = 1024

    /// Parses `CONSUME <name> [<format>]` (format defaults to ndjson) or `LIST`, without the newline.
    init(line: String) throws(QueueError) {
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch words.first?.uppercased() {
        case "LIST" where words.count == 1:
            self = .list
        case "CONSUME" where words.count == 2 || words.count == 3:
            let formatName = words.count == 3 ? words[2].lowercased() : QueueStreamFormat.ndjson.rawValue
            guard let format = QueueStreamFormat(rawValue: formatName) else {
                throw .badRequest("unknown format \"\(words[2])\": use ndjson or raw")
            }
            self = .consume(queue: words[1], format: format)
        default:
            throw .badRequest("expected \"CONSUME <queue> <ndjson|raw>\" or \"LIST\"")
        }
    }

    /// The line a client sends, with its newline.
    var line: String {
        switch self {
        case let .consume(queue, format): "CONSUME \(queue) \(format.rawValue)\n"
        case .list: "LIST\n"
        }
    }
}
