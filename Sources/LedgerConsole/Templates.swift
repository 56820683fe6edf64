import Mustache

/// The console's templates and assets, compiled into the binary (SwiftPM `embedInCode`), so that the daemon
/// serves them with nothing beside it on disk.
enum Templates {
    static let sources: [(String, [UInt8])] = [
        ("layout", PackageResources.layout_mustache),
        ("signin", PackageResources.signin_mustache),
        ("error", PackageResources.error_mustache),
        ("manifest-filters", PackageResources.manifest_filters_mustache),
        ("manifests", PackageResources.manifests_mustache),
        ("manifest", PackageResources.manifest_mustache),
        ("operator", PackageResources.operator_mustache),
        ("file", PackageResources.file_mustache),
        ("steps", PackageResources.steps_mustache),
        ("mine", PackageResources.mine_mustache),
        ("worklist", PackageResources.worklist_mustache),
        ("approvals", PackageResources.approvals_mustache),
        ("approval", PackageResources.approval_mustache),
        ("whitelist", PackageResources.whitelist_mustache),
        ("compensation", PackageResources.compensation_mustache),
        ("act-buttons", PackageResources.act_buttons_mustache),
        ("approval-acts", PackageResources.approval_acts_mustache),
        ("registry", PackageResources.registry_mustache),
        ("p2p", PackageResources.p2p_mustache),
        ("reg-key", PackageResources.reg_key_mustache),
        ("reg-scripts", PackageResources.reg_scripts_mustache),
        ("whitelist-forms", PackageResources.whitelist_forms_mustache),
    ]

    /// Parsed once; a template that does not parse is a build defect the console tests catch at start. Each renders
    /// its values through ``HTMLEscaping`` (the pragma put before its text).
    static let library: MustacheLibrary = {
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        var library = MustacheLibrary()
        for (name, bytes) in sources {
            let text = "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}" + String(decoding: bytes, as: UTF8.self)
            do { try library.register(text, named: name) } catch {
                fatalError("console template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}

/// HTML escaping of a template's values, byte by byte: the same five characters as Mustache's own `HTML` content
/// type (`<`, `>`, `&`, `"`, `'`), which walks a value's characters through a dictionary and was a third of the
/// 待办 page's rendering at 10^6 manifests. A value with none of them is returned as it is.
struct HTMLEscaping: MustacheContentType {
    static let name = "HTML-BYTES"

    func escapeText(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Static assets under `/ui/assets/`.
enum Assets {
    static let files: [String: (contentType: String, bytes: [UInt8])] = [
        "console.css": ("text/css; charset=utf-8", PackageResources.console_css),
        "console.js": ("text/javascript; charset=utf-8", PackageResources.console_js),
        "canonical.js": ("text/javascript; charset=utf-8", PackageResources.canonical_js),
        "tonnes.js": ("text/javascript; charset=utf-8", PackageResources.tonnes_js),
        "forms.js": ("text/javascript; charset=utf-8", PackageResources.forms_js),
        "regulator.js": ("text/javascript; charset=utf-8", PackageResources.regulator_js),
    ]
}

/// Template values handed back from a blocking read. They are built there and only read afterwards, never shared
/// while mutable.
struct TemplateValues: @unchecked Sendable {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
}
