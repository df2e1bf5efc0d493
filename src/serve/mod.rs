//! `statusgen serve`: build the site in memory, serve it over HTTP, rebuild on change
//! and reload the browser. Nothing is ever written into the site (no `public/`).
//!
//! Threads: a small tokio runtime answers every connection (see `server.rs` for its
//! limits), and one thread owns the file watcher and runs every rebuild. A rebuild swaps the whole
//! in-memory site at once, and only then tells browsers to reload, so a reload never
//! lands on a half-built site. A failed rebuild keeps serving the last good site.

pub mod host;
pub mod http;
pub mod paths;
pub mod reload;
pub mod server;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, DurationRound, Utc};
use thiserror::Error;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::load::LoadOptions;
use crate::render::urls::Urls;
use http::{Files, Snapshot, State};

pub const DEFAULT_PORT: u16 = 1111;
/// Without --port, the ports tried after the default one when it is taken.
pub const PORT_TRIES: u16 = 50;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// An explicit port must be free; without one, the first free port from 1111 is used.
    pub port: Option<u16>,
    pub open: bool,
    pub drafts: bool,
    /// Poll for changes instead of using native file events.
    pub poll: bool,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("{0} is not a folder; pass --root DIR with the folder holding site.toml")]
    Root(PathBuf),
    #[error(
        "port {port} on {bind} is already in use; pick another with --port, or leave --port out to use the next free port"
    )]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("no free port on {bind} from {first} to {last}; pass a free one with --port")]
    NoFreePort { bind: IpAddr, first: u16, last: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot watch {root} for changes: {source} (try --poll)")]
    Watch {
        root: PathBuf,
        source: notify::Error,
    },
}

impl ServeError {
    /// Exit code: 2 for what the user can fix on the command line, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ServeError::Watch { .. } => 1,
            _ => 2,
        }
    }
}

/// The files and warnings of a good build, or every problem found.
pub type BuildOutcome = Result<(Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>>;
/// How the site is built: [`build_site`] in `statusgen serve`; tests may pass their own.
pub type BuildFn = dyn Fn(&Path, &LoadOptions, DateTime<Utc>) -> BuildOutcome + Send + Sync;

/// The real build, in memory: the same files `statusgen build` writes. Each call starts
/// afresh; [`rebuilding_build`] keeps unchanged pages between calls.
pub fn build_site(root: &Path, opts: &LoadOptions, now: DateTime<Utc>) -> BuildOutcome {
    crate::build::build_in_memory(root, opts, now).map(|(_, files, warnings)| (files, warnings))
}

/// The build `statusgen serve` uses: like [`build_site`], but incident pages whose
/// inputs did not change since the previous build are reused.
pub fn rebuilding_build() -> Arc<BuildFn> {
    let rebuilder = crate::build::Rebuilder::default();
    Arc::new(move |root: &Path, opts: &LoadOptions, now: DateTime<Utc>| {
        rebuilder
            .build(root, opts, now)
            .map(|(_, files, warnings)| (files, warnings))
    })
}

/// Binds the listening socket: the asked port, or the first free one from 1111.
pub fn listen(bind: IpAddr, port: Option<u16>) -> Result<TcpListener, ServeError> {
    let in_use = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AddrInUse;
    if let Some(port) = port {
        let addr = SocketAddr::new(bind, port);
        return TcpListener::bind(addr).map_err(|source| {
            if in_use(&source) {
                ServeError::PortInUse { bind, port }
            } else {
                ServeError::Listen { addr, source }
            }
        });
    }
    let last = DEFAULT_PORT + PORT_TRIES;
    for port in DEFAULT_PORT..=last {
        let addr = SocketAddr::new(bind, port);
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) if in_use(&e) => continue,
            Err(source) => return Err(ServeError::Listen { addr, source }),
        }
    }
    Err(ServeError::NoFreePort {
        bind,
        first: DEFAULT_PORT,
        last,
    })
}

/// The site's base_url path (`/status/`), read straight from site.toml so it is known
/// even when the site has errors. `None` when it cannot be read.
pub fn base_path(root: &Path) -> Option<String> {
    let canon_root = crate::load::boundary::canonical_root(root);
    let bytes =
        crate::load::boundary::read(&canon_root, &root.join(crate::load::config::FILE)).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let table: toml::Table = text.trim_start_matches('\u{feff}').parse().ok()?;
    let url = table.get("base_url")?.as_str()?;
    // Only a valid base URL: its path becomes redirect targets.
    crate::base_url::check(url)
        .is_ok()
        .then(|| Urls::new(url).base_path().to_string())
}

