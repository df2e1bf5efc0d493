//! One message on its way to one channel: the exact request (or email) built from a
//! [`Message`], how `--dry-run` shows it, and its delivery with retries.

use crate::notify::message::Message;
use crate::notify::secrets::{self, Secrets};
use crate::notify::{email, http, payload};
use crate::site::{ChannelTarget, NotifyChannel};

/// One message ready to go, in the exact bytes that will be sent.
pub enum Outgoing {
    Http {
        body: String,
        /// The event kind, sent as `X-Statusgen-Event`. The signature is made when
        /// sending: it needs the secret.
        event: &'static str,
    },
    Email {
        subject: String,
        text: String,
        html: String,
        message: Box<Result<lettre::Message, String>>,
    },
}

/// The request (or email) for `m` on channel `c`.
pub fn build(
    c: &NotifyChannel,
    m: &Message,
    page: &crate::render::api::PageJson,
    status: &serde_json::Value,
) -> Outgoing {
    let json = match &c.target {
        ChannelTarget::Slack { .. } => payload::slack(m),
        ChannelTarget::Discord { .. } => payload::discord(m),
        ChannelTarget::Teams { .. } => payload::teams(m),
        ChannelTarget::Webhook { .. } => payload::webhook(m, page, status),
        ChannelTarget::Email { from, to, .. } => {
            return Outgoing::Email {
                subject: email::subject(m),
                text: email::text_body(m),
                html: email::html_body(m),
                message: Box::new(email::build(m, from, to)),
            };
        }
    };
    Outgoing::Http {
        body: payload::body(&json),
        event: m.kind.as_str(),
    }
}

impl Outgoing {
    fn headers(&self, secret: Option<&str>) -> Vec<(&'static str, String)> {
        let Outgoing::Http { body, event } = self else {
            return Vec::new();
        };
        let mut h = vec![("Content-Type", "application/json".to_string())];
        h.push(("X-Statusgen-Event", (*event).to_string()));
        if let Some(s) = secret {
            h.push((
                "X-Statusgen-Signature",
                payload::signature(s.as_bytes(), body.as_bytes()),
            ));
        }
        h
    }

    /// What `--dry-run` prints: the request as it would go, the URL named by its
    /// variable, never shown.
    pub fn preview(&self, c: &NotifyChannel) -> String {
        let env = secrets::url_env(c);
        match self {
            Outgoing::Http { body, .. } => {
                let mut s = format!("POST ${env}\n");
                let secret_env = match &c.target {
                    ChannelTarget::Webhook { secret_env, .. } => secret_env.as_deref(),
                    _ => None,
                };
                for (k, v) in self.headers(None) {
                    s.push_str(&format!("{k}: {v}\n"));
                }
                if let Some(name) = secret_env {
                    s.push_str(&format!(
                        "X-Statusgen-Signature: sha256=<HMAC-SHA256 of the body with ${name}>\n"
                    ));
                }
                s.push('\n');
                s.push_str(body);
                s.push('\n');
                s
            }
            Outgoing::Email {
                subject,
                text,
                html,
                ..
            } => {
                let (from, to) = match &c.target {
                    ChannelTarget::Email { from, to, .. } => (from.as_str(), to.as_slice()),
                    _ => ("", &[][..]),
                };
                let to = match to {
                    [one] => format!("To: {one}"),
                    many => format!("To: {from}\nBcc: {}", many.join(", ")),
                };
                format!(
                    "SMTP ${env}\nFrom: {from}\n{to}\nSubject: {subject}\n\n--- text/plain\n{text}--- text/html\n{html}"
                )
            }
        }
    }

    pub fn deliver(
        &self,
        secrets: &Secrets,
        agent: &ureq::Agent,
        retry: &http::Retry,
    ) -> Result<(), String> {
        match (self, secrets) {
            (Outgoing::Http { body, .. }, Secrets::Http { url, secret }) => {
                http::post(agent, url, &self.headers(secret.as_deref()), body, retry).map(|_| ())
            }
            (Outgoing::Email { message, .. }, Secrets::Smtp { url }) => {
                let msg = message.as_ref().as_ref().map_err(Clone::clone)?;
                let ca = email::extra_ca()?;
                let transport = email::transport(url, retry.timeout, ca.as_deref())?;
                let mut n = 1;
                loop {
                    match email::send(&transport, msg) {
                        Ok(()) => return Ok(()),
                        Err(email::SendError::Permanent(why)) => {
                            return Err(format!("{why} (attempt {n})"));
                        }
                        Err(email::SendError::Transient(why)) if n >= retry.attempts => {
                            return Err(format!("{why} (after {n} attempts)"));
                        }
                        Err(email::SendError::Transient(_)) => {
                            std::thread::sleep(retry.backoff(n));
                            n += 1;
                        }
                    }
                }
            }
            _ => Err("the channel's secrets do not fit its kind".into()),
        }
    }
}
