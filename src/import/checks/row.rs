//! One check as statusgen's check-history format holds it, and its canonical CSV
//! notation (docs/checks-import.md, "The canonical format"): times in UTC with `Z`,
//! to the second plus milliseconds when they are not zero; response times in whole
//! milliseconds, or with up to three decimals.

use chrono::DateTime;

/// The canonical header, exactly.
pub const HEADER: [&str; 5] = ["time", "ok", "response_ms", "status_code", "note"];

/// One check. Times are kept to the millisecond and response times to the microsecond,
/// as integers, so that reading and writing a file never changes a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub ok: bool,
    /// Microseconds (written as milliseconds with up to three decimals).
    pub response_us: Option<u64>,
    pub status_code: Option<u16>,
    pub note: Option<Box<str>>,
}

/// `2026-03-14T10:36:00Z`, or `2026-03-14T10:36:00.250Z` when the milliseconds are not zero.
pub fn format_time(at_ms: i64) -> String {
    match DateTime::from_timestamp_millis(at_ms) {
        Some(t) if at_ms.rem_euclid(1000) == 0 => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => at_ms.to_string(),
    }
}

/// Microseconds as milliseconds: `182`, `182.5`, `0.125`.
pub fn format_response(us: u64) -> String {
    let (ms, frac) = (us / 1000, us % 1000);
    if frac == 0 {
        return ms.to_string();
    }
    let mut s = format!("{ms}.{frac:03}");
    while s.ends_with('0') {
        s.pop();
    }
    s
}

/// A non-negative number of milliseconds (`182`, `182.3456`) as microseconds, rounded.
pub fn parse_response_ms(raw: &str) -> Option<u64> {
    let v: f64 = raw.trim().parse().ok()?;
    response_from_ms(v)
}

/// A finite, non-negative number of milliseconds as microseconds, rounded.
pub fn response_from_ms(ms: f64) -> Option<u64> {
    if !(0.0..=1e12).contains(&ms) {
        return None;
    }
    Some((ms * 1000.0).round() as u64)
}

/// An HTTP status code, 100–599.
pub fn parse_status_code(raw: &str) -> Option<u16> {
    raw.trim()
        .parse::<u16>()
        .ok()
        .filter(|c| (100..=599).contains(c))
}

/// The first stand-alone number of three digits in 100–599 in a monitor's message
/// (`500 Internal Server Error`, `HTTP 503`, `OK (200)`, `200 - OK`).
pub fn status_code_in(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let alone = (start == 0
                || !bytes[start - 1].is_ascii_alphanumeric() && bytes[start - 1] != b'.')
                && (i == bytes.len() || !bytes[i].is_ascii_alphanumeric() && bytes[i] != b'.');
            if i - start == 3 && alone {
                return parse_status_code(&text[start..i]);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Writes checks as canonical CSV (header included), LF line ends.
pub fn write_csv<W: std::io::Write>(out: W, checks: &[Check]) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(HEADER)?;
    let mut fields: [String; 5] = Default::default();
    for c in checks {
        fields[0] = format_time(c.at_ms);
        fields[1] = if c.ok { "true" } else { "false" }.to_string();
        fields[2] = c.response_us.map(format_response).unwrap_or_default();
        fields[3] = c.status_code.map(|s| s.to_string()).unwrap_or_default();
        fields[4] = c.note.as_deref().unwrap_or("").to_string();
        w.write_record(&fields)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn times_are_utc_with_milliseconds_only_when_set() {
        assert_eq!(
            format_time(ms("2026-03-14T11:36:00+01:00")),
            "2026-03-14T10:36:00Z"
        );
        assert_eq!(
            format_time(ms("2026-03-14T10:36:00.25Z")),
            "2026-03-14T10:36:00.250Z"
        );
    }

    #[test]
    fn response_times_keep_up_to_three_decimals() {
        assert_eq!(format_response(182_000), "182");
        assert_eq!(format_response(182_500), "182.5");
        assert_eq!(format_response(125), "0.125");
        assert_eq!(parse_response_ms("182.3456"), Some(182_346));
        assert_eq!(parse_response_ms("-1"), None);
        assert_eq!(parse_response_ms("NaN"), None);
        assert_eq!(parse_response_ms("fast"), None);
    }

    #[test]
    fn status_codes_in_messages() {
        assert_eq!(status_code_in("500 Internal Server Error"), Some(500));
        assert_eq!(status_code_in("200 - OK"), Some(200));
        assert_eq!(status_code_in("OK (200)"), Some(200));
        assert_eq!(status_code_in("HTTP 503"), Some(503));
        assert_eq!(status_code_in("Connection Timeout"), None);
        assert_eq!(status_code_in("timeout of 48000ms exceeded"), None);
        assert_eq!(status_code_in("took 1.234 s"), None);
        assert_eq!(status_code_in("error 999"), None);
    }

    #[test]
    fn csv_is_canonical_and_quotes_only_when_needed() {
        let checks = vec![
            Check {
                at_ms: ms("2026-03-14T10:36:00Z"),
                ok: true,
                response_us: Some(182_000),
                status_code: Some(200),
                note: None,
            },
            Check {
                at_ms: ms("2026-03-14T10:37:00.5Z"),
                ok: false,
                response_us: None,
                status_code: None,
                note: Some("timeout, \"retrying\"".into()),
            },
        ];
        let mut out = Vec::new();
        write_csv(&mut out, &checks).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "time,ok,response_ms,status_code,note\n\
             2026-03-14T10:36:00Z,true,182,200,\n\
             2026-03-14T10:37:00.500Z,false,,,\"timeout, \"\"retrying\"\"\"\n"
        );
    }
}
