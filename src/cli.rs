//! The command line: argument parsing and reporting only; the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::authoring::time_arg::TimeArg;
use crate::diag::report;
use crate::load::LoadOptions;
use crate::load::root::site_root;

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
    /// Post an update to an incident or maintenance window (edits its file in place).
    Update(UpdateArgs),
    /// Resolve an incident (or complete a maintenance window) with a final update.
    Resolve(ResolveArgs),
    /// Import a cState, Statusfy or Atlassian Statuspage history (never overwrites without --force).
    Import(ImportArgs),
    /// Tell subscribers (Slack, Discord, Teams, webhooks, email) what changed since the last run.
    Notify(NotifyArgs),
    /// Work with the site's theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Work with the site's check history (data/checks/).
    #[command(subcommand)]
    Checks(ChecksCommand),
}

#[derive(Args, Debug)]
pub struct NotifyArgs {
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// What was already announced [default: ROOT/.statusgen/notify-state.json].
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print exactly what would be sent, per channel; send nothing, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send every event a first run (or a new channel) would only record.
    #[arg(long)]
    pub all: bool,
    /// The current time: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long)]
    pub now: Option<TimeArg>,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// The incident or maintenance window: its slug, a unique start of it (the date may
    /// be left out), or its file's path.
    pub incident: String,
    /// Incidents: investigating, identified, monitoring or resolved. Maintenance:
    /// scheduled, in_progress, completed or cancelled.
    #[arg(long, value_parser = parse_status)]
    pub status: String,
    /// What customers should know.
    #[arg(long, short)]
    pub message: String,
    /// When: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone [default: now].
    #[arg(long)]
    pub at: Option<TimeArg>,
    /// A component's level from now on, id=level (repeat it, or separate with commas).
    #[arg(long = "component", value_delimiter = ',')]
    pub components: Vec<String>,
    /// A new impact: none, minor, major or critical.
    #[arg(long, value_parser = parse_impact)]
    pub impact: Option<crate::vocabulary::Impact>,
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ResolveArgs {
    /// The incident or maintenance window: its slug, a unique start of it, or its path.
    pub incident: String,
    /// The final message [default: a short note that service is back to normal].
    #[arg(long, short)]
    pub message: Option<String>,
    /// When: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone [default: now].
    #[arg(long)]
    pub at: Option<TimeArg>,
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
}

fn parse_status(s: &str) -> Result<String, String> {
    use crate::vocabulary::{MaintenanceStatus, UpdateStatus, one_of};
    if UpdateStatus::parse(s).is_some() || MaintenanceStatus::parse(s).is_some() {
        return Ok(s.to_string());
    }
    let incident: Vec<&str> = UpdateStatus::ALL.iter().map(|t| t.as_str()).collect();
    let maintenance: Vec<&str> = MaintenanceStatus::ALL.iter().map(|t| t.as_str()).collect();
    Err(format!(
        "use {} for an incident, {} for maintenance",
        one_of(&incident),
        one_of(&maintenance)
    ))
}

#[derive(Subcommand, Debug)]
pub enum ThemeCommand {
    /// Copy the built-in templates and style.css into the site's templates/ and static/
    /// to override them (files that exist are kept).
    Eject(EjectArgs),
}

#[derive(Args, Debug)]
pub struct EjectArgs {
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Only these files (e.g. `incident.html`, `index`, `style.css`) [default: all].
    pub templates: Vec<String>,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Where to write the site, replaced as a whole on success [default: ROOT/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Overrides base_url from site.toml (e.g. for a preview deployment).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include incidents and maintenance marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// The current time: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long)]
    pub now: Option<TimeArg>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Treat warnings as failures (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// The current time, for overdue and follow-up rules: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long)]
    pub now: Option<TimeArg>,
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
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The post-mortem template: lightweight, incident, launch, status-page, regulated, or a
    /// team template of site.toml ([postmortem.templates.NAME]).
    #[arg(long, default_value = "incident", value_parser = parse_template)]
    pub template: crate::site::Template,
    /// Affected component ids from site.toml, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub components: Vec<String>,
    /// none, minor, major or critical.
    #[arg(long, default_value = "minor", value_parser = parse_impact)]
    pub impact: crate::vocabulary::Impact,
    /// When the incident started: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone (default: $SOURCE_DATE_EPOCH, else the clock).
    #[arg(long)]
    pub now: Option<TimeArg>,
}

#[derive(Args, Debug)]
pub struct NewMaintenanceArgs {
    /// The window's title, as customers will read it.
    pub title: String,
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Start: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone.
    #[arg(long)]
    pub starts: TimeArg,
    /// End: RFC 3339, or "YYYY-MM-DD HH:MM" in the site timezone.
    #[arg(long)]
    pub ends: TimeArg,
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

/// A built-in variant, or the name of a team template (checked against site.toml by `new`).
fn parse_template(s: &str) -> Result<crate::site::Template, String> {
    use crate::site::Template;
    use crate::vocabulary::{TemplateKind, one_of};
    match TemplateKind::parse(s) {
        Some(k) => Ok(Template::Builtin(k)),
        None if crate::load::slug::is_valid(s) => Ok(Template::Team(s.to_string())),
        None => {
            let words: Vec<&str> = TemplateKind::ALL.iter().map(|t| t.as_str()).collect();
            Err(format!(
                "use one of {} or the name of a [postmortem.templates.NAME] of site.toml",
                one_of(&words)
            ))
        }
    }
}

fn parse_impact(s: &str) -> Result<crate::vocabulary::Impact, String> {
    use crate::vocabulary::{Impact, one_of};
    Impact::parse(s).ok_or_else(|| {
        let words: Vec<&str> = Impact::ALL.iter().map(|t| t.as_str()).collect();
        format!("use one of {}", one_of(&words))
    })
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The address to listen on: an IP address, or `localhost` (127.0.0.1).
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_bind)]
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

/// `--bind`: an IP address, or `localhost` for 127.0.0.1 (no name lookups: a name
/// could resolve to an address the user did not mean to expose).
fn parse_bind(s: &str) -> Result<std::net::IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::Ipv4Addr::LOCALHOST.into());
    }
    s.parse().map_err(|_| {
        format!("{s:?} is not an IP address; use localhost, 127.0.0.1, ::1 or 0.0.0.0")
    })
}

