//! Answering requests from the in-memory site: the current snapshot, the reply for a
//! request target, and the HTTP response for a request (checks first, then the reply).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response};
use percent_encoding::{CONTROLS, utf8_percent_encode};

use super::host::HostGuard;
use super::paths::{self, Resolved};
use super::reload::{self, EVENTS_PATH, Hub};

/// The files of one good build, by path relative to the output root.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// What is being served: replaced as a whole after every rebuild, never edited in place.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Incremented on every rebuild, good or failed; pages carry it in their script.
    pub generation: u64,
    /// The base_url path the files are served under, starting and ending with `/`.
    pub prefix: String,
    /// The last good build; `None` until a build has succeeded.
    pub files: Option<Arc<Files>>,
    /// The diagnostics of the latest build when it failed.
    pub error: Option<String>,
}

/// The shared state of a running server.
#[derive(Default)]
pub struct State {
    current: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
}

impl State {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Makes `next` the served site. Readers see the old or the new one, never a mix.
    pub fn swap(&self, next: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
    }
}

/// A response body: a built file shared with the snapshot, or bytes made for this reply.
#[derive(Debug, Clone)]
pub enum Body {
    Shared(Arc<Vec<u8>>),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Body::Shared(b) => b,
            Body::Owned(b) => b,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub location: Option<String>,
    pub body: Body,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            location: None,
            body: Body::Owned(text.as_bytes().to_vec()),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        self.body.as_ref()
    }
}

/// The Content-Type for a served file, from its name.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "feed.xml" => return "application/rss+xml; charset=utf-8",
        "atom.xml" => return "application/atom+xml; charset=utf-8",
        _ => {}
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar; charset=utf-8",
        // RFC 4180's type; `header=present` since every export has a header row.
        "csv" => "text/csv; charset=utf-8; header=present",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html")
}

/// A target a browser would expect a page at: a folder, `.html`, or no extension.
fn wants_html(target: &str) -> bool {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    last.is_empty() || !last.contains('.') || is_html(content_type(last))
}

/// The live-reload script, plus the error overlay while the latest build has failed.
fn snippet(snap: &Snapshot) -> String {
    let mut s = String::new();
    if let Some(err) = &snap.error {
        s.push_str(&reload::overlay_html(err));
    }
    s.push_str(&reload::script(snap.generation));
    s
}

fn html(status: u16, page: &[u8], snap: &Snapshot) -> Reply {
    Reply {
        status,
        content_type: "text/html; charset=utf-8",
        location: None,
        body: Body::Owned(reload::inject(page, &snippet(snap))),
    }
}

/// The page shown for every page request while no build has succeeded yet.
pub fn error_page(diagnostics: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>statusgen: the site has errors</title></head>\n<body style=\"font-family:system-ui,sans-serif;margin:2em\">\
<h1>The site could not be built</h1>\n<p>Fix the problems below and save: this page reloads by itself.</p>\n\
<pre style=\"white-space:pre-wrap;background:#2b0b0b;color:#ffd7d7;padding:1em\">{}</pre>\n</body></html>\n",
        reload::escape_html(diagnostics)
    )
}

const FALLBACK_404: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found</title></head><body><h1>Not found</h1><p>There is no page at this address.</p></body></html>\n";

