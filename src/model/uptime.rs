//! Uptime: weighted downtime of each component, daily availability on calendar days of the
//! site timezone, 30 / 90-day and all-time availability, SLO breaches and the error budget.
//! Pure functions of the site and "now" (DESIGN.md "What is derived" and "uptime.json").
//!
//! Conventions that DESIGN.md leaves open, decided here:
//! - A calendar day `d` starts at the first instant whose local time is at or after `d` 00:00.
//!   Where local midnight does not exist (a DST gap at midnight, as in America/Santiago or
//!   Asia/Beirut) that is the end of the gap; where it happens twice, the first occurrence.
//!   A day the zone skipped entirely (Pacific/Apia, 2011-12-30) has zero length.
//! - Any span of zero length (today at exactly local midnight, a window whose clipped start
//!   is not before "now", a `since` in the future) reports 100.0 % and 0 minutes: nothing
//!   could go wrong in no time, and a number keeps `uptime.json` free of nulls there.
//! - One start-of-history rule for every daily figure (the bars, the calendar months,
//!   `uptime.json`): a day has data from `since` on, and every day has data without it
//!   (DESIGN's `uptime.json`). A new site should set `since` (`statusgen init` does).
//! - Without `since`, the whole history starts at local midnight of the day of the earliest
//!   incident that has started by "now" (and, when `count_maintenance` is on, the earliest
//!   counted maintenance window); with neither, today's midnight. The `Site` arrives with
//!   drafts already filtered as the user asked, so every incident in it counts.
//! - Weights are clamped to 0..=1 (a NaN counts as 0) so availability stays within 0..=100.
//! - Arithmetic runs on whole milliseconds since the epoch; sub-millisecond parts are dropped.
//! - The error budget is taken over the actual 30-day window (local midnight 29 days ago up
//!   to "now", clipped by `since`), so "budget exhausted" and "30-day breach" always agree.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::model::status::{component_level, incident_active, maintenance_active};
use crate::site::{Component, Incident, Maintenance, Site};
use crate::vocabulary::{Level, MaintenanceStatus};

const MS_PER_MINUTE: f64 = 60_000.0;

/// One weighted span of downtime: `start..end` (end exclusive), `weight` in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub weight: f64,
}

/// Availability of one calendar day (site timezone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayFigure {
    /// Serialised as `YYYY-MM-DD`.
    pub date: NaiveDate,
    /// Percent, unrounded; `None` on days without data (before `since`).
    pub uptime: Option<f64>,
    /// Weighted downtime in minutes.
    pub downtime_minutes: f64,
}

/// Availability over one span of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowFigure {
    /// Already clipped by `since`; equal to `end` for an empty window.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub length_minutes: f64,
    pub downtime_minutes: f64,
    /// Percent, unrounded; 100.0 for an empty window.
    pub uptime: f64,
    /// `uptime` below the component's SLO.
    pub breach: bool,
}

/// Availability of one calendar month (site timezone), with its days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFigure {
    pub year: i32,
    /// 1..=12.
    pub month: u32,
    /// Percent over the month's days with data (up to "now"); `None` when none has data.
    pub uptime: Option<f64>,
    pub downtime_minutes: f64,
    /// Minutes of the month that count (days with data, up to "now").
    pub length_minutes: f64,
    pub breach: bool,
    /// From the 1st to the month's last day, or to today in the current month.
    pub days: Vec<DayFigure>,
}

/// The error budget of the 30-day window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorBudget {
    pub slo: f64,
    pub window_minutes: f64,
    /// (1 − SLO/100) × window.
    pub allowed_minutes: f64,
    /// Weighted downtime in the window.
    pub used_minutes: f64,
    /// allowed − used; negative once the budget is overspent.
    pub remaining_minutes: f64,
    /// used ÷ allowed × 100; `None` when nothing is allowed (SLO 100 or an empty window).
    pub used_percent: Option<f64>,
}

/// A period whose availability fell below the SLO. Serialised with a `kind` field:
/// `day`, `month`, `last_30_days`, `last_90_days`, `all_time`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BreachPeriod {
    Day {
        date: NaiveDate,
    },
    Month {
        year: i32,
        month: u32,
    },
    #[serde(rename = "last_30_days")]
    Last30Days,
    #[serde(rename = "last_90_days")]
    Last90Days,
    AllTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    pub period: BreachPeriod,
    pub uptime: f64,
    pub slo: f64,
}

/// Everything the pages show about one component's availability, computed once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentFigures {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub status: Level,
    pub slo: f64,
    pub since: Option<NaiveDate>,
    /// Disjoint, sorted, positive-weight spans of downtime (the weighted union).
    pub segments: Vec<Interval>,
    /// The uptime bar: `config.uptime.days` entries, oldest first, the last one today.
    pub days: Vec<DayFigure>,
    pub last_30_days: WindowFigure,
    pub last_90_days: WindowFigure,
    pub all_time: WindowFigure,
    /// The whole history month by month, oldest first: from the month where the history
    /// starts (`since`, else the site's earliest incident) to the current month. As in
    /// `days`, only days before `since` have no data.
    pub months: Vec<MonthFigure>,
    /// Days, months and windows below the SLO: days oldest first, then months oldest first,
    /// then the 30-day, 90-day and all-time windows.
    pub breaches: Vec<Breach>,
    pub budget: ErrorBudget,
}

/// `uptime.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UptimeReport {
    /// RFC 3339, UTC, seconds, with `Z`.
    pub generated_at: String,
    pub timezone: String,
    pub window_days: u32,
    pub components: Vec<ComponentUptime>,
}

/// One component of `uptime.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentUptime {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub status: Level,
    pub slo: f64,
    /// `null` when the window has no length yet (it lies wholly before `since`).
    pub uptime_30d: Option<f64>,
    pub uptime_90d: Option<f64>,
    pub uptime_all: Option<f64>,
    pub days: Vec<DayFigure>,
    /// What the component's check history measured; absent without one (docs/checks.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<MeasuredUptime>,
}

/// The `measured` object of a component in `uptime.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredUptime {
    /// Checks in the history up to "now".
    pub checks: usize,
    /// The median spacing of checks; `null` with fewer than two.
    pub check_interval_seconds: Option<f64>,
    /// A gap longer than this many intervals is no data.
    pub gap_factor: f64,
    /// `null` where the window has no data.
    pub uptime_30d: Option<f64>,
    pub uptime_90d: Option<f64>,
    pub uptime_all: Option<f64>,
    /// The same days as `days`.
    pub days: Vec<MeasuredDay>,
}

/// Measured figures over one span of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredWindow {
    /// Percent, unrounded; `None` when the span has no data.
    pub uptime: Option<f64>,
    /// Failed time that counts (maintenance forgiven unless it counts), minutes.
    pub downtime_minutes: f64,
    /// Time with data, minutes.
    pub data_minutes: f64,
    /// Checks in the span.
    pub checks: usize,
    /// Nearest-rank percentiles of the checks' response times, ms.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

/// One day (site timezone) of measured figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredDay {
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    #[serde(flatten)]
    pub figures: MeasuredWindow,
}

impl WindowFigure {
    /// The availability, or `None` when the window has no length (nothing measured).
    pub fn measured(&self) -> Option<f64> {
        (self.length_minutes > 0.0).then_some(self.uptime)
    }
}

