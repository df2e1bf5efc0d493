//! Current status: per component, overall, per maintenance window, per incident.
//! Pure functions of the site and "now".

use chrono::{DateTime, Duration, Utc};

use crate::site::{Incident, Maintenance};
use crate::vocabulary::{Level, MaintenanceStatus, UpdateStatus};

/// A maintenance window's state at `now`: an explicit `status` wins, else from the times.
pub fn maintenance_status(m: &Maintenance, now: DateTime<Utc>) -> MaintenanceStatus {
    if let Some(s) = m.status {
        return s;
    }
    if now < m.starts {
        MaintenanceStatus::Scheduled
    } else if now < m.ends {
        MaintenanceStatus::InProgress
    } else {
        MaintenanceStatus::Completed
    }
}

/// True when the window puts its components under maintenance at `now`.
pub fn maintenance_active(m: &Maintenance, now: DateTime<Utc>) -> bool {
    maintenance_status(m, now) == MaintenanceStatus::InProgress
}

/// The resolution as of `now`: a resolution time after "now" has not happened yet.
pub fn resolved_at(i: &Incident, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    i.resolved.filter(|r| *r <= now)
}

/// An incident is open at `now` unless it was resolved at or before `now`. Open
/// incidents are listed with the active ones (pages, the API's unresolved incidents),
/// also one whose `started` lies after `now`: it is shown as upcoming, never hidden
/// (such a time is usually a wrong UTC offset; `check` and `build` warn about it).
pub fn incident_open(i: &Incident, now: DateTime<Utc>) -> bool {
    resolved_at(i, now).is_none()
}

/// An incident is active, and sets its components' levels, from its start until its
/// resolution: open and started by `now`.
pub fn incident_active(i: &Incident, now: DateTime<Utc>) -> bool {
    i.started <= now && incident_open(i, now)
}

/// An incident's customer-facing status at `now`: resolved once its resolution time has
/// passed, else the newest update's status. An update that says "resolved" while the
/// incident has no resolution yet is skipped, so an open incident never reads as resolved.
pub fn incident_status(i: &Incident, now: DateTime<Utc>) -> UpdateStatus {
    if i.resolved.is_some_and(|r| r <= now) {
        return UpdateStatus::Resolved;
    }
    i.updates
        .iter()
        .rev()
        .map(|u| u.status)
        .find(|s| *s != UpdateStatus::Resolved)
        .unwrap_or(UpdateStatus::Investigating)
}

/// The worst level among unresolved incidents naming the component; else
/// under_maintenance while a window covers now; else operational.
pub fn component_level(
    id: &str,
    incidents: &[Incident],
    maintenance: &[Maintenance],
    now: DateTime<Utc>,
) -> Level {
    let worst = incidents
        .iter()
        .filter(|i| incident_active(i, now))
        .flat_map(|i| i.components.iter())
        .filter(|a| a.id == id)
        .map(|a| a.level)
        .max();
    if let Some(level) = worst {
        return level;
    }
    let in_maintenance = maintenance
        .iter()
        .any(|m| maintenance_active(m, now) && m.components.iter().any(|c| c == id));
    if in_maintenance {
        Level::UnderMaintenance
    } else {
        Level::Operational
    }
}

/// The worst of some levels (a group's status).
pub fn overall_level(levels: impl IntoIterator<Item = Level>) -> Level {
    levels.into_iter().max().unwrap_or(Level::Operational)
}

/// The page's overall status: the worst component level, and the impact of every
/// unresolved incident that names no component (critical → major outage, major →
/// partial outage, minor → degraded performance; `none` changes nothing), so an outage
/// filed without components still shows.
pub fn site_level(
    component_levels: impl IntoIterator<Item = Level>,
    incidents: &[Incident],
    now: DateTime<Utc>,
) -> Level {
    let unattached = incidents
        .iter()
        .filter(|i| i.components.is_empty() && incident_active(i, now))
        .filter_map(|i| i.impact.overall_level());
    overall_level(component_levels.into_iter().chain(unattached))
}

/// The banner wording of an overall level.
pub fn overall_wording(level: Level) -> &'static str {
    match level {
        Level::Operational => "All systems operational",
        Level::UnderMaintenance => "Maintenance",
        Level::DegradedPerformance => "Degraded performance",
        Level::PartialOutage => "Partial outage",
        Level::MajorOutage => "Major outage",
    }
}

