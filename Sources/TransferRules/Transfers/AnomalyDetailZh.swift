/// The Chinese reading of an anomaly's detail, for the web console. The rules write the detail in English (the API's
/// and the CLI's text, SPEC §4.1) from the few sentences below; each is read back into Chinese with its dates, working
/// days and tonnes. A detail that is not one of them is shown as the rules wrote it.
///
/// Templates are matched token by token (a literal, or a date, a number, tonnes or a code), not with regular
/// expressions: a 待办 page reads up to 700 details.
public enum AnomalyDetailZh {
    enum Token: Sendable, Equatable {
        case literal([UInt8])
        /// `yyyy-mm-dd`.
        case date
        /// Digits.
        case number
        /// Digits and dots (tonnes as ``Mass/tonnes(_:)`` writes them).
        case decimal
        /// Letters and digits (a USCC).
        case code
    }

    /// A sentence's English template (`{d}` date, `{n}` number, `{t}` tonnes, `{c}` code) and its Chinese with `$1…`,
    /// matched and filled in UTF-8 bytes (the 待办 page reads one per row).
    struct Sentence: Sendable {
        let tokens: [Token]
        let zh: [UInt8]

        init(_ english: String, _ zh: String) {
            var tokens: [Token] = []
            var literal: [UInt8] = []
            var rest = Array(english.utf8)[...]
            while let c = rest.first {
                let braced = rest.count >= 3 && c == UInt8(ascii: "{") && rest[rest.startIndex + 2] == UInt8(ascii: "}")
                let hole: Token? =
                    switch braced ? rest[rest.startIndex + 1] : 0 {
                    case UInt8(ascii: "d"): .date
                    case UInt8(ascii: "n"): .number
                    case UInt8(ascii: "t"): .decimal
                    case UInt8(ascii: "c"): .code
                    default: nil
                    }
                if let hole {
                    if !literal.isEmpty { tokens.append(.literal(literal)) }
                    literal = []
                    tokens.append(hole)
                    rest = rest.dropFirst(3)
                } else {
                    literal.append(c)
                    rest = rest.dropFirst()
                }
            }
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            self.tokens = tokens
            self.zh = Array(zh.utf8)
        }

        static func digit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

        /// The captures and what follows, when `text` starts with this sentence.
        func match(_ text: ArraySlice<UInt8>) -> (captures: [ArraySlice<UInt8>], rest: ArraySlice<UInt8>)? {
            var rest = text
            var captures: [ArraySlice<UInt8>] = []
            for token in tokens {
                let run: (UInt8) -> Bool
                switch token {
                case .literal(let s):
                    guard rest.starts(with: s) else { return nil }
                    rest = rest.dropFirst(s.count)
                    continue
                case .date:
                    let d = rest.prefix(10)
                    guard d.count == 10, d.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 ? $0.element == UInt8(ascii: "-") : Self.digit($0.element) })
                    else { return nil }
                    captures.append(d)
                    rest = rest.dropFirst(10)
                    continue
                case .number: run = Self.digit
                case .decimal: run = { $0 == UInt8(ascii: ".") || Self.digit($0) }
                case .code: run = { Self.digit($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
                }
                let taken = rest.prefix(while: run)
                guard !taken.isEmpty else { return nil }
                captures.append(taken)
                rest = rest.dropFirst(taken.count)
            }
            return (captures, rest)
        }

        /// Appends the Chinese sentence with `$1…` filled from `captures`.
        func chinese(_ captures: [ArraySlice<UInt8>], into out: inout [UInt8]) {
            var i = zh.startIndex
            while i < zh.endIndex {
                if zh[i] == UInt8(ascii: "$"), i + 1 < zh.endIndex, case let n = Int(zh[i + 1]) - 0x30, (1...9).contains(n), n <= captures.count {
                    out.append(contentsOf: captures[n - 1])
                    i += 2
                } else {
                    out.append(zh[i])
                    i += 1
                }
            }
        }
    }

    /// The sentences of ``DeadlineStep`` details and of ``RegimeContext/anomalySpans(of:)`` and
    /// ``RegimeContext/capacityAnomaly(receiver:receipts:permits:)``.
    static let sentences: [Sentence] = [
        Sentence("preliminary review due {n} working days after acceptance on {d}", "应在受理（$2）后 $1 个工作日内完成初步审查"),
        Sentence("whitelist-route decision due {n} working days after acceptance on {d}", "白名单路径：应在受理（$2）后 $1 个工作日内作出审批决定"),
        Sentence("destination regulator's reply due {n} working days after the request on {d}", "接受地生态环境部门应在商请（$2）后 $1 个工作日内复函"),
        Sentence("decision due {n} working days after the reply on {d}", "应在复函（$2）后 $1 个工作日内作出审批决定"),
        Sentence("picked up {d}, delivery due within {n} days", "$1 起运，应在 $2 日内送达"),
        Sentence("receipt of the delivery on {d} due in the ledger within {n} working days", "$1 送达，应在 $2 个工作日内录入接收"),
        Sentence("line {n}: shipped {t} t, received {t} t + rejected {t} t, more than {n}‰ apart", "第 $1 行：移出 $2 吨，接收 $3 吨、拒收 $4 吨，相差超过 $5‰"),
        Sentence("the receiver flagged a significant discrepancy", "接受人标记了重大数量差异"),
        Sentence("receiver {c}, {n}: {t} t received exceed the permitted capacity of {t} t", "接受人 $1 $2 年累计接收 $3 吨，超过经营许可能力 $4 吨"),
    ]

    /// What may follow a sentence: the provisional-calendar note and whether the late step was done.
    static let suffixes: [Sentence] = [
        Sentence(" (due date provisional: the holiday calendar has no {n}; counted on weekends alone)", "（期限暂按周末推算：节假日日历尚无 $1 年）"),
        Sentence("; done {d}", "；已于 $1 办理"),
        Sentence("; not done", "；尚未办理"),
    ]

    /// The detail in Chinese; the English detail when it is not one of the rules' sentences.
    public static func text(_ detail: String) -> String {
        var rest = Array(detail.utf8)[...]
        var out: [UInt8] = []
        var candidates = sentences
        while !rest.isEmpty {
            guard let (sentence, match) = candidates.lazy.compactMap({ s in s.match(rest).map { (s, $0) } }).first else { return detail }
            sentence.chinese(match.captures, into: &out)
            rest = match.rest
            candidates = suffixes
        }
        return String(decoding: out, as: UTF8.self)
    }
}
