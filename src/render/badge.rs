//! Status badges in shields.io's "flat" style: `badge.svg` for the page and
//! `components/<id>/badge.svg` per component with its level and 90-day uptime.
//! Text widths are estimated from Verdana 11 px advance widths, as shields does,
//! since no font is available at build time.

use std::io;

use quick_xml::Writer;
use quick_xml::events::BytesText;

use crate::files::OutputFile;
use crate::model::derived::Derived;
use crate::render::escape::clean;
use crate::site::Site;
use crate::vocabulary::Level;

/// Verdana 11 px advance widths of printable ASCII (U+0020 to U+007E), in pixels.
const ASCII_WIDTHS: [f64; 95] = [
    3.87, 4.33, 5.05, 9.0, 6.99, 11.84, 7.99, 2.95, 4.99, 4.99, 6.99, 9.0, 4.0, 4.99, 4.0, 4.99,
    6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 4.99, 4.99, 9.0, 9.0, 9.0, 6.0,
    11.0, 7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.63, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66,
    6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54, 4.99, 4.99, 4.99, 9.0, 6.99,
    6.99, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.71, 6.96,
    6.68, 6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 8.87, 6.51, 6.51, 5.87, 6.98, 4.99, 6.98, 9.0,
];

/// Estimated rendered width of `text` in Verdana 11 px.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            ' '..='~' => ASCII_WIDTHS[(c as usize) - 0x20],
            '·' => 4.0,
            c if c.is_control() => 0.0,
            // East Asian wide and full-width characters (CJK, Hangul, emoji) are drawn
            // about one em wide.
            c => match unicode_width::UnicodeWidthChar::width(c) {
                Some(0) => 0.0,
                Some(2) => 11.0,
                _ => 7.0,
            },
        })
        .sum()
}

/// The badge colour of a level, from shields' palette.
pub fn color(level: Level) -> &'static str {
    match level {
        Level::Operational => "#4c1",
        Level::UnderMaintenance => "#007ec6",
        Level::DegradedPerformance => "#dfb317",
        Level::PartialOutage => "#fe7d37",
        Level::MajorOutage => "#e05d44",
    }
}

/// A percentage for display, truncated (not rounded) to two decimals so 99.996 never
/// reads as 100.00%.
pub fn percent(p: f64) -> Option<String> {
    percent_in(crate::i18n::Texts::english(), p)
}

/// [`percent`] in a language's digits and percent sign ("99,99 %").
pub fn percent_in(t: &crate::i18n::Texts, p: f64) -> Option<String> {
    if !p.is_finite() {
        return None;
    }
    let hundredths = (p.clamp(0.0, 100.0) * 100.0).floor() as i64;
    let value = t.formats.decimal(hundredths, 2);
    Some(t.fmt1("percent", "value", &value))
}

