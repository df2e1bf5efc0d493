//! Diagnostics: every problem found in a site, with file, line, column, what is
//! wrong and how to fix it. Stages collect them all and report them at once.

use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root with `/` separators (e.g. `content/incidents/x.md`).
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` as editors and terminals link it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.clone(),
            (l, 0) => format!("{}:{}", self.file, l),
            (l, c) => format!("{}:{}:{}", self.file, l, c),
        }
    }
}

/// Text shown safely on a terminal (and in the live-reload stream): control characters,
/// which could move the cursor, recolour or retitle the terminal or forge a line, and
/// the bidirectional overrides that reorder what is shown, are written escaped
/// (`\u{1b}`). Line feeds and tabs stay.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// One character as an escape a reader can type back: `\u{1b}`.
pub fn escape_char(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            terminal_safe(&self.location()),
            self.severity.as_str(),
            terminal_safe(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", terminal_safe(help))?;
        }
        Ok(())
    }
}

/// A diagnostic with the id of the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// E.g. `missing-section`; `config` / `content` / `render` for problems `build` also reports.
    pub rule: &'static str,
    pub diag: Diagnostic,
}

/// How the site root is reached from the current directory, `/`-separated: `None` for
/// the current directory itself; an absolute path when the root lies elsewhere.
pub fn root_from_cwd(root: &std::path::Path, cwd: Option<&std::path::Path>) -> Option<String> {
    use std::path::Component;
    let rel = match (root.is_absolute(), cwd) {
        (true, Some(cwd)) => root.strip_prefix(cwd).unwrap_or(root),
        _ => root,
    };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    match parts.as_slice() {
        [] => None,
        [only] if only.is_empty() => Some("/".into()),
        _ => Some(parts.join("/")),
    }
}

/// Rewrites the files of diagnostics, which are relative to the site root, to be
/// relative to the current directory, so `--root site` reports `site/content/…`: what an
/// editor, a terminal and GitHub's annotations (paths from the repository root) can open.
/// Pseudo-files such as `--base-url` are left alone.
pub fn rebase<'a>(diags: impl IntoIterator<Item = &'a mut Diagnostic>, root: &std::path::Path) {
    let cwd = std::env::current_dir().ok();
    let Some(prefix) = root_from_cwd(root, cwd.as_deref()) else {
        return;
    };
    let prefix = prefix.trim_end_matches('/');
    for d in diags {
        if !d.file.is_empty() && !d.file.starts_with('-') {
            d.file = format!("{prefix}/{}", d.file);
        }
    }
}

impl Finding {
    /// A warning of `rule` at `file:line`, with how to fix it.
    pub fn warning(
        rule: &'static str,
        file: &str,
        line: usize,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            diag: Diagnostic::warning(file, line, 0, message).with_help(help),
        }
    }
}

/// Sorts diagnostics by file, line, column so reports are stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Prints diagnostics to stderr with a closing count line.
pub fn report(diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        if color {
            let (c, reset) = if d.is_error() {
                ("\x1b[1;31m", "\x1b[0m")
            } else {
                ("\x1b[1;33m", "\x1b[0m")
            };
            eprintln!(
                "{}: {c}{}{reset}: {}",
                terminal_safe(&d.location()),
                d.severity.as_str(),
                terminal_safe(&d.message)
            );
            if let Some(h) = &d.help {
                eprintln!("  help: {}", terminal_safe(h));
            }
        } else {
            eprintln!("{d}");
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_and_help() {
        let d = Diagnostic::error("content/incidents/a.md", 3, 10, "unknown field `titel`")
            .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/incidents/a.md:3:10: error: unknown field `titel`\n  help: did you mean `title`?"
        );
    }

    #[test]
    fn root_is_given_from_the_current_directory() {
        use std::path::Path;
        let cwd = Some(Path::new("/repo"));
        assert_eq!(root_from_cwd(Path::new("."), cwd), None);
        assert_eq!(
            root_from_cwd(Path::new("./site/"), cwd),
            Some("site".into())
        );
        assert_eq!(
            root_from_cwd(Path::new("/repo/status/site"), cwd),
            Some("status/site".into())
        );
        assert_eq!(root_from_cwd(Path::new("/repo"), cwd), None);
        assert_eq!(
            root_from_cwd(Path::new("/elsewhere/site"), cwd),
            Some("/elsewhere/site".into())
        );
        assert_eq!(
            root_from_cwd(Path::new("../site"), cwd),
            Some("../site".into())
        );
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let d = Diagnostic::error(
            "content/incidents/\x1b]0;pwned\x07.md",
            1,
            1,
            "unknown field `\x1b[2J\rtitle\u{202e}`",
        )
        .with_help("line one\nline two\u{9b}");
        let text = d.to_string();
        assert_eq!(
            text,
            "content/incidents/\\u{1b}]0;pwned\\u{7}.md:1:1: error: unknown field `\\u{1b}[2J\\u{d}title\\u{202e}`\n  help: line one\nline two\\u{9b}"
        );
        assert!(!text.contains(['\x1b', '\r', '\x07', '\u{9b}', '\u{202e}']));
        assert!(matches!(terminal_safe("plain\ttext\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncé\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 6), (2, 3));
        assert_eq!(line_col(t, 7), (3, 1));
        assert_eq!(line_col(t, 99), (3, 2));
    }
}
