/// The console's stylesheet, script and icon, compiled into the binary: the console
/// needs nothing from the internet and no build step besides `swift build`.
enum Assets {
    struct Asset: Sendable {
        var contentType: String
        var content: String
        /// A fingerprint of the content: pages name an asset with it (`?v=`), so a
        /// browser keeps the asset until a new build changes it.
        var version: String { Assets.fingerprint(content) }
    }

    /// The address pages name an asset by: with its version, so that it is cached.
    static func path(_ name: String) -> String {
        let base = Console.pathPrefix + "/assets/" + name
        return versions[name].map { base + "?v=" + $0 } ?? base
    }

    /// Each asset's version, computed once.
    static let versions: [String: String] = named.mapValues(\.version)

    /// FNV-1a (64 bits) of the content in hex: enough to tell builds' assets apart.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    static let named: [String: Asset] = [
        "console.css": Asset(contentType: "text/css; charset=utf-8", content: stylesheet),
        "console.js": Asset(contentType: "text/javascript; charset=utf-8", content: script),
        "admiral.svg": Asset(contentType: "image/svg+xml", content: icon),
    ]

    /// Swaps pushed fragments into the page. The fragments are HTML rendered (and
    /// escaped) by the server, the same as the page itself.
    static let script = """
        "use strict";
        (function () {
          var body = document.body;
          var live = body.getAttribute("data-live");
          var status = document.getElementById("live-status");
          function say(text) { if (status) { status.textContent = text; } }
          if (!live || !window.EventSource) { say(""); return; }
          // The stream opens once the page has loaded: its first changes wait for the
          // page to be drawn rather than compete with it.
          function open() {
            var source = new EventSource(live);
            source.addEventListener("open", function () { say("live"); });
            source.addEventListener("error", function () { say("reconnecting"); });
            source.addEventListener("fragments", function (event) {
              var fragments = JSON.parse(event.data);
              Object.keys(fragments).forEach(function (id) {
                var node = document.getElementById(id);
                if (node) { node.innerHTML = fragments[id]; }
              });
              body.setAttribute("data-updated", String(Date.now()));
              say("live");
            });
            source.addEventListener("signed-out", function () {
              source.close();
              window.location.reload();
            });
          }
          if (document.readyState === "complete") { open(); } else { window.addEventListener("load", open); }
        })();

        """

    static let stylesheet = """
        :root { --ink: #1d2430; --muted: #5d6778; --line: #d9dee7; --accent: #1f5fbf; --ok: #1a7f37;
          --bad: #b42318; --warn: #9a6700; --bg: #f6f8fb; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
          background: var(--bg); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        header.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #14213d;
          color: #fff; }
        header.top a { color: #fff; }
        header.top .brand { font-weight: 700; font-size: 16px; }
        header.top nav { display: flex; gap: 16px; flex: 1; }
        header.top .who { display: flex; align-items: center; gap: 12px; }
        .live-status { font-size: 12px; color: #b8c4d9; }
        main { padding: 16px 24px 48px; max-width: 1400px; }
        main.sign-in { max-width: 420px; margin: 10vh auto; background: #fff; border: 1px solid var(--line);
          border-radius: 8px; padding: 24px; }
        main.sign-in label { display: block; margin: 12px 0; }
        main.sign-in input { display: block; width: 100%; margin-top: 4px; padding: 6px 8px; }
        nav.crumbs { color: var(--muted); margin-bottom: 4px; }
        nav.crumbs .sep { margin: 0 6px; }
        h1 { font-size: 22px; margin: 4px 0 16px; }
        h2 { font-size: 17px; margin: 24px 0 8px; }
        h3 { font-size: 14px; margin: 16px 0 8px; color: var(--muted); }
        h4 { margin: 0 0 8px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef2f7; font-weight: 600; }
        .counts { display: flex; gap: 12px; margin-bottom: 12px; }
        .count { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; }
        .count .label { color: var(--muted); text-transform: capitalize; }
        .count .value { font-size: 20px; margin-left: 4px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-all; }
        .instances { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
        .resource { display: grid; grid-template-columns: 64px 1fr; gap: 2px 8px; align-items: center;
          margin: 4px 0; }
        .resource meter { width: 100%; height: 14px; grid-column: 2; }
        .resource meter.used { height: 8px; }
        .resource .figures { grid-column: 2; font-size: 12px; color: var(--muted); }
        .badge { font-size: 11px; font-weight: 600; padding: 2px 6px; border-radius: 10px; background: #eef2f7; }
        .badge.ok, .badge.active, .badge.completed { background: #dcf5e3; color: var(--ok); }
        .badge.bad, .badge.failed { background: #fde4e1; color: var(--bad); }
        .badge.draining, .badge.in_progress { background: #fff3cd; color: var(--warn); }
        .actions { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
        form.action { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
        form.inline { display: inline; }
        .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px 16px;
          margin-bottom: 8px; }
        .fields label { display: flex; flex-direction: column; gap: 2px; color: var(--muted); }
        .fields input, .fields select { padding: 4px 6px; font: inherit; color: var(--ink); }
        form.action input[type=number] { width: 80px; margin: 0 8px; }
        button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid #9aa6b8; background: #fff;
          cursor: pointer; }
        button.danger { border-color: var(--bad); color: var(--bad); }
        .error { color: var(--bad); font-weight: 600; }
        label .error { display: block; margin-top: 0.2rem; }
        [aria-invalid="true"] { border-color: var(--bad); outline: 1px solid var(--bad); }
        .empty, .note { color: var(--muted); }
        ol.events { list-style: none; padding: 0; margin: 0; background: #fff; border: 1px solid var(--line); }
        ol.events li { padding: 4px 10px; border-bottom: 1px solid var(--line); }
        ol.events time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 8px; }
        pre.json { background: #fff; border: 1px solid var(--line); padding: 12px; overflow: auto; }
        textarea.json { width: 100%; font: 12px/1.4 ui-monospace, monospace; }
        pre.diff span { display: block; }
        pre.diff .removed { background: #fde4e1; }
        pre.diff .added { background: #dcf5e3; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
        .chart h3 { margin: 0 0 4px; color: var(--ink); }
        .chart svg { width: 100%; height: auto; }
        .chart .grid { stroke: var(--line); stroke-width: 1; }
        .chart .axis { fill: var(--muted); font-size: 14px; }
        .chart .threshold { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
        .chart .threshold-label { fill: var(--bad); font-size: 14px; }
        .chart polyline.series { fill: none; stroke-width: 2; }
        .chart .s0 { stroke: #1f5fbf; fill: #1f5fbf; } .chart .s1 { stroke: #c2410c; fill: #c2410c; }
        .chart .s2 { stroke: #1a7f37; fill: #1a7f37; } .chart .s3 { stroke: #7c3aed; fill: #7c3aed; }
        .legend .key { font-size: 12px; padding-left: 14px; position: relative; margin-right: 10px; }
        .legend .key::before { content: ""; position: absolute; left: 0; top: 7px; width: 10px; height: 3px; }
        .legend .s0::before { background: #1f5fbf; } .legend .s1::before { background: #c2410c; }
        .legend .s2::before { background: #1a7f37; } .legend .s3::before { background: #7c3aed; }
        ul.history { margin: 0; padding-left: 16px; font-size: 12px; }
        pre.logs { background: #0f1623; color: #d8e1ee; padding: 10px 12px; overflow: auto; max-height: 420px;
          font: 12px/1.45 ui-monospace, monospace; }
        ul.env, ul.task-list { margin: 0; padding-left: 16px; }
        .attributes code { font-size: 11px; background: #eef2f7; padding: 1px 4px; border-radius: 4px; }

        """

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" \
        fill="#14213d"/><path d="M16 5v20M9 11h14M8 19c2 5 14 5 16 0" stroke="#fff" stroke-width="2.5" \
        fill="none" stroke-linecap="round"/></svg>

        """
}
