import Foundation
import Testing
@testable import Localization

private func tag(_ text: String) throws -> LanguageTag { try LanguageTag(text) }

/// Reads and returns the error, or nil when reading succeeded.
private func readError(_ xml: String) -> XLIFFError? {
    do {
        _ = try XLIFFDocument.read(Data(xml.utf8))
        return nil
    } catch {
        return error
    }
}

/// A catalog whose every Finnish pattern has an English one in the same register.
private func sampleCatalog() throws -> MessageCatalog {
    let en = try tag("en")
    let fi = try tag("fi")
    var catalog = MessageCatalog(defaultLanguage: en)
    catalog.set("Hello {name}", key: "greeting", language: en)
    catalog.set("Good day, {name}", key: "greeting", language: en, register: .formal)
    catalog.set("Hi {name}!", key: "greeting", language: en, register: .informal)
    catalog.set("Hei {name}", key: "greeting", language: fi)
    catalog.set("Hyvää päivää, {name}", key: "greeting", language: fi, register: .formal)
    catalog.set("Moi {name}!", key: "greeting", language: fi, register: .informal)
    catalog.set(
        "{n, plural, =0 {No parcels} one {Your parcel is} other {Your # parcels are}} on the way.",
        key: "order.shipped", language: en)
    catalog.set(
        "{n, plural, =0 {Ei paketteja} one {Pakettisi on} other {# pakettiasi ovat}} matkalla.",
        key: "order.shipped", language: fi)
    catalog.set(
        "Use <b> & \"quotes\" > 5, It''s {x, select, a {A&B} other {<none> ]]>}}", key: "escaping", language: en)
    catalog.set("Käytä <b> & ”lainausmerkit” > 5 – €, 日本語, 🙂 {x, select, a {A&B} other {<ei>}}",
        key: "escaping", language: fi)
    // Untranslated, with characters XML cannot hold literally.
    catalog.set("Line 1\r\nLine 2\tTab \u{1} bell\u{7} end", key: "control", language: en, register: .formal)
    // Two keys that reduce to the same unit id, and a key with XML specials.
    catalog.set("space", key: "a b", language: en)
    catalog.set("underscore", key: "a_b", language: en)
    catalog.set("Odd key", key: "<odd> & \"key\"\n", language: en)
    catalog.set("Outo avain", key: "<odd> & \"key\"\n", language: fi)
    return catalog
}

@Suite("XLIFF import and export")
struct XLIFFTests {
    @Test func exportThenImportRestoresTheCatalog() throws {
        let catalog = try sampleCatalog()
        let data = catalog.exportXLIFF(source: try tag("en"), target: try tag("fi"))
        let xml = String(decoding: data, as: UTF8.self)
        #expect(xml.contains("<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\" trgLang=\"fi\">"))
        #expect(xml.contains("<unit id=\"greeting.formal\" name=\"greeting\">"))
        #expect(xml.contains("<note category=\"register\">informal</note>"))
        #expect(xml.contains("<unit id=\"a_b\" name=\"a b\">") && xml.contains("<unit id=\"a_b_2\" name=\"a_b\">"))
        #expect(xml.contains("Use &lt;b&gt; &amp; \"quotes\" &gt; 5"))
        #expect(xml.contains("Line 1&#13;\nLine 2\tTab <cp hex=\"0001\"/> bell<cp hex=\"0007\"/> end"))
        #expect(xml.contains("name=\"&lt;odd&gt; &amp; &quot;key&quot;&#10;\""))
        // The untranslated unit has state="initial" and no <target>.
        let control = try #require(xml.range(of: "<unit id=\"control.formal\""))
        let controlUnit = xml[control.lowerBound...]
        let end = try #require(controlUnit.range(of: "</unit>"))
        let unitText = controlUnit[..<end.lowerBound]
        #expect(unitText.contains("<segment state=\"initial\">") && !unitText.contains("<target>"))

        var imported = MessageCatalog(defaultLanguage: try tag("en"))
        let warnings = try imported.importXLIFF(data)
        #expect(warnings.isEmpty)
        #expect(imported == catalog)
        #expect(imported.messages["control"]?["en"]?["formal"] == "Line 1\r\nLine 2\tTab \u{1} bell\u{7} end")
        #expect(imported.messages["control"]?["fi"] == nil)

        let read = try XLIFFDocument.read(data)
        #expect(read.version == "2.0")
        #expect(read.document.units.count == 9)
        #expect(read.document.units.first == XLIFFDocument.Unit(key: "<odd> & \"key\"\n", source: "Odd key", target: "Outo avain"))
        #expect(read.document.units.map(\.key).contains("a b"))
    }

