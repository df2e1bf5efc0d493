//! Uptime on the pages: the day bars of the status page, `uptime/index.html` and
//! `components/<id>/index.html`, all from figures the build computed once
//! ([`ComponentFigures`], [`Metrics`]); nothing here derives availability again.
//!
//! Choices made here:
//! - Percentages are shown with three decimals, truncated ("99.972%"), so 99.9996 reads
//!   "99.999%"; "100%" appears only for exactly 100. A window with no length (a `since` in
//!   the future) shows "No data" rather than the model's conventional 100.
//! - A day's colour grades its weighted downtime: none → `ok`; availability at least 99 %
//!   (up to 14.4 min) → `minor`; at least 95 % (up to 72 min) → `partial`; below → `major`;
//!   days before `since` → `none` (hatched). The legend under the bars says the same.
//! - The uptime page's calendar shows at most the last [`CALENDAR_MONTHS`] months; the
//!   all-time figure still covers the whole history.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::metrics::Metrics;
use crate::model::status;
use crate::model::uptime::{ComponentFigures, DayFigure, MonthFigure, WindowFigure, day_start};
use crate::render::OutputFile;
use crate::render::html::{
    DateCtx, IncidentCard, LevelCtx, MaintenanceCard, PageKit, UptimeDay, UptimeRow,
};
use crate::render::theme::Theme;
use crate::site::{Component, Incident, Maintenance};

/// Months in the uptime page's calendar, newest first.
pub const CALENDAR_MONTHS: usize = 24;
/// Incidents per component page.
pub const COMPONENT_INCIDENTS_PER_PAGE: usize = 100;
/// Incident titles named in one day's label; more are counted.
const TITLES_PER_DAY: usize = 3;

/// A percentage truncated to three decimals: "99.972%"; "100%" only for exactly 100.
pub fn format_percent(p: f64) -> String {
    if p.is_nan() || p <= 0.0 {
        return "0.000%".into();
    }
    if p >= 100.0 {
        return "100%".into();
    }
    // The epsilon absorbs binary error (99.972 is stored as 99.97199…); the clamp keeps
    // anything below 100 from reading as 100.
    let k = ((p * 1000.0 + 1e-6).floor() as i64).min(99_999);
    format!("{}.{:03}%", k / 1000, k % 1000)
}

/// An SLO as configured: 99.9 → "99.9%".
pub fn format_slo(slo: f64) -> String {
    format!("{slo}%")
}

/// Weighted minutes for display: "43.2 min", "18 s", "0 min".
pub fn format_minutes(m: f64) -> String {
    let m = if m.is_finite() { m.abs() } else { 0.0 };
    if m == 0.0 {
        "0 min".into()
    } else if m < 1.0 {
        format!("{} s", (m * 60.0).ceil() as i64)
    } else {
        format!("{m:.1} min")
    }
}

fn human_minutes(m: f64) -> String {
    let ms = if m.is_finite() {
        (m * 60_000.0).round()
    } else {
        0.0
    };
    let d = TimeDelta::milliseconds(ms as i64);
    if d < TimeDelta::minutes(1) {
        format_minutes(m)
    } else {
        status::human_duration(d)
    }
}

/// The colour class of a day (see the module notes).
pub fn day_level(d: &DayFigure) -> &'static str {
    match d.uptime {
        None => "none",
        Some(_) if d.downtime_minutes <= 0.0 => "ok",
        Some(u) if u >= 99.0 => "minor",
        Some(u) if u >= 95.0 => "partial",
        Some(_) => "major",
    }
}

/// A component's incidents that have started by "now", oldest first, with the span each
/// covers (an ongoing one up to "now"; an instant one counts for the day it happened).
pub struct Spans<'a> {
    spans: Vec<(DateTime<Utc>, DateTime<Utc>, &'a Incident)>,
}

