/// Where a cross-province application stands (SPEC §2.2), as the regulators' list filters it: the decision once
/// there is one, else the last step taken (a 补正 notice counts until the generator supplements).
public enum ApplicationStage: String, Sendable, CaseIterable {
    case applied, incomplete, reviewed, consulting, replied, approved, denied
}

extension ApplicationRecord {
    public var stage: ApplicationStage {
        if let d = decision { return d.decision == .approved ? .approved : .denied }
        if incomplete != nil && supplementedOn == nil { return .incomplete }
        if reply != nil { return .replied }
        if consultationRequestedOn != nil { return .consulting }
        if review != nil { return .reviewed }
        return .applied
    }
}
