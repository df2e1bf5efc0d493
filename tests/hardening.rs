//! Hostile sites and arguments through the real binary: links out of the site root,
//! special files, bad base URLs, terminal escapes. Each must fail with a clear message,
//! exit 1 (2 for a bad argument), and leave the previous output untouched.

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use common::{NOW, build, copy_fixture, stderr, tree};

fn build_with_timeout(site: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build".to_string(),
        "--root".into(),
        site.display().to_string(),
        "--output".into(),
        out.display().to_string(),
        "--now".into(),
        NOW.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .args(&args)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

/// A named pipe at `path`: reading it would wait for a writer forever.
fn make_fifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
}

/// A built site whose output must survive the next, failing, build.
fn built_basic() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("public");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    (tmp, site, out)
}

fn fails_clearly(site: &Path, out: &Path, needles: &[&str]) {
    let before = tree(out);
    let o = build_with_timeout(site, out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for n in needles {
        assert!(err.contains(n), "no {n:?} in {err}");
    }
    assert_eq!(tree(out), before, "the previous output changed");
}

#[test]
fn a_content_folder_linked_outside_the_root_is_refused() {
    let (tmp, site, out) = built_basic();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::rename(site.join("content"), &elsewhere).unwrap();
    symlink(&elsewhere, site.join("content")).unwrap();
    fails_clearly(&site, &out, &["content", "leads outside the site root"]);

    // One level down: content/incidents.
    std::fs::remove_file(site.join("content")).unwrap();
    std::fs::rename(&elsewhere, site.join("content")).unwrap();
    let incidents = site.join("content/incidents");
    std::fs::rename(&incidents, &elsewhere).unwrap();
    symlink(&elsewhere, &incidents).unwrap();
    fails_clearly(
        &site,
        &out,
        &[
            "content/incidents leads outside the site root",
            "copy the file or folder into the site",
        ],
    );
}

#[test]
fn site_toml_must_be_a_regular_file_inside_the_root() {
    let (_tmp, site, out) = built_basic();
    std::fs::remove_file(site.join("site.toml")).unwrap();
    symlink("/dev/zero", site.join("site.toml")).unwrap();
    fails_clearly(
        &site,
        &out,
        &["site.toml leads outside the site root, to /dev/zero"],
    );

    std::fs::remove_file(site.join("site.toml")).unwrap();
    make_fifo(&site.join("site.toml"));
    // Must not hang waiting for a writer.
    fails_clearly(
        &site,
        &out,
        &["site.toml is a FIFO (named pipe), not a regular file"],
    );
}

#[test]
fn symlink_loops_are_called_loops() {
    let (_tmp, site, out) = built_basic();
    let a = site.join("content/incidents/a.md");
    symlink(&a, &a).unwrap();
    fails_clearly(&site, &out, &["content/incidents/a.md is a symlink loop"]);
}

#[test]
fn an_output_inside_a_linked_content_folder_is_refused() {
    let (tmp, site) = copy_fixture("basic");
    let real = site.join("real-content");
    std::fs::rename(site.join("content"), &real).unwrap();
    symlink(&real, site.join("content")).unwrap();
    let o = build(&site, &real.join("public"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("content folder"), "{}", stderr(&o));
    drop(tmp);
}

fn set_base_url(site: &Path, url: &str) {
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let replaced: String = toml
        .lines()
        .map(|l| {
            if l.starts_with("base_url") {
                format!("base_url = {}\n", toml_string(url))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(replaced.contains("base_url"));
    std::fs::write(site.join("site.toml"), replaced).unwrap();
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const HOSTILE_URLS: &[&str] = &[
    "https://x.example//evil.example/",
    "https://x.example\\evil.example/",
    "//status/",
    "https://x.example/a b/",
    "https://x.example/\r\nX: y",
    "https://x.example/?q",
    "https://x.example/#f",
    "https:///status/",
];

#[test]
fn hostile_base_urls_are_refused_in_site_toml_and_on_the_command_line() {
    let (_tmp, site, out) = built_basic();
    let good = std::fs::read_to_string(site.join("site.toml")).unwrap();
    for url in HOSTILE_URLS {
        set_base_url(&site, url);
        fails_clearly(&site, &out, &["site.toml", "base_url"]);
        std::fs::write(site.join("site.toml"), &good).unwrap();
        let before = tree(&out);
        let o = build_with_timeout(&site, &out, &["--base-url", url]);
        assert_eq!(o.status.code(), Some(1), "{url}: {}", stderr(&o));
        assert!(stderr(&o).contains("--base-url"), "{}", stderr(&o));
        assert!(!stderr(&o).contains('\r'), "{}", stderr(&o));
        assert_eq!(tree(&out), before);
    }
}

#[test]
fn escape_sequences_in_content_reach_the_terminal_escaped() {
    let (_tmp, site) = copy_fixture("basic");
    let file = site.join("content/incidents/2026-04-14-api-slow.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            "impact =",
            "\"\\u001b]0;owned\\u0007\\u001b[2J\" = 1\nimpact =",
            1,
        ),
    )
    .unwrap();
    for cmd in ["check", "build"] {
        let o = assert_cmd::Command::cargo_bin("statusgen")
            .unwrap()
            .args([cmd, "--root"])
            .arg(&site)
            .args(["--now", NOW])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(err.contains("\\u{1b}]0;owned\\u{7}"), "{cmd}: {err}");
        assert!(
            !err.contains(['\x1b', '\x07']),
            "{cmd}: raw escapes in {err:?}"
        );
    }
}

/// Work, not time: 100k updates sharing one time and status each get their own id
/// (the occurrence count comes from a map, not a scan of the ones before), and the
/// incident's JSON grows linearly with them.
#[test]
fn a_hundred_thousand_updates_render_with_distinct_ids() {
    use statusgen::load::{LoadOptions, load_site};
    let (_tmp, site_dir) = copy_fixture("basic");
    let mut site = load_site(&site_dir, &LoadOptions::default()).site.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let sizes = [10_000, 100_000];
    let mut bytes = Vec::new();
    for n in sizes {
        let i = &mut site.incidents[0];
        let first = i.updates[0].clone();
        i.updates = vec![first; n];
        let files = statusgen::render::api::render_api(
            &site,
            &statusgen::model::derived::Derived::new(&site, now),
        );
        let incidents = files
            .iter()
            .find(|f| f.path == "api/v2/incidents.json")
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&incidents.bytes).unwrap();
        let slug = &site.incidents[0].slug;
        let inc = json["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["shortlink"].as_str().unwrap().contains(slug.as_str()))
            .unwrap();
        let ids: std::collections::HashSet<&str> = inc["incident_updates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), n);
        bytes.push(incidents.bytes.len());
    }
    // Ten times the updates, about ten times the output: no per-update blow-up.
    let ratio = bytes[1] as f64 / bytes[0] as f64;
    assert!((9.0..11.0).contains(&ratio), "{bytes:?}");
}

/// Structure, not time: 100k nested `<div>`s reach the sanitiser at most
/// MAX_DEPTH deep, so the parser's work per tag is bounded; text survives.
#[test]
fn a_hundred_thousand_nested_elements_are_cut_to_a_bounded_depth() {
    use statusgen::render::markdown::render_markdown;
    use statusgen::render::nesting::MAX_DEPTH;
    let n = 100_000;
    let md = format!("{}deep text{}\n", "<div>".repeat(n), "</div>".repeat(n));
    let html = render_markdown(&md).html;
    assert!(html.contains("deep text"));
    assert_eq!(html.matches("<div>").count(), MAX_DEPTH);
    assert_eq!(html.matches("</div>").count(), MAX_DEPTH);
    // A quote inside a tag name does not hide the tags after it (a fuzzing finding).
    let md = format!("{}<dtion=\"v>{}x\n", "<div>".repeat(n), "<div>".repeat(n));
    assert!(render_markdown(&md).html.matches("<div>").count() <= MAX_DEPTH);
    let md = "<span><em>".repeat(n);
    let html = render_markdown(&md).html;
    let (em, span) = (html.matches("<em>").count(), html.matches("<span>").count());
    // The parser may reopen up to three of one formatting element after the paragraph.
    assert!(em + span <= MAX_DEPTH + 3, "{em} {span}");
    let md: String = (0..n).map(|i| format!("<em a={i}>x</p>\n")).collect();
    let html = render_markdown(&md).html;
    assert!(html.matches("<em").count() <= MAX_DEPTH + 3);
}

#[test]
fn a_component_name_is_text_in_the_rss_channel_description() {
    let (tmp, site) = copy_fixture("basic");
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        toml.replace(
            "name = \"Public API\"",
            "name = \"API <img src=x onerror=alert(1)>\"",
        ),
    )
    .unwrap();
    let out = tmp.path().join("public");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let feed = std::fs::read_to_string(out.join("components/api/feed.xml")).unwrap();
    let description = feed
        .lines()
        .find(|l| l.trim_start().starts_with("<description>Incidents"))
        .unwrap();
    // XML-decoded once by the feed parser, the reader still sees escaped text.
    assert!(
        description.contains("API &amp;lt;img src=x onerror=alert(1)&amp;gt;"),
        "{description}"
    );
}

#[test]
fn source_date_epoch_beyond_9999_is_refused() {
    let (tmp, site) = copy_fixture("basic");
    for (epoch, ok) in [
        ("253402300799", true),
        ("253402300800", false),
        ("-1", false),
    ] {
        let o = assert_cmd::Command::cargo_bin("statusgen")
            .unwrap()
            .args(["build", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(tmp.path().join("public"))
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(o.status.success(), ok, "{epoch}: {}", stderr(&o));
        if !ok {
            assert_eq!(o.status.code(), Some(2));
            assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"), "{}", stderr(&o));
        }
    }
}

#[test]
fn language_must_be_a_language_tag() {
    let (_tmp, site, out) = built_basic();
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        format!("language = \"en\\\"><script>x</script>\"\n{toml}"),
    )
    .unwrap();
    fails_clearly(
        &site,
        &out,
        &["site.toml:1:", "is not a language tag", "pt-BR"],
    );
}

#[test]
fn utf16_files_are_named_as_such() {
    let (_tmp, site, out) = built_basic();
    let file = site.join("content/incidents/2026-04-14-api-slow.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&file, bytes).unwrap();
    fails_clearly(
        &site,
        &out,
        &[
            "2026-04-14-api-slow.md",
            "is UTF-16 text, not UTF-8",
            "save the file as UTF-8",
        ],
    );
}

#[test]
fn commands_that_read_only_site_toml_refuse_a_fifo_too() {
    let (_tmp, site) = copy_fixture("basic");
    std::fs::remove_file(site.join("site.toml")).unwrap();
    make_fifo(&site.join("site.toml"));
    let o = assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .args(["new", "incident", "Title", "--root"])
        .arg(&site)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("site.toml is a FIFO"), "{}", stderr(&o));
}
