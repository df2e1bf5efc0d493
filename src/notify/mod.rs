//! `statusgen notify`: tells subscribers what changed since the last run.
//!
//! load (the same loader and model as `build`, drafts left out) → [`events`] derived at
//! "now" → compared with the [`state`] file → [`message`]s planned per channel →
//! [`payload`] / [`email`] per platform → [`outgoing`] delivered ([`http`], SMTP) → state written.
//! The first run with no state (and a channel's first run) records everything as
//! announced and sends nothing, so adopting notify never replays history.

pub mod email;
pub mod events;
pub mod http;
pub mod message;
pub mod outgoing;
pub mod payload;
pub mod secrets;
pub mod state;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::diag::Diagnostic;
use crate::load::{LoadOptions, load_site};
use crate::site::NotifyChannel;
use events::{Event, derive_events};
use message::{Composer, Message, plan};
use secrets::Secrets;
use state::{State, StateError};

/// Events that happened longer ago than this are history: a new file describing them
/// (an import, a back-filled incident) is recorded without notifying anyone.
pub const STALE: chrono::TimeDelta = chrono::TimeDelta::days(14);

#[derive(Debug, Clone)]
pub struct NotifyOptions {
    pub root: PathBuf,
    /// Default: [`state::DEFAULT_PATH`] under the root.
    pub state: Option<PathBuf>,
    /// Print what would be sent; send and write nothing.
    pub dry_run: bool,
    /// Send events that a first run would only record.
    pub all: bool,
    pub now: DateTime<Utc>,
    pub retry: http::Retry,
}

#[derive(Debug)]
pub enum NotifyError {
    /// The site or its `[[notify]]` tables have problems, or a secret is missing.
    Invalid(Vec<Diagnostic>),
    State(StateError),
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub warnings: Vec<Diagnostic>,
    pub sent: usize,
    /// Messages that stay pending for the next run (a channel failed).
    pub pending: usize,
}

/// The state file's path for these options.
pub fn state_path(opts: &NotifyOptions) -> PathBuf {
    opts.state
        .clone()
        .unwrap_or_else(|| opts.root.join(state::DEFAULT_PATH))
}