/// The address as it goes into URLs: a wildcard bind is reached through loopback.
fn url_host(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Everything a rebuild needs.
struct Builder {
    root: PathBuf,
    addr: SocketAddr,
    drafts: bool,
    build: Arc<BuildFn>,
    state: Arc<State>,
}

impl Builder {
    /// Builds, swaps the served site, and only then tells the browsers.
    fn rebuild(&self) {
        let started = Instant::now();
        let previous = self.state.snapshot();
        let prefix = base_path(&self.root)
            .or_else(|| (!previous.prefix.is_empty()).then(|| previous.prefix.clone()))
            .unwrap_or_else(|| "/".to_string());
        let opts = LoadOptions {
            drafts: self.drafts,
            base_url: Some(format!("http://{}{prefix}", url_host(self.addr))),
        };
        // A bad SOURCE_DATE_EPOCH was refused at start; the clock is the only fallback.
        let now = crate::now::resolve(None).unwrap_or_else(|_| Utc::now());
        // Pages show "now" to the minute; within a minute a rebuild can then reuse the
        // pages of the incidents that did not change.
        let now = now
            .duration_trunc(chrono::TimeDelta::minutes(1))
            .unwrap_or(now);
        // A bug that panics in a build must not stop the server from rebuilding later.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            (self.build)(&self.root, &opts, now)
        }))
        .unwrap_or_else(|_| {
            Err(vec![
                Diagnostic::error("statusgen", 0, 0, "internal error: the build panicked")
                    .with_help("please report this with the message printed above"),
            ])
        });
        let generation = previous.generation + 1;
        match outcome {
            Ok((files, warnings)) => {
                let count = files.len();
                let files: Files = files
                    .into_iter()
                    .map(|f| (f.path, Arc::new(f.bytes)))
                    .collect();
                self.state.swap(Snapshot {
                    generation,
                    prefix,
                    files: Some(Arc::new(files)),
                    error: None,
                });
                let gen_text = generation.to_string();
                if previous.error.is_some() {
                    self.state.hub.broadcast(&reload::event("ok", &gen_text));
                }
                self.state
                    .hub
                    .broadcast(&reload::event("reload", &gen_text));
                crate::diag::report(&warnings);
                eprintln!(
                    "built {count} files in {} ms",
                    started.elapsed().as_millis()
                );
            }
            Err(diags) => {
                let text = diagnostics_text(&diags);
                let keeps = previous.files.is_some();
                self.state.swap(Snapshot {
                    generation,
                    // The old files stay under the prefix they were built for.
                    prefix: if keeps {
                        previous.prefix.clone()
                    } else {
                        prefix
                    },
                    files: previous.files.clone(),
                    error: Some(text.clone()),
                });
                self.state.hub.broadcast(&reload::event("error", &text));
                crate::diag::report(&diags);
                if keeps {
                    eprintln!("build failed: still serving the last good site");
                } else {
                    eprintln!("build failed: serving an error page until the problems are fixed");
                }
            }
        }
    }
}

/// The diagnostics as the terminal shows them without colour.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    lines.push(format!(
        "{errors} error(s), {} warning(s)",
        diags.len() - errors
    ));
    lines.join("\n")
}

/// A running server. Its threads live as long as the process.
pub struct Serving {
    pub addr: SocketAddr,
    /// The site's address on this server, sub-path included.
    pub url: String,
    pub watcher_kind: &'static str,
    state: Arc<State>,
}

impl Serving {
    /// Whether the latest build succeeded.
    pub fn is_ok(&self) -> bool {
        self.state.snapshot().error.is_none()
    }
}

/// Binds, builds once, and starts the workers and the watcher; returns once serving.
pub fn start(opts: &ServeOptions, build: Arc<BuildFn>) -> Result<Serving, ServeError> {
    if !opts.root.is_dir() {
        return Err(ServeError::Root(opts.root.clone()));
    }
    // Canonical, so that watcher events (absolute paths) compare with it.
    let root = opts
        .root
        .canonicalize()
        .map_err(|_| ServeError::Root(opts.root.clone()))?;
    let listener = listen(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: SocketAddr::new(opts.bind, opts.port.unwrap_or(DEFAULT_PORT)),
        source,
    })?;
    let state = Arc::new(State::default());
    let builder = Builder {
        root: root.clone(),
        addr,
        drafts: opts.drafts,
        build,
        state: state.clone(),
    };
    let mut watcher =
        watch::SiteWatcher::new(&root, opts.poll).map_err(|source| ServeError::Watch {
            root: root.clone(),
            source,
        })?;
    let watcher_kind = watcher.kind();
    // The first build happens before any request is answered; if it fails the server
    // still starts and shows the problems.
    builder.rebuild();
    server::spawn(
        listener,
        state.clone(),
        host::HostGuard::new(addr),
        server::Limits::for_this_process(),
    )
    .map_err(|source| ServeError::Listen { addr, source })?;
    let _ = std::thread::Builder::new()
        .name("statusgen-watch".into())
        .spawn(move || {
            while let Ok(batch) = watcher.events.recv() {
                let relevant = match &batch {
                    Ok(events) => {
                        if let Err(e) = watcher.refresh(events) {
                            eprintln!("warning: cannot watch a new folder: {e}");
                        }
                        watch::batch_is_relevant(&root, events)
                    }
                    Err(errors) => {
                        for e in errors {
                            eprintln!("warning: file watcher: {e}");
                        }
                        false
                    }
                };
                if relevant {
                    builder.rebuild();
                }
            }
        });
    let prefix = state.snapshot().prefix.clone();
    Ok(Serving {
        addr,
        url: format!("http://{}{prefix}", url_host(addr)),
        watcher_kind,
        state,
    })
}

