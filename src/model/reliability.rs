//! The reliability review (`/reliability/`, `reliability.json`, the CSV files): incident
//! counts, MTTD, MTTR, SLO breaches, recurrence and corrective-action follow-up per
//! period, per component and per cause, and "did the fix work?" windows around the day
//! each incident's last corrective action was completed. Pure functions of the site, the
//! uptime figures and the recurrence already derived ([`Derived`](super::derived::Derived)),
//! and "now". docs/reliability.md is the user-facing statement of every rule below.
//!
//! Formulas (DESIGN.md, POSTMORTEM.md), unchanged: MTTD = detected − started,
//! MTTR = resolved − detected, both over incidents resolved by "now"; recurrence as in
//! [`metrics::recurrence`] (a repeat of a cause seen in the 90 days before, looking back
//! across period boundaries); availability and breach as in [`uptime::window_figure`].
//!
//! Conventions decided here:
//! - An incident belongs to the period (and window) holding the local date, in the site
//!   timezone, of its `started`; incidents that have not started by "now" are left out.
//!   A corrective action is opened with its incident.
//! - Periods are calendar quarters, or calendar months when the history is shorter than
//!   six months (its first day is less than six months before today). The history starts
//!   on the earliest day any component's uptime history starts ([`ComponentFigures`]'s
//!   all-time window: `since`, else the site's first incident) or the first incident's
//!   day, whichever is earlier; the last period is the one holding today.
//! - A component's availability in a period is measured from the later of the period's
//!   first local midnight and the start of its history, up to the earlier of the next
//!   period's first midnight and "now"; nothing to measure gives no figure and no breach.
//! - Medians: the middle value, or the mean of the two middle values.
//! - An action's completion day is its `done` date when its status is done and the date
//!   is not after today; a done action without a (valid) date is closed but undated: it
//!   counts in the done totals, never in a period's "closed" and never starts a fix window.
//! - Check-ins: every incident resolved by "now" with corrective actions has check-ins on
//!   the local dates 30, 60 and 90 days after the day it was resolved. One is due once its
//!   date is not after today; a due check-in is missed when one of the incident's actions
//!   was open on that date: planned or in progress now, or done with a completion day after
//!   it. Won't-do and undated done actions count as closed.
//! - "Did the fix work?": for every incident with a dated done action, F = its latest
//!   completion day; before = local days F−90 ..= F−1, after = F ..= F+89 (cut at "now",
//!   `after_complete` false until it is over). Per affected component: the incidents naming
//!   it and its availability in each window; per `cause`: the incidents with that cause.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::metrics::{Recurrence, cause_tag, is_overdue};
use crate::model::uptime::{ComponentFigures, day_start, local_date, window_figure};
use crate::site::{Action, Incident, Site};
use crate::vocabulary::{ActionStatus, Impact};

/// Days of each "did the fix work?" window.
pub const FIX_WINDOW_DAYS: u64 = 90;
/// The follow-up check-ins, in days after resolution (POSTMORTEM.md).
pub const CHECKIN_DAYS: [u64; 3] = [30, 60, 90];
/// Below this many months of history the periods are months instead of quarters.
pub const MONTHLY_BELOW_MONTHS: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Quarter,
    Month,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImpactCounts {
    pub none: usize,
    pub minor: usize,
    pub major: usize,
    pub critical: usize,
}

/// Figures over a set of incidents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IncidentFigures {
    pub incidents: usize,
    pub by_impact: ImpactCounts,
    /// Resolved by "now": what MTTD and MTTR are taken over.
    pub resolved: usize,
    pub mttd_mean_seconds: Option<f64>,
    pub mttd_median_seconds: Option<f64>,
    pub mttr_mean_seconds: Option<f64>,
    pub mttr_median_seconds: Option<f64>,
    /// Incidents whose cause occurred in the 90 days before them.
    pub repeated: usize,
    /// repeated ÷ incidents; `None` without incidents.
    pub recurrence_rate: Option<f64>,
}

/// One component's availability over a period or window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    pub id: String,
    pub slo: f64,
    /// Percent, unrounded; `None` when nothing of the span could be measured.
    pub uptime: Option<f64>,
    pub downtime_minutes: f64,
    pub breach: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActionFigures {
    /// Actions of the period's incidents.
    pub opened: usize,
    /// Done actions whose completion day falls in the period.
    pub closed: usize,
    /// Actions of the period's incidents that are overdue now.
    pub overdue: usize,
    /// Check-ins dated in the period, up to today.
    pub checkins_due: usize,
    /// Of those, check-ins with an action still open on their date.
    pub checkins_missed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// `2026-Q1` or `2026-03`.
    pub label: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    #[serde(flatten)]
    pub figures: IncidentFigures,
    /// Every component, in `site.toml` order.
    pub components: Vec<Availability>,
    /// Components below their SLO in the period.
    pub slo_breaches: usize,
    pub actions: ActionFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentSummary {
    pub id: String,
    pub name: String,
    pub slo: f64,
    /// The incidents naming it.
    #[serde(flatten)]
    pub figures: IncidentFigures,
    /// Its all-time availability (`uptime.json`'s `uptime_all`).
    pub uptime_all: Option<f64>,
    /// Periods in which it was below its SLO.
    pub breached_periods: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseSummary {
    pub cause: String,
    #[serde(flatten)]
    pub figures: IncidentFigures,
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow<'a> {
    pub incident: &'a str,
    pub incident_title: &'a str,
    /// Local date the incident started (when the action was opened).
    pub opened: NaiveDate,
    pub what: &'a str,
    pub owner: Option<&'a str>,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    /// The completion day used here (see the module notes); `None` when unknown.
    pub done: Option<NaiveDate>,
    pub overdue: bool,
    /// The file and line it is written at.
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinState {
    Upcoming,
    Met,
    Missed,
}

impl CheckinState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinState::Upcoming => "upcoming",
            CheckinState::Met => "met",
            CheckinState::Missed => "missed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkin<'a> {
    pub incident: &'a str,
    pub incident_title: &'a str,
    pub days: u64,
    pub date: NaiveDate,
    pub state: CheckinState,
    /// Actions open on its date (for a due check-in).
    pub open_actions: usize,
}

/// The figures of one side of a fix window for one component or cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowFigures {
    #[serde(flatten)]
    pub figures: IncidentFigures,
    /// For a component: its availability in the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeforeAfter {
    /// A component id, or a cause tag.
    pub key: String,
    pub before: WindowFigures,
    pub after: WindowFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixReview {
    pub incident: String,
    pub incident_title: String,
    /// The latest completion day of its done actions.
    pub completed: NaiveDate,
    pub before_first: NaiveDate,
    pub before_last: NaiveDate,
    pub after_first: NaiveDate,
    pub after_last: NaiveDate,
    /// False while the after window has not ended.
    pub after_complete: bool,
    pub components: Vec<BeforeAfter>,
    pub cause: Option<BeforeAfter>,
}

/// Everything the reliability page and exports show, computed once per build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    pub granularity: Granularity,
    pub periods: Vec<Period>,
    pub totals: IncidentFigures,
    pub components: Vec<ComponentSummary>,
    pub causes: Vec<CauseSummary>,
    /// How many rows each list of [`Lists`] has.
    pub counts: ListCounts,
    /// The [`FIXES_SHOWN`] fixes completed last, latest first (the page shows them;
    /// [`Lists::fixes`] lists them all).
    pub latest_fixes: Vec<FixReview>,
    /// Incidents with done actions but no completion date: no fix window.
    pub undated_fixes: Vec<String>,
    /// The incidents in review order, for [`Lists::of`] (worked out once).
    #[serde(skip)]
    order: Vec<Placed>,
}

/// An [`Entry`] by its position in the site's incidents.
type Placed = (usize, NaiveDate, bool, Option<(i64, i64)>);

/// The sizes of the per-row lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ListCounts {
    pub actions: usize,
    pub checkins: usize,
    pub fixes: usize,
}

