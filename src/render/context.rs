//! The page contexts: what each template sees as `page` and `site`, built in Rust so
//! times are already formatted in the site timezone, URLs built with the sub-path and
//! levels worded. Templates only lay things out (docs/templates.md lists every field).

use std::sync::Arc;

use serde::Serialize;

use crate::render::markdown::Heading;
use crate::vocabulary::Level;

/// A time as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct TimeCtx {
    /// "14 Mar 2026, 10:36 CET (UTC+01:00)"
    pub display: String,
    /// RFC 3339 in UTC, for `<time datetime>`.
    pub datetime: String,
}

/// A calendar date (action due dates).
#[derive(Debug, Clone, Serialize)]
pub struct DateCtx {
    /// "10 Apr 2026"
    pub display: String,
    /// "2026-04-10"
    pub datetime: String,
}

/// Site-wide values every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub description: String,
    pub language: String,
    pub timezone: String,
    pub base_url: String,
    pub base_path: String,
    pub home_url: String,
    pub history_url: String,
    pub uptime_url: String,
    pub rss_url: String,
    pub atom_url: String,
    pub ics_url: String,
    pub css_url: String,
    /// The icon of the current overall status (`favicon/<level>.svg`).
    pub favicon_url: String,
    /// The same as a 32×32 ICO, for browsers without SVG icons.
    pub favicon_ico_url: String,
    /// The theme's `favicon.svg`: the mark beside the title when there is no logo.
    pub icon_url: String,
    /// `localtime.js`: adds the reader's local time next to each time (progressive).
    pub script_url: String,
    /// When the page was built ("now").
    pub generated: TimeCtx,
    /// `ltr`, or `rtl` for a right-to-left language (`<html dir>`).
    pub dir: &'static str,
    /// The weekdays' one-letter names, Monday first (calendar headings).
    pub weekdays: Vec<String>,
    /// The build's texts: templates read them through `t(k="key")`.
    #[serde(skip)]
    pub texts: &'static crate::i18n::Texts,
    /// `[brand]` of site.toml.
    pub brand: crate::render::brand::BrandCtx,
    /// `[announcement]`, while it has not expired.
    pub announcement: Option<crate::render::brand::AnnouncementCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCtx {
    /// `major_outage`: for CSS classes.
    pub key: &'static str,
    pub label: &'static str,
}

impl LevelCtx {
    pub fn new(l: Level, texts: &'static crate::i18n::Texts) -> LevelCtx {
        LevelCtx {
            key: l.as_str(),
            label: texts.level(l),
        }
    }
}

