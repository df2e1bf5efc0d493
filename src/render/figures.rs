//! Uptime figures as pages word them: percentages, SLOs, minutes of downtime.
//!
//! Percentages are shown with three decimals, truncated ("99.972%"), so 99.9996 reads
//! "99.999%"; "100%" appears only for exactly 100. A window with no length (a `since` in
//! the future) shows "No data" rather than the model's conventional 100.

use chrono::{Days, NaiveDate};

use crate::i18n::Texts;
use crate::model::uptime::WindowFigure;
use crate::render::page_kit::PageKit;

/// A percentage truncated to three decimals: "99.972%"; "100%" only for exactly 100.
/// English; pages use the build's language ([`Texts::percent`](crate::i18n::Texts::percent)).
pub fn format_percent(p: f64) -> String {
    Texts::english().percent(p)
}

/// An SLO as configured: 99.9 → "99.9%".
pub fn format_slo(slo: f64) -> String {
    Texts::english().slo(slo)
}

/// Weighted minutes for display: "43.2 min", "18 s", "0 min".
pub fn format_minutes(m: f64) -> String {
    Texts::english().minutes(m)
}

pub fn human_minutes(m: f64) -> String {
    Texts::english().human_minutes(m)
}

/// The local date a window starts on, when `since` clipped it short of `days` days.
pub fn clipped_since(kit: &PageKit, w: &WindowFigure, days: u64) -> Option<NaiveDate> {
    let today = kit.clock.today(kit.now);
    let full = today.checked_sub_days(Days::new(days.saturating_sub(1)))?;
    let start = w.start.with_timezone(&kit.clock.tz).date_naive();
    (start > full).then_some(start)
}

/// A window's percentage, or `None` when it has no length (no fake 100 %).
pub fn window_percent(kit: &PageKit, w: &WindowFigure) -> Option<String> {
    (w.length_minutes > 0.0).then(|| kit.clock.texts.percent(w.uptime))
}