/// How many fixes the page shows.
pub const FIXES_SHOWN: usize = 12;

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

fn sub_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(NaiveDate::MIN)
}

/// Mean of whole milliseconds, in seconds.
fn mean_seconds(ms: &[i64]) -> Option<f64> {
    if ms.is_empty() {
        return None;
    }
    let sum: i128 = ms.iter().map(|m| i128::from(*m)).sum();
    Some(sum as f64 / ms.len() as f64 / 1000.0)
}

/// Median of whole milliseconds, in seconds; reorders `ms`.
fn median_seconds(ms: &mut [i64]) -> Option<f64> {
    if ms.is_empty() {
        return None;
    }
    // Selection, not a full sort: O(n) for each of thousands of windows.
    let n = ms.len();
    let (below, upper, _) = ms.select_nth_unstable(n / 2);
    let upper = *upper;
    let mid = if n % 2 == 1 {
        upper as f64
    } else {
        let lower = below.iter().copied().max().unwrap_or(upper);
        (i128::from(lower) + i128::from(upper)) as f64 / 2.0
    };
    Some(mid / 1000.0)
}

/// An incident started by "now", its local start date, whether it repeats a cause, and
/// its times to detect and resolve in milliseconds once resolved by "now". Worked out
/// once: thousands of fix windows read the same incidents.
type Entry<'a> = (&'a Incident, NaiveDate, bool, Option<(i64, i64)>);

fn entry(i: &Incident, tz: chrono_tz::Tz, repeated: bool, now: DateTime<Utc>) -> Entry<'_> {
    let times = i.resolved.filter(|r| *r <= now).map(|r| {
        (
            (i.detected - i.started).num_milliseconds(),
            (r - i.detected).num_milliseconds(),
        )
    });
    (i, local_date(tz, i.started), repeated, times)
}

/// The figures over `incidents` (all started by `now`).
fn incident_figures(incidents: &[Entry]) -> IncidentFigures {
    let mut f = IncidentFigures {
        incidents: incidents.len(),
        ..IncidentFigures::default()
    };
    let (mut ttd, mut ttr) = (Vec::new(), Vec::new());
    for &(i, _, repeated, times) in incidents {
        match i.impact {
            Impact::None => f.by_impact.none += 1,
            Impact::Minor => f.by_impact.minor += 1,
            Impact::Major => f.by_impact.major += 1,
            Impact::Critical => f.by_impact.critical += 1,
        }
        if let Some((detect, resolve)) = times {
            ttd.push(detect);
            ttr.push(resolve);
        }
        f.repeated += usize::from(repeated);
    }
    f.resolved = ttd.len();
    f.mttd_mean_seconds = mean_seconds(&ttd);
    f.mttr_mean_seconds = mean_seconds(&ttr);
    f.mttd_median_seconds = median_seconds(&mut ttd);
    f.mttr_median_seconds = median_seconds(&mut ttr);
    f.recurrence_rate = (f.incidents > 0).then(|| f.repeated as f64 / f.incidents as f64);
    f
}

/// The availability of a component over the local dates `first..end` (end exclusive),
/// clipped to its history and to `now`.
fn availability(
    c: &ComponentFigures,
    tz: chrono_tz::Tz,
    first: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
) -> Availability {
    let a = day_start(tz, first).max(c.all_time.start);
    let b = day_start(tz, end).min(now);
    let w = window_figure(&c.segments, a, b.max(a), c.slo);
    let uptime = w.measured();
    Availability {
        id: c.id.clone(),
        slo: c.slo,
        uptime,
        // An empty sum of floats is −0.0; the exports print 0.
        downtime_minutes: w.downtime_minutes + 0.0,
        breach: uptime.is_some() && w.breach,
    }
}

/// The day a done action counts as completed, if known (module notes).
pub fn completion_day(a: &Action, today: NaiveDate) -> Option<NaiveDate> {
    (a.status == ActionStatus::Done)
        .then_some(a.done)
        .flatten()
        .filter(|d| *d <= today)
}

