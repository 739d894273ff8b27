import Foundation
import Yams

/// One support policy as data: calendars, SLA, returns, empowerment, routing and privacy.
/// Load it from JSON or YAML with ``load(from:format:)``, check it with ``validate()``, and
/// turn it into evaluators with ``compiled()``.
public struct SupportPolicyDocument: Hashable, Sendable, Codable {
    /// Format version; this code reads version 1.
    public var version: Int
    /// Business calendars.
    public var calendars: [BusinessCalendar]
    /// Follow-the-sun teams (unions of calendars).
    public var unions: [CalendarUnion]
    /// Which calendar applies to an account or team.
    public var calendarSelection: CalendarSelection
    /// SLA targets and escalations.
    public var sla: SLAPolicy?
    /// Returns and refunds.
    public var returns: ReturnPolicy?
    /// Agent empowerment.
    public var empowerment: EmpowermentPolicy?
    /// Routing weights.
    public var routing: RoutingPolicy?
    /// Retention and statutory duties.
    public var privacy: PrivacyPolicy?

    /// A document.
    public init(
        version: Int = 1, calendars: [BusinessCalendar], unions: [CalendarUnion] = [], calendarSelection: CalendarSelection,
        sla: SLAPolicy? = nil, returns: ReturnPolicy? = nil, empowerment: EmpowermentPolicy? = nil,
        routing: RoutingPolicy? = nil, privacy: PrivacyPolicy? = nil
    ) {
        self.version = version
        self.calendars = calendars
        self.unions = unions
        self.calendarSelection = calendarSelection
        self.sla = sla
        self.returns = returns
        self.empowerment = empowerment
        self.routing = routing
        self.privacy = privacy
    }

    private enum CodingKeys: String, CodingKey {
        case version, calendars, unions, calendarSelection, sla, returns, empowerment, routing, privacy
    }

    /// Decodes; `unions` may be omitted, and each section is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        calendars = try c.decode([BusinessCalendar].self, forKey: .calendars)
        unions = try c.decodeIfPresent([CalendarUnion].self, forKey: .unions) ?? []
        calendarSelection = try c.decode(CalendarSelection.self, forKey: .calendarSelection)
        sla = try c.decodeIfPresent(SLAPolicy.self, forKey: .sla)
        returns = try c.decodeIfPresent(ReturnPolicy.self, forKey: .returns)
        empowerment = try c.decodeIfPresent(EmpowermentPolicy.self, forKey: .empowerment)
        routing = try c.decodeIfPresent(RoutingPolicy.self, forKey: .routing)
        privacy = try c.decodeIfPresent(PrivacyPolicy.self, forKey: .privacy)
    }

    /// Every problem in the document, each with its field path, in document order. Empty means valid.
    public func validate() -> [PolicyIssue] { PolicyParts(self).issues() }

    /// The file formats ``load(from:format:)`` reads.
    public enum Format: String, Sendable {
        /// JSON (RFC 8259).
        case json
        /// YAML 1.1 as read by Yams (libyaml).
        case yaml

        /// The format for a file name: `.json` is JSON, anything else YAML (a superset of JSON).
        public init(fileName: String) { self = fileName.lowercased().hasSuffix(".json") ? .json : .yaml }
    }

    /// Decodes and validates a document.
    ///
    /// - Throws: ``PolicyLoadError``: `.syntax` for unparseable text, `.structure` for a field of
    ///   the wrong type or missing (decoding stops at the first such), `.invalid` with *every*
    ///   validation issue once the structure decodes.
    public static func load(from data: Data, format: Format) throws(PolicyLoadError) -> SupportPolicyDocument {
        let document: SupportPolicyDocument
        do {
            switch format {
            case .json:
                document = try JSONDecoder().decode(SupportPolicyDocument.self, from: data)
            case .yaml:
                guard let text = String(data: data, encoding: .utf8) else { throw PolicyLoadError.syntax("file is not UTF-8") }
                document = try YAMLDecoder().decode(SupportPolicyDocument.self, from: text)
            }
        } catch let error as PolicyLoadError {
            throw error
        } catch let error as DecodingError {
            throw PolicyLoadError(decodingError: error)
        } catch {
            throw .syntax(String(describing: error))
        }
        let issues = document.validate()
        guard issues.isEmpty else { throw .invalid(PolicyValidationError(issues: issues)) }
        return document
    }

    /// Reads, decodes and validates a file (format from its extension).
    public static func load(contentsOf url: URL) throws(PolicyLoadError) -> SupportPolicyDocument {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
        return try load(from: data, format: Format(fileName: url.lastPathComponent))
    }

    /// Resolves calendars and compiles every section.
    ///
    /// - Throws: ``PolicyValidationError`` with every issue.
    public func compiled(timelineSpan: OpenInterval? = nil) throws(PolicyValidationError) -> CompiledSupportPolicy {
        let issues = validate()
        guard issues.isEmpty else { throw PolicyValidationError(issues: issues) }
        var hours: [String: any BusinessHours] = [:]
        for calendar in calendars { hours[calendar.id] = try calendar.resolved() }
        for union in unions { hours[union.id] = UnionHours(union.members.compactMap { hours[$0] }) }
        if let span = timelineSpan {
            for (id, h) in hours { hours[id] = BusinessTimeline(h, span: span) }
        }
        let defaultHours: any BusinessHours = hours[calendarSelection.defaultCalendar] ?? AlwaysOpen()
        return CompiledSupportPolicy(
            document: self, hours: hours,
            sla: try sla.map { p throws(PolicyValidationError) in try SLAEvaluator(policy: p, hours: defaultHours) },
            returns: try returns.map { p throws(PolicyValidationError) in try ReturnRules(policy: p, businessHours: defaultHours) },
            router: routing.map(Router.init(policy:)),
            privacy: try privacy.map { p throws(PolicyValidationError) in try PrivacyRules(policy: p) })
    }
}