/// Impact start to resolution, or to now while ongoing.
pub fn incident_duration(i: &Incident, now: DateTime<Utc>) -> Duration {
    let end = resolved_at(i, now).unwrap_or(now);
    (end - i.started).max(Duration::zero())
}

/// Time to detect: detected − started.
pub fn time_to_detect(i: &Incident) -> Duration {
    i.detected - i.started
}

/// Time to resolve: resolved − detected; None while ongoing at `now`.
pub fn time_to_resolve(i: &Incident, now: DateTime<Utc>) -> Option<Duration> {
    resolved_at(i, now).map(|r| r - i.detected)
}

/// "1 h 5 min", "30 min", "2 d 3 h", "45 s": for durations shown to people.
pub fn human_duration(d: Duration) -> String {
    // One wording of durations: the English catalog's (`i18n::Texts::duration`).
    crate::i18n::Texts::english().duration(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::site::Affected;
    use crate::vocabulary::Impact;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, h, m, 0).unwrap()
    }

    fn incident(
        levels: &[(&str, Level)],
        started: DateTime<Utc>,
        resolved: Option<DateTime<Utc>>,
    ) -> Incident {
        Incident {
            source: "content/incidents/x.md".into(),
            title: "x".into(),
            components: levels
                .iter()
                .map(|(id, level)| Affected {
                    id: id.to_string(),
                    level: *level,
                })
                .collect(),
            ..Incident::new("x", started, resolved)
        }
    }

    fn window(ids: &[&str], starts: DateTime<Utc>, ends: DateTime<Utc>) -> Maintenance {
        Maintenance {
            source: "content/maintenance/m.md".into(),
            title: "m".into(),
            components: ids.iter().map(|s| s.to_string()).collect(),
            ..Maintenance::new("m", starts, ends)
        }
    }

    #[test]
    fn worst_unresolved_level_wins() {
        let now = t(12, 0);
        let incidents = vec![
            incident(&[("api", Level::DegradedPerformance)], t(9, 0), None),
            incident(
                &[("api", Level::PartialOutage), ("auth", Level::MajorOutage)],
                t(10, 0),
                None,
            ),
            incident(&[("api", Level::MajorOutage)], t(8, 0), Some(t(9, 0))),
        ];
        assert_eq!(
            component_level("api", &incidents, &[], now),
            Level::PartialOutage
        );
        assert_eq!(
            component_level("auth", &incidents, &[], now),
            Level::MajorOutage
        );
        assert_eq!(
            component_level("web", &incidents, &[], now),
            Level::Operational
        );
    }

    #[test]
    fn a_future_start_is_open_but_not_yet_active_and_a_resolution_at_now_is_neither() {
        let now = t(12, 0);
        // Published with a start after now (usually a wrong offset): listed as upcoming,
        // no component changes before its start.
        let future = incident(&[("api", Level::MajorOutage)], t(13, 0), None);
        assert!(incident_open(&future, now));
        assert!(!incident_active(&future, now));
        assert_eq!(
            component_level("api", std::slice::from_ref(&future), &[], now),
            Level::Operational
        );
        assert!(incident_active(&future, t(13, 0)));
        let resolved_now = incident(&[("api", Level::MajorOutage)], t(11, 0), Some(now));
        assert!(!incident_open(&resolved_now, now));
        assert_eq!(resolved_at(&resolved_now, now), Some(now));
        // A resolution still to come has not happened.
        let later = incident(&[("api", Level::PartialOutage)], t(11, 0), Some(t(14, 0)));
        assert!(incident_active(&later, now));
        assert_eq!(resolved_at(&later, now), None);
        // Neither does a component-less one before its start change the overall status.
        let mut unattached = incident(&[], t(13, 0), None);
        unattached.impact = Impact::Critical;
        assert_eq!(site_level([], &[unattached], now), Level::Operational);
        assert_eq!(
            component_level("api", &[resolved_now, later], &[], now),
            Level::PartialOutage
        );
    }

    #[test]
    fn incidents_without_components_set_the_overall_status_by_impact() {
        let now = t(12, 0);
        let mut open = incident(&[], t(11, 0), None);
        let levels = [Level::Operational, Level::UnderMaintenance];
        for (impact, want) in [
            (Impact::Critical, Level::MajorOutage),
            (Impact::Major, Level::PartialOutage),
            (Impact::Minor, Level::DegradedPerformance),
            (Impact::None, Level::UnderMaintenance),
        ] {
            open.impact = impact;
            assert_eq!(
                site_level(levels, std::slice::from_ref(&open), now),
                want,
                "{impact:?}"
            );
        }
        // Resolved, or naming a component (whose level then counts instead): no effect.
        open.impact = Impact::Critical;
        let mut resolved = open.clone();
        resolved.resolved = Some(t(11, 30));
        assert_eq!(
            site_level(levels, &[resolved], now),
            Level::UnderMaintenance
        );
        let named = incident(&[("api", Level::DegradedPerformance)], t(11, 0), None);
        assert_eq!(
            site_level([Level::DegradedPerformance], &[named], now),
            Level::DegradedPerformance
        );
        assert_eq!(site_level([], &[], now), Level::Operational);
    }

    #[test]
    fn maintenance_only_when_no_incident() {
        let now = t(12, 0);
        let windows = vec![window(&["api", "db"], t(11, 0), t(13, 0))];
        let incidents = vec![incident(
            &[("api", Level::DegradedPerformance)],
            t(11, 30),
            None,
        )];
        assert_eq!(
            component_level("db", &incidents, &windows, now),
            Level::UnderMaintenance
        );
        assert_eq!(
            component_level("api", &incidents, &windows, now),
            Level::DegradedPerformance
        );
        // Window boundaries: starts inclusive, ends exclusive.
        assert_eq!(
            component_level("db", &[], &windows, t(13, 0)),
            Level::Operational
        );
        assert_eq!(
            component_level("db", &[], &windows, t(11, 0)),
            Level::UnderMaintenance
        );
    }

    #[test]
    fn maintenance_states_from_now_and_override() {
        let mut w = window(&["api"], t(11, 0), t(13, 0));
        assert_eq!(
            maintenance_status(&w, t(10, 0)),
            MaintenanceStatus::Scheduled
        );
        assert_eq!(
            maintenance_status(&w, t(12, 0)),
            MaintenanceStatus::InProgress
        );
        assert_eq!(
            maintenance_status(&w, t(13, 0)),
            MaintenanceStatus::Completed
        );
        w.status = Some(MaintenanceStatus::Cancelled);
        assert_eq!(
            maintenance_status(&w, t(12, 0)),
            MaintenanceStatus::Cancelled
        );
        assert!(!maintenance_active(&w, t(12, 0)));
    }

    #[test]
    fn overall_is_worst_with_wording() {
        assert_eq!(overall_level([]), Level::Operational);
        let l = overall_level([
            Level::Operational,
            Level::UnderMaintenance,
            Level::PartialOutage,
        ]);
        assert_eq!(l, Level::PartialOutage);
        assert_eq!(overall_wording(l), "Partial outage");
        assert_eq!(overall_wording(Level::UnderMaintenance), "Maintenance");
        assert_eq!(
            overall_wording(Level::Operational),
            "All systems operational"
        );
    }

    #[test]
    fn durations_from_the_worked_example() {
        // 10:36 to 11:06 CET = 09:36 to 10:06 UTC; detected 10:36 (alert).
        let mut i = incident(&[("auth", Level::MajorOutage)], t(9, 36), Some(t(10, 6)));
        assert_eq!(incident_duration(&i, t(12, 0)), Duration::minutes(30));
        assert_eq!(time_to_detect(&i), Duration::zero());
        assert_eq!(time_to_resolve(&i, t(12, 0)), Some(Duration::minutes(30)));
        // A resolution still to come has not happened yet.
        assert_eq!(time_to_resolve(&i, t(10, 0)), None);
        assert_eq!(incident_duration(&i, t(10, 0)), Duration::minutes(24));
        i.detected = t(9, 38);
        assert_eq!(time_to_resolve(&i, t(12, 0)), Some(Duration::minutes(28)));
        i.resolved = None;
        assert_eq!(incident_duration(&i, t(10, 36)), Duration::hours(1));
        assert_eq!(time_to_resolve(&i, t(12, 0)), None);
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::seconds(45)), "45 s");
        assert_eq!(human_duration(Duration::minutes(30)), "30 min");
        assert_eq!(human_duration(Duration::minutes(65)), "1 h 5 min");
        assert_eq!(human_duration(Duration::minutes(60 * 51)), "2 d 3 h");
        assert_eq!(human_duration(Duration::minutes(-5)), "0 s");
    }
}
