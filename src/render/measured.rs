//! Measured availability and response times as pages show them: the measured figures
//! beside the declared ones, the "How we measure" method, the response-time chart (inline
//! SVG with a text alternative and a data table) and the measurements around an incident.
//! Everything here is absent for a component without a check history, so a site without
//! `data/checks/` renders exactly as before.

use chrono::{DateTime, TimeDelta, Utc};

use crate::i18n::{Arg, TrArg};
use crate::model::measured::MeasuredFigures;
use crate::model::uptime::{MeasuredDay, MeasuredWindow};
use crate::render::context::{
    IncidentMeasuredCtx, IncidentMeasuredRow, MeasuredCtx, MeasuredWindowCtx, MethodCtx,
    ResponseCtx, ResponseDayCtx,
};
use crate::render::escape::html_escape;
use crate::render::figures::{format_percent, human_minutes};
use crate::render::page_kit::PageKit;
use crate::site::Incident;

/// How long before an incident's start and after its resolution the incident page shows
/// the measurements.
pub const AROUND_INCIDENT: TimeDelta = TimeDelta::hours(1);

/// "525,600".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "182 ms", "4.5 ms".
pub fn format_ms(ms: f64) -> String {
    if ms == 0.0 {
        "0 ms".into()
    } else if ms < 10.0 {
        format!("{:.1} ms", (ms * 10.0).round() / 10.0)
    } else {
        format!("{} ms", ms.round() as i64)
    }
}

fn window_ctx(kit: &PageKit, label: &str, w: &MeasuredWindow, slo: f64) -> MeasuredWindowCtx {
    let texts = &kit.clock.texts;
    MeasuredWindowCtx {
        label: texts.get(label).into(),
        percent: w.uptime.map(|u| texts.percent(u)),
        downtime: human_minutes(w.downtime_minutes),
        breach: w.uptime.is_some_and(|u| u < slo),
    }
}

/// The measured figures of a component, when it has a check history.
pub fn measured_ctx(kit: &PageKit, id: &str, slo: f64) -> Option<MeasuredCtx> {
    let m = kit.derived.measured_of(id)?;
    Some(MeasuredCtx {
        windows: vec![
            window_ctx(kit, "window_last_30", &m.last_30_days, slo),
            window_ctx(kit, "window_last_90", &m.last_90_days, slo),
            window_ctx(kit, "all_time", &m.all_time, slo),
        ],
        percent_90d: m.last_90_days.uptime.map_or_else(
            || kit.clock.texts.get("no_data").to_string(),
            |u| kit.clock.texts.percent(u),
        ),
        interval: m
            .coverage
            .interval_ms
            .map(|ms| human_minutes(ms as f64 / 60_000.0)),
        checks: thousands(m.all_time.checks),
    })
}

/// The method section, when any component has a check history.
pub fn method_ctx(kit: &PageKit) -> Option<MethodCtx> {
    if kit.derived.measured.is_empty() {
        return None;
    }
    let c = &kit.site.config;
    Some(MethodCtx {
        partial_weight: c.uptime.partial_outage_weight.to_string(),
        count_maintenance: c.uptime.count_maintenance,
        gap_factor: c.checks.gap_factor.to_string(),
    })
}

/// The measured figure for a bar's day label: "measured 99.5%, p50 182 ms".
pub fn day_label(kit: &PageKit, m: &MeasuredDay) -> String {
    let t = kit.clock.texts;
    let mut s = match m.figures.uptime {
        Some(u) => t.fmt(
            "day_measured",
            &[("percent", Arg::Str(t.percent(u).into()))],
        ),
        None => t.get("day_not_measured").to_string(),
    };
    if let Some(p50) = m.figures.p50_ms {
        s.push_str(&t.fmt("day_p50", &[("ms", Arg::Str(format_ms(p50).into()))]));
    }
    s
}