/// Open on `date`: planned or in progress now, or completed after `date`.
fn open_on(a: &Action, date: NaiveDate, today: NaiveDate) -> bool {
    match a.status {
        ActionStatus::Planned | ActionStatus::InProgress => true,
        ActionStatus::WontDo => false,
        ActionStatus::Done => completion_day(a, today).is_some_and(|d| d > date),
    }
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    let m = (d.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d)
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Calendar periods from the one holding `first` to the one holding `today`, as
/// (label, first day, first day of the next).
pub fn periods(
    granularity: Granularity,
    first: NaiveDate,
    today: NaiveDate,
) -> Vec<(String, NaiveDate, NaiveDate)> {
    let (start, step) = match granularity {
        Granularity::Quarter => (quarter_start(first.min(today)), 3),
        Granularity::Month => (month_start(first.min(today)), 1),
    };
    let mut out = Vec::new();
    let mut p = start;
    while p <= today {
        let Some(next) = p.checked_add_months(Months::new(step)) else {
            break;
        };
        let label = match granularity {
            Granularity::Quarter => format!("{}-Q{}", p.year(), p.month0() / 3 + 1),
            Granularity::Month => format!("{}-{:02}", p.year(), p.month()),
        };
        out.push((label, p, next));
        p = next;
    }
    out
}

/// Quarters, unless the history is shorter than [`MONTHLY_BELOW_MONTHS`] months.
pub fn granularity(first: NaiveDate, today: NaiveDate) -> Granularity {
    match first.checked_add_months(Months::new(MONTHLY_BELOW_MONTHS)) {
        Some(d) if d > today => Granularity::Month,
        _ => Granularity::Quarter,
    }
}

/// The incidents (sorted by local start date) whose local start date is in `first..end`.
fn in_days<'s, 'a>(sorted: &'s [Entry<'a>], first: NaiveDate, end: NaiveDate) -> &'s [Entry<'a>] {
    let a = sorted.partition_point(|e| e.1 < first);
    let b = sorted.partition_point(|e| e.1 < end);
    &sorted[a..b.max(a)]
}

/// The reliability review of the site at `now`, from the uptime figures and the
/// recurrence the build derived.
pub fn reliability(
    site: &Site,
    figures: &[ComponentFigures],
    recurrence: &Recurrence,
    now: DateTime<Utc>,
) -> Reliability {
    let order = review_order(site, recurrence, now);
    let lists = Lists::placed(site, figures, &order, now);
    let (tz, today, sorted) = (lists.tz, lists.today, &lists.sorted);

    let first = figures
        .iter()
        .map(|f| local_date(tz, f.all_time.start))
        .chain(sorted.first().map(|e| e.1))
        .min()
        .unwrap_or(today)
        .min(today);
    let granularity = granularity(first, today);

    // Check-ins: their dates and states are all the periods need.
    let checkins: Vec<(NaiveDate, CheckinState)> =
        lists.checkins().map(|c| (c.date, c.state)).collect();

    let mut periods_out = Vec::new();
    for (label, p_first, p_end) in periods(granularity, first, today) {
        let list = in_days(sorted, p_first, p_end);
        let components: Vec<Availability> = figures
            .iter()
            .map(|c| availability(c, tz, p_first, p_end, now))
            .collect();
        let mut actions = ActionFigures::default();
        for (i, ..) in list {
            actions.opened += i.actions.len();
            actions.overdue += i.actions.iter().filter(|a| is_overdue(a, today)).count();
        }
        actions.closed = site
            .incidents
            .iter()
            .flat_map(|i| &i.actions)
            .filter_map(|a| completion_day(a, today))
            .filter(|d| (p_first..p_end).contains(d))
            .count();
        for (_, state) in checkins.iter().filter(|(date, state)| {
            *state != CheckinState::Upcoming && (p_first..p_end).contains(date)
        }) {
            actions.checkins_due += 1;
            actions.checkins_missed += usize::from(*state == CheckinState::Missed);
        }
        periods_out.push(Period {
            label,
            first_day: p_first,
            last_day: sub_days(p_end, 1),
            figures: incident_figures(list),
            slo_breaches: components.iter().filter(|c| c.breach).count(),
            components,
            actions,
        });
    }

    let components = figures
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let list: Vec<Entry> = sorted
                .iter()
                .copied()
                .filter(|e| e.0.components.iter().any(|a| a.id == c.id))
                .collect();
            ComponentSummary {
                id: c.id.clone(),
                name: c.name.clone(),
                slo: c.slo,
                figures: incident_figures(&list),
                uptime_all: c.all_time.measured(),
                breached_periods: periods_out
                    .iter()
                    .filter(|p| p.components[n].breach)
                    .count(),
            }
        })
        .collect();

    let mut by_cause: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for e in sorted {
        if let Some(c) = cause_tag(e.0) {
            by_cause.entry(c).or_default().push(*e);
        }
    }
    let causes = by_cause
        .iter()
        .map(|(cause, list)| CauseSummary {
            cause: (*cause).to_string(),
            figures: incident_figures(list),
            first_seen: list.first().map_or(today, |e| e.1),
            last_seen: list.last().map_or(today, |e| e.1),
        })
        .collect();

    let (fixed, undated_fixes) = lists.fixed();
    // The latest first; the page's figures only (no sliding over every window).
    let mut latest = fixed.clone();
    latest.sort_by(|(a, ca), (b, cb)| (cb, &a.slug).cmp(&(ca, &b.slug)));
    latest.truncate(FIXES_SHOWN);
    let index = Index::new(sorted, tz, today, now);
    let latest_fixes = latest
        .iter()
        .map(|(i, completed)| index.review(i, *completed, figures))
        .collect();
    let counts = ListCounts {
        actions: sorted.iter().map(|e| e.0.actions.len()).sum(),
        checkins: checkins.len(),
        fixes: fixed.len(),
    };

    Reliability {
        granularity,
        periods: periods_out,
        totals: incident_figures(sorted),
        components,
        causes,
        counts,
        latest_fixes,
        undated_fixes,
        order,
    }
}

