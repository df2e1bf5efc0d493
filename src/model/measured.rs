//! Measured availability: what the check histories (`data/checks/`) say, beside the
//! declared figures of [`crate::model::uptime`]. Pure functions of the site and "now".
//!
//! The method (docs/checks.md states it for readers too):
//! - The check interval of a component is the median spacing between its consecutive
//!   checks (the lower median for an even count). A history of fewer than two checks has
//!   no interval and so no data.
//! - Each check's result holds from its time until the next check, when that comes
//!   within `gap_factor` × the interval; otherwise (and after the last check) it holds for
//!   one interval, and the rest of the gap is "no data": neither up nor down.
//! - Availability over a span = 100 × (1 − failed time ÷ time with data); a span without
//!   data has no figure (`None`), never 100.
//! - Maintenance mirrors `[uptime].count_maintenance`: unless it is on, failed time inside
//!   a maintenance window of the component (one not cancelled) counts as up.
//! - Time before the component's `since` and after "now" never counts; checks after "now"
//!   are ignored.
//! - Daily response times are the nearest-rank p50 and p95 of the response times of the
//!   day's checks (failed ones included when they give one).

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::model::uptime::{
    MeasuredDay, MeasuredUptime, MeasuredWindow, UptimeReport, day_start, local_date,
};
use crate::site::checks::Series;
use crate::site::{Component, Site};
use crate::vocabulary::MaintenanceStatus;

const MS_PER_MINUTE: f64 = 60_000.0;

/// A span of time in epoch milliseconds, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

/// Where a history has data and where its checks failed: both sorted, disjoint and merged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// The median spacing of checks, ms; `None` with fewer than two checks.
    pub interval_ms: Option<i64>,
    /// Time with data.
    pub data: Vec<Span>,
    /// Time a failed check held (the measured outages), before any maintenance is forgiven.
    pub failed: Vec<Span>,
}

/// One component's measured figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredFigures {
    pub id: String,
    pub series: Arc<Series>,
    pub coverage: Coverage,
    /// Failed time that counts as down: `coverage.failed` less forgiven maintenance.
    pub down: Vec<Span>,
    /// Where the figures may count from (local midnight of `since`), ms.
    pub from_ms: i64,
    /// "Now", ms.
    pub now_ms: i64,
    /// The uptime bar's days, oldest first, as `ComponentFigures::days`.
    pub days: Vec<MeasuredDay>,
    /// The long windows carry no percentiles ([`MeasuredFigures::availability`]).
    pub last_30_days: MeasuredWindow,
    pub last_90_days: MeasuredWindow,
    pub all_time: MeasuredWindow,
}

/// The median spacing of strictly ascending times (lower median).
pub fn check_interval(times: &[i64]) -> Option<i64> {
    if times.len() < 2 {
        return None;
    }
    let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let mid = (gaps.len() - 1) / 2;
    let (_, m, _) = gaps.select_nth_unstable(mid);
    Some(*m)
}

fn push_merged(v: &mut Vec<Span>, start: i64, end: i64) {
    if start >= end {
        return;
    }
    match v.last_mut() {
        Some(last) if last.end >= start => last.end = last.end.max(end),
        _ => v.push(Span { start, end }),
    }
}

/// Where each check's result holds (the method in the module notes), up to `now_ms`.
pub fn coverage(series: &Series, gap_factor: f64, now_ms: i64) -> Coverage {
    // Checks after "now" are not known yet: they neither count nor end a gap.
    let count = series.times.partition_point(|&t| t < now_ms);
    let times = &series.times[..count];
    let Some(interval) = check_interval(times) else {
        return Coverage::default();
    };
    let gap = (interval as f64 * gap_factor).floor() as i64;
    let mut data = Vec::new();
    let mut failed = Vec::new();
    for i in 0..count {
        let t = times[i];
        let held = match times.get(i + 1) {
            Some(&next) if next - t <= gap => next,
            _ => t + interval,
        };
        let end = held.min(now_ms);
        push_merged(&mut data, t, end);
        if !series.ok[i] {
            push_merged(&mut failed, t, end);
        }
    }
    Coverage {
        interval_ms: Some(interval),
        data,
        failed,
    }
}

