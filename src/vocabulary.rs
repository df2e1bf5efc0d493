//! The shared vocabulary of status: component levels, incident impact, update,
//! maintenance and action statuses, post-mortem variants. A leaf of the crate, used by
//! the site types, the loader, the model and the renderers alike. Each enum's serde names
//! are the words used in front matter.

use serde::{Deserialize, Serialize};

/// A component's state. The derived `Ord` is severity: later variants are worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Operational,
    UnderMaintenance,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Operational,
        Level::UnderMaintenance,
        Level::DegradedPerformance,
        Level::PartialOutage,
        Level::MajorOutage,
    ];

    /// The front-matter / API word for the level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Operational => "operational",
            Level::UnderMaintenance => "under_maintenance",
            Level::DegradedPerformance => "degraded_performance",
            Level::PartialOutage => "partial_outage",
            Level::MajorOutage => "major_outage",
        }
    }

    /// Human wording, as shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Level::Operational => "Operational",
            Level::UnderMaintenance => "Under maintenance",
            Level::DegradedPerformance => "Degraded performance",
            Level::PartialOutage => "Partial outage",
            Level::MajorOutage => "Major outage",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Statuspage's impact vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    Minor,
    Major,
    Critical,
}

impl Impact {
    pub const ALL: [Impact; 4] = [Impact::None, Impact::Minor, Impact::Major, Impact::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Impact::None => "none",
            Impact::Minor => "minor",
            Impact::Major => "major",
            Impact::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Impact::None => "No impact",
            Impact::Minor => "Minor",
            Impact::Major => "Major",
            Impact::Critical => "Critical",
        }
    }

    pub fn parse(s: &str) -> Option<Impact> {
        Impact::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level a component gets when named in the list form of `components`.
    pub fn default_level(self) -> Level {
        match self {
            Impact::Critical => Level::MajorOutage,
            Impact::Major => Level::PartialOutage,
            Impact::Minor | Impact::None => Level::DegradedPerformance,
        }
    }

    /// What an unresolved incident naming no component does to the page's overall
    /// status: `none` changes nothing.
    pub fn overall_level(self) -> Option<Level> {
        match self {
            Impact::None => None,
            Impact::Minor => Some(Level::DegradedPerformance),
            Impact::Major => Some(Level::PartialOutage),
            Impact::Critical => Some(Level::MajorOutage),
        }
    }
}

/// The status of one customer-facing incident update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl UpdateStatus {
    pub const ALL: [UpdateStatus; 4] = [
        UpdateStatus::Investigating,
        UpdateStatus::Identified,
        UpdateStatus::Monitoring,
        UpdateStatus::Resolved,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateStatus::Investigating => "investigating",
            UpdateStatus::Identified => "identified",
            UpdateStatus::Monitoring => "monitoring",
            UpdateStatus::Resolved => "resolved",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UpdateStatus::Investigating => "Investigating",
            UpdateStatus::Identified => "Identified",
            UpdateStatus::Monitoring => "Monitoring",
            UpdateStatus::Resolved => "Resolved",
        }
    }
    pub fn parse(s: &str) -> Option<UpdateStatus> {
        UpdateStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Corrective action status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    WontDo,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::WontDo,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::WontDo => "wont_do",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Planned => "Planned",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::WontDo => "Won't do",
        }
    }
    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }
    /// Closed actions are never open or overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::WontDo)
    }
}

/// A maintenance window's status, either given in front matter or derived from "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

impl MaintenanceStatus {
    pub const ALL: [MaintenanceStatus; 4] = [
        MaintenanceStatus::Scheduled,
        MaintenanceStatus::InProgress,
        MaintenanceStatus::Completed,
        MaintenanceStatus::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceStatus::Scheduled => "scheduled",
            MaintenanceStatus::InProgress => "in_progress",
            MaintenanceStatus::Completed => "completed",
            MaintenanceStatus::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MaintenanceStatus::Scheduled => "Scheduled",
            MaintenanceStatus::InProgress => "In progress",
            MaintenanceStatus::Completed => "Completed",
            MaintenanceStatus::Cancelled => "Cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<MaintenanceStatus> {
        MaintenanceStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Post-mortem template variants (`POSTMORTEM.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateKind {
    Lightweight,
    Incident,
    Launch,
    StatusPage,
    Regulated,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 5] = [
        TemplateKind::Lightweight,
        TemplateKind::Incident,
        TemplateKind::Launch,
        TemplateKind::StatusPage,
        TemplateKind::Regulated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Lightweight => "lightweight",
            TemplateKind::Incident => "incident",
            TemplateKind::Launch => "launch",
            TemplateKind::StatusPage => "status-page",
            TemplateKind::Regulated => "regulated",
        }
    }
    pub fn parse(s: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What subscribers are told about (`statusgen notify`), as `[[notify]]` tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    IncidentCreated,
    IncidentUpdated,
    IncidentResolved,
    PostmortemPublished,
    MaintenanceScheduled,
    MaintenanceStarted,
    MaintenanceCompleted,
    MaintenanceCancelled,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::IncidentCreated,
        EventKind::IncidentUpdated,
        EventKind::IncidentResolved,
        EventKind::PostmortemPublished,
        EventKind::MaintenanceScheduled,
        EventKind::MaintenanceStarted,
        EventKind::MaintenanceCompleted,
        EventKind::MaintenanceCancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::IncidentCreated => "incident_created",
            EventKind::IncidentUpdated => "incident_updated",
            EventKind::IncidentResolved => "incident_resolved",
            EventKind::PostmortemPublished => "postmortem_published",
            EventKind::MaintenanceScheduled => "maintenance_scheduled",
            EventKind::MaintenanceStarted => "maintenance_started",
            EventKind::MaintenanceCompleted => "maintenance_completed",
            EventKind::MaintenanceCancelled => "maintenance_cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|l| l.as_str() == s)
    }
    pub fn is_maintenance(self) -> bool {
        matches!(
            self,
            EventKind::MaintenanceScheduled
                | EventKind::MaintenanceStarted
                | EventKind::MaintenanceCompleted
                | EventKind::MaintenanceCancelled
        )
    }
}

/// Lists a vocabulary for "expected one of ..." messages.
pub fn one_of(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_by_severity() {
        assert!(Level::MajorOutage > Level::PartialOutage);
        assert!(Level::PartialOutage > Level::DegradedPerformance);
        assert!(Level::DegradedPerformance > Level::UnderMaintenance);
        assert!(Level::UnderMaintenance > Level::Operational);
    }

    #[test]
    fn words_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        for i in Impact::ALL {
            assert_eq!(Impact::parse(i.as_str()), Some(i));
        }
        for t in TemplateKind::ALL {
            assert_eq!(TemplateKind::parse(t.as_str()), Some(t));
        }
        for e in EventKind::ALL {
            assert_eq!(EventKind::parse(e.as_str()), Some(e));
        }
        assert_eq!(Level::parse("down"), None);
    }

    #[test]
    fn impact_maps_to_list_form_level() {
        assert_eq!(Impact::Critical.default_level(), Level::MajorOutage);
        assert_eq!(Impact::Major.default_level(), Level::PartialOutage);
        assert_eq!(Impact::Minor.default_level(), Level::DegradedPerformance);
        assert_eq!(Impact::None.default_level(), Level::DegradedPerformance);
    }
}