/// One flat badge: `label | message`, with `accessible` as its `<title>` and `aria-label`.
pub fn svg(label: &str, message: &str, color: &str, accessible: &str) -> Vec<u8> {
    let (label, message, accessible) = (clean(label), clean(message), clean(accessible));
    let label_w = (text_width(&label) + 10.0).round() as u64;
    let message_w = (text_width(&message) + 10.0).round() as u64;
    let total = label_w + message_w;
    let mut w = Writer::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = write_svg(
        &mut w,
        [&label, &message],
        [label_w, message_w],
        color,
        &accessible,
        total,
    );
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

fn write_svg(
    w: &mut Writer<Vec<u8>>,
    texts: [&str; 2],
    widths: [u64; 2],
    color: &str,
    accessible: &str,
    total: u64,
) -> io::Result<()> {
    let total_s = total.to_string();
    w.create_element("svg")
        .with_attribute(("xmlns", "http://www.w3.org/2000/svg"))
        .with_attribute(("width", total_s.as_str()))
        .with_attribute(("height", "20"))
        .with_attribute(("role", "img"))
        .with_attribute(("aria-label", accessible))
        .write_inner_content(|w| {
            w.create_element("title")
                .write_text_content(BytesText::new(accessible))?;
            w.create_element("linearGradient")
                .with_attribute(("id", "s"))
                .with_attribute(("x2", "0"))
                .with_attribute(("y2", "100%"))
                .write_inner_content(|w| {
                    w.create_element("stop")
                        .with_attribute(("offset", "0"))
                        .with_attribute(("stop-color", "#bbb"))
                        .with_attribute(("stop-opacity", ".1"))
                        .write_empty()?;
                    w.create_element("stop")
                        .with_attribute(("offset", "1"))
                        .with_attribute(("stop-opacity", ".1"))
                        .write_empty()?;
                    Ok(())
                })?;
            w.create_element("clipPath")
                .with_attribute(("id", "r"))
                .write_inner_content(|w| {
                    w.create_element("rect")
                        .with_attribute(("width", total_s.as_str()))
                        .with_attribute(("height", "20"))
                        .with_attribute(("rx", "3"))
                        .with_attribute(("fill", "#fff"))
                        .write_empty()?;
                    Ok(())
                })?;
            w.create_element("g")
                .with_attribute(("clip-path", "url(#r)"))
                .write_inner_content(|w| {
                    w.create_element("rect")
                        .with_attribute(("width", widths[0].to_string().as_str()))
                        .with_attribute(("height", "20"))
                        .with_attribute(("fill", "#555"))
                        .write_empty()?;
                    w.create_element("rect")
                        .with_attribute(("x", widths[0].to_string().as_str()))
                        .with_attribute(("width", widths[1].to_string().as_str()))
                        .with_attribute(("height", "20"))
                        .with_attribute(("fill", color))
                        .write_empty()?;
                    w.create_element("rect")
                        .with_attribute(("width", total_s.as_str()))
                        .with_attribute(("height", "20"))
                        .with_attribute(("fill", "url(#s)"))
                        .write_empty()?;
                    Ok(())
                })?;
            w.create_element("g")
                .with_attribute(("fill", "#fff"))
                .with_attribute(("text-anchor", "middle"))
                .with_attribute(("font-family", "Verdana,Geneva,DejaVu Sans,sans-serif"))
                .with_attribute(("text-rendering", "geometricPrecision"))
                .with_attribute(("font-size", "110"))
                .write_inner_content(|w| {
                    let mut left = 0;
                    for (text, width) in texts.iter().zip(widths) {
                        // Coordinates in tenths of a pixel (the group is scaled by .1),
                        // as shields does for sub-pixel placement.
                        let x = (left * 10 + width * 5).to_string();
                        let len = ((width.saturating_sub(10)) * 10).to_string();
                        w.create_element("text")
                            .with_attribute(("aria-hidden", "true"))
                            .with_attribute(("x", x.as_str()))
                            .with_attribute(("y", "150"))
                            .with_attribute(("fill", "#010101"))
                            .with_attribute(("fill-opacity", ".3"))
                            .with_attribute(("transform", "scale(.1)"))
                            .with_attribute(("textLength", len.as_str()))
                            .write_text_content(BytesText::new(text))?;
                        w.create_element("text")
                            .with_attribute(("x", x.as_str()))
                            .with_attribute(("y", "140"))
                            .with_attribute(("transform", "scale(.1)"))
                            .with_attribute(("fill", "#fff"))
                            .with_attribute(("textLength", len.as_str()))
                            .write_text_content(BytesText::new(text))?;
                        left += width;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

/// `badge.svg` (overall status) and `components/<id>/badge.svg` (level and 90-day
/// uptime from `uptime_90d`, which returns a percentage such as 99.98).
pub fn render_badges(
    site: &Site,
    derived: &Derived,
    uptime_90d: &dyn Fn(&str) -> Option<f64>,
) -> Vec<OutputFile> {
    let levels: Vec<(&crate::site::Component, Level)> = site
        .config
        .components
        .iter()
        .map(|c| (c, derived.level(&c.id)))
        .collect();
    let overall = derived.site_level;
    let t = crate::i18n::Texts::resolve(&site.config.language, &site.config.i18n);
    let wording = t.overall(overall);
    let mut files = vec![OutputFile::new(
        "badge.svg",
        svg(
            t.get("badge_label"),
            wording,
            color(overall),
            &format!("{}: {wording}", site.config.title),
        ),
    )];
    for (c, level) in levels {
        let state = t.level(level).to_lowercase();
        let pct = uptime_90d(&c.id).and_then(|p| percent_in(t, p));
        let (message, accessible) = match &pct {
            Some(p) => (
                format!("{state} · {p}"),
                t.fmt(
                    "badge_uptime",
                    &[
                        ("name", crate::i18n::Arg::Str(c.name.as_str().into())),
                        ("state", crate::i18n::Arg::Str(state.as_str().into())),
                        ("percent", crate::i18n::Arg::Str(p.as_str().into())),
                    ],
                ),
            ),
            None => (state.clone(), format!("{}: {state}", c.name)),
        };
        files.push(OutputFile::new(
            format!("components/{}/badge.svg", c.id),
            svg(&c.name, &message, color(level), &accessible),
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::feeds::tests::{site, t};

    #[test]
    fn widths_grow_with_text() {
        assert_eq!(text_width(""), 0.0);
        assert!((text_width("status") - 33.69).abs() < 0.01);
        assert!(text_width("WWW") > text_width("iii"));
        assert_eq!(text_width("认证"), 22.0);
        assert_eq!(
            text_width("e\u{301}"),
            text_width("e"),
            "combining marks take no room"
        );
        assert_eq!(text_width("한"), 11.0);
        assert_eq!(ASCII_WIDTHS.len(), ('~' as usize) - (' ' as usize) + 1);
    }

    #[test]
    fn percentages_truncate() {
        assert_eq!(percent(99.996).unwrap(), "99.99%");
        assert_eq!(percent(100.0).unwrap(), "100.00%");
        assert_eq!(percent(99.9).unwrap(), "99.90%");
        assert_eq!(percent(f64::NAN), None);
        assert_eq!(percent(-3.0).unwrap(), "0.00%");
    }

    #[test]
    fn badges_are_accessible_and_escaped() {
        let s = site();
        let derived = Derived::new(&s, t(15, 9, 0));
        let files = render_badges(&s, &derived, &|id| (id == "api").then_some(99.98));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "badge.svg",
                "components/api/badge.svg",
                "components/auth/badge.svg",
                "components/web/badge.svg"
            ]
        );
        let overall = std::str::from_utf8(&files[0].bytes).unwrap();
        assert!(overall.contains(r#"role="img""#));
        assert!(overall.contains(r#"aria-label="Acme &amp; Co Status: Degraded performance""#));
        assert!(overall.contains("<title>Acme &amp; Co Status: Degraded performance</title>"));
        assert!(overall.contains("#dfb317"));
        let api = std::str::from_utf8(&files[1].bytes).unwrap();
        assert!(api.contains(">degraded performance · 99.98%</text>"));
        assert!(api.contains(
            "<title>Public API: degraded performance, 99.98% uptime over 90 days</title>"
        ));
        let web = std::str::from_utf8(&files[3].bytes).unwrap();
        assert!(web.contains(">operational</text>"));
        assert!(web.contains("#4c1"));
    }

    #[test]
    fn hostile_label_stays_well_formed() {
        let bytes = svg("<a & \"b\"\u{1}>", "ok 😀", "#4c1", "x < y & \"z\"");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("&lt;a &amp; &quot;b&quot;&gt;"));
        assert!(!text.contains('\u{1}'));
        let mut r = quick_xml::Reader::from_str(&text);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}