/// The downtime weight of a level: major 1.0, partial `partial_outage_weight`, else 0.
pub fn level_weight(level: Level, partial_outage_weight: f64) -> f64 {
    match level {
        Level::MajorOutage => 1.0,
        Level::PartialOutage => clamp_weight(partial_outage_weight),
        Level::DegradedPerformance | Level::UnderMaintenance | Level::Operational => 0.0,
    }
}

fn clamp_weight(w: f64) -> f64 {
    if w.is_nan() || w <= 0.0 {
        0.0
    } else if w >= 1.0 {
        1.0
    } else {
        w
    }
}

/// The span an incident counts for at `now`: started..resolved, an ongoing one to now,
/// clipped to now; `None` for one that has not started or has no length.
fn incident_span(i: &Incident, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let end = i.resolved.unwrap_or(now).min(now);
    (i.started < end).then_some((i.started, end))
}

/// The span a maintenance window counts for (only when `count_maintenance`): explicitly
/// cancelled windows never count; others from starts to ends, clipped to now.
fn maintenance_span(m: &Maintenance, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if m.status == Some(MaintenanceStatus::Cancelled) {
        return None;
    }
    let end = m.ends.min(now);
    (m.starts < end).then_some((m.starts, end))
}

fn sort_intervals(v: &mut [Interval]) {
    v.sort_by(|a, b| {
        (a.start, a.end)
            .cmp(&(b.start, b.end))
            .then(a.weight.total_cmp(&b.weight))
    });
}

/// One component's raw intervals (incidents, plus maintenance when `count_maintenance`),
/// sorted by start. Degraded-performance intervals are kept with weight 0.
pub fn component_intervals(site: &Site, component_id: &str, now: DateTime<Utc>) -> Vec<Interval> {
    let weight = site.config.uptime.partial_outage_weight;
    let mut out = Vec::new();
    for i in &site.incidents {
        let Some((start, end)) = incident_span(i, now) else {
            continue;
        };
        for a in i.components.iter().filter(|a| a.id == component_id) {
            out.push(Interval {
                start,
                end,
                weight: level_weight(a.level, weight),
            });
        }
    }
    if site.config.uptime.count_maintenance {
        for m in &site.maintenance {
            if !m.components.iter().any(|c| c == component_id) {
                continue;
            }
            if let Some((start, end)) = maintenance_span(m, now) {
                out.push(Interval {
                    start,
                    end,
                    weight: 1.0,
                });
            }
        }
    }
    sort_intervals(&mut out);
    out
}

/// Every configured component's raw intervals, in config order, built in one pass over
/// incidents and maintenance. Ids not in the config are ignored.
pub fn all_component_intervals(site: &Site, now: DateTime<Utc>) -> Vec<Vec<Interval>> {
    let comps = &site.config.components;
    let index: std::collections::HashMap<&str, usize> = comps
        .iter()
        .enumerate()
        .map(|(n, c)| (c.id.as_str(), n))
        .collect();
    let weight = site.config.uptime.partial_outage_weight;
    let mut out: Vec<Vec<Interval>> = vec![Vec::new(); comps.len()];
    for i in &site.incidents {
        let Some((start, end)) = incident_span(i, now) else {
            continue;
        };
        for a in &i.components {
            if let Some(&n) = index.get(a.id.as_str()) {
                out[n].push(Interval {
                    start,
                    end,
                    weight: level_weight(a.level, weight),
                });
            }
        }
    }
    if site.config.uptime.count_maintenance {
        for m in &site.maintenance {
            let Some((start, end)) = maintenance_span(m, now) else {
                continue;
            };
            for c in &m.components {
                if let Some(&n) = index.get(c.as_str()) {
                    out[n].push(Interval {
                        start,
                        end,
                        weight: 1.0,
                    });
                }
            }
        }
    }
    for v in &mut out {
        sort_intervals(v);
    }
    out
}

/// The weighted union: at each instant the weight is the largest weight of the intervals
/// covering it, so overlaps never count twice. Returns disjoint spans sorted by start, with
/// positive weight only, adjacent spans of equal weight merged. O(n log n).
pub fn weighted_union(intervals: &[Interval]) -> Vec<Interval> {
    // (time, weight bits, +1 start / -1 end). Non-negative f64 bits order like the values.
    let mut events: Vec<(DateTime<Utc>, u64, i8)> = Vec::with_capacity(intervals.len() * 2);
    for iv in intervals {
        let w = clamp_weight(iv.weight);
        if w > 0.0 && iv.start < iv.end {
            events.push((iv.start, w.to_bits(), 1));
            events.push((iv.end, w.to_bits(), -1));
        }
    }
    events.sort_unstable();
    let mut active: BTreeMap<u64, usize> = BTreeMap::new();
    let mut out: Vec<Interval> = Vec::new();
    let mut k = 0;
    let mut prev: Option<(DateTime<Utc>, f64)> = None;
    while k < events.len() {
        let t = events[k].0;
        if let Some((from, w)) = prev
            && w > 0.0
            && from < t
        {
            match out.last_mut() {
                Some(last) if last.end == from && last.weight == w => last.end = t,
                _ => out.push(Interval {
                    start: from,
                    end: t,
                    weight: w,
                }),
            }
        }
        while k < events.len() && events[k].0 == t {
            let (_, bits, kind) = events[k];
            if kind > 0 {
                *active.entry(bits).or_insert(0) += 1;
            } else if let Some(count) = active.get_mut(&bits) {
                *count -= 1;
                if *count == 0 {
                    active.remove(&bits);
                }
            }
            k += 1;
        }
        let w = active
            .last_key_value()
            .map(|(bits, _)| f64::from_bits(*bits))
            .unwrap_or(0.0);
        prev = Some((t, w));
    }
    out
}

/// The local calendar date of an instant in the site timezone.
pub fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// Where calendar day `date` starts: the first instant whose local time is at or after
/// `date` 00:00 (see the module notes for gaps and overlaps at midnight).
pub fn day_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    match midnight.and_local_timezone(tz) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        chrono::LocalResult::None => end_of_gap(tz, midnight),
    }
}

/// The first instant whose local time is at or after `local`, which falls in a gap.
/// Offsets never exceed ±26 h, so the answer lies within that distance of `local` read as
/// UTC; binary search on whole seconds (every tz offset is a whole number of seconds).
fn end_of_gap(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let centre = local.and_utc().timestamp();
    let reach = 26 * 3600;
    let (mut lo, mut hi) = (centre.saturating_sub(reach), centre.saturating_add(reach));
    let at_or_after = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .map(|t| t.with_timezone(&tz).naive_local() >= local)
            .unwrap_or(secs > centre)
    };
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if at_or_after(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    DateTime::from_timestamp(lo, 0).unwrap_or_else(|| local.and_utc())
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

fn sub_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(NaiveDate::MIN)
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// A downtime segment in epoch milliseconds.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: i64,
    end: i64,
    weight: f64,
}

fn to_segs(segments: &[Interval]) -> Vec<Seg> {
    segments
        .iter()
        .map(|s| Seg {
            start: s.start.timestamp_millis(),
            end: s.end.timestamp_millis(),
            weight: s.weight,
        })
        .collect()
}

/// The start of each day from `first` through `last + 1`, in epoch ms, the final bound
/// clipped to `now` (so the last day, when it is today, runs to "now"). Computed once
/// and shared by every component.
struct DayGrid {
    first: NaiveDate,
    /// `bounds[i]..bounds[i + 1]` is day `first + i`.
    bounds: Vec<i64>,
}

