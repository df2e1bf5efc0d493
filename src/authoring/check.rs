//! `statusgen check`: everything `build` validates, without writing anything, plus the
//! post-mortem lint; and the three ways of printing the findings.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::authoring::lint::{Finding, lint_site};
use crate::diag::{Diagnostic, Severity};
use crate::load::{LoadOptions, load_site};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: warning: message [rule]` on stderr, for people.
    #[default]
    Text,
    /// One JSON object per finding per line on stdout, for tools.
    Json,
    /// GitHub Actions workflow commands on stdout: annotations on the pull request.
    Github,
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub now: DateTime<Utc>,
    /// Render-check the site as `build --drafts` would (drafts are linted either way).
    pub drafts: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by file, line, rule.
    pub findings: Vec<Finding>,
    /// What was checked (drafts included); 0 when the site did not load.
    pub incidents: usize,
    pub maintenance: usize,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.diag.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
    /// Whether `check` fails: on any error, or with `strict` on any warning.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors() > 0 || (strict && !self.findings.is_empty())
    }
}

/// The rule id of a problem that `build` itself reports.
fn build_rule(d: &Diagnostic) -> &'static str {
    if d.file == crate::load::config::FILE {
        "config"
    } else {
        "content"
    }
}

/// Loads (drafts included), renders in memory and lints the site. Writes nothing.
pub fn check_site(root: &Path, opts: &CheckOptions) -> CheckReport {
    let loaded = load_site(
        root,
        &LoadOptions {
            drafts: true,
            base_url: None,
        },
    );
    let mut findings: Vec<Finding> = loaded
        .diagnostics
        .into_iter()
        .map(|d| Finding {
            rule: build_rule(&d),
            diag: d,
        })
        .collect();
    let Some(site) = loaded.site else {
        return CheckReport {
            findings,
            ..CheckReport::default()
        };
    };
    // Rendering finds what only templates and output paths can show; the output of
    // `build` without --drafts has no drafts, so render exactly that.
    // `render_site` also loads the theme, so template errors are reported too.
    let mut rendered = site.clone();
    if !opts.drafts {
        rendered.drop_drafts();
    }
    if let Err(diags) = crate::build::render_site(&rendered, opts.now) {
        findings.extend(diags.into_iter().map(|diag| Finding {
            rule: "render",
            diag,
        }));
    }
    findings.extend(lint_site(&site, opts.now));
    findings.extend(crate::validate::site(&site, opts.now));
    findings.sort_by(|a, b| {
        (
            &a.diag.file,
            a.diag.line,
            a.diag.column,
            a.rule,
            &a.diag.message,
        )
            .cmp(&(
                &b.diag.file,
                b.diag.line,
                b.diag.column,
                b.rule,
                &b.diag.message,
            ))
    });
    CheckReport {
        findings,
        incidents: site.incidents.len(),
        maintenance: site.maintenance.len(),
    }
}

/// Whether a rule id belongs to the post-mortem lint (and is shown as `[rule]` in text).
fn is_lint(rule: &str) -> bool {
    !matches!(rule, "config" | "content" | "render")
}

/// The findings as diagnostics for `diag::report`, lint rule ids appended to messages.
pub fn text_diagnostics(findings: &[Finding]) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|f| {
            let mut d = f.diag.clone();
            if is_lint(f.rule) {
                d.message = format!("{} [{}]", d.message, f.rule);
            }
            d
        })
        .collect()
}

/// One JSON object (one line) per finding.
pub fn json_line(f: &Finding) -> String {
    serde_json::json!({
        "severity": f.diag.severity.as_str(),
        "rule": f.rule,
        "file": f.diag.file,
        "line": f.diag.line,
        "column": f.diag.column,
        "message": f.diag.message,
        "help": f.diag.help,
    })
    .to_string()
}

/// GitHub's escaping of a workflow command's message.
pub fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property value.
pub fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::warning file=…,line=…,col=…,title=…::message` (line and col left out when unknown).
pub fn github_line(f: &Finding) -> String {
    let level = match f.diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = vec![format!("file={}", gh_escape_property(&f.diag.file))];
    if f.diag.line > 0 {
        props.push(format!("line={}", f.diag.line));
        if f.diag.column > 0 {
            props.push(format!("col={}", f.diag.column));
        }
    }
    props.push(format!(
        "title={}",
        gh_escape_property(&format!("statusgen {}", f.rule))
    ));
    let mut message = f.diag.message.clone();
    if let Some(h) = &f.diag.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    format!(
        "::{level} {}::{}",
        props.join(","),
        gh_escape_data(&message)
    )
}

/// The closing line, for stderr.
pub fn summary(report: &CheckReport, root: &Path) -> String {
    format!(
        "checked {} ({} incident(s), {} maintenance window(s)): {} error(s), {} warning(s)",
        root.display(),
        report.incidents,
        report.maintenance,
        report.errors(),
        report.warnings()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Finding {
        Finding {
            rule: "action-overdue",
            diag: Diagnostic::warning(
                "content/incidents/a,b:c.md",
                12,
                0,
                "50% done\nstill \"open\"",
            )
            .with_help("fix it"),
        }
    }

    #[test]
    fn github_commands_are_escaped() {
        assert_eq!(
            github_line(&finding()),
            "::warning file=content/incidents/a%2Cb%3Ac.md,line=12,title=statusgen action-overdue::50%25 done%0Astill \"open\"%0Ahelp: fix it"
        );
    }

    #[test]
    fn json_lines_have_every_field() {
        let v: serde_json::Value = serde_json::from_str(&json_line(&finding())).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["rule"], "action-overdue");
        assert_eq!(v["line"], 12);
        assert_eq!(v["column"], 0);
        assert_eq!(v["help"], "fix it");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "severity", "rule", "file", "line", "column", "message", "help"
            ]
        );
    }

    #[test]
    fn strict_fails_on_warnings() {
        let r = CheckReport {
            findings: vec![finding()],
            incidents: 1,
            maintenance: 0,
        };
        assert!(!r.fails(false));
        assert!(r.fails(true));
    }
}