/// `spans` less `holes` (both sorted and disjoint).
pub fn subtract(spans: &[Span], holes: &[Span]) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    let mut h = 0;
    for s in spans {
        let mut start = s.start;
        while h < holes.len() && holes[h].end <= start {
            h += 1;
        }
        let mut k = h;
        while k < holes.len() && holes[k].start < s.end {
            push_merged(&mut out, start, holes[k].start.min(s.end));
            start = start.max(holes[k].end);
            k += 1;
        }
        push_merged(&mut out, start, s.end);
    }
    out
}

/// Milliseconds of `spans` (sorted, disjoint) inside `a..b`.
pub fn overlap(spans: &[Span], a: i64, b: i64) -> i64 {
    if a >= b {
        return 0;
    }
    let from = spans.partition_point(|s| s.end <= a);
    spans[from..]
        .iter()
        .take_while(|s| s.start < b)
        .map(|s| (s.end.min(b) - s.start.max(a)).max(0))
        .sum()
}

/// The nearest-rank percentile `p` (0–100) of `values`, which it reorders: a selection,
/// not a sort, so a year of checks costs O(n).
fn percentile(values: &mut [f32], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    let k = rank.clamp(1, values.len()) - 1;
    let (_, v, _) = values.select_nth_unstable_by(k, f32::total_cmp);
    Some(f64::from(*v))
}

impl MeasuredFigures {
    /// The figures over `a..b` (ms), clipped to the time that may count.
    pub fn window(&self, a: i64, b: i64) -> MeasuredWindow {
        self.figures_over(a, b, true)
    }

    /// [`Self::window`] without the response-time percentiles, which nothing shows for the
    /// long windows and which would cost a pass over a year of rows.
    pub fn availability(&self, a: i64, b: i64) -> MeasuredWindow {
        self.figures_over(a, b, false)
    }

    fn figures_over(&self, a: i64, b: i64, percentiles: bool) -> MeasuredWindow {
        let (a, b) = (a.max(self.from_ms), b.min(self.now_ms));
        let data = overlap(&self.coverage.data, a, b);
        let down = overlap(&self.down, a, b);
        let times = &self.series.times;
        let (i, j) = if a < b {
            (
                times.partition_point(|&t| t < a),
                times.partition_point(|&t| t < b),
            )
        } else {
            (0, 0)
        };
        let mut responses: Vec<f32> = if percentiles {
            self.series.response_ms[i..j]
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .collect()
        } else {
            Vec::new()
        };
        MeasuredWindow {
            uptime: (data > 0).then(|| 100.0 * (1.0 - down as f64 / data as f64)),
            downtime_minutes: down as f64 / MS_PER_MINUTE,
            data_minutes: data as f64 / MS_PER_MINUTE,
            checks: j - i,
            p50_ms: percentile(&mut responses, 50.0),
            p95_ms: percentile(&mut responses, 95.0),
        }
    }
}

/// Maintenance windows of a component, as spans (cancelled ones left out), sorted and merged.
pub fn maintenance_spans(site: &Site, component: &str, now_ms: i64) -> Vec<Span> {
    let mut v: Vec<Span> = site
        .maintenance
        .iter()
        .filter(|m| m.status != Some(MaintenanceStatus::Cancelled))
        .filter(|m| m.components.iter().any(|c| c == component))
        .map(|m| Span {
            start: m.starts.timestamp_millis(),
            end: m.ends.timestamp_millis().min(now_ms),
        })
        .filter(|s| s.start < s.end)
        .collect();
    v.sort_by_key(|s| (s.start, s.end));
    let mut out = Vec::with_capacity(v.len());
    for s in v {
        push_merged(&mut out, s.start, s.end);
    }
    out
}

fn sub_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(NaiveDate::MIN)
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

