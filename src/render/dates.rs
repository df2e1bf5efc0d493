//! Instants and dates as the feeds, the calendar and the API show them, in the site's
//! timezone.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// An instant as people read it, on pages and in feeds: site-local time with the zone
/// and its UTC offset, e.g. `14 Mar 2026, 10:36 CET (UTC+01:00)`.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    use chrono::{Datelike, Timelike};
    // Built by hand rather than with `format`: every page shows many times and
    // strftime parsing was a visible share of a large build.
    use std::fmt::Write;
    let local = t.with_timezone(&tz);
    let mut out = String::with_capacity(40);
    let _ = write!(
        out,
        "{} {} {}, {:02}:{:02}",
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    );
    push_zone(&mut out, &local);
    out
}

/// " CET (UTC+01:00)", " UTC", " (UTC+04:00)": the zone's abbreviation and offset.
fn push_zone(out: &mut String, local: &DateTime<Tz>) {
    use chrono::Offset;
    use chrono_tz::OffsetName;
    use std::fmt::Write;
    let abbr = local.offset().abbreviation().unwrap_or("");
    let secs = local.offset().fix().local_minus_utc();
    // Zones without a letter abbreviation print "+03"; UTC needs no offset.
    if abbr == "UTC" && secs == 0 {
        out.push_str(" UTC");
        return;
    }
    if !(abbr.starts_with(['+', '-']) || abbr.is_empty()) {
        out.push(' ');
        out.push_str(abbr);
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let _ = write!(
        out,
        " (UTC{sign}{:02}:{:02})",
        secs.abs() / 3600,
        secs.abs() % 3600 / 60
    );
}

/// [`local_time`] in the build's language: the date and clock from the catalog's
/// `format_datetime` (CLDR names and digits), then the zone as [`local_time`] writes it
/// (the same in every language).
pub fn local_time_in(t: DateTime<Utc>, tz: Tz, texts: &crate::i18n::Texts) -> String {
    let local = t.with_timezone(&tz);
    let mut out = texts.formats.datetime(local.naive_local());
    if texts.lang.rtl {
        // The zone is left-to-right text: isolated (LRI … PDI), its parentheses and
        // sign stay in place inside right-to-left text.
        let mut zone = String::new();
        push_zone(&mut zone, &local);
        out.push(' ');
        out.push('\u{2066}');
        out.push_str(zone.trim_start());
        out.push('\u{2069}');
    } else {
        push_zone(&mut out, &local);
    }
    out
}

/// English month abbreviations, as `%b` prints them.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// ISO 8601 in the site timezone with its offset and milliseconds, as Statuspage writes
/// (`2026-03-14T10:36:00.000+01:00`).
pub fn iso_local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn hand_formatting_matches_strftime() {
        for tz in [
            chrono_tz::Europe::Berlin,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Dubai,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::UTC,
        ] {
            for h in (0..24 * 400).step_by(37) {
                let t =
                    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(h);
                let local = t.with_timezone(&tz);
                let abbr = local.format("%Z").to_string();
                let offset = local.format("%:z").to_string();
                let base = local.format("%-d %b %Y, %H:%M").to_string();
                let want = if abbr == "UTC" && offset == "+00:00" {
                    format!("{base} UTC")
                } else if abbr.starts_with(['+', '-']) || abbr.is_empty() {
                    format!("{base} (UTC{offset})")
                } else {
                    format!("{base} {abbr} (UTC{offset})")
                };
                assert_eq!(local_time(t, tz), want);
            }
        }
    }

    #[test]
    fn local_time_has_zone_and_offset() {
        let t = Utc.with_ymd_and_hms(2026, 3, 14, 9, 36, 0).unwrap();
        assert_eq!(
            local_time(t, chrono_tz::Europe::Berlin),
            "14 Mar 2026, 10:36 CET (UTC+01:00)"
        );
        assert_eq!(local_time(t, chrono_tz::UTC), "14 Mar 2026, 09:36 UTC");
        assert_eq!(
            iso_local(t, chrono_tz::Europe::Berlin),
            "2026-03-14T10:36:00.000+01:00"
        );
        assert_eq!(iso_local(t, chrono_tz::UTC), "2026-03-14T09:36:00.000Z");
    }
}
