import Foundation

/// What a page needs to know about the request: who is signed in, the query, and the
/// errors of a refused action, by the form they concern.
struct ViewContext: Sendable {
    var session: SessionStore.Session
    var query: FormData
    /// A refused action's message, keyed by the form's name (`scale`, `stop`, ...).
    var errors: [String: String]
    /// The field a refused form's message concerns, by form name: the message is shown
    /// beside that field rather than under the form.
    var errorFields: [String: String] = [:]
    /// What a refused form held, shown again in it (by field name).
    var values: [String: String] = [:]
    /// Whether the page is rendered for its event stream, which sends only the live
    /// sections: the others (metrics, forms) need not be computed.
    var streaming = false
    /// The query string as the browser sent it, kept in the page's event stream address.
    var rawQuery = ""
    /// What the forms carry as their anti-CSRF token instead of the session's: a live
    /// render shared by several sessions carries a placeholder each stream replaces.
    var csrfTokenOverride: String?

    var csrfToken: String { csrfTokenOverride ?? session.csrfToken }
}

/// A rendered page: its title, where it sits, and its sections; live sections are
/// re-rendered and pushed to the open page as they change.
struct Page: Sendable {
    struct Section: Sendable {
        /// The element id the live script swaps the section's content into.
        var id: String
        var live: Bool
        var content: HTML
    }

    var title: String
    var breadcrumbs: [(title: String, path: String?)]
    var sections: [Section]
    var status: Int = 200

    /// Whether any section is live (the page then opens an event stream).
    var isLive: Bool { sections.contains { $0.live } }

    init(title: String, breadcrumbs: [(title: String, path: String?)], sections: [Section]) {
        self.title = title
        self.breadcrumbs = breadcrumbs
        self.sections = sections
    }

    static func section(_ id: String, live: Bool = false, @HTMLBuilder _ content: () -> HTML) -> Section {
        Section(id: id, live: live, content: content())
    }
}

/// The frame of every page: head, navigation, the signed-in user, sign-out.
enum Layout {
    static func document(title: String, live: String?, @HTMLBuilder body: () -> HTML) -> HTML {
        var bodyAttributes: [HTMLAttribute] = []
        if let live { bodyAttributes.append(.data("live", live)) }
        return HTML.trusted("<!DOCTYPE html>")
            + .el(.html, HTMLAttribute("lang", "en")) {
                HTML.el(.head) {
                    HTML.el(.meta, HTMLAttribute("charset", "utf-8"))
                    HTML.el(.meta, .name("viewport"), HTMLAttribute("content", "width=device-width, initial-scale=1"))
                    HTML.el(.title) { title + " · Admiral" }
                    HTML.el(.link, HTMLAttribute("rel", "stylesheet"), .href(Assets.path("console.css")))
                    HTML.el(.link, HTMLAttribute("rel", "icon"), .href(Assets.path("admiral.svg")))
                    HTML.el(.script, HTMLAttribute("src", Assets.path("console.js")), HTMLAttribute("defer", nil))
                }
                HTML.element(.body, bodyAttributes, content: body)
            }
    }