/// One component's measured figures.
pub fn component_measured(
    site: &Site,
    component: &Component,
    series: &Arc<Series>,
    now: DateTime<Utc>,
) -> MeasuredFigures {
    let tz: Tz = site.config.timezone;
    let now_ms = now.timestamp_millis();
    let coverage = coverage(series, site.config.checks.gap_factor, now_ms);
    let down = if site.config.uptime.count_maintenance {
        coverage.failed.clone()
    } else {
        subtract(
            &coverage.failed,
            &maintenance_spans(site, &component.id, now_ms),
        )
    };
    let from_ms = component
        .since
        .map_or(i64::MIN, |d| day_start(tz, d).timestamp_millis());
    let mut m = MeasuredFigures {
        id: component.id.clone(),
        series: Arc::clone(series),
        coverage,
        down,
        from_ms,
        now_ms,
        days: Vec::new(),
        last_30_days: empty_window(),
        last_90_days: empty_window(),
        all_time: empty_window(),
    };
    let today = local_date(tz, now);
    let bar_days = u64::from(site.config.uptime.days);
    let start_of = |d: NaiveDate| day_start(tz, d).timestamp_millis();
    m.days = (0..bar_days)
        .rev()
        .map(|back| {
            let date = sub_days(today, back);
            MeasuredDay {
                date,
                figures: m.window(start_of(date), start_of(add_days(date, 1))),
            }
        })
        .collect();
    m.last_30_days = m.availability(start_of(sub_days(today, 29)), now_ms);
    m.last_90_days = m.availability(start_of(sub_days(today, 89)), now_ms);
    m.all_time = m.availability(i64::MIN, now_ms);
    m
}

fn empty_window() -> MeasuredWindow {
    MeasuredWindow {
        uptime: None,
        downtime_minutes: 0.0,
        data_minutes: 0.0,
        checks: 0,
        p50_ms: None,
        p95_ms: None,
    }
}

/// Every component with a check history, in `site.toml` order; in parallel, since a
/// year of 1-minute checks is half a million rows per component.
pub fn measured_figures(site: &Site, now: DateTime<Utc>) -> Vec<MeasuredFigures> {
    use rayon::prelude::*;
    site.checks
        .series
        .par_iter()
        .filter_map(|s| {
            let c = site.component(&s.component)?;
            Some(component_measured(site, c, s, now))
        })
        .collect()
}

