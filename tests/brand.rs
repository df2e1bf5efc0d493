//! `[brand]` and `[announcement]` with the real binary on the branded fixture: all of
//! it rendered with no template override, a low-contrast accent refused with its
//! ratio (and the previous output kept), the announcement gone once it expires, and the
//! favicon following the overall status.

mod common;

use std::path::Path;
use std::process::Output;

/// The fixture's incident is ongoing at this instant (partial outage of Checkout).
const NOW: &str = "2026-11-26T12:00:00Z";

fn build_at(root: &Path, out: &Path, now: &str) -> Output {
    common::build_at(root, out, now, &[])
}

fn pages(out: &Path) -> Vec<(String, String)> {
    common::tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn the_branded_fixture_renders_all_of_it_without_a_template_override() {
    let (tmp, site) = common::copy_fixture("branded");
    assert!(!site.join("templates").exists() && !site.join("themes").exists());
    let out = tmp.path().join("public");
    let o = build_at(&site, &out, NOW);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files = common::tree(&out);

    // The site's files, copied byte for byte under brand/.
    for rel in [
        "assets/northwind.svg",
        "assets/northwind-dark.svg",
        "assets/northwind.css",
    ] {
        assert_eq!(
            files.get(&format!("brand/{rel}")),
            Some(&std::fs::read(site.join(rel)).unwrap()),
            "{rel}"
        );
    }
    let accent = String::from_utf8(files["brand/accent.css"].clone()).unwrap();
    assert!(accent.contains("--accent: #6b2fa0;"), "{accent}");
    assert!(
        accent.contains("@media (prefers-color-scheme: dark) {\n  :root { --accent: #d2b3ff; }"),
        "{accent}"
    );
    assert!(files.contains_key("localtime.js"));

    let pages = pages(&out);
    assert!(pages.len() >= 8, "{} pages", pages.len());
    for (path, html) in &pages {
        // Stylesheets in order: the theme's, the accent colours, the site's own.
        let theme = html.find("href=\"/style.css?v=").expect("theme css");
        let accent = html
            .find("href=\"/brand/accent.css?v=")
            .expect("accent css");
        let own = html
            .find("href=\"/brand/assets/northwind.css?v=")
            .expect("site css");
        assert!(theme < accent && accent < own, "{path}: stylesheet order");
        for needle in [
            "<img class=\"logo logo-light\" src=\"/brand/assets/northwind.svg?v=",
            "<img class=\"logo logo-dark\" src=\"/brand/assets/northwind-dark.svg?v=",
            "alt=\"Northwind\">",
            "<nav class=\"brand-links\" aria-label=\"Elsewhere\">",
            "<a href=\"https://northwind.example/support\">Support</a>",
            "<a href=\"mailto:help@northwind.example\">Contact</a>",
            "<aside class=\"announcement announcement-warning\" aria-label=\"Announcement\">",
            "<strong class=\"announcement-label\">Warning:</strong> We are moving our data centre on <strong>1 December</strong>",
            "<p class=\"brand-footer\">© 2026 Northwind Traders · <a href=\"https://northwind.example/privacy\" rel=\"noopener noreferrer\">Privacy</a>",
            "<link rel=\"icon\" href=\"/favicon/partial_outage.svg\" type=\"image/svg+xml\">",
            "<link rel=\"icon\" href=\"/favicon/partial_outage.ico\" sizes=\"32x32\">",
            "<script src=\"/localtime.js?v=",
        ] {
            assert!(html.contains(needle), "{path} lacks {needle}");
        }
    }
    // Relative labels say when they were true; the legend says the bar's real length.
    let index = common::read(&out, "index.html");
    assert!(
        index.contains("ongoing for 40 min as of <time datetime=\"2026-11-26T12:00:00Z\">26 Nov 2026, 07:00 EST (UTC-05:00)</time>"),
        "{index}"
    );
    assert!(index.contains("<span>90 days ago</span>"), "{index}");
    assert!(!index.contains("30 days ago"));
}

#[test]
fn a_low_contrast_accent_is_refused_with_its_ratio_and_the_old_output_kept() {
    let (tmp, site) = common::copy_fixture("branded");
    let out = tmp.path().join("public");
    assert!(build_at(&site, &out, NOW).status.success());
    let before = common::tree(&out);

    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let bad = toml.replace("accent = \"#6b2fa0\"", "accent = \"#ffd400\"");
    assert_ne!(bad, toml);
    std::fs::write(site.join("site.toml"), &bad).unwrap();
    let want = "site.toml:16:10: error: brand.accent #ffd400 has contrast 1.34:1 against the light scheme's background #f6f8fa; WCAG AA needs 4.5:1";

    let o = build_at(&site, &out, NOW);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains(want), "{}", common::stderr(&o));
    assert_eq!(common::tree(&out), before, "the previous output changed");

    let o = common::statusgen(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stderr(&o).contains(want), "{}", common::stderr(&o));
}

