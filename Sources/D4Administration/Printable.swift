/// Text that came from sensors or operators (descriptions, reasons, bad input), made safe to show:
/// control characters escaped (a newline stays on its line, no terminal sequences), long text cut
/// visibly with "…" when a limit is given.
public enum Printable {
    public static func text(_ text: String, limit: Int? = nil) -> String {
        var shown = text
        if let limit, shown.count > limit { shown = String(shown.prefix(max(0, limit - 1))) + "…" }
        return shown.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined()
    }
}