impl UptimeReport {
    /// Adds the measured figures of the components that have a check history.
    pub fn with_measured(mut self, measured: &[MeasuredFigures], gap_factor: f64) -> UptimeReport {
        for c in &mut self.components {
            let Some(m) = measured.iter().find(|m| m.id == c.id) else {
                continue;
            };
            c.measured = Some(MeasuredUptime {
                checks: m.all_time.checks,
                check_interval_seconds: m.coverage.interval_ms.map(|ms| ms as f64 / 1000.0),
                gap_factor,
                uptime_30d: m.last_30_days.uptime,
                uptime_90d: m.last_90_days.uptime,
                uptime_all: m.all_time.uptime,
                days: m.days.clone(),
            });
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::uptime::tests::{component, date, utc, window};
    use crate::test_site::TestSite;

    const MIN: i64 = 60_000;

    fn series(rows: &[(i64, bool, Option<f32>)]) -> Series {
        let mut s = Series {
            component: "api".into(),
            ..Series::default()
        };
        for (n, (t, ok, r)) in rows.iter().enumerate() {
            s.push(*t, *ok, *r, n + 2);
        }
        s
    }

    fn span(start: i64, end: i64) -> Span {
        Span { start, end }
    }

    #[test]
    fn the_interval_is_the_median_spacing() {
        assert_eq!(check_interval(&[]), None);
        assert_eq!(check_interval(&[5]), None);
        assert_eq!(check_interval(&[0, 60, 120, 1000]), Some(60));
        // Gaps 10, 20, 30, 40: the lower median.
        assert_eq!(check_interval(&[0, 10, 30, 60, 100]), Some(20));
    }

    #[test]
    fn each_check_holds_until_the_next_and_gaps_are_no_data() {
        // Minute checks at 0..=4, a failure at 2; then a 10-minute gap (> 3 × 1 min);
        // then checks at 14 and 15.
        let s = series(&[
            (0, true, None),
            (MIN, true, None),
            (2 * MIN, false, None),
            (3 * MIN, true, None),
            (4 * MIN, true, None),
            (14 * MIN, false, None),
            (15 * MIN, true, None),
        ]);
        let c = coverage(&s, 3.0, 100 * MIN);
        assert_eq!(c.interval_ms, Some(MIN));
        // The check at 4 holds for one interval, to 5; the last check to 16.
        assert_eq!(c.data, vec![span(0, 5 * MIN), span(14 * MIN, 16 * MIN)]);
        assert_eq!(
            c.failed,
            vec![span(2 * MIN, 3 * MIN), span(14 * MIN, 15 * MIN)]
        );
        // A gap of exactly 3 intervals still holds.
        let s = series(&[(0, true, None), (MIN, true, None), (4 * MIN, false, None)]);
        assert_eq!(coverage(&s, 3.0, 100 * MIN).data, vec![span(0, 5 * MIN)]);
        // "Now" cuts the last check short, and later checks do not count.
        let s = series(&[(0, true, None), (MIN, false, None), (2 * MIN, true, None)]);
        let c = coverage(&s, 3.0, MIN + MIN / 2);
        assert_eq!(c.data, vec![span(0, MIN + MIN / 2)]);
        assert_eq!(c.failed, vec![span(MIN, MIN + MIN / 2)]);
    }

    #[test]
    fn subtract_and_overlap() {
        let spans = [span(0, 10), span(20, 30)];
        assert_eq!(
            subtract(&spans, &[span(5, 22), span(25, 26)]),
            vec![span(0, 5), span(22, 25), span(26, 30)]
        );
        assert_eq!(subtract(&spans, &[]), spans.to_vec());
        assert_eq!(overlap(&spans, 5, 25), 10);
        assert_eq!(overlap(&spans, 30, 40), 0);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut v: Vec<f32> = (1..=20).rev().map(|n| n as f32).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(10.0));
        assert_eq!(percentile(&mut v, 95.0), Some(19.0));
        assert_eq!(percentile(&mut [7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    /// A hand-worked day in Berlin (UTC+1 in March before the switch): checks every
    /// 10 minutes on 2026-03-10 from local 00:00 to 23:50, failing 10:00–10:30 local, with a
    /// maintenance window 10:20–10:40 local, and nothing from 20:00 local on.
    fn berlin_day(count_maintenance: bool) -> MeasuredFigures {
        let tz = chrono_tz::Europe::Berlin;
        let day0 = utc(2026, 3, 9, 23, 0).timestamp_millis();
        let rows: Vec<(i64, bool, Option<f32>)> = (0..120)
            .map(|k| {
                let t = day0 + k * 10 * MIN;
                let fail = (60..63).contains(&k);
                (t, !fail, Some(100.0 + k as f32))
            })
            .collect();
        let mut site = TestSite::new(tz)
            .components(vec![component("api", Some(date(2026, 3, 1)))])
            .maintenance(vec![window(
                &["api"],
                utc(2026, 3, 10, 9, 20),
                utc(2026, 3, 10, 9, 40),
                None,
            )])
            .build();
        site.config.uptime.count_maintenance = count_maintenance;
        site.config.uptime.days = 3;
        let s = Arc::new(series(&rows));
        component_measured(
            &site,
            &site.config.components[0],
            &s,
            utc(2026, 3, 11, 12, 0),
        )
    }

    #[test]
    fn a_hand_worked_day() {
        let m = berlin_day(false);
        assert_eq!(
            m.days.iter().map(|d| d.date).collect::<Vec<_>>(),
            vec![date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)]
        );
        let d = &m.days[1].figures;
        // 120 checks hold 10 minutes each: 00:00–20:00 has data.
        assert_eq!(d.data_minutes, 1200.0);
        // Failed 10:00–10:30, of which 10:20–10:30 is in maintenance: 20 minutes down.
        assert_eq!(d.downtime_minutes, 20.0);
        assert!((d.uptime.unwrap() - 100.0 * (1.0 - 20.0 / 1200.0)).abs() < 1e-12);
        assert_eq!(d.checks, 120);
        // Responses 100..=219: p50 is the 60th (159), p95 the 114th (213).
        assert_eq!((d.p50_ms, d.p95_ms), (Some(159.0), Some(213.0)));
        // No data the day before or after.
        assert_eq!(m.days[0].figures.uptime, None);
        assert_eq!(m.days[2].figures.uptime, None);
        assert_eq!(m.last_30_days.data_minutes, 1200.0);
        assert_eq!(m.all_time.uptime, d.uptime);

        let counted = berlin_day(true);
        assert_eq!(counted.days[1].figures.downtime_minutes, 30.0);
    }
}
