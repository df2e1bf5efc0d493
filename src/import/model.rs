//! The intermediate model every reader produces and the writer consumes: what a source
//! says, already in statusgen's vocabulary but still naming components by their source name.

use chrono::{DateTime, Utc};

use crate::vocabulary::{Impact, Level, UpdateStatus};

/// Where a value came from: a file (relative to SOURCE, `/` separators) and a 1-based line
/// (0 when the whole file is meant).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl Origin {
    pub fn new(file: impl Into<String>, line: usize) -> Origin {
        Origin {
            file: file.into(),
            line,
        }
    }
}

/// A component as the source declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceComponent {
    /// The name incidents use to refer to it (cState: `name`; Statusfy: the system id;
    /// Statuspage: the component id).
    pub key: String,
    /// The name shown to readers.
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// One customer-facing update.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceUpdate {
    pub at: DateTime<Utc>,
    pub status: UpdateStatus,
    pub message: String,
}

impl SourceUpdate {
    /// Updates as a maintenance window's timeline, the status as its label.
    pub fn timeline(updates: &[SourceUpdate]) -> Vec<(DateTime<Utc>, String, String)> {
        updates
            .iter()
            .map(|u| (u.at, u.status.label().to_string(), u.message.clone()))
            .collect()
    }
}

/// A component an incident names, by its source key, with the level it reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    pub key: String,
    pub level: Level,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceIncident {
    pub origin: Origin,
    /// The stem the written file gets (`YYYY-MM-DD-...`), before de-duplication.
    pub stem: String,
    /// The source's own id, kept recoverable in the slug (Statuspage).
    pub source_id: Option<String>,
    pub title: String,
    pub impact: Impact,
    /// The source's own severity word, shown beside the impact.
    pub severity: Option<String>,
    pub started: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    pub affected: Vec<Affected>,
    pub updates: Vec<SourceUpdate>,
    pub body: String,
    pub draft: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceMaintenance {
    pub origin: Origin,
    pub stem: String,
    pub source_id: Option<String>,
    pub title: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub affected: Vec<Affected>,
    pub body: String,
    pub draft: bool,
    /// The source's updates (time, status word as the source wrote it, text); the writer
    /// turns the word into one of statusgen's maintenance states.
    pub timeline: Vec<(DateTime<Utc>, String, String)>,
}

/// Site-wide facts a source may know.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceSite {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub description: Option<String>,
    /// An IANA name the source declares (Statuspage's page time zone).
    pub timezone: Option<String>,
}

/// Everything read from a source.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub site: SourceSite,
    pub components: Vec<SourceComponent>,
    pub incidents: Vec<SourceIncident>,
    pub maintenance: Vec<SourceMaintenance>,
    /// Updates found in the source, including those that could only be carried over in a
    /// maintenance window's body: the report's count is checked against this.
    pub source_updates: usize,
}
