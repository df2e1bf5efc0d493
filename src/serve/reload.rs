//! Live reload: server-sent events on the serving port, and the script and overlay the
//! server injects into HTML responses (built files never contain them).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use hyper::body::Frame;
use tokio::sync::broadcast::{self, error::RecvError};

/// The reserved path of the event stream; outside any base_url sub-path.
pub const EVENTS_PATH: &str = "/__statusgen/events";
/// The id of the error overlay element, in the page and in the script.
pub const OVERLAY_ID: &str = "__statusgen-overlay";
/// A comment sent to idle clients, so a closed connection is noticed and dropped (and so
/// the server's idle timeout never closes a live stream).
pub const KEEPALIVE: Duration = Duration::from_secs(15);
/// Live-reload clients at once (browser tabs); more get 503, so tabs cannot exhaust
/// the server's connections.
pub const MAX_SUBSCRIBERS: usize = 64;
/// Events a slow client may fall behind by; it then skips to the latest.
const BACKLOG: usize = 16;

/// One server-sent event, formatted for the wire. Multi-line data becomes several
/// `data:` lines, which EventSource joins with `\n` again. CR, LF and CRLF all end a
/// line in the event-stream format, so all three are split here: a bare CR in an error
/// message can never start a forged field or event.
pub fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in split_lines(data) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Splits on CRLF, LF and CR, as the event-stream format does.
fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\r', '\n']) {
            Some(i) => {
                let skip = if text[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[i + skip..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// The connected event-stream clients.
pub struct Hub {
    tx: broadcast::Sender<Arc<str>>,
    /// Held while subscribing, so the limit check and the subscription are one step.
    joining: Mutex<()>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub {
            tx: broadcast::channel(BACKLOG).0,
            joining: Mutex::new(()),
        }
    }
}

impl Hub {
    /// A new client's receiver, or `None` when [`MAX_SUBSCRIBERS`] are connected.
    pub fn subscribe(&self) -> Option<broadcast::Receiver<Arc<str>>> {
        let _joining = self.joining.lock().unwrap_or_else(|e| e.into_inner());
        (self.tx.receiver_count() < MAX_SUBSCRIBERS).then(|| self.tx.subscribe())
    }

    /// Sends a formatted event to every client; clients that went away are dropped.
    pub fn broadcast(&self, message: &str) {
        // No receivers is not an error.
        let _ = self.tx.send(Arc::from(message));
    }

    pub fn len(&self) -> usize {
        self.tx.receiver_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The body of one client's event stream: `first` at once, then every broadcast event,
/// and a keep-alive comment when nothing happened for [`KEEPALIVE`]. It ends when the
/// hub is gone; hyper drops it (and so the subscription) when the client goes away.
pub fn stream(
    first: String,
    rx: broadcast::Receiver<Arc<str>>,
) -> impl Stream<Item = Result<Frame<Bytes>, Infallible>> + Send + 'static {
    futures_util::stream::unfold((Some(first), rx), |(first, mut rx)| async move {
        if let Some(first) = first {
            return Some((Ok(Frame::data(Bytes::from(first))), (None, rx)));
        }
        loop {
            let bytes = match tokio::time::timeout(KEEPALIVE, rx.recv()).await {
                Ok(Ok(msg)) => Bytes::copy_from_slice(msg.as_bytes()),
                // Fell behind: the events still queued bring it up to date.
                Ok(Err(RecvError::Lagged(_))) => continue,
                Ok(Err(RecvError::Closed)) => return None,
                Err(_) => Bytes::from_static(b": keep-alive\n\n"),
            };
            return Some((Ok(Frame::data(bytes)), (None, rx)));
        }
    })
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
        // A bare CR ends a line for EventSource: it must not smuggle in a field.
        assert_eq!(
            event("error", "x\revent: reload\rdata: 9\n\nid: 1"),
            "event: error\ndata: x\ndata: event: reload\ndata: data: 9\ndata: \ndata: id: 1\n\n"
        );
        assert_eq!(event("e", ""), "event: e\ndata: \n\n");
        assert_eq!(event("e", "a\r"), "event: e\ndata: a\ndata: \n\n");
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
    fn hub_drops_gone_clients_and_caps_them() {
        let hub = Hub::default();
        let mut a = hub.subscribe().unwrap();
        let b = hub.subscribe().unwrap();
        drop(b);
        hub.broadcast("x");
        assert_eq!(hub.len(), 1);
        assert_eq!(&*a.try_recv().unwrap(), "x");
        let held: Vec<_> = (1..MAX_SUBSCRIBERS)
            .map(|_| hub.subscribe().unwrap())
            .collect();
        assert_eq!(hub.len(), MAX_SUBSCRIBERS);
        assert!(hub.subscribe().is_none());
        drop(held);
        assert!(hub.subscribe().is_some());
    }

    #[tokio::test]
    async fn stream_sends_the_first_event_then_messages() {
        use futures_util::StreamExt;
        let hub = Hub::default();
        let rx = hub.subscribe().unwrap();
        hub.broadcast(&event("reload", "2"));
        drop(hub);
        let frames: Vec<_> = stream(event("hello", "1"), rx).collect().await;
        let text: Vec<u8> = frames
            .into_iter()
            .flat_map(|f| f.unwrap().into_data().unwrap().to_vec())
            .collect();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "event: hello\ndata: 1\n\nevent: reload\ndata: 2\n\n"
        );
    }
}
