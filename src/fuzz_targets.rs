//! What the fuzzers run (`fuzz/`, see docs/fuzzing.md), and what the corpus replay test
//! runs: each target feeds arbitrary bytes to one untrusted-input path and checks the
//! promises that path makes, so a fuzzer finds broken promises, not only panics.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use crate::diag::Diagnostic;
use crate::load::content::{FileInput, parse_incident, parse_maintenance};
use crate::load::frontmatter;
use crate::render::markdown::render_markdown;
use crate::render::nesting::{MAX_DEPTH, limit_depth};
use crate::render::plain_text::markdown_to_plain;
use crate::serve::host::HostGuard;
use crate::serve::http::{Files, Snapshot, reply};
use crate::serve::reload;
use crate::site::Config;

const SITE_TOML: &str = "title = \"Fuzz\"\nbase_url = \"https://example.com/status/\"\ntimezone = \"Europe/Berlin\"\n\n[[components]]\nid = \"api\"\nname = \"API\"\n";

static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    let mut diags = Vec::new();
    crate::load::config::parse(SITE_TOML, &mut diags).expect("the fuzz site.toml is valid")
});

fn assert_terminal_safe(diags: &[Diagnostic]) {
    for d in diags {
        let text = d.to_string();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a diagnostic reaches the terminal with a control character: {text:?}"
        );
    }
}

/// The front-matter reader and the incident and maintenance parsers.
pub fn front_matter(bytes: &[u8]) {
    let _ = frontmatter::split(bytes);
    let input = FileInput {
        rel: "content/incidents/fuzz.md",
        stem: "2026-01-01-fuzz",
        bytes,
    };
    let mut diags = Vec::new();
    let incident = parse_incident(&input, &CONFIG, CONFIG.timezone, &mut diags);
    if incident.is_none() {
        assert!(
            diags.iter().any(Diagnostic::is_error),
            "an incident was refused without an error"
        );
    }
    assert_terminal_safe(&diags);
    let mut diags = Vec::new();
    let _ = parse_maintenance(&input, &CONFIG, CONFIG.timezone, &mut diags);
    assert_terminal_safe(&diags);
}

/// The Markdown path: pages (fast and sanitised), plain text, the nesting bound.
pub fn markdown(bytes: &[u8]) {
    let Ok(md) = std::str::from_utf8(bytes) else {
        return;
    };
    // A post-mortem timeline's entries are rendered on their own: sanitised as well.
    if let Some(tl) =
        crate::model::timeline::read(md, 1, chrono::DateTime::UNIX_EPOCH, chrono_tz::Tz::UTC)
    {
        for e in &tl.entries {
            let entry = render_markdown(&e.text).html.to_ascii_lowercase();
            assert!(
                !entry.contains("<script"),
                "script in a timeline entry: {entry:?}"
            );
        }
    }
    let html = render_markdown(md).html;
    let lower = html.to_ascii_lowercase();
    // Every `<` left is a real tag (text spells it `&lt;`); `javascript:` targets are
    // looked for inside tags only, as text they are harmless.
    for forbidden in ["<script", "<iframe", "<style", "<object", "<embed"] {
        assert!(
            !lower.contains(forbidden),
            "{forbidden} in rendered HTML: {html:?}"
        );
    }
    for attr in ["href=\"javascript:", "src=\"javascript:"] {
        for (at, _) in lower.match_indices(attr) {
            let before = &lower[..at];
            let in_tag = before.rfind('<') > before.rfind('>');
            assert!(!in_tag, "{attr} in a tag of the rendered HTML: {html:?}");
        }
    }
    assert!(
        !html
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "a control character in rendered HTML: {html:?}"
    );
    // The sanitised output is well-formed: its nesting is what the parser built, which
    // the bound keeps at MAX_DEPTH (plus the paragraph or list around raw HTML).
    assert!(
        open_depth(&html) <= MAX_DEPTH + 2,
        "nesting beyond the bound: {md:?}"
    );
    let _ = markdown_to_plain(md);
    assert!(limit_depth(md).len() <= md.len());
}

