//! Declared against measured: what the check histories say that the incidents do not.
//! - `undeclared-downtime`: a measured outage (consecutive failed checks, each holding
//!   until the next check as in [`crate::model::measured`]) longer than
//!   `[checks].undeclared_minutes` that no incident naming the component overlaps and no
//!   maintenance window of the component (not cancelled) overlaps.
//! - `no-measured-failure`: an incident of impact major or critical whose checks on a
//!   component it names never failed during its impact window, where the history has data
//!   for the whole window.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::diag::Finding;
use crate::model::measured::{MeasuredFigures, Span, maintenance_spans, measured_figures, overlap};
use crate::model::status::human_duration;
use crate::site::Site;
use crate::vocabulary::Impact;

/// Both rules over every component with a check history.
pub fn rules(site: &Site, now: DateTime<Utc>) -> Vec<Finding> {
    if site.checks.is_empty() {
        return Vec::new();
    }
    let measured = measured_figures(site, now);
    let mut out = Vec::new();
    for m in &measured {
        undeclared_downtime(site, m, now, &mut out);
    }
    no_measured_failure(site, &measured, now, &mut out);
    out
}

fn ms_to_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// "2026-03-14 10:36–11:06 UTC+01:00" in the site timezone; the end gets its date (and
/// offset) too when they differ from the start's.
pub fn local_range(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (a, b) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let offset = |t: &chrono::DateTime<Tz>| format!("UTC{}", t.format("%:z"));
    let head = a.format("%Y-%m-%d %H:%M");
    if offset(&a) != offset(&b) {
        return format!(
            "{head} {}–{} {}",
            offset(&a),
            b.format("%Y-%m-%d %H:%M"),
            offset(&b)
        );
    }
    let tail = if a.date_naive() == b.date_naive() {
        b.format("%H:%M").to_string()
    } else {
        b.format("%Y-%m-%d %H:%M").to_string()
    };
    format!("{head}–{tail} {}", offset(&a))
}

fn undeclared_downtime(
    site: &Site,
    m: &MeasuredFigures,
    now: DateTime<Utc>,
    out: &mut Vec<Finding>,
) {
    let threshold_ms = (site.config.checks.undeclared_minutes * 60_000.0).round() as i64;
    let now_ms = now.timestamp_millis();
    let mut declared: Vec<Span> = site
        .incidents
        .iter()
        .filter(|i| i.affects(&m.id))
        .map(|i| Span {
            start: i.started.timestamp_millis(),
            end: i.resolved.unwrap_or(now).timestamp_millis().min(now_ms),
        })
        .collect();
    declared.extend(maintenance_spans(site, &m.id, now_ms));
    let tz = site.config.timezone;
    for f in &m.coverage.failed {
        let (start, end) = (f.start.max(m.from_ms), f.end);
        if end - start <= threshold_ms {
            continue;
        }
        if declared.iter().any(|d| d.start < end && start < d.end) {
            continue;
        }
        let row = m.series.times.partition_point(|&t| t < f.start);
        let (a, b) = (ms_to_time(start), ms_to_time(end));
        out.push(Finding::warning(
            "undeclared-downtime",
            &m.series.source,
            m.series.line_of(row),
            format!(
                "undeclared downtime on {}: {}, {}",
                m.id,
                local_range(a, b, tz),
                human_duration(Duration::milliseconds(end - start))
            ),
            format!(
                "the checks failed for longer than {} min and no incident on {} covers it: declare one (statusgen new incident), or find out why the monitor failed",
                site.config.checks.undeclared_minutes, m.id
            ),
        ));
    }
}