#[test]
fn every_brand_problem_is_reported_at_once() {
    let (tmp, site) = common::copy_fixture("branded");
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let bad = toml
        .replace(
            "logo_dark = \"assets/northwind-dark.svg\"",
            "logo_dark = \"../outside.svg\"",
        )
        .replace(
            "stylesheet = \"assets/northwind.css\"",
            "stylesheet = \"assets/missing.css\"",
        )
        .replace("accent_dark = \"#d2b3ff\"", "accent_drak = \"#d2b3ff\"")
        .replace(
            "url = \"https://northwind.example/support\"",
            "url = \"javascript:alert(1)\"",
        )
        .replace("level = \"warning\"", "level = \"urgent\"");
    std::fs::write(site.join("site.toml"), &bad).unwrap();
    // A logo that is not what its name says.
    std::fs::write(site.join("assets/northwind.svg"), "not an image").unwrap();
    let out = tmp.path().join("public");
    let o = build_at(&site, &out, NOW);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    for needle in [
        "site.toml:14:13: error: `logo_dark` in [brand] = \"../outside.svg\" has an empty, `.` or `..` part",
        "site.toml:13:1: error: assets/northwind.svg is not an SVG image",
        "site.toml:19:1: error: assets/missing.css does not exist",
        "error: unknown key `accent_drak` in [brand]",
        "did you mean `accent_dark`?",
        "error: link URL \"javascript:alert(1)\" is not an absolute http(s) URL",
        "error: `level` has unknown value \"urgent\"",
    ] {
        assert!(err.contains(needle), "lacks {needle}:\n{err}");
    }
    assert!(!out.exists(), "nothing is written");
    // A logo outside the site root through a link is refused too.
    #[cfg(unix)]
    {
        let (_tmp2, site2) = common::copy_fixture("branded");
        let secret = tmp.path().join("secret.svg");
        std::fs::write(&secret, "<svg/>").unwrap();
        std::fs::remove_file(site2.join("assets/northwind.svg")).unwrap();
        std::os::unix::fs::symlink(&secret, site2.join("assets/northwind.svg")).unwrap();
        let o = common::statusgen(&["check", "--root", site2.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            common::stderr(&o).contains("leads outside the site root"),
            "{}",
            common::stderr(&o)
        );
    }
}

#[test]
fn an_expired_announcement_is_not_shown() {
    let (tmp, site) = common::copy_fixture("branded");
    // `expires = 2027-01-01T00:00:00` is read in America/New_York: 05:00 UTC.
    for (now, shown) in [
        ("2027-01-01T04:59:59Z", true),
        ("2027-01-01T05:00:00Z", false),
        ("2027-03-01T00:00:00Z", false),
    ] {
        let out = tmp.path().join(format!("out-{shown}-{}", &now[..10]));
        let o = build_at(&site, &out, now);
        assert!(o.status.success(), "{}", common::stderr(&o));
        for (path, html) in pages(&out) {
            assert_eq!(
                html.contains("class=\"announcement"),
                shown,
                "{now}: {path}"
            );
            assert_eq!(html.contains("data centre on"), shown, "{now}: {path}");
        }
    }
}

#[test]
fn the_favicon_follows_the_overall_status() {
    let (tmp, site) = common::copy_fixture("branded");
    let icon = |out: &Path| {
        let index = common::read(out, "index.html");
        let (_, rest) = index
            .split_once("<link rel=\"icon\" href=\"/favicon/")
            .expect("icon");
        let (ico_level, rest) = rest.split_once(".ico\"").expect("ico");
        let (_, rest) = rest
            .split_once("<link rel=\"icon\" href=\"/favicon/")
            .expect("svg icon");
        let (svg_level, _) = rest.split_once(".svg\"").expect("svg");
        assert_eq!(ico_level, svg_level);
        svg_level.to_string()
    };
    let out = tmp.path().join("ongoing");
    assert!(build_at(&site, &out, NOW).status.success());
    assert_eq!(icon(&out), "partial_outage");
    let svg = common::read(&out, "favicon/partial_outage.svg");
    assert!(svg.starts_with("<svg") && svg.contains("#bc4c00"), "{svg}");

    // Without the open incident: operational, then under maintenance during the move.
    std::fs::remove_file(site.join("content/incidents/2026-11-26-checkout-errors.md")).unwrap();
    for (name, now, want) in [
        ("calm", NOW, "operational"),
        ("move", "2026-12-01T08:00:00Z", "under_maintenance"),
    ] {
        let out = tmp.path().join(name);
        let o = build_at(&site, &out, now);
        assert!(o.status.success(), "{}", common::stderr(&o));
        assert_eq!(icon(&out), want, "{name}");
        // Every level's icons are written, so any page's link resolves.
        let files = common::tree(&out);
        for level in [
            "operational",
            "under_maintenance",
            "degraded_performance",
            "partial_outage",
            "major_outage",
        ] {
            assert!(
                files.contains_key(&format!("favicon/{level}.svg")),
                "{level}"
            );
            let ico = &files[&format!("favicon/{level}.ico")];
            assert_eq!(&ico[..4], &[0, 0, 1, 0], "{level}.ico is an icon file");
        }
    }
}