/// A validated policy turned into evaluators.
public struct CompiledSupportPolicy: Sendable {
    /// The source document.
    public let document: SupportPolicyDocument
    /// Hours per calendar or union id.
    public let hours: [String: any BusinessHours]
    /// SLA evaluator on the default calendar (use ``slaEvaluator(account:team:)`` for others).
    public let sla: SLAEvaluator?
    /// Return rules.
    public let returns: ReturnRules?
    /// Router.
    public let router: Router?
    /// Privacy rules.
    public let privacy: PrivacyRules?

    /// The hours for an account and team: account's calendar, then team's, then the default.
    public func businessHours(account: String? = nil, team: String? = nil) -> any BusinessHours {
        hours[document.calendarSelection.calendarID(account: account, team: team)] ?? AlwaysOpen()
    }

    /// An SLA evaluator on the calendar selected for `account` and `team`.
    public func slaEvaluator(account: String? = nil, team: String? = nil) throws(PolicyValidationError) -> SLAEvaluator? {
        guard let policy = document.sla else { return nil }
        return try SLAEvaluator(policy: policy, hours: businessHours(account: account, team: team))
    }

    /// A fresh approval desk for the empowerment section.
    public func approvalDesk() -> ApprovalDesk? { document.empowerment.map(ApprovalDesk.init(policy:)) }
}

