//! Sites that use the built-in templates unchanged render through their compiled form
//! (`render::compiled`, translated from the Tera templates by build.rs), which must give exactly the bytes the Tera theme gives: every
//! file of the demo, every fixture site and a generated site, with and without drafts,
//! at instants that put incidents and maintenance in every state.

mod common;

#[path = "../examples/gen-site.rs"]
#[allow(dead_code)]
mod gen_site;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use statusgen::build::render_with_theme;
use statusgen::load::{LoadOptions, load_site};
use statusgen::render::theme::Theme;

const INSTANTS: &[&str] = &[
    common::NOW,
    "2026-03-14T10:45:00+01:00",
    "2026-11-26T00:00:00Z",
];

/// Renders `root` both ways and returns how many files were compared.
fn assert_same_both_ways(root: &Path, drafts: bool, now: &str) -> usize {
    let opts = LoadOptions {
        drafts,
        ..LoadOptions::default()
    };
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(now).unwrap().into();
    let loaded = load_site(root, &opts);
    let site = loaded
        .site
        .unwrap_or_else(|| panic!("{}: {:?}", root.display(), loaded.diagnostics));
    let theme = Theme::load(root, &site.config.theme).unwrap();
    assert!(
        theme.renders_compiled("index.html"),
        "{} overrides no template",
        root.display()
    );
    let compiled = render_with_theme(&site, now, &theme, None).unwrap();
    let tera = render_with_theme(&site, now, &theme.tera_only(), None).unwrap();
    assert_eq!(compiled.len(), tera.len());
    for (c, t) in compiled.iter().zip(&tera) {
        assert_eq!(c.path, t.path);
        if c.bytes != t.bytes {
            let (a, b) = (
                String::from_utf8_lossy(&c.bytes),
                String::from_utf8_lossy(&t.bytes),
            );
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            let line = line.unwrap_or(a.lines().count().min(b.lines().count()));
            panic!(
                "{} {} (drafts {drafts}, now {now}): compiled and Tera differ at line {}:\ncompiled: {:?}\ntera:     {:?}",
                root.display(),
                c.path,
                line + 1,
                a.lines().nth(line),
                b.lines().nth(line),
            );
        }
    }
    compiled.len()
}

fn sites() -> Vec<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sites = vec![repo.to_path_buf()];
    for name in [
        "basic",
        "hostile",
        "serve-site",
        "lint-all",
        "lint-clean",
        "truth",
        "branded",
        "measured",
    ] {
        sites.push(common::fixture(name));
    }
    for name in ["statuses", "uptime-hard", "uptime-maint"] {
        sites.push(repo.join("tests/acceptance/sites").join(name));
    }
    sites
}

#[test]
fn compiled_templates_render_what_tera_renders() {
    for root in sites() {
        for drafts in [false, true] {
            for now in INSTANTS {
                assert_same_both_ways(&root, drafts, now);
            }
        }
    }
}

/// The demo in every shipped language: `t(k=…)` with placeholders and plural forms
/// gives the same bytes through the Tera function and the compiled method chain.
#[test]
fn compiled_templates_render_what_tera_renders_in_every_language() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    for lang in statusgen::i18n::SHIPPED {
        let tmp = tempfile::tempdir().unwrap();
        common::copy_dir(&repo.join("content"), &tmp.path().join("content"));
        std::fs::write(
            tmp.path().join("site.toml"),
            config.replace(
                "\nlanguage = \"en\"\n",
                &format!("\nlanguage = \"{}\"\n", lang.code),
            ),
        )
        .unwrap();
        assert!(assert_same_both_ways(tmp.path(), false, INSTANTS[2]) > 20);
    }
}

#[test]
fn compiled_templates_render_what_tera_renders_on_a_generated_site() {
    let tmp = tempfile::tempdir().unwrap();
    gen_site::run(&gen_site::Args {
        n: 1200,
        dir: tmp.path().to_path_buf(),
        seed: 7,
    })
    .unwrap();
    // Long enough for paginated history and component pages.
    let files = assert_same_both_ways(tmp.path(), true, "2026-11-26T00:00:00Z");
    assert!(files > 1200);
}

#[test]
fn an_overridden_template_is_what_every_page_renders_with() {
    let (tmp, site) = common::copy_fixture("basic");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(repo.join("themes/default/templates/base.html")).unwrap();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/base.html"),
        base.replace("<body>", "<body data-theme=\"ours\">"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    let o = common::build(&site, &out, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pages: Vec<_> = common::tree(&out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 5, "{} pages", pages.len());
    for (path, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains("<body data-theme=\"ours\">"), "{path}");
    }
}

#[test]
fn overriding_one_page_template_leaves_the_other_pages_as_they_were() {
    let (tmp, site) = common::copy_fixture("basic");
    let plain = tmp.path().join("plain");
    let o = common::build(&site, &plain, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let incident =
        std::fs::read_to_string(repo.join("themes/default/templates/incident.html")).unwrap();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/incident.html"),
        incident.replace(
            "<article class=\"incident\">",
            "<article class=\"incident ours\">",
        ),
    )
    .unwrap();
    let custom = tmp.path().join("custom");
    let o = common::build(&site, &custom, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    let (plain, custom) = (common::tree(&plain), common::tree(&custom));
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        custom.keys().collect::<Vec<_>>()
    );
    let mut incident_pages = 0;
    for (path, bytes) in &custom {
        let html = String::from_utf8_lossy(bytes);
        if path.starts_with("incidents/") && path.ends_with("/index.html") {
            incident_pages += 1;
            assert!(html.contains("<article class=\"incident ours\">"), "{path}");
            let back = html.replace(
                "<article class=\"incident ours\">",
                "<article class=\"incident\">",
            );
            assert!(back.as_bytes() == plain[path].as_slice(), "{path}");
        } else {
            assert!(*bytes == plain[path], "{path} changed");
        }
    }
    assert!(incident_pages > 0);
}
