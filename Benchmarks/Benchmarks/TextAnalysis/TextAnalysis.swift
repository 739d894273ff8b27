import Benchmark
import Foundation
import Localization

/// Deterministic customer-message-like texts: words of hand-written messages, reshuffled
/// by a seeded generator (LCG), 6–30 words each.
enum Workload {
    static let sentences: [String: String] = [
        "en": "Hi, my order arrived damaged and I would like a refund please. The shoes were returned last week but I have not received my money yet, could you check the status of the return?",
        "sv": "Hej! Jag har inte fått mitt paket än, kan ni kolla var det är? Skorna var för små och jag vill byta dem mot en större storlek eller få pengarna tillbaka.",
        "da": "Hej, jeg vil gerne returnere skoene, de er for små. Hvordan gør jeg? Pakken kom for sent og æsken var beskadiget, så jeg ønsker pengene tilbage.",
        "nb": "Hei, jeg har ikke mottatt pakken min ennå. Kan dere sjekke hvor den er? Jeg ønsker å bytte genseren til en større størrelse eller få refusjon.",
        "fi": "Hei, tilaukseni ei ole vieläkään saapunut. Voitteko tarkistaa sen? Kengät olivat liian pienet ja haluaisin palauttaa ne ja saada rahat takaisin.",
        "it": "Buongiorno, vorrei restituire le scarpe perché sono troppo piccole. L'ordine è arrivato in ritardo e la scatola era danneggiata, chiedo il rimborso.",
        "de": "Guten Tag, meine Bestellung ist beschädigt angekommen. Ich möchte mein Geld zurück. Die Schuhe waren zu klein und ich würde sie gerne umtauschen.",
        "fr": "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ? Les chaussures étaient trop petites et je voudrais être remboursée rapidement.",
        "es": "Hola, mi pedido llegó dañado y quisiera un reembolso, por favor. Los zapatos eran demasiado pequeños y me gustaría cambiarlos por una talla más grande.",
        "nl": "Hallo, mijn bestelling is nog steeds niet aangekomen. Kunt u dat nakijken? De schoenen waren te klein en ik wil ze graag ruilen of mijn geld terug.",
        "pl": "Dzień dobry, moje zamówienie jeszcze nie dotarło. Czy możecie to sprawdzić? Buty były za małe i chciałbym je wymienić albo otrzymać zwrot pieniędzy.",
    ]

    static func messages(language: String, totalBytes: Int, seed: UInt64 = 42) -> [String] {
        let words = (sentences[language] ?? "").split(separator: " ")
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var result: [String] = []
        var bytes = 0
        while bytes < totalBytes {
            let count = 6 + next() % 25
            let message = (0..<count).map { _ in words[next() % words.count] }.joined(separator: " ")
            bytes += message.utf8.count
            result.append(message)
        }
        return result
    }

    /// 20–200-character texts in all 11 languages, interleaved.
    static func shortTexts(count: Int) -> [String] {
        let languages = sentences.keys.sorted()
        let perLanguage = languages.map { messages(language: $0, totalBytes: count * 20, seed: 7) }
        var result: [String] = []
        result.reserveCapacity(count)
        var index = 0
        while result.count < count {
            let pool = perLanguage[index % languages.count]
            let text = String(pool[(index / languages.count) % pool.count].prefix(200))
            if text.count >= 20 { result.append(text) }
            index += 1
        }
        return result
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 20,
        // CI gates throughput only (scripts/benchmarks.sh), with room for a noisy shared machine.
        thresholds: [.throughput: BenchmarkThresholds(relative: [.p90: 50.0])]
    )

    // One iteration analyzes 1 MB of messages: throughput (iterations/s) = MB/s.
    for language in ["en", "sv", "de", "fi", "fr"] {
        let texts = Workload.messages(language: language, totalBytes: 1_000_000)
        let analyzer = AnalyzerRegistry.standard.analyzer(for: language)
        Benchmark("analyzer_tokens_\(language)_1mb") { benchmark in
            for text in texts { blackHole(analyzer.tokens(in: text)) }
        }
    }

    // Worst case for the stem cache: Snowball's English vocabulary (29k distinct words, from
    // Debian snowball-data) as 20-word messages, so nearly every word runs the stemmer.
    // Throughput × (bytes of the file / 1 MB) = MB/s; the file is 0.25 MB.
    if let data = FileManager.default.contents(atPath: "/usr/share/snowball/data/english/voc.txt") {
        let words = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let messages = stride(from: 0, to: words.count, by: 20).map {
            words[$0..<min($0 + 20, words.count)].joined(separator: " ")
        }
        let english = AnalyzerRegistry.standard.analyzer(for: "en")
        Benchmark("analyzer_tokens_en_distinct_vocabulary") { benchmark in
            for text in messages { blackHole(english.tokens(in: text)) }
        }
    }

    // Segmentation and folding only (no stemmer): the analyzer's own cost.
    let neutralTexts = Workload.messages(language: "sv", totalBytes: 1_000_000)
    let neutral = AnalyzerRegistry.standard.neutral
    Benchmark("analyzer_tokens_neutral_sv_text_1mb") { benchmark in
        for text in neutralTexts { blackHole(neutral.tokens(in: text)) }
    }

    // The allocation-light path a search index uses: terms as bytes, no String per token.
    let svTexts = Workload.messages(language: "sv", totalBytes: 1_000_000)
    let svAnalyzer = StandardTextAnalyzer(language: "sv", stemmer: SnowballStemmer(algorithm: "swedish"))
    Benchmark("analyzer_for_each_term_sv_1mb") { benchmark in
        var termBytes = 0
        for var text in svTexts {
            text.withUTF8 { bytes in
                svAnalyzer.forEachTerm(inUTF8: bytes) { term, _, _, _ in termBytes &+= term.count }
            }
        }
        blackHole(termBytes)
    }

    // Language ID: throughput is texts/s (scaled by 1000: "K").
    let identifier = LanguageIdentifier.standard
    let shortTexts = Workload.shortTexts(count: 10_000)
    Benchmark(
        "language_id_short_texts",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(identifier.identify(shortTexts[index % shortTexts.count]))
        }
    }
    // A fixed 100k-text batch per iteration (CI's small, deterministic size).
    Benchmark("language_id_100k_texts", configuration: .init(maxIterations: 5)) { benchmark in
        for index in 0..<100_000 {
            blackHole(identifier.identify(shortTexts[index % shortTexts.count]))
        }
    }
}
