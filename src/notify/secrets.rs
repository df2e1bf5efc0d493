//! The secrets channels need, read from the environment variables `site.toml` names,
//! and the redaction that keeps them out of every line statusgen prints.

use crate::diag::Diagnostic;
use crate::site::{ChannelTarget, NotifyChannel};

/// A channel's resolved secrets.
#[derive(Debug, Clone)]
pub enum Secrets {
    /// The webhook URL and, for generic webhooks, the signing secret.
    Http {
        url: String,
        secret: Option<String>,
    },
    Smtp {
        url: String,
    },
}

impl Secrets {
    pub fn values(&self) -> Vec<&str> {
        match self {
            Secrets::Http { url, secret } => {
                let mut v = vec![url.as_str()];
                v.extend(secret.as_deref());
                v
            }
            Secrets::Smtp { url } => vec![url.as_str()],
        }
    }
}

/// The environment variable holding the channel's URL.
pub fn url_env(c: &NotifyChannel) -> &str {
    match &c.target {
        ChannelTarget::Slack { url_env }
        | ChannelTarget::Discord { url_env }
        | ChannelTarget::Teams { url_env }
        | ChannelTarget::Webhook { url_env, .. } => url_env,
        ChannelTarget::Email { smtp_url_env, .. } => smtp_url_env,
    }
}

/// Reads a channel's secrets through `get` (the environment, in practice). Every
/// problem is a diagnostic on the channel's table naming the variable, never its value.
pub fn resolve(
    c: &NotifyChannel,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Secrets, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut read = |name: &str, what: &str| -> Option<String> {
        match get(name).filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(v.trim().to_string()),
            None => {
                problems.push(
                    Diagnostic::error(
                        crate::load::config::FILE,
                        c.line,
                        0,
                        format!(
                            "environment variable {name} is not set (notify channel \"{}\" reads {what} from it)",
                            c.name
                        ),
                    )
                    .with_help(format!(
                        "set {name} before running notify; in GitHub Actions pass a secret: env: {name}: ${{{{ secrets.{name} }}}}"
                    )),
                );
                None
            }
        }
    };
    let secrets = match &c.target {
        ChannelTarget::Email { smtp_url_env, .. } => {
            read(smtp_url_env, "its SMTP URL").map(|url| Secrets::Smtp { url })
        }
        ChannelTarget::Webhook {
            url_env,
            secret_env,
        } => {
            let url = read(url_env, "its webhook URL");
            let secret = secret_env.as_deref().map(|s| read(s, "its signing secret"));
            match (url, secret) {
                (Some(url), None) => Some(Secrets::Http { url, secret: None }),
                (Some(url), Some(Some(s))) => Some(Secrets::Http {
                    url,
                    secret: Some(s),
                }),
                _ => None,
            }
        }
        _ => read(url_env(c), "its webhook URL").map(|url| Secrets::Http { url, secret: None }),
    };
    if let Some(Secrets::Http { url, .. }) = &secrets
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        problems.push(
            Diagnostic::error(
                crate::load::config::FILE,
                c.line,
                0,
                format!(
                    "environment variable {} does not hold an http(s) URL (notify channel \"{}\")",
                    url_env(c),
                    c.name
                ),
            )
            .with_help("set it to the webhook URL the platform gave you, starting with https://"),
        );
    }
    match secrets {
        Some(s) if problems.is_empty() => Ok(s),
        _ => Err(problems),
    }
}

/// `text` with every secret replaced by `[redacted]`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if s.len() >= 4 {
            out = out.replace(s.as_str(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(target: ChannelTarget) -> NotifyChannel {
        NotifyChannel {
            name: "hook".into(),
            target,
            components: vec![],
            events: vec![],
            line: 12,
        }
    }

    #[test]
    fn missing_and_bad_variables_are_named_and_values_never_shown() {
        let c = channel(ChannelTarget::Webhook {
            url_env: "HOOK_URL".into(),
            secret_env: Some("HOOK_SECRET".into()),
        });
        let e = resolve(&c, &|_| None).unwrap_err();
        let text: Vec<String> = e.iter().map(|d| d.to_string()).collect();
        assert_eq!(e.len(), 2, "{text:#?}");
        assert!(
            text[0].starts_with("site.toml:12: error: environment variable HOOK_URL is not set")
        );
        assert!(text[1].contains("HOOK_SECRET"));
        let e = resolve(&c, &|n| {
            Some(if n == "HOOK_URL" {
                "ftp://tok-123".into()
            } else {
                "s".into()
            })
        })
        .unwrap_err();
        assert!(!e[0].to_string().contains("tok-123"), "{}", e[0]);
        let ok = resolve(&c, &|n| Some(format!("https://x.test/{n}"))).unwrap();
        assert_eq!(ok.values().len(), 2);
    }

    #[test]
    fn redacts() {
        assert_eq!(
            redact("failed https://h/T0K3N x", &["https://h/T0K3N".into()]),
            "failed [redacted] x"
        );
    }
}