impl<'a> Spans<'a> {
    pub fn new(incidents: &[&'a Incident], now: DateTime<Utc>) -> Spans<'a> {
        let mut spans: Vec<_> = incidents
            .iter()
            .filter(|i| i.started <= now)
            .map(|i| {
                let end = i.resolved.unwrap_or(now).min(now);
                (i.started, end.max(i.started + TimeDelta::seconds(1)), *i)
            })
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.slug.cmp(&b.2.slug)));
        Spans { spans }
    }

    /// The incidents overlapping each of `dates` (ascending): one sweep over the spans
    /// sorted by start, keeping those still open, so O(days + incidents + overlaps).
    pub fn per_day(&self, kit: &PageKit, dates: &[NaiveDate]) -> Vec<Vec<&'a Incident>> {
        let tz = kit.clock.tz;
        let mut next = 0;
        let mut open: Vec<(DateTime<Utc>, &'a Incident)> = Vec::new();
        let mut out = Vec::with_capacity(dates.len());
        for d in dates {
            let start = day_start(tz, *d);
            let end = d
                .checked_add_days(Days::new(1))
                .map_or(DateTime::<Utc>::MAX_UTC, |n| day_start(tz, n));
            while let Some((s, e, i)) = self.spans.get(next)
                && *s < end
            {
                open.push((*e, *i));
                next += 1;
            }
            open.retain(|(e, _)| *e > start);
            out.push(open.iter().map(|(_, i)| *i).collect());
        }
        out
    }
}

/// Marks for some days, with their accessible names, colours and links.
pub fn day_marks(
    kit: &PageKit,
    days: &[DayFigure],
    spans: &Spans,
    with_year: bool,
) -> Vec<UptimeDay> {
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    let per_day = spans.per_day(kit, &dates);
    days.iter()
        .zip(per_day)
        .map(|(d, incidents)| {
            let date = kit.clock.date(d.date);
            let when = if with_year {
                date.display.clone()
            } else {
                d.date.format("%a %-d %b").to_string()
            };
            let mut label = match d.uptime {
                None => format!("{when}: no data"),
                Some(u) if d.downtime_minutes > 0.0 => format!(
                    "{when}: {} available, {} down",
                    format_percent(u),
                    human_minutes(d.downtime_minutes)
                ),
                Some(u) => format!("{when}: {} available", format_percent(u)),
            };
            if !incidents.is_empty() {
                let titles: Vec<&str> = incidents
                    .iter()
                    .take(TITLES_PER_DAY)
                    .map(|i| i.title.as_str())
                    .collect();
                label.push_str(if incidents.len() == 1 {
                    ". Incident: "
                } else {
                    ". Incidents: "
                });
                label.push_str(&titles.join("; "));
                if incidents.len() > TITLES_PER_DAY {
                    label.push_str(&format!("; and {} more", incidents.len() - TITLES_PER_DAY));
                }
            }
            UptimeDay {
                date,
                level: day_level(d).to_string(),
                label,
                url: incidents.first().map(|i| kit.urls.incident(&i.slug)),
            }
        })
        .collect()
}

/// The local date a window starts on, when `since` clipped it short of `days` days.
fn clipped_since(kit: &PageKit, w: &WindowFigure, days: u64) -> Option<NaiveDate> {
    let today = kit.clock.today(kit.now);
    let full = today.checked_sub_days(Days::new(days.saturating_sub(1)))?;
    let start = w.start.with_timezone(&kit.clock.tz).date_naive();
    (start > full).then_some(start)
}

/// A window's percentage, or `None` when it has no length (no fake 100 %).
fn window_percent(w: &WindowFigure) -> Option<String> {
    (w.length_minutes > 0.0).then(|| format_percent(w.uptime))
}

