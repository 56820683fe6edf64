/// 统一社会信用代码 (GB 32100-2015): 18 characters over `0123456789ABCDEFGHJKLMNPQRTUWXY` with a mod-31 check.
public enum USCC {
    static let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters, or nil if one is outside the charset.
    public static func checkCharacter(for first17: some Collection<UInt8>) -> UInt8? {
        guard first17.count == 17 else { return nil }
        var sum = 0
        for (i, c) in first17.enumerated() {
            guard let value = charset.firstIndex(of: c) else { return nil }
            sum += value * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return charset[check]
    }

    /// True when `code` is 18 charset characters whose last is the correct check character.
    public static func isValid(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard bytes.count == 18, charset.contains(bytes[17]) else { return false }
        return checkCharacter(for: bytes[0..<17]) == bytes[17]
    }

    /// Completes 17 characters with their check character (fixtures and tests generate valid codes this way).
    public static func complete(_ first17: String) -> String? {
        guard let c = checkCharacter(for: Array(first17.utf8)) else { return nil }
        return first17 + String(decoding: [c], as: UTF8.self)
    }
}

/// Who acts in the ledger: the operator (the log origin), a regulator (`REG-` + province), or an enterprise (USCC).
public enum Principal: Hashable, Sendable {
    case operatorOf(origin: String)
    case regulator(province: String)
    case enterprise(uscc: String)

    /// Classifies an actor id. Returns nil for a string that is none of the three forms.
    public init?(_ id: String, origin: String) {
        if id == origin {
            self = .operatorOf(origin: origin)
        } else if id.hasPrefix("REG-") {
            let province = String(id.dropFirst(4))
            guard Division.isProvinceCode(province) else { return nil }
            self = .regulator(province: province)
        } else if id.utf8.count == 18 {
            self = .enterprise(uscc: id)
        } else {
            return nil
        }
    }

    /// The id as written in submissions.
    public var id: String {
        switch self {
        case .operatorOf(let origin): origin
        case .regulator(let province): "REG-\(province)"
        case .enterprise(let uscc): uscc
        }
    }

    /// The regulator id of `province`.
    public static func regulatorID(_ province: String) -> String { "REG-\(province)" }
}

/// GB/T 2260 division codes.
public enum Division {
    /// Six ASCII digits.
    public static func isCode(_ code: String) -> Bool {
        code.utf8.count == 6 && code.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// A province's code: six digits ending in `0000` (510000, 500000).
    public static func isProvinceCode(_ code: String) -> Bool {
        isCode(code) && code.hasSuffix("0000")
    }

    /// The province of a division: its first two digits followed by `0000`.
    public static func province(of code: String) -> String {
        String(code.prefix(2)) + "0000"
    }
}