fn no_measured_failure(
    site: &Site,
    measured: &[MeasuredFigures],
    now: DateTime<Utc>,
    out: &mut Vec<Finding>,
) {
    let tz = site.config.timezone;
    for i in &site.incidents {
        if !matches!(i.impact, Impact::Major | Impact::Critical) {
            continue;
        }
        let end = i.resolved.unwrap_or(now).min(now);
        let (a, b) = (i.started.timestamp_millis(), end.timestamp_millis());
        if a >= b {
            continue;
        }
        for affected in &i.components {
            let Some(m) = measured.iter().find(|m| m.id == affected.id) else {
                continue;
            };
            if a < m.from_ms || overlap(&m.coverage.data, a, b) < b - a {
                continue; // the history does not cover the whole window
            }
            if overlap(&m.coverage.failed, a, b) > 0 {
                continue;
            }
            let line = if i.lines.impact > 0 {
                i.lines.impact
            } else {
                i.lines.started
            };
            out.push(Finding::warning(
                "no-measured-failure",
                &i.source,
                line,
                format!(
                    "impact {} but the checks of {} measured no failure during the incident ({})",
                    i.impact.as_str(),
                    m.id,
                    local_range(i.started, end, tz)
                ),
                format!(
                    "check the incident's times and impact against {}, or the monitor: it passed throughout",
                    m.series.source
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::uptime::tests::{component, incident, utc};
    use crate::site::checks::{Checks, Series};
    use crate::test_site::TestSite;
    use crate::vocabulary::Level;
    use std::sync::Arc;

    /// Minute checks over 2026-03-14 09:00–13:00 UTC on api, failing 09:36–10:06 UTC.
    fn site_with(incidents: Vec<crate::site::Incident>) -> Site {
        let mut s = Series {
            component: "api".into(),
            source: "data/checks/api.csv".into(),
            ..Series::default()
        };
        let t0 = utc(2026, 3, 14, 9, 0).timestamp_millis();
        for k in 0..240 {
            s.push(
                t0 + k * 60_000,
                !(36..66).contains(&k),
                None,
                k as usize + 2,
            );
        }
        let mut site = TestSite::new(chrono_tz::Europe::Berlin)
            .components(vec![component("api", None)])
            .incidents(incidents)
            .build();
        site.checks = Checks {
            series: vec![Arc::new(s)],
        };
        site
    }

    fn messages(site: &Site) -> Vec<(String, usize, String)> {
        rules(site, utc(2026, 3, 15, 0, 0))
            .into_iter()
            .map(|f| (f.rule.to_string(), f.diag.line, f.diag.message))
            .collect()
    }

    #[test]
    fn names_an_undeclared_outage_in_the_site_timezone() {
        assert_eq!(
            messages(&site_with(vec![])),
            vec![(
                "undeclared-downtime".into(),
                38,
                "undeclared downtime on api: 2026-03-14 10:36–11:06 UTC+01:00, 30 min".into()
            )]
        );
    }

    #[test]
    fn an_incident_that_overlaps_declares_it() {
        let i = incident(
            "lb",
            &[("api", Level::MajorOutage)],
            utc(2026, 3, 14, 9, 40),
            Some(utc(2026, 3, 14, 10, 6)),
        );
        assert!(messages(&site_with(vec![i])).is_empty());
    }

    #[test]
    fn a_major_incident_without_a_measured_failure() {
        let mut i = incident(
            "phantom",
            &[("api", Level::MajorOutage)],
            utc(2026, 3, 14, 11, 0),
            Some(utc(2026, 3, 14, 11, 30)),
        );
        i.lines.impact = 3;
        // Outside the history's data (after 13:01): no finding for that one.
        let late = incident(
            "late",
            &[("api", Level::MajorOutage)],
            utc(2026, 3, 14, 12, 50),
            Some(utc(2026, 3, 14, 13, 30)),
        );
        let got = messages(&site_with(vec![i, late]));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1].0, "no-measured-failure");
        assert_eq!(got[1].1, 3);
        assert_eq!(
            got[1].2,
            "impact major but the checks of api measured no failure during the incident (2026-03-14 12:00–12:30 UTC+01:00)"
        );
    }

    #[test]
    fn ranges_across_days_and_offsets() {
        let tz = chrono_tz::Europe::Berlin;
        assert_eq!(
            local_range(utc(2026, 3, 14, 22, 50), utc(2026, 3, 14, 23, 20), tz),
            "2026-03-14 23:50–2026-03-15 00:20 UTC+01:00"
        );
        assert_eq!(
            local_range(utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 1, 10), tz),
            "2026-03-29 01:50 UTC+01:00–2026-03-29 03:10 UTC+02:00"
        );
    }
}
