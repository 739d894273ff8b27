import Foundation

/// The content of one XLIFF file: a source and a target language and, for
/// each catalog key and register, the source pattern and (if translated) the
/// target pattern.
///
/// Read one with ``read(_:)`` (XLIFF 2.0 or 1.2), write XLIFF 2.0 with
/// ``xliff()``, or build one from a catalog with ``init(catalog:source:target:)``.
///
/// The JSON form (Codable): `{"sourceLanguage": "en", "targetLanguage": "fi",
/// "units": [{"key": "greeting", "register": "formal", "source": "Hello {name}",
/// "target": "Hyvää päivää {name}"}]}` — `register` is absent for the neutral
/// variant, `target` is absent where there is no translation, and
/// `targetLanguage` is absent when the file names none.
public struct XLIFFDocument: Hashable, Sendable, Codable {
    /// One catalog entry: a key and register with its source and target patterns.
    public struct Unit: Hashable, Sendable, Codable {
        /// The catalog key (XLIFF 2.0 `<unit name>`, else `<unit id>`; 1.2 `resname`, else `id`).
        public var key: String
        /// The register, nil for the neutral variant.
        public var register: Register?
        /// The MessageFormat pattern in the source language.
        public var source: String
        /// The MessageFormat pattern in the target language, nil when untranslated.
        public var target: String?

        /// A unit for `key` in `register` (nil: neutral).
        public init(key: String, register: Register? = nil, source: String, target: String? = nil) {
            self.key = key
            self.register = register
            self.source = source
            self.target = target
        }
    }

    /// The language of every ``Unit/source``.
    public var sourceLanguage: LanguageTag
    /// The language of every ``Unit/target``; nil only for a read file that names none and has no targets.
    public var targetLanguage: LanguageTag?
    /// The units, in document order (as exported: by key, then neutral, formal, informal).
    public var units: [Unit]

    /// A document of `units` from `sourceLanguage` to `targetLanguage`.
    public init(sourceLanguage: LanguageTag, targetLanguage: LanguageTag?, units: [Unit] = []) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.units = units
    }

    /// The units to translate a catalog from `source` to `target`: one per key
    /// and register that has a pattern in exactly the language `source` (no
    /// fallback along truncations), with the pattern of exactly `target` in the
    /// same register, if any. Patterns that exist only in the target language,
    /// and register names other than `formal`, `informal` and `neutral`, are left out.
    public init(catalog: MessageCatalog, source: LanguageTag, target: LanguageTag) {
        let registerOrder: [(name: String, register: Register?)] = [("neutral", nil), ("formal", .formal), ("informal", .informal)]
        var units: [Unit] = []
        for key in catalog.messages.keys.sorted() {
            guard let byLanguage = catalog.messages[key], let sources = byLanguage[source.description] else { continue }
            let targets = byLanguage[target.description] ?? [:]
            for (name, register) in registerOrder {
                guard let pattern = sources[name] else { continue }
                units.append(Unit(key: key, register: register, source: pattern, target: targets[name]))
            }
        }
        self.init(sourceLanguage: source, targetLanguage: target, units: units)
    }

    /// Reads the JSON form (see the type's documentation).
    ///
    /// - Throws: ``XLIFFError/malformedJSON(_:)`` when the JSON does not decode.
    public init(json data: Data) throws(XLIFFError) {
        do { self = try JSONDecoder().decode(XLIFFDocument.self, from: data) } catch {
            throw .malformedJSON(String(describing: error))
        }
    }
}

/// What ``XLIFFDocument/read(_:)`` found: the document, the XLIFF version
/// it was written in, and what had to be approximated.
public struct XLIFFReadResult: Hashable, Sendable {
    /// The document read.
    public var document: XLIFFDocument
    /// The `<xliff version>` attribute as written (`"2.0"`, `"1.2"`, …).
    public var version: String
    /// Recoverable damage, in document order.
    public var warnings: [XLIFFWarning]
    /// The line of each unit's element, parallel to `document.units`.
    var unitLines: [Int]
}

extension MessageCatalog {
    /// Adds every unit's source pattern in the document's source language and,
    /// where translated, its target pattern in the target language, replacing
    /// patterns already there for the same key, language and register.
    public mutating func merge(_ document: XLIFFDocument) {
        for unit in document.units {
            set(unit.source, key: unit.key, language: document.sourceLanguage, register: unit.register)
            if let target = unit.target, let language = document.targetLanguage {
                set(target, key: unit.key, language: language, register: unit.register)
            }
        }
    }

    /// Reads an XLIFF 2.0 or 1.2 file, checks every pattern with ``MessageFormat``,
    /// and only then merges it (see ``merge(_:)``): on error the catalog is unchanged.
    ///
    /// - Returns: The reader's warnings (inline codes that were flattened).
    /// - Throws: ``XLIFFError`` — anything ``XLIFFDocument/read(_:)`` throws, or
    ///   ``XLIFFError/invalidPattern(key:language:line:_:)`` for the first pattern that does not parse.
    @discardableResult
    public mutating func importXLIFF(_ data: Data) throws(XLIFFError) -> [XLIFFWarning] {
        let result = try XLIFFDocument.read(data)
        let document = result.document
        for (index, unit) in document.units.enumerated() {
            let line = index < result.unitLines.count ? result.unitLines[index] : 0
            do { _ = try MessageFormat(unit.source) } catch {
                throw .invalidPattern(key: unit.key, language: document.sourceLanguage.description, line: line, error)
            }
            if let target = unit.target {
                do { _ = try MessageFormat(target) } catch {
                    throw .invalidPattern(
                        key: unit.key, language: document.targetLanguage?.description ?? "", line: line, error)
                }
            }
        }
        merge(document)
        return result.warnings
    }

    /// An XLIFF 2.0 file (UTF-8) to translate this catalog from `source` to `target`;
    /// see ``XLIFFDocument/init(catalog:source:target:)`` for what it holds and
    /// ``XLIFFDocument/xliff()`` for how it is written.
    public func exportXLIFF(source: LanguageTag, target: LanguageTag) -> Data {
        XLIFFDocument(catalog: self, source: source, target: target).xliff()
    }
}