impl DayGrid {
    fn new(tz: Tz, first: NaiveDate, last: NaiveDate, now: DateTime<Utc>) -> DayGrid {
        let now_ms = now.timestamp_millis();
        let mut bounds = Vec::new();
        if first <= last {
            let n = (last - first).num_days().max(0) as u64;
            bounds.reserve(n as usize + 2);
            let mut d = first;
            for _ in 0..=n + 1 {
                bounds.push(day_start(tz, d).timestamp_millis().min(now_ms));
                d = add_days(d, 1);
            }
        }
        DayGrid { first, bounds }
    }

    fn days(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    fn date(&self, i: usize) -> NaiveDate {
        add_days(self.first, i as u64)
    }

    /// The index range of the days `from..=to` present in the grid.
    fn range(&self, from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
        let idx = |d: NaiveDate| (d - self.first).num_days().clamp(0, self.days() as i64) as usize;
        if to < from {
            return 0..0;
        }
        idx(from)..idx(add_days(to, 1)).max(idx(from))
    }

    /// Weighted downtime (ms) of each day in `range`: one walk over the segments and the
    /// day bounds together, O(segments + days).
    fn downtime(&self, segs: &[Seg], range: std::ops::Range<usize>) -> Vec<f64> {
        let mut out = Vec::with_capacity(range.len());
        if range.is_empty() {
            return out;
        }
        let first_bound = self.bounds[range.start];
        let mut j = segs.partition_point(|s| s.end <= first_bound);
        for i in range {
            let (a, b) = (self.bounds[i], self.bounds[i + 1]);
            let mut sum = 0.0;
            let mut k = j;
            while k < segs.len() && segs[k].start < b {
                let s = segs[k];
                let (lo, hi) = (s.start.max(a), s.end.min(b));
                if lo < hi {
                    sum += (hi - lo) as f64 * s.weight;
                }
                if s.end <= b {
                    k += 1;
                    j = k;
                } else {
                    break;
                }
            }
            out.push(sum);
        }
        out
    }

    /// Day figures for `from..=to` (clipped to the grid); days before `data_from` have no data.
    fn figures(
        &self,
        segs: &[Seg],
        from: NaiveDate,
        to: NaiveDate,
        data_from: Option<NaiveDate>,
    ) -> Vec<DayFigure> {
        let range = self.range(from, to);
        let start = range.start;
        let down = self.downtime(segs, range);
        down.into_iter()
            .enumerate()
            .map(|(n, ms)| {
                let i = start + n;
                let date = self.date(i);
                if data_from.is_some_and(|f| date < f) {
                    return DayFigure {
                        date,
                        uptime: None,
                        downtime_minutes: 0.0,
                    };
                }
                let len = self.bounds[i + 1] - self.bounds[i];
                DayFigure {
                    date,
                    uptime: Some(percent(ms, len)),
                    downtime_minutes: ms / MS_PER_MINUTE,
                }
            })
            .collect()
    }
}

fn percent(down_ms: f64, len_ms: i64) -> f64 {
    if len_ms <= 0 {
        100.0
    } else {
        100.0 * (1.0 - down_ms / len_ms as f64)
    }
}

fn date_max(a: Option<NaiveDate>, b: NaiveDate) -> NaiveDate {
    a.map_or(b, |a| a.max(b))
}

/// Daily figures for the local dates `from..=to`, each day from its local midnight to the
/// next (a day containing "now" runs to "now"; days after "now" have zero length and so
/// 100.0). Days before `since` have no data. For a calendar over any range of dates.
pub fn daily_figures(
    segments: &[Interval],
    tz: Tz,
    from: NaiveDate,
    to: NaiveDate,
    since: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Vec<DayFigure> {
    let grid = DayGrid::new(tz, from, to, now);
    grid.figures(&to_segs(segments), from, to, since)
}

/// Availability over `start..end` from the weighted union; an empty span gives 100.0.
pub fn window_figure(
    segments: &[Interval],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    slo: f64,
) -> WindowFigure {
    let start = start.min(end);
    let (a, b) = (start.timestamp_millis(), end.timestamp_millis());
    // Only the segments overlapping the window are converted: this is called for many
    // short windows (the reliability review's periods and before/after windows).
    let from = segments.partition_point(|s| s.end.timestamp_millis() <= a);
    let down: f64 = segments[from..]
        .iter()
        .map(|s| {
            (
                s.start.timestamp_millis(),
                s.end.timestamp_millis(),
                s.weight,
            )
        })
        .take_while(|(start, _, _)| *start < b)
        .map(|(start, end, weight)| (end.min(b) - start.max(a)).max(0) as f64 * weight)
        .sum();
    let uptime = percent(down, b - a);
    WindowFigure {
        start,
        end,
        length_minutes: (b - a) as f64 / MS_PER_MINUTE,
        downtime_minutes: down / MS_PER_MINUTE,
        uptime,
        breach: uptime < slo,
    }
}

/// The error budget of a window: allowed = (1 − SLO/100) × window length.
pub fn error_budget(window: &WindowFigure, slo: f64) -> ErrorBudget {
    let allowed = (1.0 - slo / 100.0).max(0.0) * window.length_minutes;
    let used = window.downtime_minutes;
    ErrorBudget {
        slo,
        window_minutes: window.length_minutes,
        allowed_minutes: allowed,
        used_minutes: used,
        remaining_minutes: allowed - used,
        used_percent: (allowed > 0.0).then(|| used / allowed * 100.0),
    }
}

/// The figures of one calendar month from its days (those with data count).
fn month_figure(
    year: i32,
    month: u32,
    days: Vec<DayFigure>,
    grid_len: f64,
    slo: f64,
) -> MonthFigure {
    let downtime: f64 = days
        .iter()
        .filter(|d| d.uptime.is_some())
        .map(|d| d.downtime_minutes)
        .sum();
    let any = days.iter().any(|d| d.uptime.is_some());
    let uptime = any.then(|| {
        if grid_len <= 0.0 {
            100.0
        } else {
            100.0 * (1.0 - downtime / grid_len)
        }
    });
    MonthFigure {
        year,
        month,
        uptime,
        downtime_minutes: downtime,
        length_minutes: grid_len,
        breach: uptime.is_some_and(|u| u < slo),
        days,
    }
}

/// The day where the site's history starts when a component has no `since`: the earliest
/// incident that has started by now (and counted maintenance), else today.
fn site_history_start(site: &Site, now: DateTime<Utc>) -> NaiveDate {
    let tz = site.config.timezone;
    let incidents = site.incidents.iter().map(|i| i.started);
    let windows = site
        .maintenance
        .iter()
        .filter(|_| site.config.uptime.count_maintenance)
        .filter(|m| maintenance_span(m, now).is_some())
        .map(|m| m.starts);
    incidents
        .chain(windows)
        .filter(|t| *t <= now)
        .min()
        .map_or_else(|| local_date(tz, now), |t| local_date(tz, t))
}

/// Every component's figures, in config order, computed once for all pages and `uptime.json`.
/// O(incidents log incidents + components × days).
pub fn component_figures(site: &Site, now: DateTime<Utc>) -> Vec<ComponentFigures> {
    let tz = site.config.timezone;
    let today = local_date(tz, now);
    let bar_days = u64::from(site.config.uptime.days);
    let bar_first = sub_days(today, bar_days.saturating_sub(1));
    let site_start = site_history_start(site, now);
    let history_start = |c: &Component| c.since.unwrap_or(site_start);

    let earliest_history = site
        .config
        .components
        .iter()
        .map(history_start)
        .min()
        .unwrap_or(today);
    let grid_first = bar_first.min(first_of_month(earliest_history.min(today)));
    let grid = DayGrid::new(tz, grid_first, today, now);

    // Only what is active now can decide a current level; filtering once keeps the
    // per-component status O(active) instead of O(incidents).
    let active_incidents: Vec<Incident> = site
        .incidents
        .iter()
        .filter(|i| incident_active(i, now))
        .cloned()
        .collect();
    let active_windows: Vec<Maintenance> = site
        .maintenance
        .iter()
        .filter(|m| maintenance_active(m, now))
        .cloned()
        .collect();

    let window_start = |days_back: u64, since: Option<NaiveDate>| {
        day_start(tz, date_max(since, sub_days(today, days_back)))
    };

    all_component_intervals(site, now)
        .into_iter()
        .zip(&site.config.components)
        .map(|(intervals, c)| {
            let segments = weighted_union(&intervals);
            let segs = to_segs(&segments);
            let slo = c.slo;
            let days = if bar_days == 0 {
                Vec::new()
            } else {
                grid.figures(&segs, bar_first, today, c.since)
            };
            let last_30_days = window_figure(&segments, window_start(29, c.since), now, slo);
            let last_90_days = window_figure(&segments, window_start(89, c.since), now, slo);
            let start = history_start(c);
            let all_time = window_figure(&segments, day_start(tz, start), now, slo);

            let months = history_months(&grid, &segs, start, c.since, today, slo);
            let mut breaches: Vec<Breach> = months
                .iter()
                .flat_map(|m| &m.days)
                .filter_map(|d| {
                    d.uptime.filter(|u| *u < slo).map(|u| Breach {
                        period: BreachPeriod::Day { date: d.date },
                        uptime: u,
                        slo,
                    })
                })
                .collect();
            breaches.extend(months.iter().filter(|m| m.breach).map(|m| Breach {
                period: BreachPeriod::Month {
                    year: m.year,
                    month: m.month,
                },
                uptime: m.uptime.unwrap_or(100.0),
                slo,
            }));
            for (w, period) in [
                (&last_30_days, BreachPeriod::Last30Days),
                (&last_90_days, BreachPeriod::Last90Days),
                (&all_time, BreachPeriod::AllTime),
            ] {
                if w.breach {
                    breaches.push(Breach {
                        period,
                        uptime: w.uptime,
                        slo,
                    });
                }
            }
            let budget = error_budget(&last_30_days, slo);
            ComponentFigures {
                id: c.id.clone(),
                name: c.name.clone(),
                group: c.group.clone(),
                status: component_level(&c.id, &active_incidents, &active_windows, now),
                slo,
                since: c.since,
                segments,
                days,
                last_30_days,
                last_90_days,
                all_time,
                months,
                breaches,
                budget,
            }
        })
        .collect()
}

/// Month by month from the month of `start` to the month of `today`. Which days have
/// data follows the one rule of the day bars and `uptime.json`: every day from `since`
/// on (every day without it), so a day reads the same everywhere.
fn history_months(
    grid: &DayGrid,
    segs: &[Seg],
    start: NaiveDate,
    since: Option<NaiveDate>,
    today: NaiveDate,
    slo: f64,
) -> Vec<MonthFigure> {
    if start > today {
        return Vec::new();
    }
    let first = first_of_month(start);
    let range = grid.range(first, today);
    let day_figures = grid.figures(segs, first, today, since);
    let mut months: Vec<MonthFigure> = Vec::new();
    let mut current: Vec<DayFigure> = Vec::new();
    let mut len_ms: i64 = 0;
    let mut key = (first.year(), first.month());
    for (n, d) in day_figures.into_iter().enumerate() {
        let k = (d.date.year(), d.date.month());
        if k != key {
            months.push(month_figure(
                key.0,
                key.1,
                std::mem::take(&mut current),
                len_ms as f64 / MS_PER_MINUTE,
                slo,
            ));
            len_ms = 0;
            key = k;
        }
        if d.uptime.is_some() {
            let i = range.start + n;
            len_ms += grid.bounds[i + 1] - grid.bounds[i];
        }
        current.push(d);
    }
    if !current.is_empty() {
        months.push(month_figure(
            key.0,
            key.1,
            current,
            len_ms as f64 / MS_PER_MINUTE,
            slo,
        ));
    }
    months
}

impl UptimeReport {
    /// `uptime.json` from figures already computed by [`component_figures`].
    pub fn from_figures(
        site: &Site,
        figures: &[ComponentFigures],
        now: DateTime<Utc>,
    ) -> UptimeReport {
        UptimeReport {
            generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            timezone: site.config.timezone.name().to_string(),
            window_days: site.config.uptime.days,
            components: figures
                .iter()
                .map(|f| ComponentUptime {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    group: f.group.clone(),
                    status: f.status,
                    slo: f.slo,
                    uptime_30d: f.last_30_days.measured(),
                    uptime_90d: f.last_90_days.measured(),
                    uptime_all: f.all_time.measured(),
                    days: f.days.clone(),
                    measured: None,
                })
                .collect(),
        }
    }
}

/// `uptime.json` for the site at `now`.
pub fn uptime_report(site: &Site, now: DateTime<Utc>) -> UptimeReport {
    UptimeReport::from_figures(site, &component_figures(site, now), now)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::test_site::TestSite;

    use crate::site::Affected;
    use chrono::{TimeDelta, TimeZone};

    pub(crate) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    pub(crate) fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap()
    }

    pub(crate) fn component(id: &str, since: Option<NaiveDate>) -> Component {
        Component {
            id: id.into(),
            name: format!("Component {id}"),
            group: None,
            description: None,
            slo: 99.9,
            since,
            position: 0,
        }
    }

    pub(crate) fn incident(
        slug: &str,
        levels: &[(&str, Level)],
        started: DateTime<Utc>,
        resolved: Option<DateTime<Utc>>,
    ) -> Incident {
        Incident {
            components: levels
                .iter()
                .map(|(id, level)| Affected {
                    id: id.to_string(),
                    level: *level,
                })
                .collect(),
            ..Incident::new(slug, started, resolved)
        }
    }

    pub(crate) fn window(
        ids: &[&str],
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
        status: Option<MaintenanceStatus>,
    ) -> Maintenance {
        Maintenance {
            source: "content/maintenance/m.md".into(),
            title: "m".into(),
            components: ids.iter().map(|s| s.to_string()).collect(),
            status,
            ..Maintenance::new("m", starts, ends)
        }
    }

    pub(crate) fn site(
        tz: Tz,
        components: Vec<Component>,
        incidents: Vec<Incident>,
        maintenance: Vec<Maintenance>,
    ) -> Site {
        TestSite::new(tz)
            .components(components)
            .incidents(incidents)
            .maintenance(maintenance)
            .build()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    fn day(f: &ComponentFigures, d: NaiveDate) -> &DayFigure {
        f.days.iter().find(|x| x.date == d).expect("day in the bar")
    }

    #[test]
    fn overlapping_major_and_partial_never_count_twice() {
        let s = site(
            Tz::UTC,
            vec![component("api", None)],
            vec![
                incident(
                    "a",
                    &[("api", Level::MajorOutage)],
                    utc(2026, 3, 10, 10, 0),
                    Some(utc(2026, 3, 10, 11, 0)),
                ),
                incident(
                    "b",
                    &[("api", Level::PartialOutage)],
                    utc(2026, 3, 10, 10, 30),
                    Some(utc(2026, 3, 10, 12, 0)),
                ),
                incident(
                    "c",
                    &[("api", Level::PartialOutage)],
                    utc(2026, 3, 10, 11, 30),
                    Some(utc(2026, 3, 10, 13, 0)),
                ),
                incident(
                    "d",
                    &[("api", Level::DegradedPerformance)],
                    utc(2026, 3, 10, 9, 0),
                    Some(utc(2026, 3, 10, 14, 0)),
                ),
            ],
            vec![],
        );
        let now = utc(2026, 3, 12, 0, 0);
        let raw = component_intervals(&s, "api", now);
        assert_eq!(raw.len(), 4);
        assert_eq!(raw[0].weight, 0.0, "degraded is kept with weight 0");
        let union = weighted_union(&raw);
        assert_eq!(
            union,
            vec![
                Interval {
                    start: utc(2026, 3, 10, 10, 0),
                    end: utc(2026, 3, 10, 11, 0),
                    weight: 1.0
                },
                Interval {
                    start: utc(2026, 3, 10, 11, 0),
                    end: utc(2026, 3, 10, 13, 0),
                    weight: 0.3
                },
            ]
        );
        let f = &component_figures(&s, now)[0];
        // 60 min × 1.0 + 120 min × 0.3 = 96 min of 1440.
        let d = day(f, date(2026, 3, 10));
        close(d.downtime_minutes, 96.0);
        close(d.uptime.unwrap(), 100.0 * (1.0 - 96.0 / 1440.0));
        close(day(f, date(2026, 3, 11)).uptime.unwrap(), 100.0);
        assert_eq!(all_component_intervals(&s, now)[0], raw);
    }

    #[test]
    fn union_merges_equal_neighbours_and_keeps_the_max() {
        let iv = |a: u32, b: u32, w: f64| Interval {
            start: utc(2026, 1, 1, a, 0),
            end: utc(2026, 1, 1, b, 0),
            weight: w,
        };
        // Nested: a partial inside a major changes nothing; touching equal spans merge.
        let u = weighted_union(&[
            iv(1, 5, 1.0),
            iv(2, 3, 0.5),
            iv(5, 6, 1.0),
            iv(7, 8, 0.5),
            iv(6, 9, 0.2),
        ]);
        assert_eq!(
            u,
            vec![iv(1, 6, 1.0), iv(6, 7, 0.2), iv(7, 8, 0.5), iv(8, 9, 0.2)]
        );
        assert!(weighted_union(&[iv(1, 1, 1.0), iv(2, 3, 0.0)]).is_empty());
    }

    #[test]
    fn incident_across_local_midnight_in_berlin() {
        // 23:00 to 01:30 local (CET, UTC+1): 60 min on the 14th, 90 on the 15th.
        let s = site(
            chrono_tz::Europe::Berlin,
            vec![component("api", None)],
            vec![incident(
                "x",
                &[("api", Level::MajorOutage)],
                utc(2026, 1, 14, 22, 0),
                Some(utc(2026, 1, 15, 0, 30)),
            )],
            vec![],
        );
        let f = &component_figures(&s, utc(2026, 1, 20, 12, 0))[0];
        close(day(f, date(2026, 1, 14)).downtime_minutes, 60.0);
        close(day(f, date(2026, 1, 15)).downtime_minutes, 90.0);
        close(
            day(f, date(2026, 1, 15)).uptime.unwrap(),
            100.0 * (1.0 - 90.0 / 1440.0),
        );
    }

    #[test]
    fn dst_days_of_23_and_25_hours() {
        let berlin = chrono_tz::Europe::Berlin;
        // 2026-03-29: local 00:00 (23:00Z the day before) to 04:00 CEST (02:00Z) is 3 h
        // of a 23-hour day.
        let spring = incident(
            "s",
            &[("api", Level::MajorOutage)],
            utc(2026, 3, 28, 23, 0),
            Some(utc(2026, 3, 29, 2, 0)),
        );
        // 2026-10-25: local 00:00 CEST (22:00Z) to 04:00 CET (03:00Z) is 5 h of 25.
        let autumn = incident(
            "a",
            &[("api", Level::MajorOutage)],
            utc(2026, 10, 24, 22, 0),
            Some(utc(2026, 10, 25, 3, 0)),
        );
        let s = site(
            berlin,
            vec![component("api", None)],
            vec![autumn, spring],
            vec![],
        );
        assert_eq!(
            day_start(berlin, date(2026, 3, 29)),
            utc(2026, 3, 28, 23, 0)
        );
        assert_eq!(
            day_start(berlin, date(2026, 3, 30)),
            utc(2026, 3, 29, 22, 0)
        );
        assert_eq!(
            day_start(berlin, date(2026, 10, 26)),
            utc(2026, 10, 25, 23, 0)
        );

        let f = &component_figures(&s, utc(2026, 3, 31, 12, 0))[0];
        close(day(f, date(2026, 3, 29)).downtime_minutes, 180.0);
        close(
            day(f, date(2026, 3, 29)).uptime.unwrap(),
            100.0 * (1.0 - 180.0 / 1380.0),
        );
        close(day(f, date(2026, 3, 28)).uptime.unwrap(), 100.0);

        let f = &component_figures(&s, utc(2026, 10, 27, 12, 0))[0];
        close(day(f, date(2026, 10, 25)).downtime_minutes, 300.0);
        close(day(f, date(2026, 10, 25)).uptime.unwrap(), 80.0);
    }

    #[test]
    fn missing_local_midnight_starts_the_day_at_the_end_of_the_gap() {
        // Beirut springs forward at 00:00 on 2026-03-29: the day starts at 01:00 local.
        let beirut = chrono_tz::Asia::Beirut;
        let t = day_start(beirut, date(2026, 3, 29));
        assert_eq!(t, utc(2026, 3, 28, 22, 0));
        assert_eq!(
            t.with_timezone(&beirut).naive_local(),
            date(2026, 3, 29).and_hms_opt(1, 0, 0).unwrap()
        );
        let before = t - TimeDelta::seconds(1);
        assert_eq!(local_date(beirut, before), date(2026, 3, 28));
        // Santiago springs forward at 24:00 on the first Saturday of September.
        let santiago = chrono_tz::America::Santiago;
        let d = date(2026, 9, 6);
        assert!(
            d.and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(santiago)
                .single()
                .is_none()
        );
        let t = day_start(santiago, d);
        assert_eq!(local_date(santiago, t), d);
        assert_eq!(
            local_date(santiago, t - TimeDelta::seconds(1)),
            date(2026, 9, 5)
        );
        // A day the zone skipped has no length.
        let apia = chrono_tz::Pacific::Apia;
        assert_eq!(
            day_start(apia, date(2011, 12, 30)),
            day_start(apia, date(2011, 12, 31))
        );
    }

    #[test]
    fn ongoing_incident_runs_to_now_and_future_ones_count_nothing() {
        let s = site(
            Tz::UTC,
            vec![component("api", None)],
            vec![
                incident(
                    "later",
                    &[("api", Level::MajorOutage)],
                    utc(2026, 4, 15, 13, 0),
                    None,
                ),
                incident(
                    "now",
                    &[("api", Level::MajorOutage)],
                    utc(2026, 4, 15, 10, 0),
                    None,
                ),
                incident(
                    "resolved-later",
                    &[("api", Level::PartialOutage)],
                    utc(2026, 4, 15, 8, 0),
                    Some(utc(2026, 4, 15, 20, 0)),
                ),
            ],
            vec![],
        );
        let now = utc(2026, 4, 15, 12, 0);
        let f = &component_figures(&s, now)[0];
        assert_eq!(f.status, Level::MajorOutage);
        assert_eq!(f.segments.last().unwrap().end, now);
        // Today is 720 minutes long: 2 h partial (0.3) then 2 h major.
        let today = f.days.last().unwrap();
        assert_eq!(today.date, date(2026, 4, 15));
        close(today.downtime_minutes, 36.0 + 120.0);
        close(today.uptime.unwrap(), 100.0 * (1.0 - 156.0 / 720.0));
        assert_eq!(f.days.len(), 90);
        assert_eq!(f.days[0].date, date(2026, 1, 16));
        // The history starts on the day of the earliest incident begun by now.
        assert_eq!(f.all_time.start, utc(2026, 4, 15, 0, 0));
        close(f.all_time.uptime, today.uptime.unwrap());
    }

    #[test]
    fn since_cuts_off_earlier_time() {
        let berlin = chrono_tz::Europe::Berlin;
        let mut s = site(
            berlin,
            vec![component("api", Some(date(2026, 4, 10)))],
            // 04-09 10:00 to 04-10 10:00 local (CEST): only 04-10 00:00..10:00 counts.
            vec![incident(
                "x",
                &[("api", Level::MajorOutage)],
                utc(2026, 4, 9, 8, 0),
                Some(utc(2026, 4, 10, 8, 0)),
            )],
            vec![],
        );
        s.config.uptime.days = 7;
        let now = utc(2026, 4, 15, 12, 0);
        let f = &component_figures(&s, now)[0];
        assert_eq!(f.days.len(), 7);
        assert_eq!(
            f.days[0],
            DayFigure {
                date: date(2026, 4, 9),
                uptime: None,
                downtime_minutes: 0.0
            }
        );
        close(day(f, date(2026, 4, 10)).downtime_minutes, 600.0);
        // 04-09 22:00Z to 04-15 12:00Z = 8040 min.
        for w in [&f.last_30_days, &f.last_90_days, &f.all_time] {
            assert_eq!(w.start, utc(2026, 4, 9, 22, 0));
            close(w.length_minutes, 8040.0);
            close(w.downtime_minutes, 600.0);
            close(w.uptime, 100.0 * (1.0 - 600.0 / 8040.0));
        }
        // The calendar starts on April 1st; days before `since` have no data.
        assert_eq!(f.months.len(), 1);
        assert_eq!(f.months[0].days.len(), 15);
        assert!(f.months[0].days[..9].iter().all(|d| d.uptime.is_none()));
        close(f.months[0].length_minutes, 8040.0);
        close(f.months[0].uptime.unwrap(), f.all_time.uptime);
    }

    #[test]
    fn maintenance_counts_only_when_asked() {
        let mut s = site(
            Tz::UTC,
            vec![component("db", None), component("api", None)],
            vec![incident(
                "x",
                &[("db", Level::MajorOutage)],
                utc(2026, 5, 1, 3, 0),
                Some(utc(2026, 5, 1, 5, 0)),
            )],
            vec![
                window(&["db"], utc(2026, 5, 1, 2, 0), utc(2026, 5, 1, 4, 0), None),
                window(
                    &["db", "api"],
                    utc(2026, 5, 1, 10, 0),
                    utc(2026, 5, 1, 11, 0),
                    Some(MaintenanceStatus::Cancelled),
                ),
            ],
        );
        let now = utc(2026, 5, 2, 0, 0);
        let f = component_figures(&s, now);
        close(day(&f[0], date(2026, 5, 1)).downtime_minutes, 120.0);
        close(day(&f[1], date(2026, 5, 1)).downtime_minutes, 0.0);
        s.config.uptime.count_maintenance = true;
        let f = component_figures(&s, now);
        // 02:00-05:00 once, though maintenance and the incident overlap; cancelled never counts.
        close(day(&f[0], date(2026, 5, 1)).downtime_minutes, 180.0);
        close(day(&f[1], date(2026, 5, 1)).downtime_minutes, 0.0);
        assert_eq!(component_intervals(&s, "db", now).len(), 2);
    }

    #[test]
    fn zero_length_spans_report_full_availability() {
        let berlin = chrono_tz::Europe::Berlin;
        // "now" is local midnight: today has no length yet.
        let now = utc(2026, 4, 14, 22, 0);
        let s = site(
            berlin,
            vec![
                component("api", None),
                component("new", Some(date(2026, 5, 1))),
            ],
            vec![],
            vec![],
        );
        let f = component_figures(&s, now);
        let today = f[0].days.last().unwrap();
        assert_eq!(today.date, date(2026, 4, 15));
        assert_eq!(today.uptime, Some(100.0));
        // No incidents: the history is today, which is empty.
        assert_eq!(f[0].all_time.length_minutes, 0.0);
        assert_eq!(f[0].all_time.uptime, 100.0);
        // A `since` in the future: every window is empty, every day has no data.
        for w in [&f[1].last_30_days, &f[1].last_90_days, &f[1].all_time] {
            assert_eq!((w.uptime, w.length_minutes, w.breach), (100.0, 0.0, false));
        }
        assert!(f[1].days.iter().all(|d| d.uptime.is_none()));
        assert!(f[1].months.is_empty());
        assert_eq!(f[1].budget.used_percent, None);
        assert!(f[1].breaches.is_empty());
    }

    #[test]
    fn worked_example_figures_breaches_and_budget() {
        // POSTMORTEM.md: auth down 10:36 to 11:06 CET on 2026-03-14 (09:36-10:06Z).
        let berlin = chrono_tz::Europe::Berlin;
        let mut auth = component("auth", None);
        auth.group = Some("Core".into());
        let s = site(
            berlin,
            vec![auth],
            vec![incident(
                "auth-outage",
                &[("auth", Level::MajorOutage)],
                utc(2026, 3, 14, 9, 36),
                Some(utc(2026, 3, 14, 10, 6)),
            )],
            vec![],
        );
        let now = utc(2026, 4, 15, 12, 0);
        let f = &component_figures(&s, now)[0];
        let d = day(f, date(2026, 3, 14));
        close(d.downtime_minutes, 30.0);
        close(d.uptime.unwrap(), 100.0 * (1.0 - 30.0 / 1440.0));
        // 30 days: from 03-17 00:00 CET (03-16 23:00Z): 42540 min, nothing in it.
        assert_eq!(f.last_30_days.start, utc(2026, 3, 16, 23, 0));
        close(f.last_30_days.length_minutes, 42540.0);
        close(f.last_30_days.uptime, 100.0);
        // 90 days: from 01-16 00:00 CET (01-15 23:00Z): 128940 min.
        close(f.last_90_days.length_minutes, 128_940.0);
        close(f.last_90_days.uptime, 100.0 * (1.0 - 30.0 / 128_940.0));
        assert!(!f.last_90_days.breach);
        // All time: from 03-14 00:00 CET (03-13 23:00Z).
        assert_eq!(f.all_time.start, utc(2026, 3, 13, 23, 0));
        let all = (utc(2026, 4, 15, 12, 0) - utc(2026, 3, 13, 23, 0)).num_minutes() as f64;
        close(f.all_time.uptime, 100.0 * (1.0 - 30.0 / all));
        // Without `since` every day has data, in the calendar as in the bars and
        // `uptime.json`: March counts whole (44580 min: 31 days less the DST hour), so
        // 30 min keep it above the SLO; only the day is a breach.
        let march_len = (utc(2026, 3, 31, 22, 0) - utc(2026, 2, 28, 23, 0)).num_minutes() as f64;
        close(march_len, 44_580.0);
        let march = f.months.iter().find(|m| m.month == 3).unwrap();
        close(march.length_minutes, march_len);
        close(march.uptime.unwrap(), 100.0 * (1.0 - 30.0 / march_len));
        assert!(march.days.iter().all(|d| d.uptime.is_some()));
        for d in &f.days {
            let same = march.days.iter().find(|m| m.date == d.date);
            assert!(same.is_none_or(|m| m == d), "{d:?} differs in the calendar");
        }
        assert_eq!(
            f.breaches
                .iter()
                .map(|b| b.period.clone())
                .collect::<Vec<_>>(),
            vec![BreachPeriod::Day {
                date: date(2026, 3, 14)
            }]
        );
        assert_eq!(f.months.len(), 2);
        // The pages get the figures through templates: they serialise.
        let v = serde_json::to_value(f).unwrap();
        assert_eq!(v["breaches"][0]["period"]["kind"], "day");
        assert_eq!(v["breaches"][0]["period"]["date"], "2026-03-14");
        assert_eq!(v["last_30_days"]["start"], "2026-03-16T23:00:00Z");
        close(f.budget.allowed_minutes, 42.54);
        close(f.budget.used_minutes, 0.0);
        close(f.budget.remaining_minutes, 42.54);
        // The full 30-day textbook figure.
        let full = WindowFigure {
            start: utc(2026, 1, 1, 0, 0),
            end: utc(2026, 1, 31, 0, 0),
            length_minutes: 43_200.0,
            downtime_minutes: 50.0,
            uptime: 100.0 * (1.0 - 50.0 / 43_200.0),
            breach: true,
        };
        let b = error_budget(&full, 99.9);
        close(b.allowed_minutes, 43.2);
        close(b.remaining_minutes, -6.8);
        close(b.used_percent.unwrap(), 50.0 / 43.2 * 100.0);
        assert_eq!(
            window_figure(&[], full.start, full.end, 99.9).length_minutes,
            43_200.0
        );
    }

    #[test]
    fn uptime_json_has_the_design_shape() {
        let mut s = site(
            Tz::UTC,
            vec![component("api", Some(date(2026, 4, 15))), {
                let mut c = component("auth", None);
                c.group = Some("Core".into());
                c.slo = 99.95;
                c
            }],
            vec![incident(
                "x",
                &[("auth", Level::PartialOutage)],
                utc(2026, 4, 14, 12, 0),
                None,
            )],
            vec![],
        );
        s.config.uptime.days = 2;
        s.config.uptime.partial_outage_weight = 0.5;
        let report = uptime_report(&s, utc(2026, 4, 15, 12, 0));
        let json = serde_json::to_string(&report).unwrap();
        let expected = concat!(
            r#"{"generated_at":"2026-04-15T12:00:00Z","timezone":"UTC","window_days":2,"components":["#,
            r#"{"id":"api","name":"Component api","group":null,"status":"operational","slo":99.9,"#,
            r#""uptime_30d":100.0,"uptime_90d":100.0,"uptime_all":100.0,"days":["#,
            r#"{"date":"2026-04-14","uptime":null,"downtime_minutes":0.0},"#,
            r#"{"date":"2026-04-15","uptime":100.0,"downtime_minutes":0.0}]},"#,
            r#"{"id":"auth","name":"Component auth","group":"Core","status":"partial_outage","slo":99.95,"#,
            // 720 weighted min over 29.5, 89.5 and 1.5 days.
            r#""uptime_30d":98.30508474576271,"uptime_90d":99.4413407821229,"#,
            r#""uptime_all":66.66666666666667,"days":["#,
            r#"{"date":"2026-04-14","uptime":75.0,"downtime_minutes":360.0},"#,
            r#"{"date":"2026-04-15","uptime":50.0,"downtime_minutes":360.0}]}]}"#
        );
        assert_eq!(json, expected);
    }

    #[test]
    fn daily_figures_over_any_range() {
        let s = site(
            Tz::UTC,
            vec![component("api", None)],
            vec![incident(
                "x",
                &[("api", Level::MajorOutage)],
                utc(2026, 2, 27, 12, 0),
                Some(utc(2026, 3, 1, 12, 0)),
            )],
            vec![],
        );
        let now = utc(2026, 3, 2, 6, 0);
        let segs = weighted_union(&component_intervals(&s, "api", now));
        let days = daily_figures(
            &segs,
            Tz::UTC,
            date(2026, 2, 26),
            date(2026, 3, 3),
            Some(date(2026, 2, 27)),
            now,
        );
        let got: Vec<(NaiveDate, Option<f64>, f64)> = days
            .iter()
            .map(|d| (d.date, d.uptime, d.downtime_minutes))
            .collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 2, 26), None, 0.0),
                (date(2026, 2, 27), Some(50.0), 720.0),
                (date(2026, 2, 28), Some(0.0), 1440.0),
                (date(2026, 3, 1), Some(50.0), 720.0),
                (date(2026, 3, 2), Some(100.0), 0.0),
                // After "now": no length yet.
                (date(2026, 3, 3), Some(100.0), 0.0),
            ]
        );
        assert!(
            daily_figures(
                &segs,
                Tz::UTC,
                date(2026, 3, 3),
                date(2026, 3, 1),
                None,
                now
            )
            .is_empty()
        );
    }
}

