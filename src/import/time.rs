//! Times as real sources write them: `T` or a space, one-digit hours, optional seconds,
//! fractional seconds, `Z`, `±HH:MM`, `±HHMM`, `-00:00`, ` UTC`, or no offset at all
//! (then read in the source site's timezone, which the report says).

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A parsed time, with what had to be guessed to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub at: DateTime<Utc>,
    pub guess: Option<String>,
}

fn digits(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// Exactly two digits at the start of `s` (offsets may be written `+0100`).
fn two_digits(s: &str) -> Option<(u32, &str)> {
    let d = s.get(..2)?;
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((d.parse().ok()?, &s[2..]))
}

/// `Z`, `UTC`, `GMT`, `+01:00`, `+0100`, `+01`, `-00:00`: the offset in seconds east.
fn offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("gmt")
    {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, rest) = two_digits(rest)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let (m, rest) = if rest.is_empty() {
        (0, rest)
    } else {
        two_digits(rest)?
    };
    if !rest.is_empty() || h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h as i32 * 3600 + m as i32 * 60))
}

/// Reads a time; `None` when it is not one.
pub fn parse(raw: &str, tz: Tz) -> Option<Parsed> {
    let s = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let (y, rest) = digits(s, 4, 4)?;
    let (mo, rest) = digits(rest.strip_prefix('-')?, 1, 2)?;
    let (d, rest) = digits(rest.strip_prefix('-')?, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
    let rest = rest.trim_start_matches(' ');
    if rest.is_empty() {
        let at = local(date.and_hms_opt(0, 0, 0)?, tz)?;
        return Some(Parsed {
            at: at.0,
            guess: Some(format!(
                "\"{s}\" has no time of day: read as midnight in {}",
                tz.name()
            )),
        });
    }
    let rest = rest.strip_prefix(['T', 't']).unwrap_or(rest);
    // `T015:00` (a stray leading zero) is read as 15:00, and said so.
    let (h, after_h) = digits(rest, 1, 3)?;
    let odd_hour = rest.len() - after_h.len() == 3;
    let rest = after_h;
    let (mi, rest) = digits(rest.strip_prefix(':')?, 1, 2)?;
    let (sec, rest) = match rest.strip_prefix(':') {
        Some(r) => digits(r, 1, 2)?,
        None => (0, rest),
    };
    // Sub-second precision is dropped: statusgen's times are to the second.
    let rest = match rest.strip_prefix(['.', ',']) {
        Some(r) => r.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let time = NaiveTime::from_hms_opt(h, mi, sec.min(59))?;
    let naive = NaiveDateTime::new(date, time);
    let rest = rest.trim();
    if rest.is_empty() {
        let (at, shifted) = local(naive, tz)?;
        let mut guess = format!("\"{s}\" has no UTC offset: read in {}", tz.name());
        if odd_hour {
            guess.push_str(&format!(" (its three-digit hour read as {h:02})"));
        }
        if shifted {
            guess.push_str(" (that local time does not exist there, the clocks jump forward: moved an hour later)");
        }
        return Some(Parsed {
            at,
            guess: Some(guess),
        });
    }
    let off = chrono::FixedOffset::east_opt(offset(rest)?)?;
    let at = off
        .from_local_datetime(&naive)
        .single()?
        .with_timezone(&Utc);
    let guess = odd_hour.then(|| format!("\"{s}\" has a three-digit hour: read as {h:02}"));
    Some(Parsed { at, guess })
}

/// A local time in `tz`: the earlier instant when it exists twice, an hour later when it
/// does not exist (with `true`).
fn local(naive: NaiveDateTime, tz: Tz) -> Option<(DateTime<Utc>, bool)> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some((t.with_timezone(&Utc), false)),
        LocalResult::Ambiguous(a, _) => Some((a.with_timezone(&Utc), false)),
        LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map(|t| (t.with_timezone(&Utc), true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn real_world_shapes() {
        let tz = Tz::UTC;
        for (raw, want) in [
            ("2023-12-04T8:00:00-00:00", "2023-12-04T08:00:00Z"),
            ("2023-12-04T08:00:00.123Z", "2023-12-04T08:00:00Z"),
            ("2021-06-28 19:10:40+00:00", "2021-06-28T19:10:40Z"),
            ("2021-06-28 19:10:40 +0200", "2021-06-28T17:10:40Z"),
            ("2019-02-20T13:40:58.572-06:00", "2019-02-20T19:40:58Z"),
            ("2018-10-16T13:14:03.000Z", "2018-10-16T13:14:03Z"),
            ("2024-1-5 9:05 UTC", "2024-01-05T09:05:00Z"),
        ] {
            let p = parse(raw, tz).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(p.at, utc(want), "{raw}");
            assert_eq!(p.guess, None, "{raw}");
        }
    }

    #[test]
    fn no_offset_is_read_in_the_timezone_and_reported() {
        let p = parse("2019-10-05 16:24:00", chrono_tz::Europe::Berlin).unwrap();
        assert_eq!(p.at, utc("2019-10-05T14:24:00Z"));
        assert!(p.guess.unwrap().contains("Europe/Berlin"));
        let p = parse("2026-03-29T02:30:00", chrono_tz::Europe::Berlin).unwrap();
        assert_eq!(p.at, utc("2026-03-29T01:30:00Z"));
        assert!(p.guess.unwrap().contains("jump forward"));
        let p = parse("2024-02-24", Tz::UTC).unwrap();
        assert_eq!(p.at, utc("2024-02-24T00:00:00Z"));
        assert!(p.guess.is_some());
    }

    #[test]
    fn three_digit_hour_is_read_and_reported() {
        let p = parse("2024-08-13T015:00:00+02:00", Tz::UTC).unwrap();
        assert_eq!(p.at, utc("2024-08-13T13:00:00Z"));
        assert!(p.guess.unwrap().contains("three-digit hour"));
        assert_eq!(parse("2024-08-13T150:00:00Z", Tz::UTC), None);
    }

    #[test]
    fn not_times() {
        for raw in [
            "",
            "soon",
            "2024-13-01T00:00:00Z",
            "2024-01-01T25:00",
            "2024-01-01T10:00+99:00",
            "{{ now }}",
        ] {
            assert_eq!(parse(raw, Tz::UTC), None, "{raw}");
        }
    }
}