    static func render(_ page: Page, view: ViewContext, path: String) -> HTML {
        let live = view.rawQuery.isEmpty ? path : path + "?" + view.rawQuery
        return document(title: page.title, live: page.isLive ? live : nil) {
            HTML.el(.header, .class("top")) {
                HTML.link(Paths.home, "Admiral", .class("brand"))
                HTML.el(.nav) {
                    HTML.link(Paths.home, "Clusters")
                    HTML.link(Paths.taskDefinitions, "Task definitions")
                    HTML.link(Paths.loadBalancers, "Load balancers")
                }
                HTML.el(.div, .class("who")) {
                    HTML.el(.span, .id("live-status"), .class("live-status")) { page.isLive ? "connecting" : "" }
                    HTML.el(.span) { "Signed in as " + view.session.user.name }
                    HTML.el(.form, .postMethod, .action(Paths.signOut), .class("inline")) {
                        csrfField(view)
                        HTML.el(.button, .type("submit")) { "Sign out" }
                    }
                }
            }
            HTML.el(.main) {
                HTML.el(.nav, .class("crumbs")) {
                    for (index, crumb) in page.breadcrumbs.enumerated() {
                        if index > 0 { HTML.el(.span, .class("sep")) { "/" } }
                        if let path = crumb.path {
                            HTML.link(path, crumb.title)
                        } else {
                            HTML.el(.span) { crumb.title }
                        }
                    }
                }
                HTML.el(.h1) { page.title }
                for section in page.sections {
                    HTML.element(.div, [.id(section.id)] + (section.live ? [.data("fragment", "live")] : [])) {
                        section.content
                    }
                }
            }
        }
    }

    static func signIn(csrfToken: String, error: String?) -> HTML {
        document(title: "Sign in", live: nil) {
            HTML.el(.main, .class("sign-in")) {
                HTML.el(.h1) { "Sign in to Admiral" }
                HTML.el(.p) { "Use an access key of one of the server's principals, as for the aws CLI." }
                if let error { HTML.el(.p, .class("error"), HTMLAttribute("role", "alert")) { error } }
                HTML.el(.form, .postMethod, .action(Paths.signIn)) {
                    HTML.el(.input, .type("hidden"), .name(Console.csrfField), .value(csrfToken))
                    HTML.el(.label) {
                        "Access key id"
                        HTML.el(
                            .input, .type("text"), .name("accessKeyId"), .required,
                            HTMLAttribute("autocomplete", "username"))
                    }
                    HTML.el(.label) {
                        "Secret access key"
                        HTML.el(
                            .input, .type("password"), .name("secretAccessKey"), .required,
                            HTMLAttribute("autocomplete", "current-password"))
                    }
                    HTML.el(.button, .type("submit")) { "Sign in" }
                }
            }
        }
    }

    /// The hidden anti-CSRF field every form carries.
    static func csrfField(_ view: ViewContext) -> HTML {
        .el(.input, .type("hidden"), .name(Console.csrfField), .value(view.csrfToken))
    }

    /// A POST form with the anti-CSRF field and, when the action was refused, its message.
    static func form(
        _ name: String, action: String, view: ViewContext, @HTMLBuilder fields: () -> HTML
    ) -> HTML {
        HTML.el(.form, .postMethod, .action(action), .class("action"), .data("form", name)) {
            csrfField(view)
            fields()
            if let error = view.errors[name], view.errorFields[name] == nil {
                HTML.el(.p, .class("error"), HTMLAttribute("role", "alert")) { error }
            }
        }
    }

    /// A refused form's message when it concerns `field`, to follow that field.
    static func fieldError(_ form: String, _ field: String, view: ViewContext) -> HTML {
        guard view.errorFields[form] == field, let error = view.errors[form] else { return .empty }
        return HTML.el(
            .span, .class("error"), .id(errorId(form, field)), .data("field", field), HTMLAttribute("role", "alert")
        ) { error }
    }

    /// What marks a field as the one a refused form's message concerns (for screen readers).
    static func fieldAttributes(_ form: String, _ field: String, view: ViewContext) -> [HTMLAttribute] {
        guard view.errorFields[form] == field, view.errors[form] != nil else { return [] }
        return [HTMLAttribute("aria-invalid", "true"), HTMLAttribute("aria-describedby", errorId(form, field))]
    }

    static func errorId(_ form: String, _ field: String) -> String { "error-\(form)-\(field)" }

    static func notFound(_ what: String, view: ViewContext) -> Page {
        var page = Page(
            title: "Not found", breadcrumbs: [("Clusters", Paths.home)],
            sections: [Page.section("missing") { HTML.el(.p) { what } }])
        page.status = 404
        return page
    }
}