/// The incidents started by now, with the local start date, by that date, start and
/// slug. (The date first: where a zone falls back across midnight, a later instant can
/// have an earlier date, and the period and window look-ups need the dates in order.)
fn review_order(site: &Site, recurrence: &Recurrence, now: DateTime<Utc>) -> Vec<Placed> {
    let tz = site.config.timezone;
    let repeated: HashSet<&str> = recurrence
        .repeated_slugs
        .iter()
        .map(String::as_str)
        .collect();
    let mut order: Vec<(Placed, &Incident)> = site
        .incidents
        .iter()
        .enumerate()
        .filter(|(_, i)| i.started <= now)
        .map(|(k, i)| {
            let (_, date, repeated, times) = entry(i, tz, repeated.contains(i.slug.as_str()), now);
            ((k, date, repeated, times), i)
        })
        .collect();
    order.sort_by(|((_, da, ..), a), ((_, db, ..), b)| {
        (da, a.started, &a.slug).cmp(&(db, b.started, &b.slug))
    });
    order.into_iter().map(|(p, _)| p).collect()
}

/// The per-row lists of the review (corrective actions, check-ins, fixes), worked out
/// when read rather than held: on a long history they are tens of thousands of rows,
/// which only the CSV files list in full, and keeping them cost the 10k build more
/// memory than every other figure (BENCHMARKS.md).
pub struct Lists<'a, 'f> {
    /// The incidents in review order ([`review_order`]).
    sorted: Vec<Entry<'a>>,
    figures: &'f [ComponentFigures],
    tz: chrono_tz::Tz,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl<'a, 'f> Lists<'a, 'f> {
    /// The lists of a review already derived (its incidents in order).
    pub fn of(
        site: &'a Site,
        figures: &'f [ComponentFigures],
        review: &Reliability,
        now: DateTime<Utc>,
    ) -> Lists<'a, 'f> {
        Lists::placed(site, figures, &review.order, now)
    }

    fn placed(
        site: &'a Site,
        figures: &'f [ComponentFigures],
        order: &[Placed],
        now: DateTime<Utc>,
    ) -> Lists<'a, 'f> {
        let tz = site.config.timezone;
        let sorted = order
            .iter()
            .filter_map(|&(k, date, repeated, times)| {
                Some((site.incidents.get(k)?, date, repeated, times))
            })
            .collect();
        Lists {
            sorted,
            figures,
            tz,
            today: local_date(tz, now),
            now,
        }
    }

    /// Every corrective action, by incident start order.
    pub fn actions(&self) -> impl Iterator<Item = ActionRow<'a>> + '_ {
        let today = self.today;
        self.sorted.iter().flat_map(move |&(i, opened, ..)| {
            i.actions.iter().map(move |a| ActionRow {
                incident: &i.slug,
                incident_title: &i.title,
                opened,
                what: &a.what,
                owner: a.owner.as_deref(),
                due: a.due,
                status: a.status,
                done: completion_day(a, today),
                overdue: is_overdue(a, today),
                line: a.line,
            })
        })
    }

    /// The 30/60/90-day check-ins, by incident start order.
    pub fn checkins(&self) -> impl Iterator<Item = Checkin<'a>> + '_ {
        let (tz, today, now) = (self.tz, self.today, self.now);
        self.sorted
            .iter()
            .filter(|(i, ..)| !i.actions.is_empty())
            .filter_map(move |&(i, ..)| {
                Some((i, local_date(tz, i.resolved.filter(|r| *r <= now)?)))
            })
            .flat_map(move |(i, day)| {
                CHECKIN_DAYS.into_iter().map(move |n| {
                    let date = add_days(day, n);
                    let open = i.actions.iter().filter(|a| open_on(a, date, today)).count();
                    let state = if date > today {
                        CheckinState::Upcoming
                    } else if open > 0 {
                        CheckinState::Missed
                    } else {
                        CheckinState::Met
                    };
                    Checkin {
                        incident: &i.slug,
                        incident_title: &i.title,
                        days: n,
                        date,
                        state,
                        open_actions: if date > today { 0 } else { open },
                    }
                })
            })
    }

    /// Each incident's latest completion day, by start order; and the incidents whose
    /// done actions are all undated.
    fn fixed(&self) -> (Vec<(&'a Incident, NaiveDate)>, Vec<String>) {
        let mut fixed = Vec::new();
        let mut undated = Vec::new();
        for &(i, ..) in &self.sorted {
            let done = i.actions.iter().filter(|a| a.status == ActionStatus::Done);
            match done
                .clone()
                .filter_map(|a| completion_day(a, self.today))
                .max()
            {
                Some(completed) => fixed.push((i, completed)),
                None if done.count() > 0 => undated.push(i.slug.clone()),
                None => {}
            }
        }
        (fixed, undated)
    }

    /// Every "did the fix work?" review, by incident start order, one at a time.
    pub fn fixes(&self) -> impl Iterator<Item = FixReview> + '_ {
        let (fixed, _) = self.fixed();
        let mut index = Index::new(&self.sorted, self.tz, self.today, self.now);
        index.slide(&fixed);
        let figures = self.figures;
        fixed
            .into_iter()
            .map(move |(i, completed)| index.review(i, completed, figures))
    }
}

/// What the "did the fix work?" windows look up: the incidents naming each component and
/// those of each cause, in the order of `sorted`, so a window is two binary searches.
struct Index<'a> {
    by_component: HashMap<&'a str, Vec<Entry<'a>>>,
    by_cause: HashMap<&'a str, Vec<Entry<'a>>>,
    /// The figures of every fix window, worked out list by list ([`Index::slide`]).
    windows: HashMap<WindowKey<'a>, IncidentFigures>,
    tz: chrono_tz::Tz,
    today: NaiveDate,
    now: DateTime<Utc>,
}