/// "Now" from a `--now`/`--at` argument: a local time is read in the site's timezone,
/// so site.toml is read for it (its problems reported, exit 1).
fn time_or_now(root: &std::path::Path, flag: Option<TimeArg>) -> Result<DateTime<Utc>, ExitCode> {
    let flag = match flag {
        Some(t) if t.is_local() => {
            let config = crate::authoring::new::read_config(root).map_err(|e| {
                if let crate::authoring::new::NewError::Invalid(d) = e {
                    report(&d);
                }
                ExitCode::from(1)
            })?;
            Some(t.resolve(config.timezone).map_err(usage_error)?)
        }
        Some(t) => Some(t.resolve(chrono_tz::UTC).map_err(usage_error)?),
        None => None,
    };
    crate::now::resolve(flag).map_err(usage_error)
}

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", crate::diag::terminal_safe(&msg.to_string()));
    ExitCode::from(2)
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(a) => build(a),
        Command::Check(a) => check(a),
        Command::New(c) => new(c),
        Command::Init(a) => init(a),
        Command::Serve(a) => serve(a),
        Command::Update(a) => update(a),
        Command::Resolve(a) => resolve(a),
        Command::Import(a) => import(a),
        Command::Notify(a) => notify(a),
        Command::Theme(ThemeCommand::Eject(a)) => eject(a),
        Command::Checks(ChecksCommand::Import(a)) => checks_import(a),
    }
}