/// Property tests against a brute-force reference that walks time minute by minute,
/// written from DESIGN.md's words alone (it shares no code with the model above).
#[cfg(test)]
mod reference {
    use super::tests::{component, incident, site, window};
    use super::*;
    use proptest::prelude::*;

    const ZONES: [Tz; 7] = [
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kolkata,
        chrono_tz::UTC,
        chrono_tz::America::Santiago,
        chrono_tz::Asia::Beirut,
    ];

    /// Days around 2026's DST changes in those zones (UTC midnight, in epoch minutes).
    fn anchors() -> Vec<i64> {
        [
            (3, 8),
            (3, 29),
            (4, 5),
            (9, 6),
            (10, 4),
            (10, 25),
            (11, 1),
            (6, 15),
        ]
        .iter()
        .map(|&(m, d)| {
            NaiveDate::from_ymd_opt(2026, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
                / 60
        })
        .collect()
    }

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(min * 60, 0).unwrap()
    }

    fn ldate(tz: Tz, min: i64) -> NaiveDate {
        at(min).with_timezone(&tz).date_naive()
    }

    /// The first minute whose local date is `d` or later, by scanning.
    fn ref_day_start(tz: Tz, d: NaiveDate) -> i64 {
        let mut m = d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() / 60 - 15 * 60;
        while ldate(tz, m) < d {
            m += 1;
        }
        m
    }

