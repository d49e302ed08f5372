import Testing

@testable import AdmiralConsole

@Suite("HTML builder")
struct HTMLTests {
    @Test("text and attribute values are escaped, so a script tag renders as text")
    func escapesText() {
        let html = HTML.el(.p, .title("\"><script>")) { "<script>alert(1)</script> & 'x'" }
        #expect(
            html.markup
                == "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;</p>")
    }
}