/// Runs notify. `out` receives the dry run's messages; `log` one line per channel.
pub fn run(
    opts: &NotifyOptions,
    out: &mut dyn Write,
    log: &mut dyn Write,
) -> Result<Outcome, NotifyError> {
    let loaded = load_site(&opts.root, &LoadOptions::default());
    let Some(site) = loaded.site else {
        return Err(NotifyError::Invalid(loaded.diagnostics));
    };
    let mut outcome = Outcome {
        warnings: loaded.diagnostics,
        ..Outcome::default()
    };
    let channels = &site.config.notify;
    if channels.is_empty() {
        let _ = writeln!(
            log,
            "notify: site.toml has no [[notify]] channels; nothing to do (see docs/notify.md)"
        );
        return Ok(outcome);
    }
    let path = state_path(opts);
    let previous = State::read(&path).map_err(NotifyError::State)?;

    // Every secret first, so a missing one stops the run before anything is sent.
    let env = |name: &str| std::env::var(name).ok();
    let mut resolved: HashMap<&str, Secrets> = HashMap::new();
    let mut problems = Vec::new();
    for c in channels {
        match secrets::resolve(c, &env) {
            Ok(s) => {
                resolved.insert(&c.name, s);
            }
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        if !opts.dry_run {
            return Err(NotifyError::Invalid(problems));
        }
        // A preview needs no secrets; it says which would be missing.
        outcome.warnings.extend(problems.into_iter().map(|mut d| {
            d.severity = crate::diag::Severity::Warning;
            d
        }));
    }
    let all_secrets: Vec<String> = resolved
        .values()
        .flat_map(|s| s.values())
        .map(str::to_string)
        .collect();

    let events = derive_events(&site, opts.now);
    let first_run = previous.is_none();
    let mut st = previous.unwrap_or_else(State::new);
    // Channels removed from site.toml are forgotten.
    st.channels
        .retain(|name, _| channels.iter().any(|c| &c.name == name));
    // Events older than the last run's horizon are settled everywhere and not listed.
    let settled_before = st.history_before;
    let live: Vec<&Event> = events
        .iter()
        .filter(|e| settled_before.is_none_or(|h| e.at >= h))
        .collect();
    let horizon = opts.now - STALE;

    let composer = Composer::new(&site, opts.now);
    let page = composer.api.page().clone();
    let status = serde_json::to_value(composer.page_status()).unwrap_or_default();
    let retry = opts.retry;
    let agent = http::agent(retry.timeout);
    for c in channels {
        let known = st.channels.contains_key(&c.name);
        let handled = st.channels.entry(c.name.clone()).or_default();
        if !known && !opts.all {
            handled.extend(live.iter().map(|e| e.id.clone()));
            let why = if first_run {
                "first run"
            } else {
                "new channel"
            };
            let done = if opts.dry_run {
                "would be recorded"
            } else {
                "recorded"
            };
            let _ = writeln!(
                log,
                "{}: {why}: {} current event(s) {done} as already announced; nothing sent (--all sends them)",
                c.name,
                live.len()
            );
            continue;
        }
        let pending: Vec<&Event> = live
            .iter()
            .copied()
            .filter(|e| !handled.contains(&e.id))
            .collect();
        // Events outside the channel's filters are settled for it: widening a filter
        // later does not replay the past.
        let (wanted, unwanted): (Vec<&Event>, Vec<&Event>) =
            pending.into_iter().partition(|e| wants(c, e));
        handled.extend(unwanted.iter().map(|e| e.id.clone()));
        // History that appears late (an imported or back-filled incident) is recorded,
        // not announced as news.
        let (wanted, stale): (Vec<&Event>, Vec<&Event>) = wanted
            .into_iter()
            .partition(|e| opts.all || e.at >= horizon);
        if !stale.is_empty() {
            handled.extend(stale.iter().map(|e| e.id.clone()));
            let _ = writeln!(
                log,
                "{}: {} new event(s) dated more than {} days ago recorded as history; not sent (--all sends them)",
                c.name,
                stale.len(),
                STALE.num_days()
            );
        }
        let planned = plan(&wanted);
        if planned.is_empty() {
            let _ = writeln!(log, "{}: nothing new", c.name);
            continue;
        }
        let messages: Vec<(Message, Vec<String>)> = planned
            .iter()
            .map(|p| (composer.compose(p), p.covers.clone()))
            .collect();
        let requests: Vec<outgoing::Outgoing> = messages
            .iter()
            .map(|(m, _)| outgoing::build(c, m, &page, &status))
            .collect();
        if opts.dry_run {
            preview(out, c, &requests, &messages, &all_secrets);
            let _ = writeln!(log, "{}: would send {} message(s)", c.name, requests.len());
            continue;
        }
        let Some(secrets) = resolved.get(c.name.as_str()) else {
            continue;
        };
        // In order; the first failure leaves it and the rest pending, so order holds.
        let mut sent = 0;
        for (r, (_, covers)) in requests.iter().zip(&messages) {
            if let Err(why) = r.deliver(secrets, &agent, &retry) {
                let left = requests.len() - sent;
                let _ = writeln!(
                    log,
                    "{}: delivery failed: {}; {left} message(s) left pending for the next run",
                    c.name,
                    secrets::redact(&why, &all_secrets)
                );
                outcome.pending += left;
                break;
            }
            handled.extend(covers.iter().cloned());
            sent += 1;
        }
        outcome.sent += sent;
        if sent > 0 {
            let _ = writeln!(log, "{}: sent {sent} message(s)", c.name);
        }
        // Saved after every channel, so a run killed later does not resend these.
        st.write(&path).map_err(NotifyError::State)?;
    }
    if !opts.dry_run {
        // What is older than the horizon can no longer be sent: settle it by date.
        let history_before = settled_before.map_or(horizon, |h| h.max(horizon));
        st.history_before = Some(history_before);
        let current: BTreeSet<&str> = events
            .iter()
            .filter(|e| e.at >= history_before)
            .map(|e| e.id.as_str())
            .collect();
        st.prune(&current);
        st.write(&path).map_err(NotifyError::State)?;
    }
    Ok(outcome)
}

/// Prints a channel's messages as `--dry-run` shows them.
fn preview(
    out: &mut dyn Write,
    c: &NotifyChannel,
    requests: &[outgoing::Outgoing],
    messages: &[(Message, Vec<String>)],
    all_secrets: &[String],
) {
    let _ = writeln!(
        out,
        "=== channel \"{}\" ({}): {} message(s)",
        c.name,
        c.target.kind(),
        requests.len()
    );
    for (r, (m, _)) in requests.iter().zip(messages) {
        let _ = writeln!(out, "--- {} ({})", m.event_id, m.kind.as_str());
        // Content never holds a secret, but a preview is printed, so make sure.
        let _ = writeln!(out, "{}", secrets::redact(&r.preview(c), all_secrets));
    }
}

/// Whether a channel's `components` and `events` filters let the event through.
fn wants(c: &NotifyChannel, e: &Event<'_>) -> bool {
    (c.events.is_empty() || c.events.contains(&e.kind))
        && (c.components.is_empty()
            || e.components()
                .iter()
                .any(|id| c.components.iter().any(|f| f == id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::events::Subject;
    use crate::site::{ChannelTarget, Incident, Maintenance};
    use crate::vocabulary::EventKind;
    use chrono::TimeZone;

    #[test]
    fn filters_by_component_and_kind() {
        let t = Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap();
        let mut i = Incident::new("a", t, None);
        i.components = vec![crate::site::Affected {
            id: "api".into(),
            level: crate::vocabulary::Level::MajorOutage,
        }];
        let bare = Incident::new("b", t, None);
        let m = Maintenance::new("m", t, t);
        let ev = |subject, kind| Event {
            id: String::new(),
            kind,
            at: t,
            subject,
            update: None,
            maintenance_update: None,
        };
        let mut c = NotifyChannel {
            name: "x".into(),
            target: ChannelTarget::Slack {
                url_env: "X".into(),
            },
            components: vec![],
            events: vec![],
            line: 1,
        };
        let created = ev(Subject::Incident(&i), EventKind::IncidentCreated);
        let other = ev(Subject::Incident(&bare), EventKind::IncidentCreated);
        let window = ev(Subject::Maintenance(&m), EventKind::MaintenanceScheduled);
        assert!(wants(&c, &created) && wants(&c, &other) && wants(&c, &window));
        c.components = vec!["api".into()];
        assert!(wants(&c, &created));
        assert!(!wants(&c, &other), "no components: not about api");
        assert!(!wants(&c, &window));
        c.events = vec![EventKind::IncidentResolved];
        assert!(!wants(&c, &created));
    }
}
