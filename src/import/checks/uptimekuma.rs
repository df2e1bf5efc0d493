//! Uptime Kuma's heartbeats as CSV: the `heartbeat` table of its database (kuma.db),
//! exported with sqlite3 for one monitor. Status 1 (up) is a passed check; 0 (down) and
//! 2 (pending: failed, being retried before Kuma calls it down) are failed checks;
//! 3 (maintenance) is no check result and is skipped. Kuma stores times in UTC, so a
//! time without an offset is read as UTC unless --timezone says otherwise.

use chrono_tz::Tz;

use super::Source;
use super::columns::{self, Clock, Table};
use super::existing::Problems;
use super::row::{Check, status_code_in};
use crate::diag::Diagnostic;

const TIME: usize = 0;
const STATUS: usize = 1;
const PING: usize = 2;
const MSG: usize = 3;
const MONITOR: usize = 4;

const ROLES: [&[&str]; 5] = [
    &["time", "datetime", "timestamp", "date"],
    &["status"],
    &["ping", "responsetime", "responsetimems"],
    &["msg", "message"],
    &["monitorid", "monitor"],
];
const IGNORED: &[&str] = &[
    "id",
    "important",
    "duration",
    "downcount",
    "endtime",
    "retries",
    "name",
];

pub fn read(
    input: impl std::io::Read,
    file: &str,
    tz: Option<Tz>,
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let mut source = Source::default();
    let mut bad = Problems::new(file, diags);
    let Some(mut table) = Table::open(input, &ROLES, IGNORED, &mut bad) else {
        bad.finish();
        return source;
    };
    if !table.has(TIME) || !table.has(STATUS) {
        bad.push(
            1,
            format!(
                "the header ({}) lacks a time or a status column",
                table.header.join(", ")
            ),
            "export with: sqlite3 -header -csv kuma.db \"SELECT time, status, ping, msg FROM heartbeat WHERE monitor_id = N ORDER BY time\"",
        );
        bad.finish();
        return source;
    }
    // Kuma's database holds UTC: that is the format's zone, not a guess.
    let mut clock = Clock::new(Some(tz.unwrap_or(chrono_tz::UTC)), "");
    let mut maintenance = 0;
    let mut monitors: std::collections::BTreeSet<String> = Default::default();
    let has_monitor = table.has(MONITOR);
    table.each(&mut bad, |row, bad| {
        if has_monitor && !monitors.contains(row.get(MONITOR)) {
            monitors.insert(row.get(MONITOR).to_string());
        }
        let (ok, state) = match row.get(STATUS) {
            "1" => (true, ""),
            "0" => (false, ""),
            "2" => (false, "pending"),
            "3" => {
                maintenance += 1;
                return;
            }
            other => {
                bad.push(
                    row.line,
                    format!(
                        "status \"{other}\" is not 0 (down), 1 (up), 2 (pending) or 3 (maintenance)"
                    ),
                    "",
                );
                return;
            }
        };
        // sqlite3 writes NULL as an empty field; some tools write it out.
        let Some(response_us) = columns::response_cell(row.get(PING), "ping", row.line, bad) else {
            return;
        };
        let Some(at_ms) = clock.instant(row.get(TIME), row.line, bad) else {
            return;
        };
        let msg = row.get(MSG);
        let note = match (ok, state, msg) {
            (true, _, _) => None,
            (false, "", "") => None,
            (false, "", m) => Some(m.to_string()),
            (false, s, "") => Some(s.to_string()),
            (false, s, m) => Some(format!("{s}: {m}")),
        };
        source.push(
            Check {
                at_ms,
                ok,
                response_us,
                // HTTP monitors write `200 - OK`; other messages hold no status.
                status_code: msg
                    .split_once(" - ")
                    .and_then(|(code, _)| status_code_in(code)),
                note: note.map(Into::into),
            },
            row.line,
        );
    });
    if monitors.len() > 1 {
        bad.push(
            0,
            format!(
                "the export holds heartbeats of {} monitors ({})",
                monitors.len(),
                monitors.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            "export one monitor: … FROM heartbeat WHERE monitor_id = N",
        );
    }
    bad.finish();
    source.notes.extend(table.note());
    if maintenance > 0 {
        source.notes.push(format!(
            "skipped {maintenance} maintenance heartbeat(s) (status 3): no check result; declare maintenance windows in content/maintenance/"
        ));
    }
    source.notes.extend(clock.note());
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_pings_and_messages() {
        let mut d = Vec::new();
        let s = read(
            "id,important,monitor_id,status,msg,time,ping,duration,down_count\n\
             1,1,4,1,200 - OK,2026-03-14 09:35:00.123,182,60,0\n\
             2,1,4,0,\"timeout of 48000ms exceeded\",2026-03-14 09:36:00,,60,0\n\
             3,0,4,2,503 - Service Unavailable,2026-03-14 09:37:00,NULL,60,0\n\
             4,0,4,3,,2026-03-14 09:38:00,,60,0\n\
             5,0,4,7,,2026-03-14 09:39:00,,60,0\n"
                .as_bytes(),
            "kuma.csv",
            None,
            &mut d,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 6);
        let c: Vec<&Check> = s.rows.iter().collect();
        assert_eq!(c.len(), 3);
        assert_eq!(
            super::super::row::format_time(c[0].at_ms),
            "2026-03-14T09:35:00.123Z"
        );
        assert_eq!(
            (c[0].ok, c[0].status_code, c[0].response_us),
            (true, Some(200), Some(182_000))
        );
        assert_eq!(c[1].note.as_deref(), Some("timeout of 48000ms exceeded"));
        assert_eq!(c[1].status_code, None);
        assert_eq!(
            c[2].note.as_deref(),
            Some("pending: 503 - Service Unavailable")
        );
        assert!(s.notes[0].contains("1 maintenance"));
    }

    #[test]
    fn one_monitor_only() {
        let mut d = Vec::new();
        read(
            "monitor_id,status,time\n1,1,2026-03-14 09:35:00\n2,1,2026-03-14 09:35:00\n".as_bytes(),
            "kuma.csv",
            None,
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("2 monitors"));
    }
}
