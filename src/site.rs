//! The validated, typed site: what `load` produces and every later stage reads.
//! All instants are UTC; the site timezone is used only for reading naive times and display.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub mod brand;

pub use brand::{Announcement, AnnouncementLevel, Asset, Brand, BrandLink, Logo};

use crate::vocabulary::{
    ActionStatus, EventKind, Impact, Level, MaintenanceStatus, TemplateKind, UpdateStatus,
};

pub mod checks;

#[derive(Debug, Clone)]
pub struct Site {
    /// The site root as given (not canonicalised), for messages.
    pub root: PathBuf,
    pub config: Config,
    /// Newest first (by `started`, then slug), drafts included only when asked for.
    pub incidents: Vec<Incident>,
    /// By `starts`, newest first, then slug.
    pub maintenance: Vec<Maintenance>,
    /// Measured check histories (`data/checks/`); empty when the site has none.
    pub checks: checks::Checks,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: String,
    pub timezone: Tz,
    pub language: String,
    /// The site's replacements for interface texts (`i18n/<language>.toml`).
    pub i18n: Vec<crate::i18n::Override>,
    pub theme: String,
    pub uptime: UptimeConfig,
    pub feeds: FeedsConfig,
    pub postmortem: PostmortemConfig,
    pub components: Vec<Component>,
    /// `[[notify]]` channels, in config order.
    pub notify: Vec<NotifyChannel>,
    /// `[brand]`: logo, accent colours, header links, footer, extra stylesheet.
    pub brand: Brand,
    /// `[announcement]`, shown on every page until it expires.
    pub announcement: Option<Announcement>,
    /// `[checks]`: how measured check histories are read (docs/checks.md).
    pub checks: ChecksConfig,
}

/// `[checks]` of `site.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecksConfig {
    /// A gap between checks longer than this many check intervals is "no data".
    pub gap_factor: f64,
    /// `check` warns about measured outages longer than this that no incident covers.
    pub undeclared_minutes: f64,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            gap_factor: 3.0,
            undeclared_minutes: 5.0,
        }
    }
}

/// One `[[notify]]` table: where `statusgen notify` delivers events. Only the names of
/// environment variables are kept; the secrets they hold are read when sending.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyChannel {
    /// Unique; keys the channel's entry in the state file. Defaults to the kind.
    pub name: String,
    pub target: ChannelTarget,
    /// Only events about these component ids (empty: all).
    pub components: Vec<String>,
    /// Only these kinds of event (empty: all).
    pub events: Vec<EventKind>,
    /// 1-based line of the table in site.toml.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChannelTarget {
    Slack {
        url_env: String,
    },
    Discord {
        url_env: String,
    },
    Teams {
        url_env: String,
    },
    Webhook {
        url_env: String,
        secret_env: Option<String>,
    },
    Email {
        smtp_url_env: String,
        from: String,
        to: Vec<String>,
    },
}

impl ChannelTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelTarget::Slack { .. } => "slack",
            ChannelTarget::Discord { .. } => "discord",
            ChannelTarget::Teams { .. } => "teams",
            ChannelTarget::Webhook { .. } => "webhook",
            ChannelTarget::Email { .. } => "email",
        }
    }
}

#[derive(Debug, Clone)]
pub struct UptimeConfig {
    pub days: u32,
    pub slo: f64,
    pub partial_outage_weight: f64,
    pub count_maintenance: bool,
}

#[derive(Debug, Clone)]
pub struct FeedsConfig {
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct PostmortemConfig {
    pub due_hours: u32,
    /// `[postmortem.templates.NAME]`: the team's own templates, in file order.
    pub templates: Vec<TeamTemplate>,
}

/// A team template of `site.toml`: the sections a post-mortem written with it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamTemplate {
    /// What `template = "..."` and `new --template` name it.
    pub name: String,
    pub description: Option<String>,
    /// Required sections, in the order `statusgen new` writes them.
    pub sections: Vec<TeamSection>,
    /// 1-based line of its table in `site.toml`.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSection {
    /// The heading `new` writes and `check` names when it is missing.
    pub heading: String,
    /// The team's other headings for it (besides the built-in synonyms of the heading).
    pub also: Vec<String>,
}

/// The post-mortem template an incident follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Template {
    Builtin(TemplateKind),
    /// The name of a `[postmortem.templates.NAME]` (the loader checked that it exists).
    Team(String),
}

impl Template {
    pub fn as_str(&self) -> &str {
        match self {
            Template::Builtin(k) => k.as_str(),
            Template::Team(name) => name,
        }
    }
}

