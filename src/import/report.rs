//! The import report: what was written, every value guessed or dropped (with file and
//! line), and every source file skipped and why. `--dry-run` prints the same report.

use std::fmt;

use crate::import::model::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// A value was read in a way the source did not spell out (a time without offset,
    /// a status from free text, a new component...).
    Guessed,
    /// A value could not be carried over.
    Dropped,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Guessed => "guessed",
            NoteKind::Dropped => "dropped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub origin: Origin,
    pub kind: NoteKind,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub origin: Origin,
    pub reason: String,
}

/// Counts of what was (or, with --dry-run, would be) written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub incidents: usize,
    pub updates: usize,
    pub maintenance: usize,
    /// Updates of maintenance windows.
    pub maintenance_updates: usize,
    /// Components written to site.toml (new ones only when it existed).
    pub components: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub dry_run: bool,
    pub counts: Counts,
    /// Files written (or to be written), relative to the site root.
    pub written: Vec<String>,
    pub notes: Vec<Note>,
    pub skipped: Vec<Skipped>,
    /// Incidents and updates found in the source, to compare with the counts.
    pub source_incidents: usize,
    pub source_maintenance: usize,
    pub source_updates: usize,
}

impl Report {
    pub fn guessed(&mut self, origin: Origin, message: impl Into<String>) {
        self.notes.push(Note {
            origin,
            kind: NoteKind::Guessed,
            message: message.into(),
        });
    }
    pub fn dropped(&mut self, origin: Origin, message: impl Into<String>) {
        self.notes.push(Note {
            origin,
            kind: NoteKind::Dropped,
            message: message.into(),
        });
    }
    pub fn skip(&mut self, origin: Origin, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            origin,
            reason: reason.into(),
        });
    }
    /// Stable order: by file, line, then text.
    pub fn sort(&mut self) {
        self.notes.sort();
        self.notes.dedup();
        self.skipped.sort();
        self.written.sort();
    }
}

fn location(o: &Origin) -> String {
    if o.line == 0 {
        o.file.clone()
    } else {
        format!("{}:{}", o.file, o.line)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.notes {
            writeln!(
                f,
                "{}: {}: {}",
                location(&n.origin),
                n.kind.as_str(),
                n.message
            )?;
        }
        for s in &self.skipped {
            writeln!(f, "{}: skipped: {}", location(&s.origin), s.reason)?;
        }
        let c = &self.counts;
        let verb = if self.dry_run { "would write" } else { "wrote" };
        writeln!(
            f,
            "{verb} {} incident(s) with {} update(s), {} maintenance window(s) with {} update(s), {} component(s)",
            c.incidents, c.updates, c.maintenance, c.maintenance_updates, c.components
        )?;
        writeln!(
            f,
            "source: {} incident(s), {} maintenance window(s), {} update(s); {} value(s) guessed, {} dropped, {} file(s) or item(s) skipped",
            self.source_incidents,
            self.source_maintenance,
            self.source_updates,
            self.notes
                .iter()
                .filter(|n| n.kind == NoteKind::Guessed)
                .count(),
            self.notes
                .iter()
                .filter(|n| n.kind == NoteKind::Dropped)
                .count(),
            self.skipped.len()
        )?;
        if self.dry_run {
            writeln!(f, "dry run: nothing was written")?;
        }
        Ok(())
    }
}