fn eject(a: EjectArgs) -> ExitCode {
    use crate::authoring::eject::{Ejected, eject};
    let root = site_root(a.root);
    match eject(&root, &a.templates) {
        Ok(done) => {
            for d in &done {
                match d {
                    Ejected::Written(p) => println!("{}", root.join(p).display()),
                    Ejected::Kept(p) => eprintln!(
                        "kept {}: it exists (remove it to eject the built-in one)",
                        root.join(p).display()
                    ),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn notify(a: NotifyArgs) -> ExitCode {
    use crate::notify::{NotifyError, NotifyOptions, http::Retry};
    let root = site_root(a.root);
    let now = match time_or_now(&root, a.now) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let opts = NotifyOptions {
        root: root.clone(),
        state: a.state,
        dry_run: a.dry_run,
        all: a.all,
        now,
        retry: Retry::from_env(),
    };
    let mut out = std::io::stdout().lock();
    let mut log = std::io::stderr();
    match crate::notify::run(&opts, &mut out, &mut log) {
        Ok(mut o) => {
            crate::diag::rebase(&mut o.warnings, &root);
            report(&o.warnings);
            if o.pending > 0 {
                eprintln!(
                    "notify: {} message(s) sent, {} left pending; the next run retries them",
                    o.sent, o.pending
                );
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(NotifyError::Invalid(mut d)) => {
            crate::diag::rebase(&mut d, &root);
            report(&d);
            eprintln!("notify: nothing was sent");
            ExitCode::from(1)
        }
        Err(NotifyError::State(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn posted(
    root: &std::path::Path,
    result: Result<crate::authoring::lifecycle::Posted, crate::authoring::lifecycle::PostError>,
) -> ExitCode {
    use crate::authoring::lifecycle::PostError;
    match result {
        Ok(p) => {
            println!("{}", p.path.display());
            eprintln!(
                "posted \"{}\" to {} {} ({}); publish it with `statusgen build`",
                p.status,
                p.kind.noun(),
                p.slug,
                p.rel
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e {
                PostError::Invalid(mut d) => {
                    // Content files as seen from where statusgen runs; arguments as named.
                    let files = d.iter_mut().filter(|d| d.file.starts_with("content/"));
                    crate::diag::rebase(files, root);
                    report(&d)
                }
                PostError::Io(p, e) => eprintln!("error: cannot update {}: {e}", p.display()),
            }
            eprintln!("nothing was written");
            ExitCode::from(1)
        }
    }
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

fn update(a: UpdateArgs) -> ExitCode {
    let root = site_root(a.root);
    let at = match time_or_now(&root, a.at) {
        Ok(t) => t,
        Err(code) => return code,
    };
    posted(
        &root,
        crate::authoring::lifecycle::post(
            &root,
            &current_dir(),
            &a.incident,
            &crate::authoring::lifecycle::Post {
                status: a.status,
                message: a.message,
                at,
                components: a.components,
                impact: a.impact,
            },
        ),
    )
}

fn resolve(a: ResolveArgs) -> ExitCode {
    let root = site_root(a.root);
    let at = match time_or_now(&root, a.at) {
        Ok(t) => t,
        Err(code) => return code,
    };
    posted(
        &root,
        crate::authoring::lifecycle::resolve(&root, &current_dir(), &a.incident, a.message, at),
    )
}

fn serve(a: ServeArgs) -> ExitCode {
    if let Err(e) = crate::now::resolve(None) {
        return usage_error(e);
    }
    let opts = crate::serve::ServeOptions {
        root: site_root(a.root),
        bind: a.bind,
        port: a.port,
        open: a.open,
        drafts: a.drafts,
        poll: a.poll,
    };
    match crate::serve::run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", crate::diag::terminal_safe(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

fn build(a: BuildArgs) -> ExitCode {
    let root = site_root(a.root);
    let now = match time_or_now(&root, a.now) {
        Ok(n) => n,
        Err(code) => return code,
    };
    // An explicit --output is relative to where statusgen runs; the default lives in the site.
    let output = a.output.unwrap_or_else(|| root.join("public"));
    let opts = LoadOptions {
        drafts: a.drafts,
        base_url: a.base_url,
    };
    match crate::build::build(&root, &output, &opts, now) {
        Ok(mut s) => {
            crate::diag::rebase(&mut s.warnings, &root);
            report(&s.warnings);
            eprintln!(
                "built {} incident(s) and {} maintenance window(s) into {} ({} files)",
                s.incidents,
                s.maintenance,
                s.output.display(),
                s.files
            );
            // The new site is in place: failing to delete the old one is only a warning
            // (the next build removes it).
            for (dir, e) in s.retired.remove() {
                eprintln!(
                    "warning: cannot remove the previous output {}: {e}; the next build removes it",
                    dir.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(crate::build::BuildError::Content(mut d)) => {
            crate::diag::rebase(&mut d, &root);
            report(&d);
            eprintln!(
                "build failed: nothing was written; {} is unchanged",
                output.display()
            );
            ExitCode::from(1)
        }
        Err(crate::build::BuildError::Output(e @ crate::output::OutputError::Io { .. })) => {
            eprintln!("error: {}", crate::diag::terminal_safe(&e.to_string()));
            ExitCode::from(1)
        }
        Err(crate::build::BuildError::Output(e)) => usage_error(e),
    }
}

fn check(a: CheckArgs) -> ExitCode {
    use crate::authoring::check::{self, CheckOptions, Format};
    let root = site_root(a.root);
    let now = match time_or_now(&root, a.now) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let mut r = check::check_site(
        &root,
        &CheckOptions {
            now,
            drafts: a.drafts,
        },
    );
    crate::diag::rebase(r.findings.iter_mut().map(|f| &mut f.diag), &root);
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
    eprintln!("{}", check::summary(&r, &root));
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
            let root = site_root(a.root);
            let now = match time_or_now(&root, a.now) {
                Ok(n) => n,
                Err(code) => return code,
            };
            new::new_incident(
                &root,
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
            let root = site_root(a.root);
            let config = match new::read_config(&root) {
                Ok(c) => c,
                Err(e) => return new_failed(e),
            };
            let tz = config.timezone;
            let (starts, ends) = match (a.starts.resolve(tz), a.ends.resolve(tz)) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(e), _) => return usage_error(format!("--starts: {e}")),
                (_, Err(e)) => return usage_error(format!("--ends: {e}")),
            };
            new::new_maintenance(
                &root,
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
    let now = match crate::now::resolve(None) {
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
            eprintln!("error: {}", crate::diag::terminal_safe(&e.to_string()));
            ExitCode::from(1)
        }
    }
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The source's format.
    #[arg(value_enum)]
    pub format: crate::import::Format,
    /// The source: a cState or Statusfy site folder, or Statuspage JSON (a folder or one file).
    pub source: PathBuf,
    /// The statusgen site to import into (site.toml is created when there is none).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// A TOML table of source component name = component id ("" drops it).
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// Print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// The source's timezone, for times written without a UTC offset (IANA name) [default: UTC].
    #[arg(long, value_parser = parse_tz)]
    pub timezone: Option<chrono_tz::Tz>,
}

fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    s.parse().map_err(|_| {
        format!("\"{s}\" is not an IANA timezone name; use one like Europe/Berlin or UTC")
    })
}

fn import(a: ImportArgs) -> ExitCode {
    use crate::import::{ImportError, Options, run};
    let opts = Options {
        format: a.format,
        source: a.source,
        root: a.root,
        map: a.map,
        dry_run: a.dry_run,
        force: a.force,
        timezone: a.timezone,
    };
    match run(&opts) {
        Ok(r) => {
            use std::io::Write;
            // A large history has thousands of report lines: written in blocks, not per line.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for f in &r.written {
                let _ = writeln!(out, "{f}");
            }
            let _ = out.flush();
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            let _ = write!(err, "{r}");
            let _ = err.flush();
            ExitCode::SUCCESS
        }
        Err(ImportError::Config(d)) => {
            report(&d);
            eprintln!("import failed: fix site.toml first; nothing was written");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("import failed: nothing was written");
            ExitCode::from(1)
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum ChecksCommand {
    /// Import a monitoring export into data/checks/<ID>.csv (merged, sorted, one row per
    /// time; rows already there are kept). See docs/checks-import.md.
    Import(ChecksImportArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  statusgen checks import prometheus probe.json --component api --select instance=https://api.example.com
  statusgen checks import upptime history/api.log --component api
  statusgen checks import uptimerobot logs.csv --component api --timezone Europe/Berlin
  statusgen checks import uptimekuma heartbeats.csv --component api --dry-run")]
pub struct ChecksImportArgs {
    /// The export's format.
    #[arg(value_enum)]
    pub format: crate::import::checks::Format,
    /// The export: range-query JSON (prometheus), the exported `git log` of
    /// history/<slug>.yml (upptime), or a CSV file (uptimerobot, uptimekuma).
    pub file: PathBuf,
    /// The component of site.toml the checks belong to.
    #[arg(long)]
    pub component: String,
    /// The site folder (holding site.toml) [default: the nearest folder upwards with a site.toml].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Print what would be written (counts, first and last time); write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// prometheus: keep only series with this label value, label=value (repeat for more).
    #[arg(long, value_name = "LABEL=VALUE", value_parser = crate::import::checks::prometheus::parse_selector)]
    pub select: Vec<(String, String)>,
    /// upptime: the history/<slug>.yml [default: FILE with the extension .yml, if it exists].
    #[arg(long, value_name = "YML")]
    pub history: Option<PathBuf>,
    /// The timezone of times written without a UTC offset (IANA name). Required for such
    /// uptimerobot exports; uptimekuma times without one are UTC unless this is given.
    #[arg(long, value_name = "TZ", value_parser = parse_tz)]
    pub timezone: Option<chrono_tz::Tz>,
}

fn checks_import(a: ChecksImportArgs) -> ExitCode {
    use crate::import::checks::{ChecksError, Options, run};
    let root = site_root(a.root);
    let opts = Options {
        format: a.format,
        file: a.file,
        component: a.component,
        root: root.clone(),
        dry_run: a.dry_run,
        select: a.select,
        history: a.history,
        timezone: a.timezone,
    };
    match run(&opts) {
        Ok(mut o) => {
            crate::diag::rebase(
                o.warnings
                    .iter_mut()
                    .filter(|d| d.file.starts_with("data/")),
                &root,
            );
            report(&o.warnings);
            let report_text = crate::diag::terminal_safe(&o.to_string()).into_owned();
            if o.dry_run {
                print!("{report_text}");
            } else {
                if o.written {
                    println!("{}", o.path.display());
                }
                eprint!("{report_text}");
            }
            ExitCode::SUCCESS
        }
        Err(ChecksError::Invalid(mut d)) => {
            let files = d
                .iter_mut()
                .filter(|d| d.file.starts_with("data/") || d.file == "site.toml");
            crate::diag::rebase(files, &root);
            report(&d);
            eprintln!("checks import failed: nothing was written");
            ExitCode::from(1)
        }
        Err(ChecksError::Io(p, e)) => {
            eprintln!("error: cannot write {}: {e}", p.display());
            eprintln!("checks import failed: nothing was written");
            ExitCode::from(1)
        }
    }
}