/// A fix window: over a cause's list (`true`) or a component's, its first and end days.
type WindowKey<'a> = (bool, &'a str, NaiveDate, NaiveDate);
/// A list of incidents: a cause's (`true`) or a component's.
type ListKey<'a> = (bool, &'a str);
/// Windows' first and end days.
type Windows = Vec<(NaiveDate, NaiveDate)>;

/// A fix's two windows: `completed − 90 .. completed` and `completed .. completed + 90`.
fn fix_windows(completed: NaiveDate) -> [(NaiveDate, NaiveDate); 2] {
    let before_first = sub_days(completed, FIX_WINDOW_DAYS);
    let after_end = add_days(completed, FIX_WINDOW_DAYS);
    [(before_first, completed), (completed, after_end)]
}

/// The figures of many windows over one list sorted by date, the same as
/// [`incident_figures`] of each window's [`in_days`], in the order given. The windows are
/// visited by first day; while their ends also only move forward (equally wide windows),
/// the running figures are updated by the incidents that enter and leave, instead of
/// recounting every window (thousands of fixes over a long history).
fn sliding_figures(list: &[Entry], windows: &[(NaiveDate, NaiveDate)]) -> Vec<IncidentFigures> {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&k| windows[k]);
    let mut out = vec![IncidentFigures::default(); windows.len()];
    let mut run = Running::default();
    let (mut lo, mut hi, mut last_end) = (0, 0, NaiveDate::MIN);
    for k in order {
        let (first, end) = windows[k];
        if end <= first || end < last_end {
            out[k] = incident_figures(in_days(list, first, end));
            continue;
        }
        last_end = end;
        while hi < list.len() && list[hi].1 < end {
            run.add(&list[hi], 1);
            hi += 1;
        }
        while lo < hi && list[lo].1 < first {
            run.add(&list[lo], -1);
            lo += 1;
        }
        out[k] = run.figures();
    }
    out
}

/// The figures of the incidents in a sliding window, kept up to date as they come and go.
#[derive(Default)]
struct Running {
    incidents: usize,
    by_impact: ImpactCounts,
    repeated: usize,
    /// Times to detect and resolve of the resolved ones, sorted, and their sums.
    ttd: Vec<i64>,
    ttr: Vec<i64>,
    ttd_sum: i128,
    ttr_sum: i128,
}

impl Running {
    /// Adds (`sign` 1) or removes (−1) an incident.
    fn add(&mut self, &(i, _, repeated, times): &Entry, sign: i8) {
        let step = |n: &mut usize| {
            if sign > 0 {
                *n += 1;
            } else {
                *n -= 1;
            }
        };
        step(&mut self.incidents);
        step(match i.impact {
            Impact::None => &mut self.by_impact.none,
            Impact::Minor => &mut self.by_impact.minor,
            Impact::Major => &mut self.by_impact.major,
            Impact::Critical => &mut self.by_impact.critical,
        });
        if repeated {
            step(&mut self.repeated);
        }
        if let Some((detect, resolve)) = times {
            for (sorted, sum, v) in [
                (&mut self.ttd, &mut self.ttd_sum, detect),
                (&mut self.ttr, &mut self.ttr_sum, resolve),
            ] {
                let at = sorted.partition_point(|x| *x < v);
                if sign > 0 {
                    sorted.insert(at, v);
                    *sum += i128::from(v);
                } else {
                    sorted.remove(at);
                    *sum -= i128::from(v);
                }
            }
        }
    }

    fn figures(&self) -> IncidentFigures {
        let mean = |sum: i128, n: usize| (n > 0).then(|| sum as f64 / n as f64 / 1000.0);
        let median = |v: &[i64]| {
            let n = v.len();
            (n > 0).then(|| {
                let mid = if n % 2 == 1 {
                    v[n / 2] as f64
                } else {
                    (i128::from(v[n / 2 - 1]) + i128::from(v[n / 2])) as f64 / 2.0
                };
                mid / 1000.0
            })
        };
        IncidentFigures {
            incidents: self.incidents,
            by_impact: self.by_impact.clone(),
            resolved: self.ttd.len(),
            mttd_mean_seconds: mean(self.ttd_sum, self.ttd.len()),
            mttd_median_seconds: median(&self.ttd),
            mttr_mean_seconds: mean(self.ttr_sum, self.ttr.len()),
            mttr_median_seconds: median(&self.ttr),
            repeated: self.repeated,
            recurrence_rate: (self.incidents > 0)
                .then(|| self.repeated as f64 / self.incidents as f64),
        }
    }
}

