//! Live reload: server-sent events on the serving port, and the script and overlay the
//! server injects into HTML responses (built files never contain them).

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The reserved path of the event stream; outside any base_url sub-path.
pub const EVENTS_PATH: &str = "/__statusgen/events";
/// The id of the error overlay element, in the page and in the script.
pub const OVERLAY_ID: &str = "__statusgen-overlay";
/// A comment sent to idle clients, so a closed connection is noticed and dropped.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// One server-sent event, formatted for the wire. Multi-line data becomes several
/// `data:` lines, which EventSource joins with `\n` again.
pub fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The connected event-stream clients.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Arc<str>>>>,
}

impl Hub {
    pub fn subscribe(&self) -> Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        rx
    }

    /// Sends a formatted event to every client, dropping those that went away.
    pub fn broadcast(&self, message: &str) {
        let message: Arc<str> = Arc::from(message);
        self.lock().retain(|c| c.send(message.clone()).is_ok());
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<Arc<str>>>> {
        // A panicked holder cannot leave the list inconsistent: keep using it.
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Streams events to one client until it goes away. Runs on the client's own thread so
/// long-lived streams never hold a request worker. `first` is sent right after the headers.
pub fn stream(mut out: impl Write, first: &str, rx: Receiver<Arc<str>>) {
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                Connection: close\r\n\
                X-Accel-Buffering: no\r\n\r\n";
    if write_flush(&mut out, head).is_err() || write_flush(&mut out, first).is_err() {
        return;
    }
    loop {
        let sent = match rx.recv_timeout(KEEPALIVE) {
            Ok(msg) => write_flush(&mut out, &msg),
            Err(RecvTimeoutError::Timeout) => write_flush(&mut out, ": keep-alive\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            // Dropping `rx` makes the next broadcast remove this client.
            return;
        }
    }
}

fn write_flush(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    out.write_all(s.as_bytes())?;
    out.flush()
}

/// The script injected into every served HTML page. `generation` is the build the page
/// came from: on connecting, a page older than the current build reloads at once, so a
/// rebuild that finished between the page load and the connection is not missed.
pub fn script(generation: u64) -> String {
    format!(
        r#"<script>/* statusgen serve: live reload (not part of the built site) */
(function () {{
  var gen = "{generation}";
  function overlay(text) {{
    var o = document.getElementById("{OVERLAY_ID}");
    if (!o) {{
      o = document.createElement("pre");
      o.id = "{OVERLAY_ID}";
      o.setAttribute("style", "{OVERLAY_STYLE}");
      document.body.appendChild(o);
    }}
    o.textContent = text;
  }}
  function clear() {{
    var o = document.getElementById("{OVERLAY_ID}");
    if (o) o.parentNode.removeChild(o);
  }}
  if (!window.EventSource) return;
  var es = new EventSource("{EVENTS_PATH}");
  es.addEventListener("hello", function (e) {{ if (e.data !== gen) location.reload(); }});
  es.addEventListener("reload", function (e) {{ if (e.data !== gen) location.reload(); }});
  es.addEventListener("ok", function () {{ clear(); }});
  // The stream's own connection errors arrive as "error" too, without data.
  es.addEventListener("error", function (e) {{ if (typeof e.data === "string") overlay(e.data); }});
}})();
</script>"#
    )
}

const OVERLAY_STYLE: &str = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;\
margin:0;padding:1em 1.5em;z-index:2147483647;background:#2b0b0b;color:#ffd7d7;\
font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;border-top:4px solid #e5484d";

/// The overlay as server-rendered HTML, for pages loaded while the site has errors.
pub fn overlay_html(text: &str) -> String {
    format!(
        "<pre id=\"{OVERLAY_ID}\" style=\"{OVERLAY_STYLE}\">{}</pre>",
        escape_html(text)
    )
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inserts `snippet` just before the last `</body>` (any case), else at the end.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_lines() {
        assert_eq!(event("reload", "3"), "event: reload\ndata: 3\n\n");
        assert_eq!(
            event("error", "a.md:1: bad\r\n  help: x"),
            "event: error\ndata: a.md:1: bad\ndata:   help: x\n\n"
        );
    }

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject(b"<html><body>x</BODY></html>", "<s>");
        assert_eq!(out, b"<html><body>x<s></BODY></html>");
        let out = inject(b"<p>no body", "<s>");
        assert_eq!(out, b"<p>no body<s>");
        let out = inject(b"", "<s>");
        assert_eq!(out, b"<s>");
    }

    #[test]
    fn overlay_is_escaped() {
        let o = overlay_html("a.md: <script>alert(1)</script> & \"x\"");
        assert!(o.contains("a.md: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!o.contains("<script>"));
    }

    #[test]
    fn hub_drops_gone_clients() {
        let hub = Hub::default();
        let a = hub.subscribe();
        let b = hub.subscribe();
        drop(b);
        hub.broadcast("x");
        assert_eq!(hub.len(), 1);
        assert_eq!(&*a.recv().unwrap(), "x");
    }

    #[test]
    fn stream_writes_headers_first_event_and_messages() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        hub.broadcast(&event("reload", "2"));
        drop(hub);
        let mut out = Vec::new();
        stream(&mut out, &event("hello", "1"), rx);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("text/event-stream"));
        assert!(text.ends_with("event: hello\ndata: 1\n\nevent: reload\ndata: 2\n\n"));
    }
}
