//! Uptime figures as pages word them: percentages, SLOs, minutes of downtime.
//!
//! Percentages are shown with three decimals, truncated ("99.972%"), so 99.9996 reads
//! "99.999%"; "100%" appears only for exactly 100. A window with no length (a `since` in
//! the future) shows "No data" rather than the model's conventional 100.

use chrono::{Days, NaiveDate, TimeDelta};

use crate::model::status;
use crate::model::uptime::WindowFigure;
use crate::render::page_kit::PageKit;

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

pub fn human_minutes(m: f64) -> String {
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

/// The local date a window starts on, when `since` clipped it short of `days` days.
pub fn clipped_since(kit: &PageKit, w: &WindowFigure, days: u64) -> Option<NaiveDate> {
    let today = kit.clock.today(kit.now);
    let full = today.checked_sub_days(Days::new(days.saturating_sub(1)))?;
    let start = w.start.with_timezone(&kit.clock.tz).date_naive();
    (start > full).then_some(start)
}

/// A window's percentage, or `None` when it has no length (no fake 100 %).
pub fn window_percent(w: &WindowFigure) -> Option<String> {
    (w.length_minutes > 0.0).then(|| format_percent(w.uptime))
}
