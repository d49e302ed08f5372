/// A piece of HTML, built only through the functions here: text is always escaped, so
/// what a user typed (a family name, a command, an environment value) renders as text.
struct HTML: Sendable, Equatable {
    /// The markup.
    private(set) var markup: String

    fileprivate init(markup: String) { self.markup = markup }

    /// Nothing.
    static let empty = HTML(markup: "")

    /// Text, escaped.
    static func text(_ text: String) -> HTML { HTML(markup: escape(text)) }

    /// Markup written in this module's own source (never user data): the doctype, an entity.
    static func trusted(_ markup: StaticString) -> HTML { HTML(markup: markup.description) }

    /// Joins pieces.
    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(markup: lhs.markup + rhs.markup) }

    mutating func append(_ other: HTML) { markup += other.markup }

    /// An element with attributes and content.
    static func element(
        _ tag: HTMLTag, _ attributes: [HTMLAttribute] = [], @HTMLBuilder content: () -> HTML = { .empty }
    ) -> HTML {
        var markup = "<" + tag.name
        for attribute in attributes {
            markup += " " + attribute.name
            if let value = attribute.value { markup += "=\"" + escape(value) + "\"" }
        }
        markup += ">"
        if tag.isVoid { return HTML(markup: markup) }
        markup += content().markup
        markup += "</" + tag.name + ">"
        return HTML(markup: markup)
    }

    /// Escapes the characters that are markup in text and in quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// The tags the console uses; the name is fixed in source, never taken from input.
struct HTMLTag: Sendable {
    let name: String
    let isVoid: Bool

    private init(_ name: String, void: Bool = false) {
        self.name = name
        self.isVoid = void
    }

    static let html = HTMLTag("html"), head = HTMLTag("head"), body = HTMLTag("body"), title = HTMLTag("title")
    static let meta = HTMLTag("meta", void: true), link = HTMLTag("link", void: true), script = HTMLTag("script")
    static let header = HTMLTag("header"), nav = HTMLTag("nav"), main = HTMLTag("main"), footer = HTMLTag("footer")
    static let section = HTMLTag("section"), div = HTMLTag("div"), span = HTMLTag("span"), p = HTMLTag("p")
    static let h1 = HTMLTag("h1"), h2 = HTMLTag("h2"), h3 = HTMLTag("h3"), a = HTMLTag("a")
    static let table = HTMLTag("table"), thead = HTMLTag("thead"), tbody = HTMLTag("tbody")
    static let tr = HTMLTag("tr"), th = HTMLTag("th"), td = HTMLTag("td")
    static let ul = HTMLTag("ul"), ol = HTMLTag("ol"), li = HTMLTag("li"), dl = HTMLTag("dl"), dt = HTMLTag("dt")
    static let dd = HTMLTag("dd"), pre = HTMLTag("pre"), code = HTMLTag("code"), strong = HTMLTag("strong")
    static let form = HTMLTag("form"), input = HTMLTag("input", void: true), button = HTMLTag("button")
    static let label = HTMLTag("label"), select = HTMLTag("select"), option = HTMLTag("option")
    static let time = HTMLTag("time"), small = HTMLTag("small"), h4 = HTMLTag("h4"), meter = HTMLTag("meter")
    static let textarea = HTMLTag("textarea"), details = HTMLTag("details"), summary = HTMLTag("summary")
    static let svg = HTMLTag("svg"), polyline = HTMLTag("polyline"), line = HTMLTag("line")
    static let svgText = HTMLTag("text"), svgTitle = HTMLTag("title"), g = HTMLTag("g"), circle = HTMLTag("circle")
}

/// One attribute; the name is fixed in source, the value is escaped.
struct HTMLAttribute: Sendable {
    let name: String
    let value: String?

    init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }

    static func `class`(_ value: String) -> HTMLAttribute { HTMLAttribute("class", value) }
    static func id(_ value: String) -> HTMLAttribute { HTMLAttribute("id", value) }
    static func href(_ value: String) -> HTMLAttribute { HTMLAttribute("href", value) }
    static func name(_ value: String) -> HTMLAttribute { HTMLAttribute("name", value) }
    static func value(_ value: String) -> HTMLAttribute { HTMLAttribute("value", value) }
    static func type(_ value: String) -> HTMLAttribute { HTMLAttribute("type", value) }
    static func action(_ value: String) -> HTMLAttribute { HTMLAttribute("action", value) }
    static func title(_ value: String) -> HTMLAttribute { HTMLAttribute("title", value) }
    static func style(width percent: Int) -> HTMLAttribute {
        HTMLAttribute("style", "width: \(max(0, min(100, percent)))%")
    }
    static func data(_ key: StaticString, _ value: String) -> HTMLAttribute {
        HTMLAttribute("data-\(key)", value)
    }
    static let postMethod = HTMLAttribute("method", "post")
    static let required = HTMLAttribute("required", nil)
}

/// Builds HTML from statements: HTML values, strings (escaped), conditionals and loops.
@resultBuilder
enum HTMLBuilder {
    static func buildBlock(_ parts: HTML...) -> HTML {
        var html = HTML.empty
        for part in parts { html.append(part) }
        return html
    }
    static func buildExpression(_ html: HTML) -> HTML { html }
    static func buildExpression(_ text: String) -> HTML { .text(text) }
    static func buildOptional(_ html: HTML?) -> HTML { html ?? .empty }
    static func buildEither(first: HTML) -> HTML { first }
    static func buildEither(second: HTML) -> HTML { second }
    static func buildArray(_ parts: [HTML]) -> HTML {
        var html = HTML.empty
        for part in parts { html.append(part) }
        return html
    }
}

// Short names for the elements, so that pages read like the markup they make.
extension HTML {
    static func el(_ tag: HTMLTag, _ attributes: HTMLAttribute..., @HTMLBuilder content: () -> HTML = { .empty })
        -> HTML
    {
        element(tag, attributes, content: content)
    }

    /// A link.
    static func link(_ href: String, _ text: String, _ attributes: HTMLAttribute...) -> HTML {
        element(.a, [.href(href)] + attributes) { text }
    }

    /// A table with a header row and one row per item.
    static func table<Item>(
        _ headers: [String], _ items: [Item], empty: String, @HTMLBuilder row: (Item) -> HTML
    ) -> HTML {
        if items.isEmpty { return el(.p, .class("empty")) { empty } }
        return el(.table) {
            el(.thead) { el(.tr) { for header in headers { el(.th) { header } } } }
            el(.tbody) { for item in items { el(.tr) { row(item) } } }
        }
    }

    /// A `<td>` of text.
    static func cell(_ text: String, _ attributes: HTMLAttribute...) -> HTML {
        element(.td, attributes) { text }
    }
}