/// The uptime bar and 90-day figure of a component row (see `day_marks`).
#[derive(Debug, Clone, Serialize)]
pub struct UptimeRow {
    /// "99.972%"; `None` when the window has no length yet (no made-up 100 %).
    pub percent: Option<String>,
    /// What the figure covers: "last 90 days", or "since 3 Mar 2026".
    pub period: String,
    /// Marks in the bar (`[uptime].days`).
    pub window_days: u32,
    #[serde(skip)]
    pub days: Vec<UptimeDay>,
    /// The marks' `<li>` items, rendered once in Rust (see [`marks_items`]).
    pub items: String,
    /// The measured 90-day figure ("99.950%", or "no data") beside the declared one,
    /// when the component has a check history.
    pub measured: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UptimeDay {
    pub date: DateCtx,
    /// CSS class suffix: `ok`, `minor`, `partial`, `major`, `none` (no data).
    pub level: String,
    /// Accessible name and tooltip, e.g.
    /// "2 Mar 2026: 97.916% available, 30 min down. Incident: Authentication API outage".
    pub label: String,
    /// The first incident of the day, when there is one.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub level: LevelCtx,
    pub url: String,
    pub uptime: Option<UptimeRow>,
}

/// Components shown together: a config group, or a run of ungrouped components (`name` None).
#[derive(Debug, Clone, Serialize)]
pub struct ComponentSection {
    pub name: Option<String>,
    pub components: Vec<ComponentRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedCtx {
    pub id: String,
    pub name: String,
    pub url: String,
    pub level: LevelCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateCtx {
    pub status: &'static str,
    pub status_label: &'static str,
    pub at: TimeCtx,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentCard {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub impact: &'static str,
    pub impact_label: &'static str,
    pub severity: Option<String>,
    pub started: TimeCtx,
    pub resolved: Option<TimeCtx>,
    pub ongoing: bool,
    /// Unresolved with a `started` after "now" (usually a wrong UTC offset): listed with
    /// the active incidents, its start time shown as given.
    pub upcoming: bool,
    /// "30 min"; for an ongoing incident, so far.
    pub duration: String,
    pub components: Vec<AffectedCtx>,
    pub latest_update: Option<UpdateCtx>,
    pub draft: bool,
    /// The build time, for an ongoing incident: its `duration` runs to it.
    pub as_of: Option<TimeCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceCard {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub starts: TimeCtx,
    pub ends: TimeCtx,
    pub duration: String,
    pub components: Vec<NamedLink>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    pub level: LevelCtx,
    pub wording: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub banner: Banner,
    pub sections: Vec<ComponentSection>,
    pub active_incidents: Vec<Arc<IncidentCard>>,
    pub maintenance_active: Vec<MaintenanceCard>,
    pub maintenance_upcoming: Vec<MaintenanceCard>,
    pub recent_incidents: Vec<Arc<IncidentCard>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionCtx {
    pub what: String,
    pub owner: Option<String>,
    pub due: Option<DateCtx>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub overdue: bool,
}

/// One event of a post-mortem's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntryCtx {
    /// For `<time datetime>`: RFC 3339 in UTC, or `YYYY-MM-DD` for an entry headed by a
    /// date alone; empty when the entry's time could not be read.
    pub datetime: String,
    /// What to show for it: the full date, time and zone on the first entry and where the
    /// day changes, the time of day ("10:38") otherwise, the date for a date alone.
    pub label: String,
    /// The time as written (for an unreadable entry: the start of its text).
    pub when: String,
    /// The event, sanitised HTML.
    pub html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub incident: Arc<IncidentCard>,
    pub template: String,
    pub detected: TimeCtx,
    pub time_to_detect: String,
    pub time_to_resolve: Option<String>,
    /// Newest first.
    pub updates: Vec<UpdateCtx>,
    /// Sanitised post-mortem HTML; empty when none is written yet.
    pub postmortem: String,
    /// For `{% if %}`: testing the HTML string itself makes Tera escape all of it.
    pub has_postmortem: bool,
    /// The entries of the post-mortem's timeline, read from its Markdown; empty when it
    /// has none (or none with times). They stand between `postmortem` and
    /// `postmortem_after`, where the table, list or sub-headings were.
    pub timeline: Vec<TimelineEntryCtx>,
    /// Sanitised post-mortem HTML after the timeline's entries; empty without them.
    pub postmortem_after: String,
    /// Top-level post-mortem sections, for the contents list.
    pub contents: Vec<Heading>,
    pub actions: Vec<ActionCtx>,
    /// How many of `actions` are overdue as of the build time.
    pub overdue_actions: usize,
    /// Measured availability and response times around the incident, for the
    /// components it names that have a check history.
    pub measured: Option<IncidentMeasuredCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthGroup {
    /// "March 2026"
    pub label: String,
    /// "2026-03"
    pub key: String,
    pub incidents: Vec<Arc<IncidentCard>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub months: Vec<MonthGroup>,
    pub total_incidents: usize,
    pub page_number: usize,
    pub total_pages: usize,
    /// Newer incidents.
    pub prev_url: Option<String>,
    /// Older incidents.
    pub next_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenancePage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub maintenance: MaintenanceCard,
    /// The window's `[[updates]]`, newest first (as on incident pages).
    pub updates: Vec<UpdateCtx>,
    pub body: String,
    /// For `{% if %}` (see `IncidentPage::has_postmortem`).
    pub has_body: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotFoundPage {
    pub title: String,
    /// Empty: a 404 is served at any path and must not claim one.
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
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
    /// The calendar's `<li>` items (`marks_items`).
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
    /// What the checks measured, when the component has a check history.
    pub measured: Option<MeasuredCtx>,
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

#[derive(Debug, Clone, Serialize)]
pub struct UptimePage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub components: Vec<ComponentUptimeCtx>,
    pub metrics: MetricsCtx,
    pub calendar_months: usize,
    /// "How we measure", when some component has a check history.
    pub method: Option<MethodCtx>,
    /// The reliability review page.
    pub reliability_url: String,
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
    /// The response-time chart, when the component has a check history.
    pub response: Option<ResponseCtx>,
}

/// One measured window: "Last 30 days", "99.972%", "12 min failed".
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredWindowCtx {
    pub label: String,
    /// `None`: no data in the window.
    pub percent: Option<String>,
    pub downtime: String,
    /// Below the component's SLO.
    pub breach: bool,
}

/// A component's measured figures (uptime and component pages).
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredCtx {
    pub windows: Vec<MeasuredWindowCtx>,
    /// The 90-day figure alone, for the overview table: "99.950%", or "No data".
    pub percent_90d: String,
    /// The median spacing of checks: "1 min".
    pub interval: Option<String>,
    /// Checks counted (up to now, from `since`): "525,600".
    pub checks: String,
}

/// How both kinds of figure are computed (uptime page).
#[derive(Debug, Clone, Serialize)]
pub struct MethodCtx {
    /// `[uptime].partial_outage_weight`: "0.3".
    pub partial_weight: String,
    pub count_maintenance: bool,
    /// `[checks].gap_factor`: "3".
    pub gap_factor: String,
}

/// One day of the response-time table.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseDayCtx {
    pub date: DateCtx,
    pub percent: Option<String>,
    pub p50: Option<String>,
    pub p95: Option<String>,
    pub checks: usize,
}

/// The response-time chart of a component page.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseCtx {
    /// The chart, an `<svg>` built here with every text escaped.
    pub svg: String,
    /// The chart's text alternative, shown under it (`chart-<id>-summary`, which the
    /// chart's `aria-describedby` names).
    pub summary: String,
    /// The id of the summary's element.
    pub summary_id: String,
    /// Oldest first, as the chart.
    pub days: Vec<ResponseDayCtx>,
}

/// One component's measurements around an incident.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentMeasuredRow {
    pub name: String,
    pub url: String,
    /// Measured availability during the incident.
    pub during: Option<String>,
    /// Measured availability from an hour before to an hour after.
    pub around: Option<String>,
    /// Failed time in the wider window.
    pub failed: String,
    pub p50: Option<String>,
    pub p95: Option<String>,
    pub checks: usize,
}

/// The incident page's measured section.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentMeasuredCtx {
    pub from: TimeCtx,
    pub to: TimeCtx,
    pub rows: Vec<IncidentMeasuredRow>,
}

// The reliability review page (`render::pages::reliability`).

#[derive(Debug, Clone, Serialize)]
pub struct ReliabilityPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    /// `quarter` or `month`.
    pub period: &'static str,
    pub uptime_url: String,
    pub json_url: String,
    pub downloads: Vec<DownloadCtx>,
    pub sections: Vec<SectionCtx>,
    /// How many fixes the exports list (the page shows the latest 12).
    pub fixes_total: usize,
    pub fixes_shown: usize,
    /// Incidents with done actions but no completion date.
    pub undated_fixes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DownloadCtx {
    pub url: String,
    pub name: String,
    pub what: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    /// Unique on the page: used for `id`s.
    pub id: String,
    pub title: String,
    pub note: String,
    pub chart: Option<ChartCtx>,
    pub table: TableCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartCtx {
    /// The chart's text alternative: its `<title>` …
    pub title: String,
    /// … and `<desc>`.
    pub desc: String,
    pub width: String,
    pub height: String,
    /// The top of the scale, worded ("3 incidents").
    pub max_label: String,
    pub axis_y: String,
    pub series: Vec<SeriesCtx>,
    pub bars: Vec<BarCtx>,
    pub labels: Vec<LabelCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesCtx {
    /// CSS class suffix: `bar-<key>`.
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarCtx {
    pub key: &'static str,
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    /// Shown on hover: "2026-Q1: 3 major".
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelCtx {
    pub x: String,
    pub y: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableCtx {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<RowCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowCtx {
    pub head: String,
    /// A link for the row heading (an incident), or empty.
    pub url: String,
    pub cells: Vec<CellCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellCtx {
    pub text: String,
    /// Below the SLO: highlighted.
    pub breach: bool,
}
