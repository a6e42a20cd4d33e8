/// A frame type as a sensor sent it: the type number, and for type 254 the meta type of its meta header.
public struct SensorTypeKey: Hashable, Sendable {
    public var type: Int
    public var metaType: String?

    public init(type: Int, metaType: String? = nil) {
        self.type = type
        self.metaType = metaType
    }
}