/// The reply to a GET or HEAD of `target`, from `snap` alone.
pub fn reply(snap: &Snapshot, target: &str) -> Reply {
    let Some(files) = &snap.files else {
        if paths::decode(target).is_none() {
            return Reply::text(400, "bad request\n");
        }
        if wants_html(target) {
            let err = snap
                .error
                .as_deref()
                .unwrap_or("the site has not been built yet");
            let page = error_page(err);
            let no_overlay = Snapshot {
                error: None,
                ..snap.clone()
            };
            return html(500, page.as_bytes(), &no_overlay);
        }
        return Reply::text(404, "not found: the site has not been built yet\n");
    };
    match paths::resolve(target, &snap.prefix, |k| files.contains_key(k)) {
        Resolved::File(key) => {
            let bytes = &files[&key];
            let ct = content_type(&key);
            if is_html(ct) {
                html(200, bytes, snap)
            } else {
                Reply {
                    status: 200,
                    content_type: ct,
                    location: None,
                    body: Body::Shared(bytes.clone()),
                }
            }
        }
        Resolved::Redirect(location) => Reply {
            status: 302,
            location: Some(utf8_percent_encode(&location, CONTROLS).to_string()),
            ..Reply::text(302, &format!("see {location}\n"))
        },
        Resolved::NotFound => match files.get("404.html") {
            Some(page) => html(404, page, snap),
            None => html(404, FALLBACK_404.as_bytes(), snap),
        },
        Resolved::BadRequest => Reply::text(400, "bad request\n"),
    }
}

/// A response body: a whole reply or an event stream.
pub type ResponseBody = UnsyncBoxBody<Bytes, Infallible>;