    /// (start offset, length or None = ongoing, level for a, level for b)
    type RandomIncident = (i64, Option<i64>, Option<u8>, Option<u8>);

    #[derive(Debug, Clone)]
    struct Case {
        tz: usize,
        now: i64,
        weight: f64,
        count_maintenance: bool,
        since: Option<i64>,
        days: u32,
        incidents: Vec<RandomIncident>,
        /// (start offset, length, cancelled, names b too)
        windows: Vec<(i64, i64, bool, bool)>,
    }

    fn level(n: u8) -> Level {
        [
            Level::MajorOutage,
            Level::PartialOutage,
            Level::DegradedPerformance,
        ][n as usize % 3]
    }

    fn case() -> impl Strategy<Value = Case> {
        let day = 1440i64;
        (
            0..ZONES.len(),
            0..anchors().len(),
            -3 * day..10 * day,
            prop_oneof![Just(0.0), Just(0.3), Just(1.0), 0.0..1.0f64],
            any::<bool>(),
            proptest::option::of(-25i64..3),
            1u32..14,
            proptest::collection::vec(
                (
                    -20 * day..day,
                    proptest::option::of(0..3 * day),
                    proptest::option::of(0u8..3),
                    proptest::option::of(0u8..3),
                ),
                0..8,
            ),
            proptest::collection::vec((-20 * day..day, 0..day, any::<bool>(), any::<bool>()), 0..3),
        )
            .prop_map(
                |(tz, a, off, weight, cm, since, days, incidents, windows)| Case {
                    tz,
                    now: anchors()[a] + off,
                    weight,
                    count_maintenance: cm,
                    since,
                    days,
                    incidents,
                    windows,
                },
            )
    }

