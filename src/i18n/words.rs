//! The status vocabulary, figures and durations in the build's language: what pages,
//! feeds, the calendar and badges print for levels, statuses, percentages and spans of
//! time. Machine formats (RFC 3339, the API's JSON) never come from here.

use chrono::TimeDelta;

use super::{Arg, Texts};
use crate::vocabulary::{ActionStatus, Impact, Level, MaintenanceStatus, UpdateStatus};

impl Texts {
    /// A component's level: "Partial outage".
    pub fn level(&'static self, l: Level) -> &'static str {
        self.get(match l {
            Level::Operational => "level_operational",
            Level::UnderMaintenance => "level_under_maintenance",
            Level::DegradedPerformance => "level_degraded_performance",
            Level::PartialOutage => "level_partial_outage",
            Level::MajorOutage => "level_major_outage",
        })
    }

    /// The page's overall status: "All systems operational".
    pub fn overall(&'static self, l: Level) -> &'static str {
        self.get(match l {
            Level::Operational => "overall_operational",
            Level::UnderMaintenance => "overall_under_maintenance",
            Level::DegradedPerformance => "overall_degraded_performance",
            Level::PartialOutage => "overall_partial_outage",
            Level::MajorOutage => "overall_major_outage",
        })
    }

    /// An impact as a word: "Major" ("No impact" for none).
    pub fn impact(&'static self, i: Impact) -> &'static str {
        self.get(match i {
            Impact::None => "impact_none",
            Impact::Minor => "impact_minor",
            Impact::Major => "impact_major",
            Impact::Critical => "impact_critical",
        })
    }

    pub fn update_status(&'static self, s: UpdateStatus) -> &'static str {
        self.get(match s {
            UpdateStatus::Investigating => "update_investigating",
            UpdateStatus::Identified => "update_identified",
            UpdateStatus::Monitoring => "update_monitoring",
            UpdateStatus::Resolved => "update_resolved",
        })
    }

    pub fn action_status(&'static self, s: ActionStatus) -> &'static str {
        self.get(match s {
            ActionStatus::Planned => "action_planned",
            ActionStatus::InProgress => "action_in_progress",
            ActionStatus::Done => "action_done",
            ActionStatus::WontDo => "action_wont_do",
        })
    }

    pub fn maintenance_status(&'static self, s: MaintenanceStatus) -> &'static str {
        self.get(match s {
            MaintenanceStatus::Scheduled => "maintenance_scheduled",
            MaintenanceStatus::InProgress => "maintenance_in_progress_status",
            MaintenanceStatus::Completed => "maintenance_completed",
            MaintenanceStatus::Cancelled => "maintenance_cancelled",
        })
    }

    /// A percentage truncated to three decimals ("99.972%", "99,972 %"); "100%" only for
    /// exactly 100 (see `render::figures`).
    pub fn percent(&self, p: f64) -> String {
        let value = if p.is_nan() || p <= 0.0 {
            self.formats.decimal(0, 3)
        } else if p >= 100.0 {
            self.formats.decimal(100, 0)
        } else {
            // The epsilon absorbs binary error (99.972 is stored as 99.97199…); the
            // clamp keeps anything below 100 from reading as 100.
            let k = ((p * 1000.0 + 1e-6).floor() as i64).min(99_999);
            self.formats.decimal(k, 3)
        };
        self.fmt("percent", &[("value", Arg::Str(value.into()))])
    }

    /// A percentage with one decimal, truncated (an overspent budget: "112.5%").
    pub fn percent_1(&self, p: f64) -> String {
        let k = (p * 10.0).floor() as i64;
        let value = self.formats.decimal(k, 1);
        self.fmt("percent", &[("value", Arg::Str(value.into()))])
    }

    /// An SLO as configured: 99.9 → "99.9%" ("99,9 %").
    pub fn slo(&self, slo: f64) -> String {
        let value = self.formats.decimal_str(&format!("{slo}"));
        self.fmt("percent", &[("value", Arg::Str(value.into()))])
    }

    /// Weighted minutes: "43.2 min", "18 s", "0 min".
    pub fn minutes(&self, m: f64) -> String {
        let m = if m.is_finite() { m.abs() } else { 0.0 };
        if m == 0.0 {
            self.fmt("duration_minutes", &[("n", Arg::Int(0))])
        } else if m < 1.0 {
            let s = (m * 60.0).ceil() as i64;
            self.fmt("duration_seconds", &[("n", Arg::Int(s))])
        } else {
            let tenths = (m * 10.0).round() as i64;
            let n = self.formats.decimal(tenths, 1);
            self.fmt("duration_minutes", &[("n", Arg::Str(n.into()))])
        }
    }

    /// Weighted minutes as a duration: under a minute as [`Texts::minutes`], else
    /// [`Texts::duration`].
    pub fn human_minutes(&self, m: f64) -> String {
        let ms = if m.is_finite() {
            (m * 60_000.0).round()
        } else {
            0.0
        };
        let d = TimeDelta::milliseconds(ms as i64);
        if d < TimeDelta::minutes(1) {
            self.minutes(m)
        } else {
            self.duration(d)
        }
    }

    /// A span of time as people read it: "45 s", "1 h 5 min", "2 d 3 h"
    /// (`model::status::human_duration`, worded per language).
    pub fn duration(&self, d: TimeDelta) -> String {
        let secs = d.num_seconds().max(0);
        if secs < 60 {
            return self.fmt("duration_seconds", &[("n", Arg::Int(secs))]);
        }
        let mins = secs / 60;
        let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
        let mut parts = Vec::new();
        if d > 0 {
            parts.push(self.fmt("duration_days", &[("n", Arg::Int(d))]));
        }
        if h > 0 {
            parts.push(self.fmt("duration_hours", &[("n", Arg::Int(h))]));
        }
        if m > 0 && d == 0 {
            parts.push(self.fmt("duration_minutes", &[("n", Arg::Int(m))]));
        }
        if parts.is_empty() {
            parts.push(self.fmt("duration_minutes", &[("n", Arg::Int(0))]));
        }
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lang: &str) -> &'static Texts {
        Texts::resolve(lang, &[])
    }

    #[test]
    fn english_matches_the_original_wording() {
        let en = texts("en");
        assert_eq!(en.percent(99.972), "99.972%");
        assert_eq!(en.percent(99.9), "99.900%");
        assert_eq!(en.percent(100.0), "100%");
        assert_eq!(en.percent(0.0), "0.000%");
        assert_eq!(en.slo(99.95), "99.95%");
        assert_eq!(en.minutes(43.2), "43.2 min");
        assert_eq!(en.minutes(0.3), "18 s");
        assert_eq!(en.duration(TimeDelta::minutes(65)), "1 h 5 min");
        assert_eq!(en.duration(TimeDelta::minutes(60 * 51)), "2 d 3 h");
        assert_eq!(en.level(Level::PartialOutage), "Partial outage");
        assert_eq!(en.overall(Level::Operational), "All systems operational");
    }

    #[test]
    fn german_and_french_numbers() {
        let de = texts("de");
        assert_eq!(de.percent(99.95), "99,950\u{a0}%");
        assert_eq!(de.slo(99.95), "99,95\u{a0}%");
        assert_eq!(de.minutes(43.2), "43,2 Min.");
        assert_eq!(de.duration(TimeDelta::minutes(135)), "2 Std. 15 Min.");
        assert_eq!(
            de.duration(TimeDelta::minutes(60 * 24 + 60)),
            "1 Tag 1 Std."
        );
        assert_eq!(de.duration(TimeDelta::minutes(60 * 51)), "2 Tage 3 Std.");
        let fr = texts("fr");
        assert_eq!(fr.percent(99.95), "99,950\u{202f}%");
        assert_eq!(fr.duration(TimeDelta::minutes(135)), "2 h 15 min");
    }

    #[test]
    fn japanese_and_arabic() {
        let ja = texts("ja");
        assert_eq!(ja.duration(TimeDelta::minutes(135)), "2 時間 15 分");
        assert_eq!(ja.level(Level::Operational), "正常");
        let ar = texts("ar");
        // CLDR's Arabic uses Latin digits by default.
        assert_eq!(ar.percent(99.5), "99.500%");
        assert_eq!(ar.duration(TimeDelta::minutes(135)), "2 س 15 د");
    }
}
