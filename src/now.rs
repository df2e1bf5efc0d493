//! "Now" for a command: `--now`, else `SOURCE_DATE_EPOCH`, else the clock, read once,
//! so a build is reproducible and every part of it agrees on the time.

use chrono::{DateTime, Utc};

/// The last second of 9999-12-31 UTC.
const MAX_EPOCH: i64 = 253_402_300_799;

/// "Now": the flag, else SOURCE_DATE_EPOCH, else the clock, read once.
pub fn resolve(flag: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, String> {
    if let Some(n) = flag {
        return Ok(n);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .ok()
            // Years 1970 to 9999: dates are written with four-digit years everywhere.
            .filter(|secs| (0..=MAX_EPOCH).contains(secs))
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                format!(
                    "SOURCE_DATE_EPOCH={s:?} is not a Unix timestamp in seconds from 0 to {MAX_EPOCH} (9999-12-31)"
                )
            }),
        _ => Ok(Utc::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins() {
        let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(resolve(Some(t)), Ok(t));
    }
}
