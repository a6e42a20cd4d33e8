/// LINKTYPE_* values (tcpdump.org/linktypes.html) the dissector decodes.
public enum LinkType {
    public static let null: UInt16 = 0
    public static let ethernet: UInt16 = 1
    public static let ppp: UInt16 = 9
    /// DLT_RAW as numbered on some BSDs (12) and OpenBSD (14).
    public static let rawBSD: UInt16 = 12
    public static let rawOpenBSD: UInt16 = 14
    public static let pppHDLC: UInt16 = 50
    public static let raw: UInt16 = 101
    public static let ciscoHDLC: UInt16 = 104
    public static let loop: UInt16 = 108
    public static let linuxSLL: UInt16 = 113
    public static let ipv4: UInt16 = 228
    public static let ipv6: UInt16 = 229
    public static let linuxSLL2: UInt16 = 276

    /// Every link type `PacketDissector` decodes.
    public static let dissected: [UInt16] = [null, ethernet, ppp, rawBSD, rawOpenBSD, pppHDLC, raw, ciscoHDLC,
                                             loop, linuxSLL, ipv4, ipv6, linuxSLL2]
}
