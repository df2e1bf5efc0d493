//! The one parser of time arguments (`--now`, `--at`, `--starts`, `--ends`): RFC 3339,
//! or a local `YYYY-MM-DD HH:MM[:SS]` (or with `T`) read in the site timezone.
//!
//! Parsing and resolving are two steps because clap parses arguments before the site's
//! `site.toml` (and so its timezone) is read: a malformed time is a usage error at once,
//! a local one is turned into an instant once the timezone is known.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A time as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeArg {
    /// RFC 3339: an instant.
    Absolute(DateTime<Utc>),
    /// No offset: read in the site timezone.
    Local(NaiveDateTime),
}

const LOCAL_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
];

impl TimeArg {
    /// Parses either form, or says how to write it.
    pub fn parse(s: &str) -> Result<TimeArg, String> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(TimeArg::Absolute(t.with_timezone(&Utc)));
        }
        LOCAL_FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(TimeArg::Local)
            .ok_or_else(|| {
                format!(
                    "\"{s}\" is not a time: write \"2026-12-01 02:00\" (in the site's timezone) or 2026-12-01T02:00:00Z"
                )
            })
    }

    /// Whether the site timezone is needed to resolve it.
    pub fn is_local(&self) -> bool {
        matches!(self, TimeArg::Local(_))
    }

    /// The instant, reading a local time in `tz`. A time skipped by a clock change is an
    /// error; one that happens twice is the earlier instant (as the content loader reads it).
    pub fn resolve(self, tz: Tz) -> Result<DateTime<Utc>, String> {
        let naive = match self {
            TimeArg::Absolute(t) => return Ok(t),
            TimeArg::Local(n) => n,
        };
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, _) => Ok(a.with_timezone(&Utc)),
            LocalResult::None => Err(format!(
                "{naive} does not exist in {} (the clocks jump forward then); give the time with its UTC offset",
                tz.name()
            )),
        }
    }
}

impl std::str::FromStr for TimeArg {
    type Err = String;
    fn from_str(s: &str) -> Result<TimeArg, String> {
        TimeArg::parse(s)
    }
}

/// Parses and resolves in one step, when the timezone is already known.
pub fn parse_time(s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    TimeArg::parse(s)?.resolve(tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_parse_and_resolve() {
        let tz = chrono_tz::Europe::Berlin;
        for s in [
            "2026-03-14 10:36",
            "2026-03-14T10:36",
            "2026-03-14 10:36:00",
        ] {
            let t = TimeArg::parse(s).unwrap();
            assert!(t.is_local());
            assert_eq!(
                t.resolve(tz).unwrap().to_rfc3339(),
                "2026-03-14T09:36:00+00:00"
            );
        }
        let t = TimeArg::parse("2026-03-14T10:36:00+01:00").unwrap();
        assert!(!t.is_local());
        assert_eq!(
            t.resolve(chrono_tz::UTC).unwrap().to_rfc3339(),
            "2026-03-14T09:36:00+00:00"
        );
    }

    #[test]
    fn bad_and_skipped_times_explain() {
        let tz = chrono_tz::Europe::Berlin;
        assert!(
            TimeArg::parse("tomorrow")
                .unwrap_err()
                .contains("2026-12-01 02:00")
        );
        assert!(
            parse_time("2026-03-29 02:30", tz)
                .unwrap_err()
                .contains("offset")
        );
        // 02:30 on the night clocks go back happens twice: the earlier one.
        assert_eq!(
            parse_time("2026-10-25 02:30", tz).unwrap().to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
    }
}
