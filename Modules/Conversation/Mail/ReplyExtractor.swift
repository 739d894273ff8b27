/// Splits a message's text into what the sender wrote now and what they
/// quoted or signed: the agent reads the new part first and may expand the rest.
///
/// Recognised, for en, sv, da, nb, fi, it, de, fr, es, nl:
/// - attribution lines: a line under 300 characters with an attribution verb
///   that ends in a colon, or whose next line does (clients wrap them): "On …
///   wrote:", "Den … skrev …:", "… kirjoitti:", "Il … ha scritto:", "Am …
///   schrieb …:", "Le … a écrit :", "El … escribió:", "Op … schreef …:";
/// - Outlook header blocks: a line starting "From:" (or Från/Fra/Lähettäjä/Da/
///   Von/De/Van) followed within three lines by "Sent:"/"Date:" (or Skickat/
///   Sendt/Lähetetty/Inviato/Gesendet/Envoyé/Enviado/Verzonden/Datum/Data/Päivämäärä);
/// - "-----Original Message-----" and its translations;
/// - lines quoted with ">" (a trailing quoted block);
/// - the "-- " signature delimiter and common mobile signatures
///   ("Sent from my iPhone", "Skickat från min iPhone", "Lähetetty iPhonesta",
///   "Von meinem iPhone gesendet", "Inviato da iPhone", …).
public enum ReplyExtractor {
    /// The new text and the rest (quoted reply, signature), both trimmed.
    public static func split(_ text: String) -> (new: String, quoted: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var cut = lines.count
        for index in lines.indices {
            if startsQuote(lines, at: index) {
                cut = index
                break
            }
        }
        // A trailing block of ">" lines with no attribution line.
        if cut == lines.count {
            var start = lines.count
            var index = lines.count - 1
            while index >= 0 {
                let trimmed = lines[index].drop { $0 == " " }
                if trimmed.hasPrefix(">") {
                    start = index
                } else if !trimmed.isEmpty {
                    break
                }
                index -= 1
            }
            if start < lines.count, start > 0 { cut = start }
        }
        let new = lines[..<cut].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let quoted = lines[cut...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return (new, quoted)
    }

    /// The verbs of attribution lines ("… wrote:"), with the spaces around them.
    private static let attributionVerbs = [
        " wrote", " skrev", " kirjoitti", " ha scritto", " schrieb", " a écrit", " escribió", " schreef", " napisał",
    ]
    private static let fromLabels = ["from:", "från:", "fra:", "lähettäjä:", "da:", "von:", "de:", "van:", "od:"]
    private static let sentLabels = [
        "sent:", "date:", "skickat:", "sendt:", "lähetetty:", "inviato:", "gesendet:", "envoyé :", "envoyé:", "enviado:",
        "verzonden:", "datum:", "data:", "päivämäärä:", "wysłano:", "dato:",
    ]
    private static let originalMarkers = [
        "-----original message-----", "-----ursprüngliche nachricht-----", "-----ursprungligt meddelande-----",
        "-----oprindelig meddelelse-----", "-----opprinnelig melding-----", "-----alkuperäinen viesti-----",
        "-----messaggio originale-----", "-----message d'origine-----", "-----mensaje original-----",
        "-----oorspronkelijk bericht-----",
    ]
    private static let mobileSignatures = [
        "sent from my iphone", "sent from my ipad", "sent from my android", "sent from outlook for", "get outlook for",
        "skickat från min iphone", "skickat från min ipad", "sendt fra min iphone", "sendt fra min ipad",
        "lähetetty iphonesta", "lähetetty ipadista", "von meinem iphone gesendet", "von meinem ipad gesendet",
        "inviato da iphone", "inviato dal mio iphone", "envoyé de mon iphone", "enviado desde mi iphone",
        "verzonden vanaf mijn iphone", "wysłane z mojego iphone",
    ]

    private static func startsQuote(_ lines: [Substring], at index: Int) -> Bool {
        let line = lines[index].trimmingCharacters(in: .whitespaces)
        let lower = line.lowercased()
        if line == "--" || lines[index] == "-- " { return index > 0 }
        if originalMarkers.contains(where: { lower.hasPrefix($0) }) { return true }
        if mobileSignatures.contains(where: { lower.hasPrefix($0) }) { return true }
        // "On … wrote:", "Den … skrev … <a@x>:", also wrapped by the client so the colon ends the next line.
        if lower.count < 300, attributionVerbs.contains(where: { lower.contains($0) }) {
            if lower.hasSuffix(":") { return true }
            if index + 1 < lines.count, lines[index + 1].trimmingCharacters(in: .whitespaces).hasSuffix(":") { return true }
        }
        if fromLabels.contains(where: { lower.hasPrefix($0) }) {
            for offset in 1...3 where index + offset < lines.count {
                let next = lines[index + offset].trimmingCharacters(in: .whitespaces).lowercased()
                if sentLabels.contains(where: { next.hasPrefix($0) }) { return true }
            }
        }
        return false
    }
}