/// The deepest nesting of `<div>` in `s` (a cheap check of the bound's promise for the
/// element fuzzers reach most easily).
fn open_depth(s: &str) -> usize {
    let lower = s.to_ascii_lowercase();
    let mut depth = 0usize;
    let mut max = 0;
    let mut i = 0;
    while let Some(off) = lower[i..].find("<") {
        let at = i + off;
        let rest = &lower[at..];
        if rest.starts_with("<div>") {
            depth += 1;
        } else if rest.starts_with("</div>") {
            depth = depth.saturating_sub(1);
        } else if rest.starts_with("<div") {
            // Attributes may hide a `>`; leave such input to the unit tests.
            return 0;
        }
        max = max.max(depth);
        i = at + 1;
    }
    max
}

static SITE: LazyLock<Snapshot> = LazyLock::new(|| {
    let mut files = Files::new();
    for (k, v) in [
        ("index.html", "<html><body>home</body></html>"),
        ("404.html", "<html><body>lost</body></html>"),
        ("incidents/a/index.html", "<p>a"),
        ("feed.xml", "<rss/>"),
    ] {
        files.insert(k.to_string(), Arc::new(v.as_bytes().to_vec()));
    }
    Snapshot {
        generation: 1,
        prefix: "/status/".into(),
        files: Some(Arc::new(files)),
        error: None,
    }
});

/// Serve's request handling: the target (paths), Host/Origin, event formatting, and
/// base URLs. Input: target, Host and Origin on the first three lines, the rest event
/// data.
pub fn serve_request(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let mut parts = text.splitn(4, '\n');
    let target = parts.next().unwrap_or("");
    let host = parts.next();
    let origin = parts.next();
    let data = parts.next().unwrap_or("");

    let r = reply(&SITE, target);
    if let Some(loc) = &r.location {
        assert!(
            loc.starts_with('/') && !loc.starts_with("//") && !loc.contains('\\'),
            "redirect off the server: {target:?} -> {loc:?}"
        );
        assert!(!loc.chars().any(char::is_control), "{loc:?}");
    }
    if r.status == 200 {
        let files: &HashMap<String, Arc<Vec<u8>>> = SITE.files.as_ref().expect("built");
        assert!(
            files
                .values()
                .any(|f| r.bytes().starts_with(&f[..f.len().min(6)])),
            "200 for {target:?} without a file"
        );
        // The query may hold anything; the path never steps up.
        let path = target.split(['?', '#']).next().unwrap_or("");
        assert!(!path.contains(".."), "200 for {target:?}");
    }

    let guard = HostGuard::new("127.0.0.1:1111".parse().expect("an address"));
    if guard
        .check(host.map(str::as_bytes), origin.map(str::as_bytes))
        .is_ok()
    {
        let host = host.unwrap_or("").to_ascii_lowercase();
        assert!(
            host.ends_with(":1111")
                && (host.starts_with("localhost:")
                    || host.starts_with("127.")
                    || host.starts_with("[")),
            "accepted Host {host:?}"
        );
    }

    let event = reload::event("error", data);
    for line in event.split('\n') {
        assert!(!line.contains('\r'), "CR in an event line: {event:?}");
        assert!(
            line.is_empty() || line.starts_with("data: ") || line == "event: error",
            "a forged field: {line:?}"
        );
    }

    if crate::base_url::check(target).is_ok() {
        let urls = crate::render::urls::Urls::new(target);
        let path = urls.base_path();
        assert!(
            path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'),
            "base URL {target:?} gives path {path:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every saved input of every target still passes (the corpus lives in fuzz/corpus).
    #[test]
    fn corpus_replays_cleanly() {
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 3] = [
            ("front_matter", front_matter),
            ("markdown", markdown),
            ("serve_request", serve_request),
        ];
        for (name, run) in targets {
            let dir = base.join(name);
            let mut count = 0;
            for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = e.unwrap().path();
                run(&std::fs::read(&path).unwrap());
                count += 1;
            }
            assert!(count > 0, "no corpus for {name}");
        }
    }
}