impl<'a> Index<'a> {
    fn new(
        sorted: &[Entry<'a>],
        tz: chrono_tz::Tz,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Index<'a> {
        let mut by_component: HashMap<&str, Vec<Entry>> = HashMap::new();
        let mut by_cause: HashMap<&str, Vec<Entry>> = HashMap::new();
        for &e in sorted {
            let i = e.0;
            let mut seen: Vec<&str> = Vec::with_capacity(i.components.len());
            for a in &i.components {
                if !seen.contains(&a.id.as_str()) {
                    seen.push(&a.id);
                    by_component.entry(&a.id).or_default().push(e);
                }
            }
            if let Some(c) = cause_tag(i) {
                by_cause.entry(c).or_default().push(e);
            }
        }
        Index {
            by_component,
            by_cause,
            windows: HashMap::new(),
            tz,
            today,
            now,
        }
    }

    /// Works out the windows of `fixed` list by list, the lists side by side.
    fn slide(&mut self, fixed: &[(&'a Incident, NaiveDate)]) {
        let mut wanted: HashMap<ListKey<'a>, Windows> = HashMap::new();
        for &(i, completed) in fixed {
            let keys = i
                .components
                .iter()
                .map(|a| (false, a.id.as_str()))
                .chain(cause_tag(i).map(|c| (true, c)));
            for key in keys {
                wanted
                    .entry(key)
                    .or_default()
                    .extend(fix_windows(completed));
            }
        }
        let mut lists: Vec<(ListKey<'a>, Windows)> = wanted.into_iter().collect();
        lists.sort_unstable_by_key(|(key, _)| *key);
        let done: Vec<Vec<(WindowKey<'a>, IncidentFigures)>> = lists
            .par_iter_mut()
            .map(|((cause, key), windows)| {
                windows.sort_unstable();
                windows.dedup();
                let list = self.list(*cause, key);
                let figures = sliding_figures(list, windows);
                windows
                    .iter()
                    .zip(figures)
                    .map(|(&(first, end), f)| ((*cause, *key, first, end), f))
                    .collect()
            })
            .collect();
        self.windows = done.into_iter().flatten().collect();
    }

    fn list(&self, cause: bool, key: &str) -> &[Entry<'a>] {
        let lists = if cause {
            &self.by_cause
        } else {
            &self.by_component
        };
        lists.get(key).map_or(&[][..], Vec::as_slice)
    }

    fn figures(&self, cause: bool, key: &str, first: NaiveDate, end: NaiveDate) -> IncidentFigures {
        match self.windows.get(&(cause, key, first, end)) {
            Some(f) => f.clone(),
            None => incident_figures(in_days(self.list(cause, key), first, end)),
        }
    }

    fn review(
        &self,
        i: &Incident,
        completed: NaiveDate,
        figures: &[ComponentFigures],
    ) -> FixReview {
        let (tz, now) = (self.tz, self.now);
        let [(before_first, _), (_, after_end)] = fix_windows(completed);
        let mut seen = HashSet::new();
        let components = i
            .components
            .iter()
            .filter(|a| seen.insert(a.id.as_str()))
            .filter_map(|a| figures.iter().find(|f| f.id == a.id))
            .map(|c| {
                let list = |first, end| self.figures(false, &c.id, first, end);
                BeforeAfter {
                    key: c.id.clone(),
                    before: WindowFigures {
                        figures: list(before_first, completed),
                        availability: Some(availability(c, tz, before_first, completed, now)),
                    },
                    after: WindowFigures {
                        figures: list(completed, after_end),
                        availability: Some(availability(c, tz, completed, after_end, now)),
                    },
                }
            })
            .collect();
        let cause = cause_tag(i).map(|tag| {
            let list = |first, end| self.figures(true, tag, first, end);
            BeforeAfter {
                key: tag.to_string(),
                before: WindowFigures {
                    figures: list(before_first, completed),
                    availability: None,
                },
                after: WindowFigures {
                    figures: list(completed, after_end),
                    availability: None,
                },
            }
        });
        FixReview {
            incident: i.slug.clone(),
            incident_title: i.title.clone(),
            completed,
            before_first,
            before_last: sub_days(completed, 1),
            after_first: completed,
            after_last: sub_days(after_end, 1),
            after_complete: after_end <= self.today,
            components,
            cause,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metrics::recurrence;
    use crate::model::uptime::component_figures;
    use crate::model::uptime::tests::{component, date, incident, site, utc};
    use crate::vocabulary::Level;
    use chrono::TimeDelta;

    fn action(
        what: &str,
        status: ActionStatus,
        due: Option<NaiveDate>,
        done: Option<NaiveDate>,
    ) -> Action {
        Action {
            what: what.into(),
            owner: Some("o".into()),
            due,
            status,
            done,
            line: 1,
        }
    }

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a figure");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// The hand-worked site of docs/reliability.md's rules: Europe/Berlin, two components
    /// from 2025-10-01, five incidents over three quarters, now 2026-04-15 12:00Z.
    fn worked() -> (Site, DateTime<Utc>) {
        let mut api = component("api", Some(date(2025, 10, 1)));
        api.slo = 99.9;
        let mut web = component("web", Some(date(2025, 10, 1)));
        web.slo = 99.0;
        let mk = |slug: &str,
                  levels: &[(&str, Level)],
                  impact: Impact,
                  started: DateTime<Utc>,
                  detect_min: i64,
                  resolved: Option<DateTime<Utc>>,
                  cause: Option<&str>| {
            let mut i = incident(slug, levels, started, resolved);
            i.impact = impact;
            i.detected = started + TimeDelta::minutes(detect_min);
            i.cause = cause.map(String::from);
            i
        };
        let mut a = mk(
            "a",
            &[("api", Level::MajorOutage)],
            Impact::Major,
            utc(2025, 11, 10, 10, 0),
            10,
            Some(utc(2025, 11, 10, 11, 0)),
            Some("config"),
        );
        a.actions = vec![
            action(
                "a1",
                ActionStatus::Done,
                Some(date(2025, 11, 30)),
                Some(date(2025, 12, 1)),
            ),
            action("a2", ActionStatus::WontDo, None, None),
        ];
        // 2026-01-01 00:30 in Berlin: the first quarter of 2026, not the last of 2025.
        let mut b = mk(
            "b",
            &[("api", Level::PartialOutage), ("web", Level::MajorOutage)],
            Impact::Critical,
            utc(2025, 12, 31, 23, 30),
            10,
            Some(utc(2026, 1, 1, 0, 40)),
            Some("config"),
        );
        b.actions = vec![action("b1", ActionStatus::Done, None, None)];
        let mut c = mk(
            "c",
            &[("web", Level::DegradedPerformance)],
            Impact::Minor,
            utc(2026, 2, 1, 9, 0),
            30,
            Some(utc(2026, 2, 1, 10, 0)),
            Some("capacity"),
        );
        c.actions = vec![action("c1", ActionStatus::Planned, None, None)];
        let mut d = mk(
            "d",
            &[("api", Level::MajorOutage)],
            Impact::Major,
            utc(2026, 2, 20, 8, 0),
            0,
            Some(utc(2026, 2, 20, 12, 0)),
            Some(" config "),
        );
        d.actions = vec![
            action("d1", ActionStatus::Done, None, Some(date(2026, 3, 1))),
            action("d2", ActionStatus::InProgress, Some(date(2026, 4, 1)), None),
            action("d3", ActionStatus::Done, None, None),
        ];
        let mut e = mk(
            "e",
            &[("web", Level::PartialOutage)],
            Impact::Minor,
            utc(2026, 4, 15, 11, 0),
            0,
            None,
            None,
        );
        // Completed "in the future": treated as undated.
        e.actions = vec![action(
            "e1",
            ActionStatus::Done,
            None,
            Some(date(2026, 5, 1)),
        )];
        let s = site(
            chrono_tz::Europe::Berlin,
            vec![api, web],
            vec![e, d, c, b, a],
            vec![],
        );
        (s, utc(2026, 4, 15, 12, 0))
    }

    fn review(s: &Site, now: DateTime<Utc>) -> Reliability {
        let figures = component_figures(s, now);
        reliability(s, &figures, &recurrence(&s.incidents, now), now)
    }

    /// The review's lists, read in full.
    fn lists(
        s: &Site,
        now: DateTime<Utc>,
    ) -> (Vec<ActionRow<'_>>, Vec<Checkin<'_>>, Vec<FixReview>) {
        let figures = component_figures(s, now);
        let r = reliability(s, &figures, &recurrence(&s.incidents, now), now);
        let lists = Lists::of(s, &figures, &r, now);
        (
            lists.actions().collect(),
            lists.checkins().collect(),
            lists.fixes().collect(),
        )
    }

    #[test]
    fn periods_are_quarters_in_the_site_timezone() {
        let (s, now) = worked();
        let r = review(&s, now);
        assert_eq!(r.granularity, Granularity::Quarter);
        let labels: Vec<&str> = r.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2025-Q4", "2026-Q1", "2026-Q2"]);
        assert_eq!(r.periods[1].first_day, date(2026, 1, 1));
        assert_eq!(r.periods[1].last_day, date(2026, 3, 31));
        let counts: Vec<usize> = r.periods.iter().map(|p| p.figures.incidents).collect();
        assert_eq!(counts, [1, 3, 1]);
    }

    #[test]
    fn incidents_by_impact_mttd_mttr_and_recurrence_per_period() {
        let (s, now) = worked();
        let r = review(&s, now);
        let q4 = &r.periods[0].figures;
        assert_eq!(
            q4.by_impact,
            ImpactCounts {
                none: 0,
                minor: 0,
                major: 1,
                critical: 0
            }
        );
        close(q4.mttd_mean_seconds, 600.0);
        close(q4.mttr_median_seconds, 3000.0);
        assert_eq!(q4.recurrence_rate, Some(0.0));
        // Q1: b (10 min, 60 min), c (30, 30), d (0, 240); b and d repeat "config".
        let q1 = &r.periods[1].figures;
        assert_eq!(
            q1.by_impact,
            ImpactCounts {
                none: 0,
                minor: 1,
                major: 1,
                critical: 1
            }
        );
        assert_eq!(q1.resolved, 3);
        close(q1.mttd_mean_seconds, 800.0);
        close(q1.mttd_median_seconds, 600.0);
        close(q1.mttr_mean_seconds, 6600.0);
        close(q1.mttr_median_seconds, 3600.0);
        assert_eq!(q1.repeated, 2);
        close(q1.recurrence_rate, 2.0 / 3.0);
        // Q2: only the ongoing e: nothing resolved, no means.
        let q2 = &r.periods[2].figures;
        assert_eq!((q2.incidents, q2.resolved), (1, 0));
        assert_eq!(q2.mttd_mean_seconds, None);
        assert_eq!(q2.mttr_median_seconds, None);
        // All time: an even count of resolved incidents: medians of the two middle values.
        let t = &r.totals;
        close(t.mttd_mean_seconds, 750.0);
        close(t.mttd_median_seconds, 600.0);
        close(t.mttr_mean_seconds, 5700.0);
        close(t.mttr_median_seconds, 3300.0);
        close(t.recurrence_rate, 0.4);
    }

    #[test]
    fn slo_breaches_per_component_and_period() {
        let (s, now) = worked();
        let r = review(&s, now);
        // Q4 2025 in Berlin: 92 days and the extra hour of 26 Oct = 132540 min; api 60 down.
        let q4 = &r.periods[0];
        close(q4.components[0].uptime, 100.0 * (1.0 - 60.0 / 132_540.0));
        assert!(!q4.components[0].breach);
        close(q4.components[1].uptime, 100.0);
        // Q1 2026: 90 days less the lost hour of 29 Mar = 129540 min; api: b partial
        // 70 min × 0.3 + d 240 min = 261 (below 99.9); web: b 70 min (above 99.0).
        let q1 = &r.periods[1];
        close(q1.components[0].uptime, 100.0 * (1.0 - 261.0 / 129_540.0));
        assert!(q1.components[0].breach);
        close(q1.components[1].uptime, 100.0 * (1.0 - 70.0 / 129_540.0));
        assert!(!q1.components[1].breach);
        assert_eq!(q1.slo_breaches, 1);
        // Q2 up to now: 21000 min; web: e partial 60 min × 0.3.
        close(
            r.periods[2].components[1].uptime,
            100.0 * (1.0 - 18.0 / 21_000.0),
        );
        let breached: Vec<usize> = r.components.iter().map(|c| c.breached_periods).collect();
        assert_eq!(breached, [1, 0]);
        assert_eq!(r.components[0].figures.incidents, 3);
        assert_eq!(r.components[1].figures.incidents, 3);
    }

    #[test]
    fn actions_opened_closed_overdue_and_checkins() {
        let (s, now) = worked();
        let r = review(&s, now);
        let a: Vec<&ActionFigures> = r.periods.iter().map(|p| &p.actions).collect();
        assert_eq!(
            *a[0],
            ActionFigures {
                opened: 2,
                closed: 1,
                overdue: 0,
                checkins_due: 1,
                checkins_missed: 0
            }
        );
        assert_eq!(
            *a[1],
            ActionFigures {
                opened: 5,
                closed: 1,
                overdue: 1,
                checkins_due: 6,
                checkins_missed: 2
            }
        );
        assert_eq!(
            *a[2],
            ActionFigures {
                opened: 1,
                closed: 0,
                overdue: 0,
                checkins_due: 2,
                checkins_missed: 1
            }
        );
        let (actions, checkins, _) = lists(&s, now);
        assert_eq!(
            r.counts,
            ListCounts {
                actions: 8,
                checkins: 12,
                fixes: 2
            }
        );
        let states: Vec<(&str, u64, NaiveDate, CheckinState)> = checkins
            .iter()
            .map(|c| (c.incident, c.days, c.date, c.state))
            .collect();
        use CheckinState::*;
        assert_eq!(
            states,
            [
                ("a", 30, date(2025, 12, 10), Met),
                ("a", 60, date(2026, 1, 9), Met),
                ("a", 90, date(2026, 2, 8), Met),
                ("b", 30, date(2026, 1, 31), Met),
                ("b", 60, date(2026, 3, 2), Met),
                ("b", 90, date(2026, 4, 1), Met),
                ("c", 30, date(2026, 3, 3), Missed),
                ("c", 60, date(2026, 4, 2), Missed),
                ("c", 90, date(2026, 5, 2), Upcoming),
                ("d", 30, date(2026, 3, 22), Missed),
                ("d", 60, date(2026, 4, 21), Upcoming),
                ("d", 90, date(2026, 5, 21), Upcoming),
            ]
        );
        // On d's 30-day check-in (22 Mar) d1 was done (1 Mar), d3 is undated (closed),
        // only d2 was open.
        assert_eq!(checkins[9].open_actions, 1);
        let overdue: Vec<&str> = actions
            .iter()
            .filter(|a| a.overdue)
            .map(|a| a.what)
            .collect();
        assert_eq!(overdue, ["d2"]);
        let e1 = actions.iter().find(|a| a.what == "e1").expect("e1");
        assert_eq!(e1.done, None);
        assert_eq!(actions.len(), 8);
    }

    #[test]
    fn did_the_fix_work_windows() {
        let (s, now) = worked();
        let r = review(&s, now);
        assert_eq!(r.undated_fixes, ["b", "e"]);
        let (_, _, fixes) = lists(&s, now);
        // The page's latest fixes are the same reviews, latest first.
        assert_eq!(r.latest_fixes, [fixes[1].clone(), fixes[0].clone()]);
        let fixed: Vec<(&str, NaiveDate)> = fixes
            .iter()
            .map(|f| (f.incident.as_str(), f.completed))
            .collect();
        assert_eq!(fixed, [("a", date(2025, 12, 1)), ("d", date(2026, 3, 1))]);
        let a = &fixes[0];
        assert_eq!(
            (a.before_first, a.before_last),
            (date(2025, 9, 2), date(2025, 11, 30))
        );
        assert_eq!(
            (a.after_first, a.after_last),
            (date(2025, 12, 1), date(2026, 2, 28))
        );
        assert!(a.after_complete);
        let api = &a.components[0];
        assert_eq!(api.key, "api");
        assert_eq!(api.before.figures.incidents, 1);
        assert_eq!(api.after.figures.incidents, 2);
        close(api.after.figures.mttr_mean_seconds, 9000.0);
        close(api.after.figures.recurrence_rate, 1.0);
        // Before: from api's history start (1 Oct) to 1 Dec: 61 days + 1 h = 87900 min.
        let before = api.before.availability.as_ref().expect("availability");
        close(before.uptime, 100.0 * (1.0 - 60.0 / 87_900.0));
        let after = api.after.availability.as_ref().expect("availability");
        close(after.uptime, 100.0 * (1.0 - 261.0 / 129_600.0));
        assert!(after.breach);
        let cause = a.cause.as_ref().expect("cause");
        assert_eq!(cause.key, "config");
        assert_eq!(
            (
                cause.before.figures.incidents,
                cause.after.figures.incidents
            ),
            (1, 2)
        );
        // d: the after window is still running (cut at now: 65580 min without downtime).
        let d = &fixes[1];
        assert!(!d.after_complete);
        assert_eq!(d.components[0].before.figures.incidents, 2);
        assert_eq!(d.components[0].after.figures.incidents, 0);
        let after = d.components[0]
            .after
            .availability
            .as_ref()
            .expect("availability");
        assert_eq!(after.uptime, Some(100.0));
        close(Some(after.downtime_minutes), 0.0);
    }

    #[test]
    fn causes_summary() {
        let (s, now) = worked();
        let r = review(&s, now);
        let c: Vec<(&str, usize, usize, NaiveDate, NaiveDate)> = r
            .causes
            .iter()
            .map(|c| {
                (
                    c.cause.as_str(),
                    c.figures.incidents,
                    c.figures.repeated,
                    c.first_seen,
                    c.last_seen,
                )
            })
            .collect();
        assert_eq!(
            c,
            [
                ("capacity", 1, 0, date(2026, 2, 1), date(2026, 2, 1)),
                ("config", 3, 2, date(2025, 11, 10), date(2026, 2, 20)),
            ]
        );
    }

    #[test]
    fn young_sites_get_months() {
        assert_eq!(
            granularity(date(2026, 1, 1), date(2026, 6, 30)),
            Granularity::Month
        );
        assert_eq!(
            granularity(date(2026, 1, 1), date(2026, 7, 1)),
            Granularity::Quarter
        );
        let p = periods(Granularity::Month, date(2026, 1, 20), date(2026, 3, 5));
        let labels: Vec<&str> = p.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(p[1].2, date(2026, 3, 1));
        let q = periods(Granularity::Quarter, date(2025, 11, 20), date(2026, 1, 1));
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].1, date(2025, 10, 1));
    }

    #[test]
    fn medians_and_means_of_milliseconds() {
        assert_eq!(mean_seconds(&[]), None);
        assert_eq!(median_seconds(&mut []), None);
        assert_eq!(median_seconds(&mut [3000, 1000, 2000]), Some(2.0));
        assert_eq!(median_seconds(&mut [4000, 1000, 2000, 3001]), Some(2.5005));
        assert_eq!(mean_seconds(&[1000, 2000]), Some(1.5));
    }
}
