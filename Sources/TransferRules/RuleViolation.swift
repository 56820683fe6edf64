/// The normative rule ids of SPEC §2. A rejected submission reports exactly one.
public enum RuleID: String, Sendable, CaseIterable, Codable {
    case schema = "R-SCHEMA"
    case signature = "R-SIG"
    case nonce = "R-NONCE"
    case time = "R-TIME"
    case uscc = "R-USCC"
    case division = "R-DIVISION"
    case wasteCode = "R-WASTE-CODE"
    case methodCode = "R-METHOD-CODE"
    case notFound = "R-NOT-FOUND"
    case auth = "R-AUTH"
    case duplicate = "R-DUPLICATE"
    case state = "R-STATE"
    case permit = "R-PERMIT"
    case carrierPermit = "R-CARRIER-PERMIT"
    case approvalValidity = "R-APPROVAL-VALIDITY"
    case approvalRoute = "R-APPROVAL-ROUTE"
    case approvalGrams = "R-APPROVAL-GRAMS"
    case approvalMissing = "R-APPROVAL-MISSING"
    case approvalMismatch = "R-APPROVAL-MISMATCH"
    case approvalExpired = "R-APPROVAL-EXPIRED"
    case approvalQuota = "R-APPROVAL-QUOTA"
    case whitelistQuota = "R-WHITELIST-QUOTA"
    case whitelistYear = "R-WHITELIST-YEAR"
    case returnExceeds = "R-RETURN"
    case p2pScope = "R-P2P-SCOPE"
    case p2pBanned = "R-P2P-BANNED"
    case p2pGeneral = "R-P2P-GENERAL"
    case p2pThreshold = "R-P2P-THRESHOLD"
    case p2pWindow = "R-P2P-WINDOW"
    case p2pInactive = "R-P2P-INACTIVE"
    case p2pMismatch = "R-P2P-MISMATCH"
    case p2pCap = "R-P2P-CAP"
    case statement = "R-STATEMENT"
}

/// Why a submission was rejected: one rule id and a sentence with the values involved.
///
/// Messages name the field (`body.uscc`) and the numbers; they never contain key material.
public struct RuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var rule: RuleID
    public var message: String
    /// A Chinese sentence that says more than the rule's own (`交接时间晚于签名时间`), for rules whose one id covers
    /// several fields; nil for the others.
    public var sentenceZh: String?

    public init(_ rule: RuleID, _ message: String, sentenceZh: String? = nil) {
        self.rule = rule
        self.message = message
        self.sentenceZh = sentenceZh
    }

    public var description: String { "\(rule.rawValue): \(message)" }
}
