//! Times as monitoring exports write them. A time with a UTC offset is absolute; one
//! without is local to a timezone the user must name (`--timezone`): statusgen never
//! guesses one silently.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// A time read from an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Milliseconds since the epoch.
    Absolute(i64),
    /// A wall-clock time with no offset.
    Local(NaiveDateTime),
}

/// The shapes accepted, for messages.
pub const SHAPES: &str = "2026-03-14T10:36:00Z, 2026-03-14 10:36:00+01:00, 2026-03-14 10:36:00 (then --timezone), or 03/14/2026 10:36:00 AM (month first)";

/// Reads `2026-03-14T10:36:00Z`, `2026-03-14 10:36:00.123 +0100`, `2026-03-14 10:36`,
/// `03/14/2026 10:36:00 AM` (month first, as UptimeRobot's US-style exports write it),
/// with an optional offset (`Z`, `UTC`, `GMT`, `±HH:MM`, `±HHMM`). `None` when it is
/// none of those.
pub fn read(raw: &str) -> Option<Read> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(Read::Absolute(t.timestamp_millis()));
    }
    let (naive, rest) = naive_prefix(s)?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(Read::Local(naive));
    }
    let off = FixedOffset::east_opt(offset(rest)?)?;
    let t = off.from_local_datetime(&naive).single()?;
    Some(Read::Absolute(t.timestamp_millis()))
}

/// A date and time at the start of `s`, and what follows it.
fn naive_prefix(s: &str) -> Option<(NaiveDateTime, &str)> {
    let (date, rest) = if s.as_bytes().get(4) == Some(&b'-') {
        let (y, r) = number(s, 4, 4)?;
        let (m, r) = number(r.strip_prefix('-')?, 1, 2)?;
        let (d, r) = number(r.strip_prefix('-')?, 1, 2)?;
        (NaiveDate::from_ymd_opt(y as i32, m, d)?, r)
    } else {
        let (m, r) = number(s, 1, 2)?;
        let (d, r) = number(r.strip_prefix('/')?, 1, 2)?;
        let (y, r) = number(r.strip_prefix('/')?, 4, 4)?;
        (NaiveDate::from_ymd_opt(y as i32, m, d)?, r)
    };
    let rest = rest.strip_prefix(['T', 't', ' '])?.trim_start_matches(' ');
    let (h, r) = number(rest, 1, 2)?;
    let (mi, r) = number(r.strip_prefix(':')?, 2, 2)?;
    let (sec, r) = match r.strip_prefix(':') {
        Some(r) => number(r, 2, 2)?,
        None => (0, r),
    };
    let (milli, r) = match r.strip_prefix(['.', ',']) {
        Some(r) => {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            // Rounded to the millisecond, statusgen's precision.
            let frac: f64 = format!("0.{}", &r[..n]).parse().ok()?;
            ((frac * 1000.0).round() as u32, &r[n..])
        }
        None => (0, r),
    };
    // A 12-hour clock: `10:36:00 AM`.
    let trimmed = r.trim_start();
    let (h, r) = match trimmed.get(..2).map(str::to_ascii_uppercase).as_deref() {
        Some("AM") if (1..=12).contains(&h) => (h % 12, &trimmed[2..]),
        Some("PM") if (1..=12).contains(&h) => (h % 12 + 12, &trimmed[2..]),
        _ => (h, r),
    };
    let time = chrono::NaiveTime::from_hms_opt(h, mi, sec)?;
    let naive = NaiveDateTime::new(date, time) + chrono::Duration::milliseconds(milli as i64);
    Some((naive, r))
}

fn number(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// `Z`, `UTC`, `GMT`, `+01:00`, `+0100`, `+01`: seconds east of UTC.
fn offset(s: &str) -> Option<i32> {
    if ["z", "utc", "gmt"]
        .iter()
        .any(|z| s.eq_ignore_ascii_case(z))
    {
        return Some(0);
    }
    let s = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    // Exactly two digits each: `+0100` is hours and minutes.
    let two = |s: &str| {
        s.get(..2)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
    };
    let h = two(rest)?;
    let rest = &rest[2..];
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let (m, rest) = if rest.is_empty() {
        (0, rest)
    } else {
        (two(rest)?, &rest[2..])
    };
    if !rest.is_empty() || h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h as i32 * 3600 + m as i32 * 60))
}

/// How a local time maps to an instant in a timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    Single(i64),
    /// In the hour the clocks go back: the earlier of the two instants.
    Repeated(i64),
    /// In the hour the clocks jump over: no such time.
    Skipped,
}

pub fn resolve(naive: NaiveDateTime, tz: Tz) -> Local {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Local::Single(t.timestamp_millis()),
        LocalResult::Ambiguous(a, _) => Local::Repeated(a.timestamp_millis()),
        LocalResult::None => Local::Skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abs(s: &str) -> Read {
        Read::Absolute(DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis())
    }

    #[test]
    fn shapes_with_an_offset() {
        for (raw, want) in [
            ("2026-03-14T10:36:00Z", "2026-03-14T10:36:00Z"),
            ("2026-03-14 10:36:00+01:00", "2026-03-14T09:36:00Z"),
            ("2026-03-14 10:36:00 +0100", "2026-03-14T09:36:00Z"),
            ("2026-03-14 10:36:00.1234 UTC", "2026-03-14T10:36:00.123Z"),
            ("2026-03-14 10:36 GMT+02", "2026-03-14T08:36:00Z"),
            ("03/14/2026 10:36:00 PM +00:00", "2026-03-14T22:36:00Z"),
            ("3/4/2026 12:05 AM Z", "2026-03-04T00:05:00Z"),
        ] {
            assert_eq!(read(raw), Some(abs(want)), "{raw}");
        }
    }

    #[test]
    fn shapes_without_an_offset_stay_local() {
        let want = NaiveDate::from_ymd_opt(2026, 3, 14)
            .unwrap()
            .and_hms_opt(10, 36, 0)
            .unwrap();
        assert_eq!(read("2026-03-14 10:36:00"), Some(Read::Local(want)));
        assert_eq!(read("03/14/2026 10:36 AM"), Some(Read::Local(want)));
        assert_eq!(read("2026-03-14T10:36"), Some(Read::Local(want)));
    }

    #[test]
    fn not_times() {
        for raw in [
            "",
            "yesterday",
            "14/03/2026 10:36",
            "2026-13-01 10:00",
            "2026-03-14",
            "2026-03-14 10:36 +99:00",
            "2026-03-14 25:00",
        ] {
            assert_eq!(read(raw), None, "{raw}");
        }
    }

    #[test]
    fn local_times_in_a_timezone() {
        let tz = chrono_tz::Europe::Berlin;
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let ms = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
        assert_eq!(
            resolve(t("2026-03-14 10:36"), tz),
            Local::Single(ms("2026-03-14T09:36:00Z"))
        );
        assert_eq!(resolve(t("2026-03-29 02:30"), tz), Local::Skipped);
        assert_eq!(
            resolve(t("2026-10-25 02:30"), tz),
            Local::Repeated(ms("2026-10-25T00:30:00Z"))
        );
    }
}
