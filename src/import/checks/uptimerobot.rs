//! UptimeRobot's CSV exports of a monitor: its event log (Up/Down events with their
//! reason) and its response times. Each row is one check: an `Up` event or a response
//! time is a passed check, a `Down` event a failed one.

use chrono_tz::Tz;

use super::Source;
use super::columns::{self, Clock, Table};
use super::existing::Problems;
use super::row::{Check, status_code_in};
use crate::diag::Diagnostic;

const TIME: usize = 0;
const EVENT: usize = 1;
const REASON: usize = 2;
const RESPONSE: usize = 3;

const ROLES: [&[&str]; 4] = [
    &[
        "datetime",
        "date",
        "time",
        "timestamp",
        "dateandtime",
        "datetimeutc",
    ],
    &["event", "type", "status", "eventtype"],
    &["reason", "details", "reasondetails", "message"],
    &[
        "responsetime",
        "responsetimems",
        "responsetimeinms",
        "responsetimemsec",
        "value",
        "ms",
    ],
];
const IGNORED: &[&str] = &[
    "duration",
    "durationmins",
    "durationinmins",
    "durationmin",
    "durationminutes",
    "durationseconds",
    "durationsecs",
    "monitor",
    "monitorname",
    "friendlyname",
    "url",
    "monitorurl",
    "id",
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
    if !table.has(TIME) || (!table.has(EVENT) && !table.has(RESPONSE)) {
        bad.push(
            1,
            format!(
                "the header ({}) has no Date-Time column, or neither an Event nor a Response Time column",
                table.header.join(", ")
            ),
            "export the monitor's logs (Date-Time, Event, Reason) or response times (Date-Time, Response Time)",
        );
        bad.finish();
        return source;
    }
    let mut clock = Clock::new(
        tz,
        "pass --timezone with the timezone of the UptimeRobot account that exported it (My Settings)",
    );
    let mut skipped: std::collections::BTreeMap<String, usize> = Default::default();
    table.each(&mut bad, |row, bad| {
        let ok = match row.get(EVENT).to_ascii_lowercase().as_str() {
            "up" => true,
            "down" => false,
            "" if !row.get(RESPONSE).is_empty() => true,
            "" => {
                bad.push(row.line, "no Event and no Response Time".into(), "");
                return;
            }
            other => {
                *skipped.entry(other.to_string()).or_default() += 1;
                return;
            }
        };
        let Some(response_us) =
            columns::response_cell(row.get(RESPONSE), "response time", row.line, bad)
        else {
            return;
        };
        let Some(at_ms) = clock.instant(row.get(TIME), row.line, bad) else {
            return;
        };
        let reason = row.get(REASON);
        source.push(
            Check {
                at_ms,
                ok,
                response_us,
                status_code: status_code_in(reason),
                note: (!ok && !reason.is_empty()).then(|| reason.into()),
            },
            row.line,
        );
    });
    bad.finish();
    source.notes.extend(table.note());
    for (event, n) in skipped {
        source.notes.push(format!(
            "skipped {n} \"{event}\" event(s): not a check result"
        ));
    }
    source.notes.extend(clock.note());
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_response_times() {
        let mut d = Vec::new();
        let s = read(
            "\u{feff}Event,Date-Time,Reason,Duration,Duration (Mins.)\n\
             Down,2026-03-14 10:36:00,503 Service Unavailable,\"00 hrs, 30 mins\",30\n\
             Paused,2026-03-14 10:50:00,,,\n\
             Up,2026-03-14 11:06:00,OK (200),,\n"
                .as_bytes(),
            "logs.csv",
            Some(chrono_tz::Europe::Berlin),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.rows.len(), 2);
        assert!(!s.rows[0].ok);
        assert_eq!(s.rows[0].status_code, Some(503));
        assert_eq!(
            super::super::row::format_time(s.rows[0].at_ms),
            "2026-03-14T09:36:00Z"
        );
        assert_eq!(s.rows[1].status_code, Some(200));
        assert_eq!(s.rows[1].note, None);
        assert_eq!(
            s.notes,
            vec!["skipped 1 \"paused\" event(s): not a check result".to_string()]
        );
    }

    #[test]
    fn a_time_without_offset_needs_a_timezone_once() {
        let mut d = Vec::new();
        read(
            "Date Time,Response Time (ms)\n2026-03-14 10:36:00,182\n2026-03-14 10:37:00,190\n2026-03-14 10:38:00Z,x\n"
                .as_bytes(),
            "rt.csv",
            None,
            &mut d,
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].line, 2);
        assert!(d[0].message.contains("no UTC offset"));
        assert_eq!(d[1].line, 4);
    }
}
