//! `statusgen serve` over real HTTP on loopback: the real binary on a fixture site copied
//! into a temp dir, plus one in-process server with a tiny test renderer so the page
//! checks run even before the real renderers exist.
//!
//! Nothing here times anything: every wait polls for a condition with a deadline.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const FIXTURE: &str = "tests/fixtures/serve-site";
const EDITED: &str = "content/incidents/2026-04-14-api-slow.md";
const INCIDENT_PAGE: &str = "incidents/2026-04-14-api-slow/index.html";
const EVENTS: &str = "/__statusgen/events";
const OVERLAY: &str = "<pre id=\"__statusgen-overlay\"";
const SECRET: &str = "SECRET-SITE-TOML";
const DEADLINE: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------
// Plumbing: fixture copies, the server process, a raw HTTP client and an SSE client.

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn list_files(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            list_files(&p, base, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel);
        }
    }
}

/// The fixture copied into a temp dir, and what `statusgen build` makes of it.
struct Fixture {
    tmp: tempfile::TempDir,
    root: PathBuf,
    /// Files of a `statusgen build` of the same site (without the output marker).
    built: BTreeSet<String>,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(Path::new(FIXTURE), &root);
        let out = tmp.path().join("out");
        let status = Command::new(env!("CARGO_BIN_EXE_statusgen"))
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "the fixture site must build");
        let mut built = BTreeSet::new();
        list_files(&out, &out, &mut built);
        built.remove(".statusgen");
        Fixture { tmp, root, built }
    }

    /// Whether the renderers produce the pages the page checks need.
    fn pages(&self) -> bool {
        self.built.contains("index.html") && self.built.contains(INCIDENT_PAGE)
    }

    fn built_file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.tmp.path().join("out").join(rel)).unwrap()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Saves like an editor that writes a temp file and renames it over the original,
    /// so the watcher never sees a half-written file.
    fn save(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        let tmp = path.with_file_name(".statusgen-test.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `cond` until it holds or the deadline passes.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `statusgen serve` process, killed on drop.
struct Serve {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Serve {
    fn start(fix: &Fixture, extra: &[&str]) -> Serve {
        let port = free_port();
        let log = fix.tmp.path().join(format!("serve-{port}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_statusgen"))
            .args(["serve", "--root"])
            .arg(&fix.root)
            .args(["--port", &port.to_string()])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut s = Serve { child, port, log };
        wait_until("the server to accept connections", || {
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("serve exited with {status}: {}", s.log());
            }
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        s
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Resp {
    status: u16,
    head: String,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends a raw request (HTTP/1.0, so the server closes the connection after answering).
fn raw(port: u16, request_line: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.set_write_timeout(Some(DEADLINE)).unwrap();
    let req = format!("{request_line}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    Resp {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn get(port: u16, target: &str) -> Resp {
    raw(port, &format!("GET {target} HTTP/1.0"))
}

/// A live-reload client reading the event stream as a browser's EventSource would.
struct Sse {
    stream: TcpStream,
    buf: String,
    pos: usize,
}

impl Sse {
    /// Connects and waits for the `hello` event, so later events cannot be missed.
    fn connect(port: u16) -> Sse {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let req = format!(
            "GET {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).unwrap();
        let mut sse = Sse {
            stream,
            buf: String::new(),
            pos: 0,
        };
        let head = sse.next_event("\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        sse.next_event("event: hello\n");
        sse
    }

    /// Reads until `needle` appears after what was already consumed; returns the text
    /// up to the end of the event holding it, and consumes it.
    fn next_event(&mut self, needle: &str) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(i) = self.buf[self.pos..].find(needle) {
                let at = self.pos + i + needle.len();
                // An event ends at a blank line; the response head ends with the needle.
                let stop = if needle.ends_with("\r\n\r\n") {
                    Some(at)
                } else {
                    self.buf[at..].find("\n\n").map(|j| at + j + 2)
                };
                if let Some(stop) = stop {
                    let out = self.buf[self.pos..stop].to_string();
                    self.pos = stop;
                    return out;
                }
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for {needle:?}; got {:?}",
                &self.buf[self.pos..]
            );
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("event stream closed; got {:?}", &self.buf[self.pos..]),
                Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("event stream error: {e}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scenarios, shared by the binary and the in-process server.

/// A running server over `fix`; `pages` says whether real pages exist to check.
struct Target<'a> {
    fix: &'a Fixture,
    port: u16,
    pages: bool,
}

impl Target<'_> {
    fn page(&self) -> String {
        if self.pages {
            format!("/status/{}", INCIDENT_PAGE.trim_end_matches("index.html"))
        } else {
            "/status/".to_string()
        }
    }

    fn page_status(&self) -> u16 {
        if self.pages { 200 } else { 404 }
    }
}

fn pages_are_served_with_the_script(t: &Target) {
    let r = get(t.port, "/");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("Location").as_deref(), Some("/status/"));
    assert_eq!(
        get(t.port, "/status").header("Location").as_deref(),
        Some("/status/")
    );

    let r = get(t.port, "/status/");
    assert_eq!(r.status, t.page_status(), "{}", r.body);
    assert_eq!(
        r.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(r.header("Cache-Control").as_deref(), Some("no-store"));
    assert!(
        r.body.contains(EVENTS),
        "no live-reload script in {}",
        r.body
    );
    assert!(!r.body.contains(OVERLAY));

    let r = get(t.port, "/status/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains(EVENTS));

    let r = raw(t.port, "HEAD /status/ HTTP/1.0");
    assert_eq!(r.status, t.page_status());
    assert!(r.body.is_empty());
    let r = raw(t.port, "POST /status/ HTTP/1.0");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow").as_deref(), Some("GET, HEAD"));

    if t.pages {
        let folder = format!("/status/{}", INCIDENT_PAGE.trim_end_matches("/index.html"));
        let r = get(t.port, &folder);
        assert_eq!(r.status, 302);
        assert_eq!(r.header("Location"), Some(format!("{folder}/")));
        let r = get(t.port, &t.page());
        assert!(r.body.contains("Slow API responses"), "{}", r.body);
        assert!(r.body.contains(EVENTS));
    }
}

fn edits_are_rebuilt_and_reloaded(t: &Target) {
    let mut sse = Sse::connect(t.port);
    let original = t.fix.read(EDITED);
    t.fix.save(
        EDITED,
        &original.replace("Slow API responses", "Slow API EDITED-42"),
    );
    sse.next_event("event: reload\n");
    if t.pages {
        // A reload is only sent once the new site is in place; polling only guards
        // against a reload left over from an earlier edit.
        wait_until("the edited page", || {
            let r = get(t.port, &t.page());
            r.status == 200 && r.body.contains("Slow API EDITED-42")
        });
    }
    t.fix.save(EDITED, &original);
    sse.next_event("event: reload\n");
    if t.pages {
        wait_until("the restored page", || {
            !get(t.port, &t.page()).body.contains("EDITED-42")
        });
    }
}

fn broken_edits_keep_the_last_good_site(t: &Target) {
    let mut sse = Sse::connect(t.port);
    let before = get(t.port, &t.page());
    let original = t.fix.read(EDITED);
    t.fix.save(EDITED, "+++\ntitle = \"never closed\"\n");
    let err = sse.next_event("event: error\n");
    assert!(
        err.contains(EDITED),
        "the error event names the file: {err}"
    );

    // The last good site is still served, with the problems on every page.
    let r = get(t.port, &t.page());
    assert_eq!(r.status, before.status);
    assert!(r.body.contains(OVERLAY), "{}", r.body);
    assert!(r.body.contains(EDITED));
    if t.pages {
        assert!(r.body.contains("Slow API responses"));
    }
    // A browser connecting now learns about the error at once.
    let mut late = Sse::connect(t.port);
    assert!(late.next_event("event: error\n").contains(EDITED));

    t.fix.save(EDITED, &original);
    sse.next_event("event: ok\n");
    sse.next_event("event: reload\n");
    late.next_event("event: ok\n");
    let r = get(t.port, &t.page());
    assert_eq!(r.status, before.status);
    assert!(!r.body.contains(OVERLAY), "{}", r.body);
}

fn traversal_is_refused(t: &Target) {
    let port = t.port;
    for line in [
        "GET /../site.toml HTTP/1.0".to_string(),
        "GET /status/../site.toml HTTP/1.0".into(),
        "GET /status/../../site.toml HTTP/1.0".into(),
        "GET /%2e%2e/site.toml HTTP/1.0".into(),
        "GET /status/%2E%2E/site.toml HTTP/1.0".into(),
        "GET /..%2fsite.toml HTTP/1.0".into(),
        "GET /status/..%2f..%2fsite.toml HTTP/1.0".into(),
        "GET /static/..%5c..%5csite.toml HTTP/1.0".into(),
        "GET /status/..\\site.toml HTTP/1.0".into(),
        "GET /status/%00/../site.toml HTTP/1.0".into(),
        "GET /status/site.toml HTTP/1.0".into(),
        "GET /site.toml HTTP/1.0".into(),
        "GET /status/content/incidents/2026-04-14-api-slow.md HTTP/1.0".into(),
        format!("GET http://127.0.0.1:{port}/../site.toml HTTP/1.0"),
        format!("GET http://127.0.0.1:{port}/status/ HTTP/1.0"),
        "GET //site.toml HTTP/1.0".into(),
    ] {
        let r = raw(port, &line);
        assert!(
            matches!(r.status, 400 | 404),
            "{line} answered {}",
            r.status
        );
        assert!(!r.body.contains(SECRET), "{line} leaked site.toml");
        assert!(!r.body.contains("never closed") && !r.body.contains("+++"));
    }
}

fn concurrent_requests_are_all_answered(t: &Target) {
    const N: usize = 200;
    let barrier = Arc::new(Barrier::new(N));
    let target = t.page();
    let port = t.port;
    let handles: Vec<_> = (0..N)
        .map(|_| {
            let barrier = barrier.clone();
            let target = target.clone();
            std::thread::spawn(move || {
                barrier.wait();
                get(port, &target).status
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(
        statuses.iter().all(|&s| s == t.page_status()),
        "{statuses:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The real binary.

#[test]
fn serve_binary_serves_reloads_and_stays_safe() {
    let fix = Fixture::new();
    let serve = Serve::start(&fix, &[]);
    let t = Target {
        fix: &fix,
        port: serve.port,
        pages: fix.pages(),
    };
    if !t.pages {
        eprintln!("note: the renderers make no pages yet; page content checks are skipped");
    }
    pages_are_served_with_the_script(&t);
    // Every built file is served, and the built HTML never holds the script.
    for rel in &fix.built {
        let r = get(serve.port, &format!("/status/{rel}"));
        assert_eq!(r.status, 200, "{rel}");
        if rel.ends_with(".html") {
            assert!(r.body.contains(EVENTS), "{rel}");
            assert!(!fix.built_file(rel).contains("__statusgen"), "{rel}");
        }
    }
    if fix.built.contains("feed.xml") {
        let r = get(serve.port, "/status/feed.xml");
        assert_eq!(
            r.header("Content-Type").as_deref(),
            Some("application/rss+xml; charset=utf-8")
        );
        // Absolute URLs point at the local server, sub-path kept.
        let local = format!("http://127.0.0.1:{}/status/", serve.port);
        assert!(r.body.contains(&local), "{}", r.body);
    }
    edits_are_rebuilt_and_reloaded(&t);
    broken_edits_keep_the_last_good_site(&t);
    traversal_is_refused(&t);
    concurrent_requests_are_all_answered(&t);
    drop(serve);
    assert!(
        !fix.root.join("public").exists(),
        "serve must not write public/"
    );
}

#[test]
fn first_build_failure_serves_an_error_page_until_fixed() {
    let fix = Fixture::new();
    let original = fix.read(EDITED);
    fix.save(EDITED, "+++\ntitle = 3\n+++\n");
    let serve = Serve::start(&fix, &[]);
    let r = get(serve.port, "/status/");
    assert_eq!(r.status, 500);
    assert!(r.body.contains(EDITED), "{}", r.body);
    assert!(r.body.contains(EVENTS));
    assert_eq!(get(serve.port, "/status/some/page/").status, 500);
    assert_eq!(get(serve.port, "/status/feed.xml").status, 404);

    let mut sse = Sse::connect(serve.port);
    assert!(sse.next_event("event: error\n").contains(EDITED));
    fix.save(EDITED, &original);
    sse.next_event("event: ok\n");
    sse.next_event("event: reload\n");
    let r = get(serve.port, "/status/");
    let expected = if fix.pages() { 200 } else { 404 };
    assert_eq!(r.status, expected, "{}", r.body);
    assert!(!r.body.contains(EDITED));
    assert!(serve.log().contains("build failed"), "{}", serve.log());
    drop(serve);
    assert!(!fix.root.join("public").exists());
}

#[test]
fn polling_sees_edits() {
    let fix = Fixture::new();
    let serve = Serve::start(&fix, &["--poll"]);
    let t = Target {
        fix: &fix,
        port: serve.port,
        pages: fix.pages(),
    };
    edits_are_rebuilt_and_reloaded(&t);
}

#[test]
fn explicitly_asked_busy_port_exits_2() {
    let fix = Fixture::new();
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_statusgen"))
        .args(["serve", "--root"])
        .arg(&fix.root)
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut status = None;
    wait_until("serve to exit", || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.unwrap().code(), Some(2), "{err}");
    assert!(err.contains(&format!("port {port}")), "{err}");
    assert!(err.contains("already in use"), "{err}");
    drop(busy);
}

// ---------------------------------------------------------------------------------------
// In process, with a tiny renderer that exists only in this test, so the page checks run
// whatever the state of the real renderers.

mod tiny {
    use std::path::Path;

    use chrono::{DateTime, Utc};
    use statusgen::files::OutputFile;
    use statusgen::load::{LoadOptions, load_site};
    use statusgen::render::urls::Urls;
    use statusgen::serve::BuildOutcome;

    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;")
    }

    pub fn build(root: &Path, opts: &LoadOptions, _now: DateTime<Utc>) -> BuildOutcome {
        let loaded = load_site(root, opts);
        let Some(site) = loaded.site else {
            return Err(loaded.diagnostics);
        };
        let urls = Urls::new(&site.config.base_url);
        let page = |body: String| format!("<!doctype html><html><body>{body}</body></html>");
        let mut files = vec![OutputFile::new(
            "404.html",
            page("<h1>Not found</h1>".into()),
        )];
        let mut list = String::new();
        let mut items = String::new();
        for i in &site.incidents {
            list.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                urls.incident(&i.slug),
                esc(&i.title)
            ));
            items.push_str(&format!(
                "<item><link>{}</link></item>",
                urls.absolute(&format!("incidents/{}/", i.slug))
            ));
            files.push(OutputFile::new(
                format!("incidents/{}/index.html", i.slug),
                page(format!("<h1>{}</h1>", esc(&i.title))),
            ));
        }
        files.push(OutputFile::new(
            "index.html",
            page(format!("<ul>{list}</ul>")),
        ));
        files.push(OutputFile::new(
            "feed.xml",
            format!("<rss><channel>{items}</channel></rss>"),
        ));
        Ok((files, loaded.diagnostics))
    }
}

#[test]
fn in_process_server_with_tiny_renderer() {
    let fix = Fixture::new();
    let opts = statusgen::serve::ServeOptions {
        root: fix.root.clone(),
        bind: "127.0.0.1".parse().unwrap(),
        port: Some(free_port()),
        open: false,
        drafts: false,
        poll: false,
    };
    let serving = statusgen::serve::start(&opts, Arc::new(tiny::build)).unwrap();
    assert!(serving.is_ok());
    let port = serving.addr.port();
    assert_eq!(serving.url, format!("http://127.0.0.1:{port}/status/"));
    let t = Target {
        fix: &fix,
        port,
        pages: true,
    };
    pages_are_served_with_the_script(&t);
    let r = get(port, "/status/feed.xml");
    assert_eq!(
        r.header("Content-Type").as_deref(),
        Some("application/rss+xml; charset=utf-8")
    );
    assert!(
        r.body
            .contains(&format!("http://127.0.0.1:{port}/status/incidents/"))
    );
    assert!(!r.body.contains(EVENTS));
    edits_are_rebuilt_and_reloaded(&t);
    broken_edits_keep_the_last_good_site(&t);
    traversal_is_refused(&t);
    concurrent_requests_are_all_answered(&t);
    assert!(!fix.root.join("public").exists());
}