    @Test func jsonFormRoundTrips() throws {
        let document = XLIFFDocument(catalog: try sampleCatalog(), source: try tag("en"), target: try tag("fi"))
        let json = try JSONEncoder().encode(document)
        #expect(try XLIFFDocument(json: json) == document)
        let text = #"{"sourceLanguage":"en","targetLanguage":"sv","units":[{"key":"k","register":"formal","source":"Hi"}]}"#
        let decoded = try XLIFFDocument(json: Data(text.utf8))
        #expect(decoded.units == [XLIFFDocument.Unit(key: "k", register: .formal, source: "Hi")])
        #expect(try decoded.targetLanguage == tag("sv"))
        #expect(throws: XLIFFError.self) { try XLIFFDocument(json: Data(#"{"sourceLanguage":"1"}"#.utf8)) }
    }

    @Test func readsAHandWrittenXLIFF2Document() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="sv_se">
              <file id="f1">
                <notes><note>file-level note, ignored</note></notes>
                <group id="g1">
                  <unit id="u1" name="refund.issued">
                    <notes>
                      <note category="comment">Shown after a refund</note>
                      <note category="register">formal</note>
                    </notes>
                    <originalData>
                      <data id="d1">{amount}</data>
                    </originalData>
                    <segment state="final">
                      <source>We refunded <ph id="1" dataRef="d1"/>.</source>
                      <target>Vi har återbetalat <ph id="1" dataRef="d1"/>.</target>
                    </segment>
                    <ignorable><source> </source></ignorable>
                    <segment>
                      <source>Thanks &amp; <pc id="2">bye</pc>!</source>
                      <target>Tack &amp; <pc id="2">hej då</pc>!</target>
                    </segment>
                  </unit>
                </group>
                <unit id="cart.items">
                  <segment>
                    <source>{n, plural, one {# item} other {# items}}<cp hex="9"/>&lt;end&gt;</source>
                    <target><![CDATA[{n, plural, one {# vara} other {# varor}}]]></target>
                  </segment>
                </unit>
                <unit id="todo">
                  <segment state="initial"><source>Not yet</source></segment>
                </unit>
              </file>
            </xliff>
            """
        let result = try XLIFFDocument.read(Data(xml.utf8))
        #expect(try result.document.sourceLanguage == tag("en-US"))
        #expect(try result.document.targetLanguage == tag("sv-SE"))
        #expect(result.document.units == [
            XLIFFDocument.Unit(
                key: "refund.issued", register: .formal, source: "We refunded {amount}. Thanks & bye!",
                target: "Vi har återbetalat {amount}. Tack & hej då!"),
            XLIFFDocument.Unit(
                key: "cart.items", source: "{n, plural, one {# item} other {# items}}\t<end>",
                target: "{n, plural, one {# vara} other {# varor}}"),
            XLIFFDocument.Unit(key: "todo", source: "Not yet"),
        ])
        #expect(result.warnings == [
            .inlineCodeFlattened(element: "ph", unit: "u1", line: 15),
            .inlineCodeFlattened(element: "ph", unit: "u1", line: 16),
            .inlineCodeFlattened(element: "pc", unit: "u1", line: 20),
            .inlineCodeFlattened(element: "pc", unit: "u1", line: 21),
        ])
        #expect(result.unitLines == [6, 25, 31])

        var catalog = MessageCatalog(defaultLanguage: try tag("en"))
        try catalog.importXLIFF(Data(xml.utf8))
        #expect(catalog.messages["refund.issued"]?["sv-SE"]?["formal"] == "Vi har återbetalat {amount}. Tack & hej då!")
        #expect(catalog.messages["todo"]?["en-US"]?["neutral"] == "Not yet")
        #expect(catalog.messages["todo"]?["sv-SE"] == nil)
    }

    @Test func readsAHandWrittenXLIFF12Document() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
              <file source-language="en" target-language="de" datatype="plaintext" original="messages">
                <header/>
                <body>
                  <trans-unit id="1" resname="greeting">
                    <source>Hello <g id="b">{name}</g></source>
                    <target state="translated">Guten Tag, <g id="b">{name}</g></target>
                    <note from="register">formal</note>
                  </trans-unit>
                  <group id="orders">
                    <trans-unit id="order.late">
                      <source>Sorry<x id="br" equiv-text=" - "/>it is late &amp; &lt;lost&gt;</source>
                      <target state="needs-review-translation">Entschuldigung<x id="br" equiv-text=" - "/>es ist spät</target>
                    </trans-unit>
                    <trans-unit id="order.new">
                      <source>New order</source>
                      <target state="new"/>
                    </trans-unit>
                  </group>
                </body>
              </file>
            </xliff>
            """
        let result = try XLIFFDocument.read(Data(xml.utf8))
        #expect(result.version == "1.2")
        #expect(try result.document.sourceLanguage == tag("en") && result.document.targetLanguage == tag("de"))
        #expect(result.document.units == [
            XLIFFDocument.Unit(key: "greeting", register: .formal, source: "Hello {name}", target: "Guten Tag, {name}"),
            XLIFFDocument.Unit(key: "order.late", source: "Sorry - it is late & <lost>", target: "Entschuldigung - es ist spät"),
            XLIFFDocument.Unit(key: "order.new", source: "New order"),
        ])
        #expect(result.warnings.count == 4)
        #expect(result.warnings.first == .inlineCodeFlattened(element: "g", unit: "1", line: 7))
    }

    @Test func malformedXMLReportsTheLine() throws {
        let mismatched = """
            <?xml version="1.0"?>
            <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">
              <file id="f">
                <unit id="u"><segment><source>a</sourc></segment></unit>
              </file>
            </xliff>
            """
        guard case .malformedXML(let message, let line, let column) = readError(mismatched) else {
            Issue.record("expected malformedXML")
            return
        }
        #expect(line == 4)
        #expect(column != nil)
        #expect(message.contains("source"))

        let ampersand = "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\">\n<file id=\"f\">\n\n\n<unit id=\"u\"><segment><source>Fish & chips</source></segment></unit></file></xliff>"
        #expect(readError(ampersand)?.line == 5)

        // The first error counts, not the last one libxml2 reports (premature end at line 7).
        let firstError = readError("<xliff>\n<file>\n<unit>\n</file>\n\n\n")
        #expect(firstError?.line == 4, "\(String(describing: firstError))")

        let truncated = "<?xml version=\"1.0\"?>\n<xliff version=\"2.0\">\n<file>\n<unit"
        #expect(readError(truncated)?.line == 4)

        if case .malformedXML(_, let line, _) = readError("") { #expect(line == 1) } else { Issue.record("empty input") }
        // Namespace-ill-formed: an undeclared prefix.
        if case .malformedXML(_, let line, _) = readError("<x:xliff version=\"2.0\">\n</x:xliff>") {
            #expect(line == 1)
        } else {
            Issue.record("undeclared prefix")
        }
    }

    @Test func structuralErrorsNameTheProblem() throws {
        let ns = "xmlns=\"urn:oasis:names:tc:xliff:document:2.0\""
        #expect(readError("<?xml version=\"1.0\"?>\n<root version=\"2.0\"/>") == .wrongRoot("root", line: 2))
        #expect(readError("<xliff \(ns) version=\"2.0\" trgLang=\"fi\"><file id=\"f\"/></xliff>")
            == .missingAttribute("srcLang", element: "xliff", line: 1))
        #expect(readError("<xliff \(ns) srcLang=\"en\"/>") == .missingAttribute("version", element: "xliff", line: 1))
        #expect(readError("<xliff \(ns) version=\"3.0\" srcLang=\"en\"/>") == .unsupportedVersion("3.0", line: 1))
        #expect(readError("<xliff version=\"2.0\" srcLang=\"en\"/>")
            == .wrongNamespace(found: "", expected: XLIFFDocument.xliff2Namespace, line: 1))
        #expect(readError("<xliff \(ns) version=\"2.0\" srcLang=\"e1\"><file id=\"f\"/></xliff>")
            == .invalidLanguageTag("e1", attribute: "srcLang", line: 1))
        let missingUnitID = """
            <xliff \(ns) version="2.0" srcLang="en">
              <file id="f">
                <unit name="k"><segment><source>x</source></segment></unit>
              </file>
            </xliff>
            """
        #expect(readError(missingUnitID) == .missingAttribute("id", element: "unit", line: 3))
        let duplicate = """
            <xliff \(ns) version="2.0" srcLang="en">
              <file id="f">
                <unit id="u"><segment><source>x</source></segment></unit>
                <unit id="u"><segment><source>y</source></segment></unit>
              </file>
            </xliff>
            """
        #expect(readError(duplicate) == .duplicateUnitID("u", line: 4))
        let sameKey = """
            <xliff \(ns) version="2.0" srcLang="en">
              <file id="f">
                <unit id="u1" name="k"><segment><source>x</source></segment></unit>
                <unit id="u2" name="k"><segment><source>y</source></segment></unit>
              </file>
            </xliff>
            """
        #expect(readError(sameKey) == .duplicateMessage(key: "k", register: nil, line: 4))
        #expect(readError("<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment><source>x</source><target>y</target></segment></unit></file></xliff>")
            == .missingAttribute("trgLang", element: "xliff", line: 1))
        #expect(readError("<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment/></unit></file></xliff>")
            == .missingElement("source", parent: "segment", line: 1))
        #expect(readError("<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><notes><note category=\"register\">polite</note></notes><segment><source>x</source></segment></unit></file></xliff>")
            == .invalidRegister("polite", line: 1))
        #expect(readError("<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment><source><cp hex=\"D800\"/></source></segment></unit></file></xliff>")
            == .invalidCodePoint("D800", line: 1))
        #expect(readError("<xliff version=\"1.2\"><file><body/></file></xliff>")
            == .missingAttribute("source-language", element: "file", line: 1))
        #expect(readError("<xliff version=\"1.2\">\n<file source-language=\"en\" target-language=\"fi\"><body/></file>\n<file source-language=\"en\" target-language=\"sv\"><body/></file></xliff>")
            == .languageMismatch("sv", attribute: "target-language", line: 3))
        #expect(readError("<xliff version=\"1.2\"><file source-language=\"en\"><body><trans-unit><source>x</source></trans-unit></body></file></xliff>")
            == .missingAttribute("id", element: "trans-unit", line: 1))
    }

    @Test func brokenPatternsAreRejectedAndLeaveTheCatalogUnchanged() throws {
        let xml = """
            <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fi">
              <file id="f">
                <unit id="ok"><segment><source>fine</source><target>hyvä</target></segment></unit>
                <unit id="bad"><segment><source>{n, plural, one {#}}</source></segment></unit>
              </file>
            </xliff>
            """
        var catalog = MessageCatalog(defaultLanguage: try tag("en"))
        #expect(throws: XLIFFError.invalidPattern(key: "bad", language: "en", line: 4, .missingOther(offset: 0))) {
            try catalog.importXLIFF(Data(xml.utf8))
        }
        #expect(catalog.messages.isEmpty)
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "root:x:0:0"
        let marker = String(passwd.prefix(while: { $0 != "\n" }))
        #expect(!marker.isEmpty)
        let ns = "xmlns=\"urn:oasis:names:tc:xliff:document:2.0\""
        let documents = [
            "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<x>&e;</x>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment>\n<source>&e;</source></segment></unit></file></xliff>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<xliff version=\"1.2\"><file source-language=\"en\"><body><trans-unit id=\"u\"><source>&e;</source></trans-unit></body></file></xliff>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment><source>x</source></segment></unit></file></xliff>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff SYSTEM \"file:///etc/passwd\">\n<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment><source>x</source></segment></unit></file></xliff>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY e \"internal\">]>\n<xliff \(ns) version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\" name=\"&e;\"><segment><source>x</source></segment></unit></file></xliff>",
        ]
        var outcomes: [String] = []
        for xml in documents {
            var catalog = MessageCatalog(defaultLanguage: try tag("en"))
            do {
                let warnings = try catalog.importXLIFF(Data(xml.utf8))
                outcomes.append("ok \(catalog) \(warnings)")
            } catch {
                outcomes.append("error \(error)")
            }
        }
        for outcome in outcomes { #expect(!outcome.contains(marker), "\(outcome)") }
        #expect(outcomes[0] == "error \(XLIFFError.wrongRoot("x", line: 3))")
        #expect(outcomes[1] == "error \(XLIFFError.entityReference("e", line: 4))")
        #expect(outcomes[2] == "error \(XLIFFError.entityReference("e", line: 3))")
        #expect(outcomes[3].hasPrefix("ok "))  // %p; is not loaded: the document reads as if it were absent
        #expect(outcomes[4].hasPrefix("ok "))  // the external DTD subset is never fetched
        #expect(outcomes[5] == "error \(XLIFFError.entityReference("e", line: 3))")
    }

    /// Random bytes, every truncation and random byte flips of valid documents:
    /// each read returns a document or a typed error, never crashes.
    @Test func fuzzNeverCrashes() throws {
        let seed: UInt64 = 0x5EED_11FF
        print("XLIFF fuzz seed: 0x\(String(seed, radix: 16))")
        var state = seed
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let xmlish = Array("<>/=\"' &;#{}!?[]-:xliffunitsegmentsourcetargetversion2.01.2srcLangen\n".utf8)

        let english = try tag("en")
        func exercise(_ bytes: [UInt8]) -> Result<XLIFFReadResult, XLIFFError> {
            let data = Data(bytes)
            var catalog = MessageCatalog(defaultLanguage: english)
            _ = try? catalog.importXLIFF(data)
            _ = try? MessageFormat(String(decoding: bytes, as: UTF8.self))
            do { return .success(try XLIFFDocument.read(data)) } catch { return .failure(error) }
        }

        var randomFailures = 0
        for round in 0..<2_000 {
            let length = Int(next() % 400)
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: next()) : xmlish[Int(next() % UInt64(xmlish.count))]
            }
            if case .failure(let error) = exercise(bytes) {
                randomFailures += 1
                #expect(error.line != nil, "seed 0x\(String(seed, radix: 16)) round \(round)")
            }
        }
        #expect(randomFailures == 2_000, "random bytes are never a valid XLIFF document")

        let valid12 = """
            <?xml version="1.0"?>
            <xliff version="1.2"><file source-language="en" target-language="fi"><body>
            <trans-unit id="a" resname="k"><source>Hi <g id="1">{name}</g> &amp; co</source><target>Moi</target>
            <note from="register">informal</note></trans-unit></body></file></xliff>

            """
        let valid2 = String(decoding: try sampleCatalog().exportXLIFF(source: try tag("en"), target: try tag("fi")), as: UTF8.self)
        var flipSuccesses = 0
        var flipFailures = 0
        for text in [valid2, valid12] {
            let bytes = Array(text.utf8)
            let fullUnits = try XLIFFDocument.read(Data(bytes)).document.units.count
            let closingTag = try #require(text.range(of: "</xliff>"))
            let closing = text.utf8.distance(from: text.startIndex, to: closingTag.upperBound)
            for length in 0..<bytes.count {
                let result = exercise(Array(bytes.prefix(length)))
                if length < closing {
                    guard case .failure(.malformedXML(_, let line, _)) = result else {
                        Issue.record("truncation at \(length) of \(bytes.count) bytes was not malformed: \(result)")
                        continue
                    }
                    let lines = bytes.prefix(length).filter { $0 == UInt8(ascii: "\n") }.count + 1
                    #expect(line >= 1 && line <= lines, "truncation at \(length)")
                } else {
                    #expect((try? result.get().document.units.count) == fullUnits, "truncation at \(length)")
                }
            }
            for round in 0..<2_000 {
                var flipped = bytes
                flipped[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
                switch exercise(flipped) {
                case .success: flipSuccesses += 1
                case .failure(let error):
                    flipFailures += 1
                    #expect(error.line != nil, "seed 0x\(String(seed, radix: 16)) flip round \(round)")
                }
            }
        }
        #expect(flipSuccesses > 100 && flipFailures > 100, "\(flipSuccesses) flips read, \(flipFailures) failed")

        // Every truncation and byte flip of the catalog's patterns through MessageFormat.
        let patterns = try sampleCatalog().messages.values.flatMap { $0.values.flatMap(\.values) }
        var parsed = 0
        for pattern in patterns {
            let characters = Array(pattern)
            for length in 0...characters.count where (try? MessageFormat(String(characters.prefix(length)))) != nil {
                parsed += 1
            }
            var utf8 = Array(pattern.utf8)
            for _ in 0..<50 where !utf8.isEmpty {
                utf8[Int(next() % UInt64(utf8.count))] = UInt8(truncatingIfNeeded: next())
                _ = try? MessageFormat(String(decoding: utf8, as: UTF8.self))
            }
        }
        #expect(parsed > patterns.count)
    }
}