/// A built file handed to hyper without copying it.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn to_response(r: Reply, close: bool) -> Response<ResponseBody> {
    let len = r.bytes().len();
    let bytes = match r.body {
        Body::Shared(b) => Bytes::from_owner(SharedBytes(b)),
        Body::Owned(b) => Bytes::from(b),
    };
    let mut resp = Response::new(Full::new(bytes).boxed_unsync());
    *resp.status_mut() =
        hyper::StatusCode::from_u16(r.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(r.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Some(loc) = r.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(header::LOCATION, loc);
    }
    if r.status == 405 {
        h.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    if close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

fn is_events(target: &str) -> bool {
    target.split('?').next() == Some(EVENTS_PATH)
}

/// Whether a request carries a body (a preview server never wants one; it is refused
/// unread rather than buffered).
fn has_body<B>(req: &Request<B>) -> bool {
    let h = req.headers();
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

/// Answers one request: the Host/Origin check, the method, no body, then the event
/// stream or a file of the current snapshot.
pub fn respond<B>(req: &Request<B>, state: &State, guard: &HostGuard) -> Response<ResponseBody> {
    let headers = req.headers();
    // HTTP/1.1 puts the authority in the target when it is absolute-form; such targets
    // are refused below anyway, so Host alone names the server.
    let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
    let origin = headers.get(header::ORIGIN).map(HeaderValue::as_bytes);
    // Two Host or Origin headers: which one a proxy or browser meant is unknowable.
    let repeated = |name| headers.get_all(name).iter().nth(1).is_some();
    let checked = if repeated(header::HOST) || repeated(header::ORIGIN) {
        Err(super::host::Refusal::ForeignHost)
    } else {
        guard.check(host, origin)
    };
    if let Err(refusal) = checked {
        return to_response(Reply::text(403, refusal.message()), true);
    }
    let method = req.method();
    if method != Method::GET && method != Method::HEAD {
        return to_response(
            Reply::text(405, "method not allowed: only GET and HEAD\n"),
            has_body(req),
        );
    }
    if has_body(req) {
        return to_response(Reply::text(413, "request bodies are not accepted\n"), true);
    }
    let target = req.uri().to_string();
    if is_events(&target) {
        return events(method == Method::HEAD, state);
    }
    let snap = state.snapshot();
    to_response(reply(&snap, &target), false)
}

fn events(head: bool, state: &State) -> Response<ResponseBody> {
    let sse = |body: ResponseBody| {
        let mut resp = Response::new(body);
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream; charset=utf-8"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert("x-accel-buffering", HeaderValue::from_static("no"));
        resp
    };
    if head {
        return sse(Full::new(Bytes::new()).boxed_unsync());
    }
    // Subscribe before reading the state, so no event between the two is lost.
    let Some(rx) = state.hub.subscribe() else {
        let r = Reply::text(
            503,
            "too many live-reload clients: close some preview tabs\n",
        );
        return to_response(r, true);
    };
    let snap = state.snapshot();
    let mut first = reload::event("hello", &snap.generation.to_string());
    if let Some(err) = &snap.error {
        first.push_str(&reload::event("error", err));
    }
    sse(StreamBody::new(reload::stream(first, rx)).boxed_unsync())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Snapshot {
        let mut files = Files::new();
        for (k, v) in [
            ("index.html", "<html><body><h1>Home</h1></body></html>"),
            ("404.html", "<html><body>Lost</body></html>"),
            ("feed.xml", "<rss/>"),
            ("incidents/x/index.html", "<p>x"),
        ] {
            files.insert(k.into(), Arc::new(v.as_bytes().to_vec()));
        }
        Snapshot {
            generation: 7,
            prefix: "/status/".into(),
            files: Some(Arc::new(files)),
            error: None,
        }
    }

    fn body(r: &Reply) -> String {
        String::from_utf8_lossy(r.bytes()).into_owned()
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("feed.xml"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("components/api/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(
            content_type("maintenance.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("api/v2/summary.json"), "application/json");
        assert_eq!(content_type("badge.svg"), "image/svg+xml");
        assert_eq!(
            content_type("reliability/periods.csv"),
            "text/csv; charset=utf-8; header=present"
        );
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a/font.WOFF2"), "font/woff2");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn pages_get_the_script_and_files_stay_pristine() {
        let snap = site();
        let r = reply(&snap, "/status/");
        assert_eq!(r.status, 200);
        let b = body(&r);
        assert!(b.contains("<h1>Home</h1><script>"), "{b}");
        assert!(b.contains(EVENTS_PATH));
        assert!(b.contains("var gen = \"7\""));
        assert!(b.ends_with("</script></body></html>"));
        let files = snap.files.as_ref().unwrap();
        assert!(!String::from_utf8_lossy(&files["index.html"]).contains("<script"));
        let r = reply(&snap, "/status/feed.xml");
        assert_eq!(body(&r), "<rss/>");
        assert_eq!(r.content_type, "application/rss+xml; charset=utf-8");
    }

    #[test]
    fn redirects_not_found_and_bad_requests() {
        let snap = site();
        let r = reply(&snap, "/");
        assert_eq!((r.status, r.location.as_deref()), (302, Some("/status/")));
        let r = reply(&snap, "/status/incidents/x");
        assert_eq!(
            (r.status, r.location.as_deref()),
            (302, Some("/status/incidents/x/"))
        );
        let r = reply(&snap, "/status/nope/");
        assert_eq!(r.status, 404);
        assert!(body(&r).contains("Lost<script>"));
        for t in [
            "/status/../site.toml",
            "/%2e%2e/site.toml",
            "http://x/status/",
        ] {
            assert_eq!(reply(&snap, t).status, 400, "{t}");
        }
    }

    #[test]
    fn errors_show_as_overlay_or_error_page() {
        let mut snap = site();
        snap.error = Some("content/incidents/a.md:3:1: error: <bad>".into());
        let b = body(&reply(&snap, "/status/"));
        assert!(b.contains("<h1>Home</h1><pre id=\"__statusgen-overlay\""));
        assert!(b.contains("content/incidents/a.md:3:1: error: &lt;bad&gt;"));
        assert_eq!(body(&reply(&snap, "/status/feed.xml")), "<rss/>");

        snap.files = None;
        let r = reply(&snap, "/status/incidents/x/");
        assert_eq!(r.status, 500);
        let b = body(&r);
        assert!(b.contains("content/incidents/a.md:3:1: error: &lt;bad&gt;"));
        assert!(b.contains(EVENTS_PATH));
        assert_eq!(reply(&snap, "/status/feed.xml").status, 404);
        assert_eq!(reply(&snap, "/../x").status, 400);
    }
}
