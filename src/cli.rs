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
    /// Validate the site and write nothing.
    Check(CheckArgs),
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
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as failures.
    #[arg(long)]
    pub strict: bool,
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
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
        Ok(s) => {
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
        Err(crate::build::BuildError::Content(d)) => {
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
    if let Err(e) = resolve_now(a.now) {
        return usage_error(e);
    }
    let loaded = crate::load::load_site(
        &a.root,
        &LoadOptions {
            drafts: true,
            base_url: None,
        },
    );
    report(&loaded.diagnostics);
    let fails = loaded.diagnostics.iter().any(|d| d.is_error() || a.strict);
    if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