    struct Built {
        site: Site,
        tz: Tz,
        now: i64,
        since: Option<NaiveDate>,
        /// Per component: (start, end or None, weight) in minutes, end exclusive.
        spans: [Vec<(i64, Option<i64>, f64)>; 2],
        /// Earliest start of anything that begins the site history.
        history: Option<i64>,
    }

    fn build(c: &Case) -> Built {
        let tz = ZONES[c.tz];
        let today = ldate(tz, c.now);
        let since = c.since.map(|d| {
            if d < 0 {
                today - Days::new(d.unsigned_abs())
            } else {
                today + Days::new(d as u64)
            }
        });
        let w = |l: Level| match l {
            Level::MajorOutage => 1.0,
            Level::PartialOutage => c.weight,
            _ => 0.0,
        };
        let mut spans: [Vec<(i64, Option<i64>, f64)>; 2] = [vec![], vec![]];
        let mut incidents = vec![];
        let mut history: Option<i64> = None;
        for (n, &(off, len, la, lb)) in c.incidents.iter().enumerate() {
            let start = c.now + off;
            let end = len.map(|l| start + l);
            let mut levels = vec![];
            for (k, l) in [la, lb].into_iter().enumerate() {
                if let Some(l) = l {
                    levels.push((["a", "b"][k], level(l)));
                    spans[k].push((start, end, w(level(l))));
                }
            }
            if start <= c.now {
                history = Some(history.map_or(start, |h| h.min(start)));
            }
            incidents.push(incident(&format!("i{n}"), &levels, at(start), end.map(at)));
        }
        let mut windows = vec![];
        for &(off, len, cancelled, both) in &c.windows {
            let (start, end) = (c.now + off, c.now + off + len);
            let ids: &[&str] = if both { &["a", "b"] } else { &["a"] };
            let status = cancelled.then_some(MaintenanceStatus::Cancelled);
            windows.push(window(ids, at(start), at(end), status));
            if c.count_maintenance && !cancelled {
                spans[0].push((start, Some(end), 1.0));
                if both {
                    spans[1].push((start, Some(end), 1.0));
                }
                if start < end && start < c.now {
                    history = Some(history.map_or(start, |h| h.min(start)));
                }
            }
        }
        let mut s = site(
            tz,
            vec![component("a", since), component("b", None)],
            incidents,
            windows,
        );
        s.config.uptime.days = c.days;
        s.config.uptime.partial_outage_weight = c.weight;
        s.config.uptime.count_maintenance = c.count_maintenance;
        Built {
            site: s,
            tz,
            now: c.now,
            since,
            spans,
            history,
        }
    }

