//! The uptime page, `uptime/index.html`: figures, error budgets, calendars, metrics,
//! all from figures the build computed once; nothing here derives availability again.
//! The calendar shows at most the last [`CALENDAR_MONTHS`] months; the all-time figure
//! still covers the whole history.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::metrics::Metrics;

use crate::i18n::Arg;
use crate::model::uptime::{ComponentFigures, MonthFigure, WindowFigure};
use crate::render::context::LevelCtx;
use crate::render::context::{
    BudgetCtx, ComponentUptimeCtx, MetricsCtx, MonthCtx, OverdueCtx, UptimePage, WindowCtx,
};
use crate::render::day_marks::{Spans, day_marks, marks_items};
use crate::render::figures::{clipped_since, window_percent};
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;

/// Months in the uptime page's calendar, newest first.
pub const CALENDAR_MONTHS: usize = 24;

fn window_ctx(kit: &PageKit, label: &str, w: &WindowFigure, days: Option<u64>) -> WindowCtx {
    let since = match days {
        Some(n) => clipped_since(kit, w, n),
        None => Some(w.start.with_timezone(&kit.clock.tz).date_naive()),
    };
    WindowCtx {
        label: kit.clock.texts.get(label).into(),
        since: since.map(|d| {
            kit.clock.texts.fmt(
                "period_since",
                &[("date", Arg::Str(kit.clock.date(d).display.into()))],
            )
        }),
        percent: window_percent(kit, w),
        downtime: kit.clock.texts.human_minutes(w.downtime_minutes),
        breach: w.breach && w.length_minutes > 0.0,
    }
}

fn budget_ctx(kit: &PageKit, f: &ComponentFigures) -> BudgetCtx {
    let t = kit.clock.texts;
    let b = &f.budget;
    let overspent = b.remaining_minutes < 0.0;
    BudgetCtx {
        allowed: t.minutes(b.allowed_minutes),
        used: t.minutes(b.used_minutes),
        remaining: if overspent {
            t.fmt(
                "overspent_by",
                &[("amount", Arg::Str(t.minutes(b.remaining_minutes).into()))],
            )
        } else {
            t.minutes(b.remaining_minutes)
        },
        overspent,
        used_percent: b.used_percent.map(|p| {
            // Over 100 % is real (overspent); only the truncation matters here.
            if p >= 100.0 {
                t.percent_1(p)
            } else {
                t.percent(p)
            }
        }),
        meter: b.used_percent.map_or(0.0, |p| p.clamp(0.0, 100.0)),
    }
}

fn month_ctx(kit: &PageKit, m: &MonthFigure, spans: &Spans, slo: f64) -> MonthCtx {
    let first = NaiveDate::from_ymd_opt(m.year, m.month, 1);
    let days = day_marks(kit, &m.days, spans, true, None);
    MonthCtx {
        label: first.map_or_else(
            || format!("{}-{:02}", m.year, m.month),
            |d| kit.clock.texts.formats.month(d),
        ),
        key: format!("{}-{:02}", m.year, m.month),
        percent: (m.length_minutes > 0.0)
            .then_some(m.uptime)
            .flatten()
            .map(|p| kit.clock.texts.percent(p)),
        downtime: kit.clock.texts.human_minutes(m.downtime_minutes),
        breach: m.breach,
        breach_days: m
            .days
            .iter()
            .filter(|d| d.uptime.is_some_and(|u| u < slo))
            .count(),
        offset: first.map_or(1, |d| d.weekday().number_from_monday()),
        items: marks_items(&days),
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
        window_ctx(kit, "window_last_30", &f.last_30_days, Some(30)),
        window_ctx(kit, "window_last_90", &f.last_90_days, Some(90)),
        window_ctx(kit, "all_time", &f.all_time, None),
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
        level: LevelCtx::new(f.status, kit.clock.texts),
        slo: kit.clock.texts.slo(f.slo),
        breach_windows: windows.iter().filter(|w| w.breach).count(),
        windows,
        budget: budget_ctx(kit, f),
        months,
        months_hidden: f.months.len() - shown,
        history_since: (f.all_time.length_minutes > 0.0).then(|| {
            kit.clock
                .date(f.all_time.start.with_timezone(&kit.clock.tz).date_naive())
        }),
        measured: crate::render::measured::measured_ctx(kit, &f.id, f.slo),
    }
}

fn metrics_ctx(kit: &PageKit, m: &Metrics) -> MetricsCtx {
    MetricsCtx {
        mttd: m.mttd.map(|d| kit.clock.texts.duration(d)),
        mttr: m.mttr.map(|d| kit.clock.texts.duration(d)),
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
                status_label: kit.clock.texts.action_status(a.status),
            })
            .collect(),
    }
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
        title: kit.page_title(kit.clock.texts.get("uptime")),
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
        method: crate::render::measured::method_ctx(kit),
        reliability_url: kit.urls.path("reliability/"),
    };
    kit.render(theme, "uptime.html", "uptime/index.html", &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::uptime::DayFigure;
    use crate::model::uptime::{UptimeReport, component_figures};
    use crate::render::day_marks::day_level;
    #[allow(unused_imports)]
    use crate::render::figures::{format_minutes, format_percent, format_slo, human_minutes};
    use crate::render::pages::render_pages;
    use crate::render::pages::tests::{at, incident, now, test_site};
    use crate::site::Component;
    use crate::site::{Affected, Site};
    use crate::vocabulary::Level;
    use chrono::{NaiveDate, TimeDelta};

    fn render(site: &Site) -> Vec<OutputFile> {
        let theme = Theme::builtin().expect("theme");
        let derived = crate::model::derived::Derived::new(site, now());
        render_pages(site, &derived, &theme, None, None)
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
