//! Email: a multipart plain-text and HTML message per event, sent over SMTP with
//! `lettre`. `smtp://` uses STARTTLS when the server offers it (and requires it when the
//! URL has a password); `smtps://` is TLS from the first byte. Credentials come from the
//! URL's user and password.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use crate::notify::message::Message;
use crate::notify::payload::facts;
use crate::render::escape::html_escape;

/// `[Acme Status] Identified: Authentication API outage`.
pub fn subject(m: &Message) -> String {
    // Header lines cannot hold line breaks.
    format!("[{}] {}", m.site_title, m.headline).replace(['\r', '\n'], " ")
}

pub fn text_body(m: &Message) -> String {
    let mut out = format!("{}\n\n", m.headline);
    if !m.text.is_empty() {
        out.push_str(&m.text);
        out.push_str("\n\n");
    }
    for (k, v) in facts(m) {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push_str(&format!(
        "\nDetails: {}\n\n-- \n{}\n{}\n",
        m.url, m.site_title, m.home_url
    ));
    out
}

pub fn html_body(m: &Message) -> String {
    let e = html_escape;
    let mut rows = String::new();
    for (k, v) in facts(m) {
        rows.push_str(&format!(
            "<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">{}</th><td>{}</td></tr>\n",
            e(k),
            e(&v)
        ));
    }
    let text = if m.text.is_empty() {
        String::new()
    } else {
        let paragraphs: Vec<String> = m
            .text
            .split("\n\n")
            .map(|p| format!("<p>{}</p>", e(p).replace('\n', "<br>\n")))
            .collect();
        format!("{}\n", paragraphs.join("\n"))
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family:sans-serif;line-height:1.4\">\n\
         <h1 style=\"font-size:1.25em\"><a href=\"{url}\">{headline}</a></h1>\n\
         {text}<table>\n{rows}</table>\n\
         <p><a href=\"{url}\">View on the status page</a></p>\n\
         <p style=\"color:#666\">{site} · <a href=\"{home}\">{home_text}</a></p>\n\
         </body></html>\n",
        title = e(&subject(m)),
        url = e(&m.url),
        headline = e(&m.headline),
        site = e(&m.site_title),
        home = e(&m.home_url),
        home_text = e(&m.home_url),
    )
}

/// A Message-ID for `key`, the same on every run, under the status page's host.
fn message_id(key: &str, m: &Message) -> String {
    let host = url::Url::parse(&m.home_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "statusgen.invalid".into());
    format!(
        "<{}@{host}>",
        crate::render::api::stable_id("notify-email", key)
    )
}

/// The message lettre sends. Its Message-ID derives from the event, and every message
/// about an incident or window refers to the first one, so mail clients thread them.
pub fn build(m: &Message, from: &str, to: &[String]) -> Result<lettre::Message, String> {
    let thread = m.event_id.split('/').take(2).collect::<Vec<_>>().join("/");
    let mut b = lettre::Message::builder()
        .from(parse_mailbox(from)?)
        .subject(subject(m))
        .message_id(Some(message_id(&m.event_id, m)));
    if !m.event_id.ends_with("/created") && !m.event_id.ends_with("/scheduled") {
        let first = if m.kind.is_maintenance() {
            format!("{thread}/scheduled")
        } else {
            format!("{thread}/created")
        };
        let parent = message_id(&first, m);
        b = b.in_reply_to(parent.clone()).references(parent);
    }
    // Several recipients are subscribers who must not see each other's addresses: they
    // get the message as blind copies, addressed to the sender.
    match to {
        [one] => b = b.to(parse_mailbox(one)?),
        many => {
            let sender = parse_mailbox(from)?;
            let rcpt: Vec<lettre::Address> = many
                .iter()
                .map(|t| parse_mailbox(t).map(|m| m.email))
                .collect::<Result<_, _>>()?;
            // The envelope names the recipients only, not the sender of the `To:` line.
            let envelope = lettre::address::Envelope::new(Some(sender.email.clone()), rcpt)
                .map_err(|e| format!("cannot address the message: {e}"))?;
            b = b.to(sender).envelope(envelope);
            for t in many {
                b = b.bcc(parse_mailbox(t)?);
            }
        }
    }
    b.multipart(MultiPart::alternative_plain_html(
        text_body(m),
        html_body(m),
    ))
    .map_err(|e| format!("cannot build the message: {e}"))
}

fn parse_mailbox(s: &str) -> Result<Mailbox, String> {
    s.parse()
        .map_err(|_| format!("\"{s}\" is not an email address"))
}

/// Names a PEM file of CA certificates trusted for SMTP in addition to the public ones
/// (a relay with a private CA).
pub const CA_FILE_ENV: &str = "STATUSGEN_SMTP_CA_FILE";

/// The extra CA certificates [`CA_FILE_ENV`] names, if any.
pub fn extra_ca() -> Result<Option<Vec<u8>>, String> {
    match std::env::var_os(CA_FILE_ENV) {
        None => Ok(None),
        Some(p) if p.is_empty() => Ok(None),
        Some(p) => std::fs::read(&p)
            .map(Some)
            .map_err(|e| format!("cannot read {CA_FILE_ENV} ({}): {e}", p.to_string_lossy())),
    }
}

/// A transport for an `smtp://` or `smtps://` URL. Messages never include the URL:
/// it holds the password.
pub fn transport(
    url: &str,
    timeout: Duration,
    extra_ca: Option<&[u8]>,
) -> Result<SmtpTransport, String> {
    let parsed = url::Url::parse(url).map_err(|_| {
        "the SMTP URL is not a URL; write it like smtps://user:password@smtp.example.com:465"
            .to_string()
    })?;
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("the SMTP URL has no host")?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let tls = |h: &str| {
        let mut b = TlsParameters::builder(h.to_string());
        if let Some(pem) = extra_ca {
            let cert = lettre::transport::smtp::client::Certificate::from_pem(pem)
                .map_err(|_| format!("{CA_FILE_ENV} does not hold PEM certificates"))?;
            b = b.add_root_certificate(cert);
        }
        b.build()
            .map_err(|e| format!("cannot set up TLS for the SMTP server: {e}"))
    };
    let login = !parsed.username().is_empty();
    let (port, mode) = match parsed.scheme() {
        // A password is never sent in the clear: with one, STARTTLS is required.
        "smtp" if login => (parsed.port().unwrap_or(587), Tls::Required(tls(&host)?)),
        "smtp" => (
            parsed.port().unwrap_or(587),
            Tls::Opportunistic(tls(&host)?),
        ),
        "smtps" => (parsed.port().unwrap_or(465), Tls::Wrapper(tls(&host)?)),
        _ => {
            return Err(
                "the SMTP URL must start with smtp:// (STARTTLS when offered) or smtps:// (TLS)"
                    .into(),
            );
        }
    };
    let mut b = SmtpTransport::builder_dangerous(&host)
        .port(port)
        .tls(mode)
        .timeout(Some(timeout));
    if login {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        b = b.credentials(Credentials::new(
            decode(parsed.username()),
            decode(parsed.password().unwrap_or("")),
        ));
    }
    Ok(b.build())
}

/// What a failed send means for retrying.
pub enum SendError {
    /// Worth another try (connection trouble, a 4xx reply).
    Transient(String),
    Permanent(String),
}

pub fn send(t: &SmtpTransport, msg: &lettre::Message) -> Result<(), SendError> {
    t.send(msg).map(|_| ()).map_err(|e| {
        // lettre's messages name the server's reply, never the URL or credentials.
        let what = match e.status() {
            Some(code) => format!("the SMTP server answered {code}"),
            None if e.is_timeout() => "the SMTP server did not answer in time".into(),
            None => format!("cannot talk to the SMTP server: {e}"),
        };
        if e.is_permanent() {
            SendError::Permanent(what)
        } else {
            SendError::Transient(what)
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn transport_urls() {
        use std::time::Duration;
        let t = Duration::from_secs(1);
        assert!(super::transport("smtp://127.0.0.1:2525", t, None).is_ok());
        assert!(super::transport("smtps://u:p%40ss@mail.example.com", t, None).is_ok());
        let e = super::transport("http://user:hunter2@x", t, None)
            .err()
            .unwrap();
        assert!(!e.contains("hunter2") && e.contains("smtps://"), "{e}");
        let e = super::transport("user:hunter2 nonsense", t, None)
            .err()
            .unwrap();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