    /// The weight of minute `m` (the minute starting at `m`).
    fn weight_at(spans: &[(i64, Option<i64>, f64)], now: i64, m: i64) -> f64 {
        if m >= now {
            return 0.0;
        }
        spans
            .iter()
            .filter(|(s, e, _)| *s <= m && e.is_none_or(|e| m < e))
            .map(|x| x.2)
            .fold(0.0, f64::max)
    }

    /// (uptime %, downtime minutes) over minutes `from..to`.
    fn ref_span(spans: &[(i64, Option<i64>, f64)], now: i64, from: i64, to: i64) -> (f64, f64) {
        let to = to.min(now);
        if from >= to {
            return (100.0, 0.0);
        }
        let down: f64 = (from..to).map(|m| weight_at(spans, now, m)).sum();
        (100.0 * (1.0 - down / (to - from) as f64), down)
    }

    fn near(a: f64, b: f64, what: &str) -> Result<(), TestCaseError> {
        prop_assert!((a - b).abs() < 1e-6, "{what}: model {a}, reference {b}");
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn figures_match_a_minute_by_minute_walk(c in case()) {
            let b = build(&c);
            let figures = component_figures(&b.site, at(b.now));
            let today = ldate(b.tz, b.now);
            for (k, f) in figures.iter().enumerate() {
                let spans = &b.spans[k];
                let since = if k == 0 { b.since } else { None };
                // Days of the bar.
                prop_assert_eq!(f.days.len(), c.days as usize);
                for (n, d) in f.days.iter().enumerate() {
                    let expect = today - Days::new((c.days as usize - 1 - n) as u64);
                    prop_assert_eq!(d.date, expect);
                    if since.is_some_and(|s| expect < s) {
                        prop_assert_eq!(d.uptime, None);
                        prop_assert_eq!(d.downtime_minutes, 0.0);
                        continue;
                    }
                    let from = ref_day_start(b.tz, expect);
                    let to = ref_day_start(b.tz, expect + Days::new(1));
                    let (u, down) = ref_span(spans, b.now, from, to);
                    near(d.uptime.unwrap(), u, &format!("{} {expect} uptime", f.id))?;
                    near(d.downtime_minutes, down, &format!("{} {expect} downtime", f.id))?;
                }
                // Windows.
                for (n, w) in [(30u64, &f.last_30_days), (90, &f.last_90_days)] {
                    let mut first = today - Days::new(n - 1);
                    if let Some(s) = since { first = first.max(s); }
                    let (u, down) = ref_span(spans, b.now, ref_day_start(b.tz, first), b.now);
                    near(w.uptime, u, &format!("{} {n}d", f.id))?;
                    near(w.downtime_minutes, down, &format!("{} {n}d downtime", f.id))?;
                }
                let first = since.unwrap_or_else(|| b.history.map_or(today, |h| ldate(b.tz, h)));
                let (u, _) = ref_span(spans, b.now, ref_day_start(b.tz, first), b.now);
                near(f.all_time.uptime, u, &format!("{} all", f.id))?;
                // Months: each counted day's downtime adds up to the window of the history.
                let month_down: f64 = f.months.iter().map(|m| m.downtime_minutes).sum();
                near(month_down, f.all_time.downtime_minutes, "months add up")?;
            }
        }
    }
}
