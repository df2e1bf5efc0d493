//! The command line: argument parsing and reporting only; the work is in the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::load::LoadOptions;

#[derive(Parser, Debug)]
#[command(
    name = "statusgen",
    version,
    about = "Static status pages and public post-mortems from Markdown"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (atomically).
    Build(BuildArgs),
    /// Validate the site and lint its post-mortems; write nothing.
    Check(CheckArgs),
    /// Write a new incident or maintenance file from a template.
    #[command(subcommand)]
    New(NewCommand),
    /// Create a fresh, working site (never overwrites a file).
    Init(InitArgs),
    /// Preview the site with live reload (built in memory; nothing is written).
    Serve(ServeArgs),
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site, replaced as a whole on success [default: ROOT/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Overrides base_url from site.toml (e.g. for a preview deployment).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include incidents and maintenance marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// The current time, RFC 3339 (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as failures (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// The current time, RFC 3339, for overdue and follow-up rules (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// How to print findings: text (stderr), json (one object per line) or github (annotations).
    #[arg(long, value_enum, default_value_t = crate::authoring::check::Format::Text)]
    pub format: crate::authoring::check::Format,
    /// Render-check drafts as `build --drafts` would (drafts are always linted).
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Subcommand, Debug)]
pub enum NewCommand {
    /// A new incident, starting now, with the chosen post-mortem variant's sections.
    Incident(NewIncidentArgs),
    /// A new maintenance window.
    Maintenance(NewMaintenanceArgs),
}

#[derive(Args, Debug)]
pub struct NewIncidentArgs {
    /// The incident's title, as customers will read it.
    pub title: String,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The post-mortem variant: lightweight, incident, launch, status-page or regulated.
    #[arg(long, default_value = "incident", value_parser = parse_template)]
    pub template: crate::model::level::TemplateKind,
    /// Affected component ids from site.toml, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub components: Vec<String>,
    /// none, minor, major or critical.
    #[arg(long, default_value = "minor", value_parser = parse_impact)]
    pub impact: crate::model::level::Impact,
    /// When the incident started, RFC 3339 (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

#[derive(Args, Debug)]
pub struct NewMaintenanceArgs {
    /// The window's title, as customers will read it.
    pub title: String,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Start: RFC 3339, or YYYY-MM-DDTHH:MM in the site timezone.
    #[arg(long)]
    pub starts: String,
    /// End: RFC 3339, or YYYY-MM-DDTHH:MM in the site timezone.
    #[arg(long)]
    pub ends: String,
    /// Component ids from site.toml, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub components: Vec<String>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to create the site (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Add a CI workflow that checks, builds and publishes to GitHub Pages.
    #[arg(long, value_enum, default_value_t = crate::authoring::init::Ci::Github)]
    pub ci: crate::authoring::init::Ci,
}

fn parse_template(s: &str) -> Result<crate::model::level::TemplateKind, String> {
    use crate::model::level::{TemplateKind, one_of};
    TemplateKind::parse(s).ok_or_else(|| {
        let words: Vec<&str> = TemplateKind::ALL.iter().map(|t| t.as_str()).collect();
        format!("use one of {}", one_of(&words))
    })
}

fn parse_impact(s: &str) -> Result<crate::model::level::Impact, String> {
    use crate::model::level::{Impact, one_of};
    Impact::parse(s).ok_or_else(|| {
        let words: Vec<&str> = Impact::ALL.iter().map(|t| t.as_str()).collect();
        format!("use one of {}", one_of(&words))
    })
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port; must be free when given [default: 1111, else the next free one].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include incidents and maintenance marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// Poll for changes instead of using native file events (for WSL2 with files on
    /// the Windows side, network drives and some container mounts).
    #[arg(long)]
    pub poll: bool,
}

pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("{e}; write it like 2026-04-15T12:00:00Z"))
}

/// "Now": the flag, else SOURCE_DATE_EPOCH, else the clock, read once.
pub fn resolve_now(flag: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, String> {
    if let Some(n) = flag {
        return Ok(n);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH=\"{s}\" is not a Unix timestamp in seconds")),
        _ => Ok(Utc::now()),
    }
}

/// Prints diagnostics to stderr with a closing count line.
pub fn report(diags: &[Diagnostic]) {
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
                d.location(),
                d.severity.as_str(),
                d.message
            );
            if let Some(h) = &d.help {
                eprintln!("  help: {h}");
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

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(a) => build(a),
        Command::Check(a) => check(a),
        Command::New(c) => new(c),
        Command::Init(a) => init(a),
        Command::Serve(a) => serve(a),
    }
}