/// Why a policy file could not be loaded.
public enum PolicyLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The text is not JSON/YAML.
    case syntax(String)
    /// A field is missing or has the wrong type (the first such found).
    case structure(PolicyIssue)
    /// The document decoded but breaks rules; every issue is listed.
    case invalid(PolicyValidationError)

    /// Every issue as path + message (one for unreadable/syntax/structure).
    public var issues: [PolicyIssue] {
        switch self {
        case .unreadable(let path, let reason): [PolicyIssue(path: "(file)", message: "cannot read \(path): \(reason)")]
        case .syntax(let message): [PolicyIssue(path: "(syntax)", message: message)]
        case .structure(let issue): [issue]
        case .invalid(let error): error.issues
        }
    }

    /// One issue per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }

    init(decodingError: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                // A list index's key reads "Index 3"; a mapping key that is a number ("50000")
                // has an intValue too, but its string is the number itself.
                if let index = key.intValue, key.stringValue != "\(index)" {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "(root)" : text
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            self = .structure(PolicyIssue(path: parent == "(root)" ? key.stringValue : "\(parent).\(key.stringValue)", message: "is required"))
        case .typeMismatch(let type, let context):
            self = .structure(PolicyIssue(path: path(context.codingPath), message: "expected \(Self.typeName(type))"))
        case .valueNotFound(let type, let context):
            self = .structure(PolicyIssue(path: path(context.codingPath), message: "expected \(Self.typeName(type)), found null"))
        case .dataCorrupted(let context):
            self = context.codingPath.isEmpty
                ? .syntax(context.debugDescription)
                : .structure(PolicyIssue(path: path(context.codingPath), message: context.debugDescription))
        @unknown default:
            self = .syntax(String(describing: decodingError))
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}

/// The parts of a document that decoded, each at its index in the file.
///
/// ``SupportPolicyDocument/validate()`` fills every part; ``PolicyValidator`` fills those that
/// decode on their own, so that a file with a broken section still has its other sections
/// checked, by the same rules.
struct PolicyParts {
    /// A calendar or union entry: its id when the file gives one as a string, and the decoded value.
    struct Entry<Value> {
        var index: Int
        var id: String?
        var value: Value?
    }

    var version: Int?
    var calendars: [Entry<BusinessCalendar>] = []
    var unions: [Entry<CalendarUnion>] = []
    var selection: CalendarSelection?
    var sla: SLAPolicy?
    var returns: ReturnPolicy?
    var empowerment: EmpowermentPolicy?
    var routing: RoutingPolicy?
    var privacy: PrivacyPolicy?
    /// False when the list of calendars or unions is itself broken, so references cannot be judged.
    var idsComplete = true

    init() {}

    init(_ document: SupportPolicyDocument) {
        version = document.version
        calendars = document.calendars.enumerated().map { Entry(index: $0.offset, id: $0.element.id, value: $0.element) }
        unions = document.unions.enumerated().map { Entry(index: $0.offset, id: $0.element.id, value: $0.element) }
        selection = document.calendarSelection
        sla = document.sla
        returns = document.returns
        empowerment = document.empowerment
        routing = document.routing
        privacy = document.privacy
    }

    /// Every rule broken, in document order.
    func issues() -> [PolicyIssue] {
        var issues: [PolicyIssue] = []
        if let version, version != 1 { issues.append(PolicyIssue(path: "version", message: "unsupported version \(version) (this code reads 1)")) }
        if calendars.isEmpty { issues.append(PolicyIssue(path: "calendars", message: "must define at least one calendar")) }
        var ids: Set<String> = []
        for entry in calendars {
            if let calendar = entry.value { issues += calendar.validate(path: "calendars[\(entry.index)]") }
            if let id = entry.id, !id.isEmpty, !ids.insert(id).inserted {
                issues.append(PolicyIssue(path: "calendars[\(entry.index)].id", message: "\"\(id)\" is defined twice"))
            }
        }
        let calendarIDs = ids
        // References are checked only when every calendar and union id is known: a calendar whose
        // id is missing or malformed already has its own diagnostic, and would make every
        // reference to it look broken.
        let allIDsKnown = idsComplete && calendars.allSatisfy { $0.id != nil } && unions.allSatisfy { $0.id != nil }
        for entry in unions {
            if let id = entry.id, !ids.insert(id).inserted {
                issues.append(PolicyIssue(path: "unions[\(entry.index)].id", message: "\"\(id)\" is already a calendar or union id"))
            }
            guard let union = entry.value else { continue }
            if union.members.isEmpty { issues.append(PolicyIssue(path: "unions[\(entry.index)].members", message: "must list at least one calendar")) }
            for (j, member) in union.members.enumerated() where allIDsKnown && !calendarIDs.contains(member) {
                issues.append(PolicyIssue(path: "unions[\(entry.index)].members[\(j)]", message: "no calendar \"\(member)\"" + Self.suggestion(member, calendarIDs)))
            }
        }
        if let selection, allIDsKnown {
            func reference(_ id: String, _ path: String) {
                if !ids.contains(id) { issues.append(PolicyIssue(path: path, message: "no calendar or union \"\(id)\"" + Self.suggestion(id, ids))) }
            }
            reference(selection.defaultCalendar, "calendarSelection.defaultCalendar")
            for (team, id) in selection.teams.sorted(by: { $0.key < $1.key }) { reference(id, "calendarSelection.teams.\(team)") }
            for (account, id) in selection.accounts.sorted(by: { $0.key < $1.key }) { reference(id, "calendarSelection.accounts.\(account)") }
        }
        if let sla { issues += sla.validate(path: "sla") }
        if let returns { issues += returns.validate(path: "returns") }
        if let empowerment { issues += empowerment.validate(path: "empowerment") }
        if let routing { issues += routing.validate(path: "routing") }
        if let privacy { issues += privacy.validate(path: "privacy") }
        return issues
    }

    /// Things that are allowed but probably not meant; the validator reports them as warnings.
    func warnings() -> [PolicyIssue] {
        var warnings: [PolicyIssue] = []
        for entry in unions {
            guard let union = entry.value else { continue }
            var seen: Set<String> = []
            for (j, member) in union.members.enumerated() where !seen.insert(member).inserted {
                warnings.append(PolicyIssue(path: "unions[\(entry.index)].members[\(j)]", message: "\"\(member)\" is listed twice"))
            }
        }
        if let sla {
            // The most specific row wins per metric, the earlier on a tie: a later row with the same
            // match keys only takes effect for metrics the earlier one leaves unset.
            for (i, row) in sla.targets.enumerated() {
                guard let earlier = sla.targets.prefix(i).firstIndex(where: {
                    $0.priority == row.priority && $0.channel == row.channel && $0.tier == row.tier
                }) else { continue }
                let shadow = sla.targets[earlier]
                if SLAMetric.allCases.allSatisfy({ row.duration($0) == nil || shadow.duration($0) != nil }) {
                    warnings.append(PolicyIssue(path: "sla.targets[\(i)]", message: "never applies: targets[\(earlier)] matches the same threads and sets every metric this row sets"))
                }
            }
        }
        for (i, role) in (empowerment?.roles ?? []).enumerated() {
            for (j, limit) in role.limits.enumerated() {
                let p = "empowerment.roles[\(i)].limits[\(j)]"
                // ApprovalDesk checks a request against the role's first limit of its kind.
                if let first = role.limits.firstIndex(where: { $0.kind == limit.kind }), first < j {
                    warnings.append(PolicyIssue(path: "\(p).kind", message: "never applies: limits[\(first)] is this role's \(limit.kind.rawValue) limit (the first of a kind is used)"))
                }
                if limit.periodDays != nil, limit.maxTotalPerPeriod == nil {
                    warnings.append(PolicyIssue(path: "\(p).periodDays", message: "has no effect without maxTotalPerPeriod"))
                }
            }
        }
        return warnings
    }

    /// `"; did you mean \"x\"?"` when one of `known` is close to `word`, else empty.
    static func suggestion(_ word: String, _ known: Set<String>) -> String {
        guard let best = Suggestion.closest(to: word, in: known.sorted()), Suggestion.isClose(best.distance, word, best.word) else { return "" }
        return "; did you mean \"\(best.word)\"?"
    }
}