/// Rounds up to 1, 2 or 5 × a power of ten: the chart's top.
fn nice_ceiling(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

// Narrow enough that the axis text stays legible when a phone scales the chart down.
const CHART_W: f64 = 560.0;
const CHART_H: f64 = 240.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A path through the days that have a value; days without one break the line.
fn line_path(values: &[Option<f64>], x: impl Fn(usize) -> f64, y: impl Fn(f64) -> f64) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let cmd = if pen_down { 'L' } else { 'M' };
                d.push_str(&format!("{cmd}{:.1} {:.1} ", x(i), y(*v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d.trim_end().to_string()
}

/// The response-time chart of a component: daily p50 and p95 over the bar window.
pub fn response_ctx(kit: &PageKit, id: &str, name: &str) -> Option<ResponseCtx> {
    let m: &MeasuredFigures = kit.derived.measured_of(id)?;
    let days = &m.days;
    if days.is_empty() {
        return None;
    }
    let p50: Vec<Option<f64>> = days.iter().map(|d| d.figures.p50_ms).collect();
    let p95: Vec<Option<f64>> = days.iter().map(|d| d.figures.p95_ms).collect();
    let max = p95
        .iter()
        .chain(&p50)
        .flatten()
        .fold(0.0f64, |a, b| a.max(*b));
    let top = nice_ceiling(max);
    let n = days.len();
    let plot_w = CHART_W - LEFT - RIGHT;
    let plot_h = CHART_H - TOP - BOTTOM;
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v / top).clamp(0.0, 1.0));
    let first = kit.clock.date(days[0].date).display;
    let last = kit.clock.date(days[n - 1].date).display;
    let summary = chart_summary(kit, name, days, &first, &last);
    let title = kit
        .clock
        .texts
        .fmt("chart_title", &[("name", Arg::Str(name.into()))]);
    let title_id = format!("chart-{id}-title");
    let mut svg = String::with_capacity(4096);
    svg.push_str(&format!(
        "<svg class=\"chart\" viewBox=\"0 0 {CHART_W} {CHART_H}\" role=\"img\" aria-labelledby=\"{}\" aria-describedby=\"chart-{}-summary\" focusable=\"false\" fill=\"none\" stroke=\"currentColor\" font-size=\"12\"><title id=\"{}\">{}</title>",
        html_escape(&title_id),
        html_escape(id),
        html_escape(&title_id),
        html_escape(&title)
    ));
    for k in 0..=4 {
        let v = top * k as f64 / 4.0;
        let yy = y(v);
        svg.push_str(&format!(
            "<line stroke-opacity=\"0.2\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text fill=\"currentColor\" stroke=\"none\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            CHART_W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            html_escape(&format_ms(v))
        ));
    }
    let base = CHART_H - 8.0;
    svg.push_str(&format!(
        "<text fill=\"currentColor\" stroke=\"none\" x=\"{LEFT}\" y=\"{base}\">{}</text><text fill=\"currentColor\" stroke=\"none\" x=\"{:.1}\" y=\"{base}\" text-anchor=\"end\">{}</text>",
        html_escape(&first),
        CHART_W - RIGHT,
        html_escape(&last)
    ));
    // The two lines differ by pattern, not colour: p50 solid, p95 dashed, both in the
    // text colour (so light and dark schemes both work, without a stylesheet change).
    let (p50_style, p95_style) = (
        "stroke-width=\"2\"",
        "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"",
    );
    let key_y = TOP + 4.0;
    let key_x = CHART_W - RIGHT - 130.0;
    svg.push_str(&format!(
        "<line {p50_style} x1=\"{key_x:.1}\" x2=\"{:.1}\" y1=\"{key_y:.1}\" y2=\"{key_y:.1}\"/><text fill=\"currentColor\" stroke=\"none\" x=\"{:.1}\" y=\"{:.1}\">p50</text><line {p95_style} x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{key_y:.1}\" y2=\"{key_y:.1}\"/><text fill=\"currentColor\" stroke=\"none\" x=\"{:.1}\" y=\"{:.1}\">p95</text>",
        key_x + 24.0,
        key_x + 30.0,
        key_y + 4.0,
        key_x + 70.0,
        key_x + 94.0,
        key_x + 100.0,
        key_y + 4.0,
    ));
    for (style, values) in [(p95_style, &p95), (p50_style, &p50)] {
        let d = line_path(values, x, y);
        if !d.is_empty() {
            svg.push_str(&format!("<path {style} d=\"{d}\"/>"));
        }
        // Lone days (no neighbour with a value) still show as a dot.
        for (i, v) in values.iter().enumerate() {
            let alone = (i == 0 || values[i - 1].is_none())
                && values.get(i + 1).is_none_or(|n| n.is_none());
            if let (Some(v), true) = (v, alone) {
                svg.push_str(&format!(
                    "<circle fill=\"currentColor\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/>",
                    x(i),
                    y(*v)
                ));
            }
        }
    }
    svg.push_str("</svg>");
    let rows = days
        .iter()
        .rev()
        .map(|d| ResponseDayCtx {
            date: kit.clock.date(d.date),
            percent: d.figures.uptime.map(format_percent),
            p50: d.figures.p50_ms.map(format_ms),
            p95: d.figures.p95_ms.map(format_ms),
            checks: d.figures.checks,
        })
        .collect();
    Some(ResponseCtx {
        svg,
        summary,
        summary_id: format!("chart-{id}-summary"),
        days: rows,
    })
}

fn chart_summary(
    kit: &PageKit,
    name: &str,
    days: &[MeasuredDay],
    first: &str,
    last: &str,
) -> String {
    let with: Vec<&MeasuredDay> = days.iter().filter(|d| d.figures.p50_ms.is_some()).collect();
    let range = |f: fn(&MeasuredDay) -> Option<f64>| {
        let v: Vec<f64> = with.iter().filter_map(|d| f(d)).collect();
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        (lo, hi)
    };
    let t = kit.clock.texts;
    let mut s = t.fmt(
        "chart_summary",
        &[
            ("name", Arg::Str(name.into())),
            ("first", Arg::Str(first.into())),
            ("last", Arg::Str(last.into())),
        ],
    );
    if with.is_empty() {
        s.push_str(t.get("chart_no_times"));
        return s;
    }
    let (lo50, hi50) = range(|d| d.figures.p50_ms);
    let (lo95, hi95) = range(|d| d.figures.p95_ms);
    let worst = with
        .iter()
        .max_by(|a, b| {
            a.figures
                .p95_ms
                .unwrap_or(0.0)
                .total_cmp(&b.figures.p95_ms.unwrap_or(0.0))
        })
        .map(|d| kit.clock.date(d.date).display);
    s.push_str(&t.fmt(
        "chart_ranges",
        &[
            ("lo50", Arg::Str(format_ms(lo50).into())),
            ("hi50", Arg::Str(format_ms(hi50).into())),
            ("lo95", Arg::Str(format_ms(lo95).into())),
            ("hi95", Arg::Str(format_ms(hi95).into())),
        ],
    ));
    if let Some(w) = worst {
        s.push_str(&t.fmt("chart_slowest", &[("date", Arg::Str(w.into()))]));
    }
    let missing = days.len() - with.len();
    if missing > 0 {
        s.push_str(&t.fmt("chart_missing_days", &[("n", missing.arg())]));
    }
    s.push_str(t.get("sentence_end"));
    s
}

/// The measurements around an incident, for the components it names that have a check
/// history; `None` when none has.
pub fn incident_measured(kit: &PageKit, i: &Incident) -> Option<IncidentMeasuredCtx> {
    if kit.derived.measured.is_empty() || i.started > kit.now {
        return None;
    }
    let end = i.resolved.unwrap_or(kit.now).min(kit.now);
    let from = i.started - AROUND_INCIDENT;
    let to = (end + AROUND_INCIDENT).min(kit.now);
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let mut rows = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for a in &i.components {
        if seen.contains(&a.id.as_str()) {
            continue;
        }
        seen.push(&a.id);
        let (Some(m), Some(c)) = (kit.derived.measured_of(&a.id), kit.site.component(&a.id)) else {
            continue;
        };
        let during = m.window(ms(i.started), ms(end));
        let around = m.window(ms(from), ms(to));
        rows.push(IncidentMeasuredRow {
            name: c.name.clone(),
            url: kit.urls.component(&c.id),
            during: during.uptime.map(format_percent),
            around: around.uptime.map(format_percent),
            failed: human_minutes(around.downtime_minutes),
            p50: around.p50_ms.map(format_ms),
            p95: around.p95_ms.map(format_ms),
            checks: around.checks,
        });
    }
    (!rows.is_empty()).then(|| IncidentMeasuredCtx {
        from: kit.clock.time(from),
        to: kit.clock.time(to),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_and_ceilings() {
        assert_eq!(format_ms(182.4), "182 ms");
        assert_eq!(format_ms(4.46), "4.5 ms");
        assert_eq!(format_ms(0.0), "0 ms");
        assert_eq!(thousands(525_600), "525,600");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(180.0), 200.0);
        assert_eq!(nice_ceiling(200.0), 200.0);
        assert_eq!(nice_ceiling(501.0), 1000.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
    }

    #[test]
    fn lines_break_where_days_have_no_value() {
        let path = line_path(
            &[Some(1.0), Some(2.0), None, Some(3.0)],
            |i| i as f64,
            |v| v,
        );
        assert_eq!(path, "M0.0 1.0 L1.0 2.0 M3.0 3.0");
    }
}