/// The status page row: the day bar and the 90-day figure.
pub fn uptime_row(kit: &PageKit, f: &ComponentFigures, spans: &Spans) -> UptimeRow {
    let w = &f.last_90_days;
    let period = match clipped_since(kit, w, 90) {
        Some(d) => format!("since {}", kit.clock.date(d).display),
        None => "last 90 days".to_string(),
    };
    let days = day_marks(kit, &f.days, spans, true);
    UptimeRow {
        percent: window_percent(w),
        period,
        window_days: kit.site.config.uptime.days,
        items: crate::render::html::marks_items(&days),
        days,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowCtx {
    /// "Last 30 days"
    pub label: String,
    /// "since 3 Mar 2026" when `since` shortens the window.
    pub since: Option<String>,
    pub percent: Option<String>,
    pub downtime: String,
    pub breach: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetCtx {
    pub allowed: String,
    pub used: String,
    /// "12.3 min", or "overspent by 3.1 min".
    pub remaining: String,
    pub overspent: bool,
    /// "28.5%"; `None` when nothing is allowed.
    pub used_percent: Option<String>,
    /// 0..=100 for the `<meter>`.
    pub meter: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCtx {
    /// "March 2026"
    pub label: String,
    /// "2026-03"
    pub key: String,
    pub percent: Option<String>,
    pub downtime: String,
    pub breach: bool,
    pub breach_days: usize,
    /// Weekday of the 1st, Monday 1 … Sunday 7: the calendar's first column.
    pub offset: u32,
    #[serde(skip)]
    pub days: Vec<UptimeDay>,
    /// The calendar's `<li>` items (`html::marks_items`).
    pub items: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentUptimeCtx {
    pub id: String,
    pub name: String,
    pub url: String,
    pub level: LevelCtx,
    pub slo: String,
    pub windows: Vec<WindowCtx>,
    pub breach_windows: usize,
    pub budget: BudgetCtx,
    /// Newest first, at most [`CALENDAR_MONTHS`].
    pub months: Vec<MonthCtx>,
    /// Months of history left out of the calendar.
    pub months_hidden: usize,
    pub history_since: Option<DateCtx>,
}

fn window_ctx(kit: &PageKit, label: &str, w: &WindowFigure, days: Option<u64>) -> WindowCtx {
    let since = match days {
        Some(n) => clipped_since(kit, w, n),
        None => Some(w.start.with_timezone(&kit.clock.tz).date_naive()),
    };
    WindowCtx {
        label: label.into(),
        since: since.map(|d| format!("since {}", kit.clock.date(d).display)),
        percent: window_percent(w),
        downtime: human_minutes(w.downtime_minutes),
        breach: w.breach && w.length_minutes > 0.0,
    }
}

fn budget_ctx(f: &ComponentFigures) -> BudgetCtx {
    let b = &f.budget;
    let overspent = b.remaining_minutes < 0.0;
    BudgetCtx {
        allowed: format_minutes(b.allowed_minutes),
        used: format_minutes(b.used_minutes),
        remaining: if overspent {
            format!("overspent by {}", format_minutes(b.remaining_minutes))
        } else {
            format_minutes(b.remaining_minutes)
        },
        overspent,
        used_percent: b.used_percent.map(|p| {
            // Over 100 % is real (overspent); only the truncation matters here.
            if p >= 100.0 {
                format!("{:.1}%", (p * 10.0).floor() / 10.0)
            } else {
                format_percent(p)
            }
        }),
        meter: b.used_percent.map_or(0.0, |p| p.clamp(0.0, 100.0)),
    }
}

fn month_ctx(kit: &PageKit, m: &MonthFigure, spans: &Spans, slo: f64) -> MonthCtx {
    let first = NaiveDate::from_ymd_opt(m.year, m.month, 1);
    let days = day_marks(kit, &m.days, spans, true);
    MonthCtx {
        label: first.map_or_else(
            || format!("{}-{:02}", m.year, m.month),
            |d| d.format("%B %Y").to_string(),
        ),
        key: format!("{}-{:02}", m.year, m.month),
        percent: (m.length_minutes > 0.0)
            .then_some(m.uptime)
            .flatten()
            .map(format_percent),
        downtime: human_minutes(m.downtime_minutes),
        breach: m.breach,
        breach_days: m
            .days
            .iter()
            .filter(|d| d.uptime.is_some_and(|u| u < slo))
            .count(),
        offset: first.map_or(1, |d| d.weekday().number_from_monday()),
        items: crate::render::html::marks_items(&days),
        days,
    }
}

/// Everything the uptime and component pages show about one component.
pub fn component_uptime(
    kit: &PageKit,
    f: &ComponentFigures,
    spans: &Spans,
    calendar: bool,
) -> ComponentUptimeCtx {
    let windows = vec![
        window_ctx(kit, "Last 30 days", &f.last_30_days, Some(30)),
        window_ctx(kit, "Last 90 days", &f.last_90_days, Some(90)),
        window_ctx(kit, "All time", &f.all_time, None),
    ];
    let shown = if calendar {
        f.months.len().min(CALENDAR_MONTHS)
    } else {
        0
    };
    let months = f.months[f.months.len() - shown..]
        .iter()
        .rev()
        .map(|m| month_ctx(kit, m, spans, f.slo))
        .collect();
    ComponentUptimeCtx {
        id: f.id.clone(),
        name: f.name.clone(),
        url: kit.urls.component(&f.id),
        level: f.status.into(),
        slo: format_slo(f.slo),
        breach_windows: windows.iter().filter(|w| w.breach).count(),
        windows,
        budget: budget_ctx(f),
        months,
        months_hidden: f.months.len() - shown,
        history_since: (f.all_time.length_minutes > 0.0).then(|| {
            kit.clock
                .date(f.all_time.start.with_timezone(&kit.clock.tz).date_naive())
        }),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueCtx {
    pub incident_title: String,
    pub incident_url: String,
    pub what: String,
    pub owner: Option<String>,
    pub due: DateCtx,
    pub days_overdue: i64,
    pub status_label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricsCtx {
    pub mttd: Option<String>,
    pub mttr: Option<String>,
    pub resolved_incidents: usize,
    /// "12.5%"
    pub recurrence: Option<String>,
    pub repeated: usize,
    pub total_incidents: usize,
    pub actions_total: usize,
    pub actions_open: usize,
    pub actions_done: usize,
    pub actions_wont_do: usize,
    pub overdue: Vec<OverdueCtx>,
}

fn metrics_ctx(kit: &PageKit, m: &Metrics) -> MetricsCtx {
    MetricsCtx {
        mttd: m.mttd.map(status::human_duration),
        mttr: m.mttr.map(status::human_duration),
        resolved_incidents: m.resolved_incidents,
        recurrence: m.recurrence.rate.map(|r| {
            let p = (r * 1000.0 + 1e-6).floor() / 10.0;
            format!("{p:.1}%")
        }),
        repeated: m.recurrence.repeated,
        total_incidents: m.recurrence.total,
        actions_total: m.actions.total,
        actions_open: m.actions.open,
        actions_done: m.actions.done,
        actions_wont_do: m.actions.wont_do,
        overdue: m
            .actions
            .overdue
            .iter()
            .map(|a| OverdueCtx {
                incident_title: a.incident_title.clone(),
                incident_url: kit.urls.incident(&a.incident_slug),
                what: a.what.clone(),
                owner: a.owner.clone(),
                due: kit.clock.date(a.due),
                days_overdue: a.days_overdue,
                status_label: a.status.label(),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UptimePage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub components: Vec<ComponentUptimeCtx>,
    pub metrics: MetricsCtx,
    pub calendar_months: usize,
}

/// A component's incidents, newest first (the order of `incidents`).
pub fn incidents_by_component<'a>(
    components: &[Component],
    incidents: &[&'a Incident],
) -> BTreeMap<String, Vec<&'a Incident>> {
    let mut map: BTreeMap<String, Vec<&'a Incident>> = components
        .iter()
        .map(|c| (c.id.clone(), Vec::new()))
        .collect();
    for i in incidents {
        let mut seen: Vec<&str> = Vec::new();
        for a in &i.components {
            if seen.contains(&a.id.as_str()) {
                continue;
            }
            seen.push(&a.id);
            if let Some(list) = map.get_mut(&a.id) {
                list.push(i);
            }
        }
    }
    map
}

pub fn uptime_page(
    kit: &PageKit,
    theme: &Theme,
    figures: &[ComponentFigures],
    spans: &BTreeMap<String, Spans>,
    metrics: &Metrics,
) -> Result<OutputFile, Diagnostic> {
    let empty = Spans { spans: Vec::new() };
    let page = UptimePage {
        title: kit.page_title("Uptime"),
        canonical: kit.urls.absolute("uptime/"),
        nav: "uptime",
        draft: false,
        // Tens of thousands of calendar days on a long history: one component per task.
        components: figures
            .par_iter()
            .map(|f| component_uptime(kit, f, spans.get(&f.id).unwrap_or(&empty), true))
            .collect(),
        metrics: metrics_ctx(kit, metrics),
        calendar_months: CALENDAR_MONTHS,
    };
    kit.render(theme, "uptime.html", "uptime/index.html", &page)
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentInfo {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub group: Option<String>,
    pub level: LevelCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub component: ComponentInfo,
    pub uptime: ComponentUptimeCtx,
    pub bar: UptimeRow,
    pub rss_url: String,
    pub atom_url: String,
    pub badge_url: String,
    pub badge_absolute: String,
    pub total_incidents: usize,
    pub incidents: Vec<std::sync::Arc<IncidentCard>>,
    /// Newest first; on the first page only.
    pub maintenance: Vec<MaintenanceCard>,
    pub page_number: usize,
    pub total_pages: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

fn component_path(id: &str, n: usize) -> String {
    if n <= 1 {
        format!("components/{id}/")
    } else {
        format!("components/{id}/page/{n}/")
    }
}

/// `components/<id>/index.html` (and `page/<n>/` past 100 incidents) for one component.
pub fn component_pages(
    kit: &PageKit,
    theme: &Theme,
    f: &ComponentFigures,
    incidents: &[&Incident],
    spans: &Spans,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let Some(c) = kit.site.component(&f.id) else {
        return Vec::new();
    };
    let mut windows: Vec<&Maintenance> = kit
        .site
        .maintenance
        .iter()
        .filter(|m| m.components.iter().any(|id| id == &c.id))
        .collect();
    windows.sort_by(|a, b| b.starts.cmp(&a.starts).then_with(|| a.slug.cmp(&b.slug)));
    let maintenance: Vec<MaintenanceCard> =
        windows.iter().map(|m| kit.maintenance_card(m)).collect();
    let uptime = component_uptime(kit, f, spans, false);
    let bar = uptime_row(kit, f, spans);
    let chunks: Vec<&[&Incident]> = if incidents.is_empty() {
        vec![&[]]
    } else {
        incidents.chunks(COMPONENT_INCIDENTS_PER_PAGE).collect()
    };
    let total_pages = chunks.len();
    let dir = format!("components/{}/", c.id);
    chunks
        .par_iter()
        .enumerate()
        .map(|(idx, chunk)| {
            let n = idx + 1;
            let title = if n == 1 {
                c.name.clone()
            } else {
                format!("{}, page {n} of {total_pages}", c.name)
            };
            let page = ComponentPage {
                title: kit.page_title(&title),
                canonical: kit.urls.absolute(&component_path(&c.id, n)),
                nav: "status",
                draft: false,
                component: ComponentInfo {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    group: c.group.clone(),
                    level: f.status.into(),
                },
                uptime: uptime.clone(),
                bar: bar.clone(),
                rss_url: kit.urls.path(&format!("{dir}feed.xml")),
                atom_url: kit.urls.path(&format!("{dir}atom.xml")),
                badge_url: kit.urls.path(&format!("{dir}badge.svg")),
                badge_absolute: kit.urls.absolute(&format!("{dir}badge.svg")),
                total_incidents: incidents.len(),
                incidents: chunk.iter().map(|i| kit.incident_card(i)).collect(),
                maintenance: if n == 1 {
                    maintenance.clone()
                } else {
                    Vec::new()
                },
                page_number: n,
                total_pages,
                prev_url: (n > 1).then(|| kit.urls.path(&component_path(&c.id, n - 1))),
                next_url: (n < total_pages).then(|| kit.urls.path(&component_path(&c.id, n + 1))),
            };
            kit.render(
                theme,
                "component.html",
                &format!("{}index.html", component_path(&c.id, n)),
                &page,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::level::Level;
    use crate::model::metrics::metrics;
    use crate::model::uptime::{UptimeReport, component_figures};
    use crate::render::html::render_pages;
    use crate::render::html::tests::{at, incident, now, test_site};
    use crate::site::{Affected, Site};

    fn render(site: &Site) -> Vec<OutputFile> {
        let theme = Theme::builtin().expect("theme");
        let figures = component_figures(site, now());
        render_pages(
            site,
            now(),
            &theme,
            &figures,
            &metrics(site, now()),
            None,
            None,
        )
        .expect("renders")
        .files
    }

    fn text(files: &[OutputFile], path: &str) -> String {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        String::from_utf8(f.bytes.clone()).expect("utf-8")
    }

    /// The part of `html` from `start` to the next `end` after it.
    fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
        let i = html
            .find(start)
            .unwrap_or_else(|| panic!("{start} missing"));
        let j = html[i..].find(end).map_or(html.len(), |j| i + j);
        &html[i..j]
    }

    #[test]
    fn percentages_truncate_and_never_reach_100_early() {
        assert_eq!(format_percent(100.0), "100%");
        assert_eq!(format_percent(99.9996), "99.999%");
        assert_eq!(format_percent(99.972), "99.972%");
        assert_eq!(format_percent(99.99999999999), "99.999%");
        assert_eq!(format_percent(99.9), "99.900%");
        assert_eq!(format_percent(0.0), "0.000%");
        assert_eq!(format_percent(5.05), "5.050%");
        assert_eq!(format_minutes(43.2), "43.2 min");
        assert_eq!(format_minutes(0.3), "18 s");
        assert_eq!(format_minutes(0.0), "0 min");
        assert_eq!(format_slo(99.95), "99.95%");
    }

    #[test]
    fn day_levels_grade_downtime() {
        let d = |uptime: Option<f64>, down: f64| DayFigure {
            date: NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
            uptime,
            downtime_minutes: down,
        };
        assert_eq!(day_level(&d(None, 0.0)), "none");
        assert_eq!(day_level(&d(Some(100.0), 0.0)), "ok");
        assert_eq!(day_level(&d(Some(99.5), 7.2)), "minor");
        assert_eq!(day_level(&d(Some(97.0), 43.0)), "partial");
        assert_eq!(day_level(&d(Some(90.0), 144.0)), "major");
    }

    #[test]
    fn bar_has_one_mark_per_day_and_names_incidents() {
        let site = test_site("https://status.acme.com/");
        let html = text(&render(&site), "index.html");
        let row = between(&html, "id=\"component-auth\"", "</li>\n");
        let bar = between(row, "<ol class=\"marks bar\"", "</ol>");
        assert_eq!(bar.matches("<li class=\"d-").count(), 90, "{bar}");
        // The 2 Mar outage (30 min major) names itself and links to its page.
        assert!(
            bar.contains(
                "<a href=\"/incidents/2026-03-02-auth-outage/\"><span class=\"t\">2 Mar 2026: 97.916% available, 30 min down. Incident: Authentication API outage</span></a>"
            ),
            "{bar}"
        );
        assert!(bar.contains("<li class=\"d-partial\">"));
        // A quiet day says so without a link.
        assert!(bar.contains(
            "<li class=\"d-ok\"><span class=\"t\">3 Mar 2026: 100% available</span></li>"
        ));
        assert!(row.contains("99.976%"), "{row}");
        // The api row names the ongoing latency incident today (no downtime: degraded).
        let api = between(&html, "id=\"component-api\"", "</li>\n");
        assert!(api.contains("14 Mar 2026: 100% available. Incident: API latency"));
    }

    #[test]
    fn days_before_since_are_marked_no_data() {
        let mut site = test_site("https://status.acme.com/");
        site.config.components[0].since = NaiveDate::from_ymd_opt(2026, 3, 10);
        let html = text(&render(&site), "index.html");
        let row = between(&html, "id=\"component-api\"", "</li>\n");
        // 10..=14 Mar have data: 85 of 90 days have none.
        assert_eq!(row.matches("<li class=\"d-none\">").count(), 85);
        assert!(row.contains("9 Mar 2026: no data"));
        assert!(row.contains("since 10 Mar 2026"), "{row}");
        assert!(html.contains("class=\"legend\""));
    }

    #[test]
    fn one_incident_across_days_is_named_on_each() {
        let mut site = test_site("https://status.acme.com/");
        let mut long = incident("long", "Long outage", at(5, 22, 0));
        long.resolved = Some(at(7, 1, 0));
        site.incidents.push(long);
        let html = text(&render(&site), "index.html");
        let row = between(&html, "id=\"component-auth\"", "</li>\n");
        for day in ["5 Mar 2026", "6 Mar 2026", "7 Mar 2026"] {
            let mark = between(row, &format!("<span class=\"t\">{day}"), "</span>");
            assert!(mark.contains("Long outage"), "{mark}");
        }
        assert!(!between(row, "<span class=\"t\">8 Mar 2026", "</span>").contains("Long outage"));
    }

    #[test]
    fn uptime_page_agrees_with_uptime_json() {
        let site = test_site("https://status.acme.com/");
        let files = render(&site);
        let html = text(&files, "uptime/index.html");
        assert!(html.contains("<h1 class=\"page-title\">Uptime</h1>"));
        assert_eq!(html.matches("<h1").count(), 1);
        let report = UptimeReport::from_figures(&site, &component_figures(&site, now()), now());
        for c in &report.components {
            let section = between(&html, &format!("id=\"uptime-{}\"", c.id), "</section>");
            for p in [c.uptime_30d, c.uptime_90d, c.uptime_all]
                .into_iter()
                .flatten()
            {
                assert!(section.contains(&format_percent(p)), "{} lacks {}", c.id, p);
            }
        }
        // Auth breached its 99.9 % SLO over 30 days: said in words.
        let auth = between(&html, "id=\"uptime-auth\"", "</section>");
        assert!(auth.contains("Below SLO"), "{auth}");
        assert!(auth.contains("<dd>42.5 min</dd>"), "{auth}");
        assert!(auth.contains("March 2026"));
        // Metrics and the overdue action.
        assert!(html.contains("Mean time to detect"));
        assert!(html.contains("<dd>2 min</dd>"), "MTTD");
        assert!(html.contains("Validate load-balancer config before deploy"));
        assert!(html.contains("href=\"/incidents/2026-03-02-auth-outage/\""));
    }

    #[test]
    fn component_pages_list_only_their_incidents() {
        let site = test_site("https://acme.github.io/status/");
        let files = render(&site);
        for c in &site.config.components {
            let html = text(&files, &format!("components/{}/index.html", c.id));
            assert!(html.contains(&format!("<h1 class=\"page-title\">{}</h1>", c.name)));
            assert!(html.contains(&format!(
                "rel=\"alternate\" type=\"application/rss+xml\" title=\"{} (RSS)\" href=\"/status/components/{}/feed.xml\"",
                c.name, c.id
            )));
            assert!(html.contains(&format!("/status/components/{}/atom.xml", c.id)));
            assert!(html.contains(&format!("src=\"/status/components/{}/badge.svg\"", c.id)));
            assert_eq!(html.matches("<li class=\"d-").count(), 90);
        }
        let api = text(&files, "components/api/index.html");
        assert!(api.contains("API latency"));
        assert!(!api.contains("Authentication API outage"));
        assert!(!api.contains("Cache flush"));
        let auth = text(&files, "components/auth/index.html");
        assert!(auth.contains("Authentication API outage"));
        assert!(!auth.contains(">API latency<"));
        assert!(auth.contains("Cache flush"));
        assert!(auth.contains("Database engine upgrade"));
    }

    #[test]
    fn component_incidents_paginate_past_100() {
        let mut site = test_site("https://status.acme.com/");
        site.incidents = (0..130)
            .map(|n| {
                let mut i = incident(
                    &format!("i-{n:03}"),
                    &format!("Incident {n}"),
                    at(1, 0, 0) - TimeDelta::hours(n * 7),
                );
                i.components = vec![Affected {
                    id: "api".into(),
                    level: Level::PartialOutage,
                }];
                i
            })
            .collect();
        let files = render(&site);
        let p1 = text(&files, "components/api/index.html");
        let p2 = text(&files, "components/api/page/2/index.html");
        assert_eq!(p1.matches("class=\"incident-item\"").count(), 100);
        assert_eq!(p2.matches("class=\"incident-item\"").count(), 30);
        assert!(p1.contains("href=\"/components/api/page/2/\" rel=\"next\""));
        assert!(p2.contains("href=\"/components/api/\" rel=\"prev\""));
        assert!(
            !files
                .iter()
                .any(|f| f.path == "components/auth/page/2/index.html")
        );
    }

    #[test]
    fn sub_path_is_honoured_on_uptime_pages() {
        let files = render(&test_site("https://acme.github.io/status/"));
        for path in [
            "index.html",
            "uptime/index.html",
            "components/auth/index.html",
        ] {
            let html = text(&files, path);
            for (i, _) in html.match_indices("href=\"/") {
                assert!(
                    html[i + 6..].starts_with("/status/"),
                    "{path}: {}",
                    &html[i..(i + 60).min(html.len())]
                );
            }
        }
        let index = text(&files, "index.html");
        assert!(index.contains(
            "href=\"/status/incidents/2026-03-02-auth-outage/\"><span class=\"t\">2 Mar 2026"
        ));
        let uptime = text(&files, "uptime/index.html");
        assert!(
            uptime.contains("rel=\"canonical\" href=\"https://acme.github.io/status/uptime/\"")
        );
        assert!(uptime.contains("href=\"/status/components/auth/\""));
    }

    #[test]
    fn a_future_since_shows_no_fake_figures() {
        let mut site = test_site("https://status.acme.com/");
        site.config.components[1].since = NaiveDate::from_ymd_opt(2026, 6, 1);
        site.incidents
            .retain(|i| i.components.iter().all(|a| a.id != "auth"));
        let files = render(&site);
        let html = text(&files, "components/auth/index.html");
        assert!(!html.contains("100%"), "no made-up 100 %");
        assert!(html.contains("No data"));
    }

    #[test]
    fn index_stays_small_with_five_components_and_90_days() {
        let mut site = test_site("https://acme.github.io/status/");
        let base = site.config.components[0].clone();
        site.config.components = (0..5)
            .map(|n| Component {
                id: format!("component-{n}"),
                name: format!("Component number {n}"),
                position: n,
                ..base.clone()
            })
            .collect();
        site.incidents = (0..40)
            .map(|n| {
                let mut i = incident(
                    &format!("i-{n:02}"),
                    &format!("A fairly long incident title number {n}"),
                    at(14, 0, 0) - TimeDelta::hours(n * 50),
                );
                i.components = vec![Affected {
                    id: format!("component-{}", n % 5),
                    level: Level::MajorOutage,
                }];
                i
            })
            .collect();
        let files = render(&site);
        let html = text(&files, "index.html");
        assert_eq!(html.matches("<li class=\"d-").count(), 450);
        let css = Theme::builtin()
            .expect("theme")
            .static_files()
            .into_iter()
            .find(|f| f.path == "style.css")
            .map_or(0, |f| f.bytes.len());
        let total = html.len() + css;
        assert!(total < 100_000, "index.html + style.css = {total} bytes");
    }
}