fn serve(a: ServeArgs) -> ExitCode {
    if let Err(e) = resolve_now(None) {
        return usage_error(e);
    }
    let opts = crate::serve::ServeOptions {
        root: a.root,
        bind: a.bind,
        port: a.port,
        open: a.open,
        drafts: a.drafts,
        poll: a.poll,
    };
    match crate::serve::run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn build(a: BuildArgs) -> ExitCode {
    let now = match resolve_now(a.now) {
        Ok(n) => n,
        Err(e) => return usage_error(e),
    };
    // An explicit --output is relative to where statusgen runs; the default lives in the site.
    let output = a.output.unwrap_or_else(|| a.root.join("public"));
    let opts = LoadOptions {
        drafts: a.drafts,
        base_url: a.base_url,
    };
    match crate::build::build(&a.root, &output, &opts, now) {
        Ok(mut s) => {
            crate::diag::rebase(&mut s.warnings, &a.root);
            report(&s.warnings);
            eprintln!(
                "built {} incident(s) and {} maintenance window(s) into {} ({} files)",
                s.incidents,
                s.maintenance,
                s.output.display(),
                s.files
            );
            ExitCode::SUCCESS
        }
        Err(crate::build::BuildError::Content(mut d)) => {
            crate::diag::rebase(&mut d, &a.root);
            report(&d);
            eprintln!(
                "build failed: nothing was written; {} is unchanged",
                output.display()
            );
            ExitCode::from(1)
        }
        Err(crate::build::BuildError::Output(e @ crate::output::OutputError::Io { .. })) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(crate::build::BuildError::Output(e)) => usage_error(e),
    }
}

fn check(a: CheckArgs) -> ExitCode {
    use crate::authoring::check::{self, CheckOptions, Format};
    let now = match resolve_now(a.now) {
        Ok(n) => n,
        Err(e) => return usage_error(e),
    };
    let mut r = check::check_site(
        &a.root,
        &CheckOptions {
            now,
            drafts: a.drafts,
        },
    );
    crate::diag::rebase(r.findings.iter_mut().map(|f| &mut f.diag), &a.root);
    match a.format {
        Format::Text => report(&check::text_diagnostics(&r.findings)),
        Format::Json => r
            .findings
            .iter()
            .for_each(|f| println!("{}", check::json_line(f))),
        Format::Github => r
            .findings
            .iter()
            .for_each(|f| println!("{}", check::github_line(f))),
    }
    eprintln!("{}", check::summary(&r, &a.root));
    if r.fails(a.strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn new_failed(e: crate::authoring::new::NewError) -> ExitCode {
    match e {
        crate::authoring::new::NewError::Invalid(d) => report(&d),
        crate::authoring::new::NewError::Io(p, e) => {
            eprintln!("error: cannot write {}: {e}", p.display())
        }
    }
    eprintln!("nothing was written");
    ExitCode::from(1)
}

fn new(c: NewCommand) -> ExitCode {
    use crate::authoring::new;
    let written = match c {
        NewCommand::Incident(a) => {
            let now = match resolve_now(a.now) {
                Ok(n) => n,
                Err(e) => return usage_error(e),
            };
            new::new_incident(
                &a.root,
                &new::IncidentSpec {
                    title: a.title,
                    template: a.template,
                    impact: a.impact,
                    components: a.components,
                    now,
                },
            )
        }
        NewCommand::Maintenance(a) => {
            let config = match new::read_config(&a.root) {
                Ok(c) => c,
                Err(e) => return new_failed(e),
            };
            let tz = config.timezone;
            let (starts, ends) =
                match (new::parse_time(&a.starts, tz), new::parse_time(&a.ends, tz)) {
                    (Ok(s), Ok(e)) => (s, e),
                    (Err(e), _) => return usage_error(format!("--starts: {e}")),
                    (_, Err(e)) => return usage_error(format!("--ends: {e}")),
                };
            new::new_maintenance(
                &a.root,
                &new::MaintenanceSpec {
                    title: a.title,
                    starts,
                    ends,
                    components: a.components,
                },
            )
        }
    };
    match written {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => new_failed(e),
    }
}

fn init(a: InitArgs) -> ExitCode {
    use crate::authoring::init;
    // The example content is dated around today; only `build` output must be reproducible.
    let now = match resolve_now(None) {
        Ok(n) => n,
        Err(e) => return usage_error(e),
    };
    match init::write(&a.dir, &init::plan(now, a.ci)) {
        Ok(paths) => {
            for p in &paths {
                println!("{}", p.display());
            }
            eprintln!(
                "created a site in {}: preview it with `statusgen serve --root {0}`, publish it with `statusgen build`",
                a.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