/// Opens `url` in the default browser; failure is not an error.
pub fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Ok(mut child) = cmd.spawn() {
        // Reap it so it does not linger as a zombie.
        std::thread::spawn(move || child.wait());
    }
}

/// `statusgen serve`: runs until the process is stopped.
pub fn run(opts: &ServeOptions) -> Result<(), ServeError> {
    let serving = start(opts, rebuilding_build())?;
    println!("serving {}", serving.url);
    eprintln!(
        "watching {} for changes ({}); press Ctrl-C to stop",
        opts.root.display(),
        serving.watcher_kind
    );
    if opts.open {
        open_browser(&serving.url);
    }
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_from_site_toml() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(base_path(tmp.path()), None);
        std::fs::write(
            tmp.path().join("site.toml"),
            "title = \"x\"\nbase_url = \"https://acme.github.io/status\"\n",
        )
        .unwrap();
        assert_eq!(base_path(tmp.path()).as_deref(), Some("/status/"));
        std::fs::write(tmp.path().join("site.toml"), "base_url = \"https://a.b\"\n").unwrap();
        assert_eq!(base_path(tmp.path()).as_deref(), Some("/"));
        std::fs::write(tmp.path().join("site.toml"), "base_url = [").unwrap();
        assert_eq!(base_path(tmp.path()), None);
        // A prefix of `//evil.example/` would make every redirect leave the server.
        std::fs::write(
            tmp.path().join("site.toml"),
            "base_url = \"https://x.example//evil.example/\"\n",
        )
        .unwrap();
        assert_eq!(base_path(tmp.path()), None);
    }

    #[test]
    fn explicit_busy_port_is_refused() {
        let busy = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = busy.local_addr().unwrap().port();
        let err = listen(IpAddr::V4(Ipv4Addr::LOCALHOST), Some(port)).unwrap_err();
        assert!(matches!(err, ServeError::PortInUse { .. }));
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("already in use"));
    }

    #[test]
    fn without_a_port_the_next_free_one_is_used() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let range = DEFAULT_PORT..=DEFAULT_PORT + PORT_TRIES;
        let first = listen(ip, None).unwrap();
        let a = first.local_addr().unwrap().port();
        let second = listen(ip, None).unwrap();
        let b = second.local_addr().unwrap().port();
        assert!(
            range.contains(&a) && range.contains(&b) && a != b,
            "{a} {b}"
        );
    }

    #[test]
    fn a_panicking_build_is_reported_and_the_last_good_site_kept() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let build = move |_: &Path, _: &LoadOptions, _: DateTime<Utc>| -> BuildOutcome {
            if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                Ok((vec![OutputFile::new("index.html", "<p>ok")], Vec::new()))
            } else {
                panic!("renderer bug")
            }
        };
        let state = Arc::new(State::default());
        let builder = Builder {
            root: PathBuf::from("/nonexistent"),
            addr: "127.0.0.1:1111".parse().unwrap(),
            drafts: false,
            build: Arc::new(build),
            state: state.clone(),
        };
        let mut events = state.hub.subscribe().unwrap();
        builder.rebuild();
        builder.rebuild();
        let snap = state.snapshot();
        assert_eq!(snap.generation, 2);
        assert!(snap.files.as_ref().unwrap().contains_key("index.html"));
        assert!(
            snap.error
                .as_deref()
                .unwrap()
                .contains("the build panicked")
        );
        assert_eq!(&*events.try_recv().unwrap(), "event: reload\ndata: 1\n\n");
        assert!(events.try_recv().unwrap().starts_with("event: error\n"));
    }

    #[test]
    fn wildcard_binds_are_reached_through_loopback() {
        let a: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(url_host(a).to_string(), "127.0.0.1:1111");
        let a: SocketAddr = "[::1]:1112".parse().unwrap();
        assert_eq!(url_host(a).to_string(), "[::1]:1112");
    }
}