impl From<TemplateKind> for Template {
    fn from(k: TemplateKind) -> Template {
        Template::Builtin(k)
    }
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
    /// Resolved: the component's own, else `[uptime].slo`, else 99.9.
    pub slo: f64,
    pub since: Option<NaiveDate>,
    /// Position in `site.toml`, 0-based.
    pub position: usize,
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub slug: String,
    /// Path relative to the site root, with `/` separators.
    pub source: String,
    pub title: String,
    pub impact: Impact,
    pub severity: Option<String>,
    pub started: DateTime<Utc>,
    pub detected: DateTime<Utc>,
    /// When impact ended: the `resolved` line, else the time of the newest update when
    /// that update says `resolved` (see [`Incident::resolved_from_update`]); `None` while
    /// ongoing. Derived once, by the loader, so every output reads the same value.
    pub resolved: Option<DateTime<Utc>>,
    /// True when `resolved` was not written and comes from the newest update.
    pub resolved_from_update: bool,
    /// Where the front matter's keys are, for messages.
    pub lines: IncidentLines,
    pub template: Template,
    pub cause: Option<String>,
    pub draft: bool,
    /// In the order written.
    pub components: Vec<Affected>,
    /// Oldest first.
    pub updates: Vec<Update>,
    pub actions: Vec<Action>,
    /// The Markdown post-mortem.
    pub body: String,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// 1-based lines of an incident's front-matter keys; 0 where the key is absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct IncidentLines {
    pub impact: usize,
    pub started: usize,
    pub detected: usize,
    pub resolved: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Affected {
    pub id: String,
    pub level: Level,
}

#[derive(Debug, Clone)]
pub struct Update {
    pub at: DateTime<Utc>,
    pub status: UpdateStatus,
    pub message: String,
    /// 1-based line in the source file.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub what: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    /// When it was completed (`done = YYYY-MM-DD`, only with status done).
    pub done: Option<NaiveDate>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Maintenance {
    pub slug: String,
    pub source: String,
    pub title: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub components: Vec<String>,
    /// Front-matter override; otherwise derived from "now".
    pub status: Option<MaintenanceStatus>,
    pub draft: bool,
    /// Announcements during the window, oldest first.
    pub updates: Vec<MaintenanceUpdate>,
    pub body: String,
    pub body_line: usize,
}

/// An `[[updates]]` entry of a maintenance window, in Statuspage's maintenance states.
#[derive(Debug, Clone)]
pub struct MaintenanceUpdate {
    pub at: DateTime<Utc>,
    pub status: MaintenanceStatus,
    pub message: String,
    /// 1-based line in the source file.
    pub line: usize,
}

impl Site {
    /// Leaves out drafts, as every build without `--drafts` does.
    pub fn drop_drafts(&mut self) {
        self.incidents.retain(|i| !i.draft);
        self.maintenance.retain(|m| !m.draft);
    }

    pub fn component(&self, id: &str) -> Option<&Component> {
        self.config.components.iter().find(|c| c.id == id)
    }
}

impl Incident {
    pub fn is_ongoing(&self) -> bool {
        self.resolved.is_none()
    }
    pub fn affects(&self, id: &str) -> bool {
        self.components.iter().any(|a| a.id == id)
    }
    /// The newest update, if any.
    pub fn latest_update(&self) -> Option<&Update> {
        self.updates.last()
    }
}

impl Default for UptimeConfig {
    /// The `[uptime]` defaults of `site.toml`.
    fn default() -> Self {
        UptimeConfig {
            days: 90,
            slo: 99.9,
            partial_outage_weight: 0.3,
            count_maintenance: false,
        }
    }
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig { limit: 50 }
    }
}

impl Default for PostmortemConfig {
    fn default() -> Self {
        PostmortemConfig {
            due_hours: 72,
            templates: Vec::new(),
        }
    }
}

impl Config {
    /// The post-mortem template called `name`: a built-in variant or a team template.
    pub fn template(&self, name: &str) -> Option<Template> {
        TemplateKind::parse(name)
            .map(Template::Builtin)
            .or_else(|| {
                self.postmortem
                    .templates
                    .iter()
                    .find(|t| t.name == name)
                    .map(|t| Template::Team(t.name.clone()))
            })
    }

    /// The team template called `name`.
    pub fn team_template(&self, name: &str) -> Option<&TeamTemplate> {
        self.postmortem.templates.iter().find(|t| t.name == name)
    }

    /// A configuration with every other option at its `site.toml` default, for sites
    /// built in code (tests, benchmarks, tools).
    pub fn with_defaults(
        title: &str,
        base_url: &str,
        timezone: Tz,
        components: Vec<Component>,
    ) -> Config {
        Config {
            title: title.to_string(),
            base_url: crate::base_url::normalize(base_url),
            description: String::new(),
            timezone,
            language: "en".into(),
            i18n: Vec::new(),
            theme: "default".into(),
            uptime: UptimeConfig::default(),
            feeds: FeedsConfig::default(),
            postmortem: PostmortemConfig::default(),
            components,
            notify: Vec::new(),
            brand: Brand::default(),
            announcement: None,
            checks: ChecksConfig::default(),
        }
    }
}

impl Component {
    /// A component with the default SLO and no group, description or `since`.
    pub fn new(id: &str, name: &str, position: usize) -> Component {
        Component {
            id: id.to_string(),
            name: name.to_string(),
            group: None,
            description: None,
            slo: UptimeConfig::default().slo,
            since: None,
            position,
        }
    }
}

impl Incident {
    /// A minimal incident: impact "major", template "incident", detected at `started`,
    /// no components, updates, actions or body. Titled by its slug.
    pub fn new(slug: &str, started: DateTime<Utc>, resolved: Option<DateTime<Utc>>) -> Incident {
        Incident {
            slug: slug.to_string(),
            source: format!("content/incidents/{slug}.md"),
            title: slug.to_string(),
            impact: Impact::Major,
            severity: None,
            started,
            detected: started,
            resolved,
            resolved_from_update: false,
            lines: IncidentLines::default(),
            template: Template::Builtin(TemplateKind::Incident),
            cause: None,
            draft: false,
            components: Vec::new(),
            updates: Vec::new(),
            actions: Vec::new(),
            body: String::new(),
            body_line: 1,
        }
    }
}

impl Maintenance {
    /// A minimal maintenance window on no components, its status derived from the times.
    pub fn new(slug: &str, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Maintenance {
        Maintenance {
            slug: slug.to_string(),
            source: format!("content/maintenance/{slug}.md"),
            title: slug.to_string(),
            starts,
            ends,
            components: Vec::new(),
            status: None,
            draft: false,
            updates: Vec::new(),
            body: String::new(),
            body_line: 1,
        }
    }
}
