//! `[[notify]]` tables of `site.toml`: the channels `statusgen notify` delivers to.
//! Read by the same reader as the rest of the file, so typos get the same "did you
//! mean" diagnostics and `check` reports them with everything else.

use std::ops::Range;

use toml::de::DeTable;

use crate::load::reader::Reader;
use crate::site::{ChannelTarget, Component, NotifyChannel};
use crate::vocabulary::EventKind;

const KINDS: &[&str] = &["slack", "discord", "teams", "webhook", "email"];
const COMMON_KEYS: &[&str] = &["name", "kind", "components", "events"];
const WHAT: &str = "a [[notify]] entry";

/// The keys a channel of `kind` accepts.
fn keys_for(kind: &str) -> Vec<&'static str> {
    let own: &[&str] = match kind {
        "webhook" => &["url_env", "secret_env"],
        "email" => &["smtp_url_env", "from", "to"],
        _ => &["url_env"],
    };
    COMMON_KEYS.iter().chain(own).copied().collect()
}

/// Reads every `[[notify]]` table, reporting each problem.
pub fn parse(r: &mut Reader<'_>, t: &DeTable<'_>, components: &[Component]) -> Vec<NotifyChannel> {
    let Some(v) = Reader::get(t, "notify") else {
        return Vec::new();
    };
    let Some(items) = v.get_ref().as_array() else {
        r.error(
            &v.span(),
            "`notify` must be an array of tables",
            "declare each channel with a [[notify]] section",
        );
        return Vec::new();
    };
    let mut out: Vec<NotifyChannel> = Vec::new();
    for item in items.iter() {
        let Some(table) = item.get_ref().as_table() else {
            r.error(
                &item.span(),
                "each notify channel must be a table",
                "use [[notify]] sections",
            );
            continue;
        };
        let span = item.span();
        let Some(channel) = channel(r, table, &span, components) else {
            continue;
        };
        if out.iter().any(|c| c.name == channel.name) {
            let at = Reader::get(table, "name").map_or(span.clone(), |v| v.span());
            r.error(
                &at,
                format!("two [[notify]] channels are named \"{}\"", channel.name),
                "give each channel its own `name` (it keys the channel's entry in the notify state file)",
            );
            continue;
        }
        out.push(channel);
    }
    out
}

fn channel(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    span: &Range<usize>,
    components: &[Component],
) -> Option<NotifyChannel> {
    let kind = match Reader::get(t, "kind") {
        None => {
            r.error(
                &(span.start..span.start),
                format!("{WHAT} is missing required key `kind`"),
                format!("add: kind = \"slack\" (one of {})", KINDS.join(", ")),
            );
            None
        }
        Some(v) => {
            let s = r.opt_str(t, "kind");
            s.and_then(|s| {
                r.word(
                    &v.span(),
                    "kind",
                    &s,
                    |w| KINDS.contains(&w).then(|| w.to_string()),
                    KINDS,
                )
            })
        }
    };
    // Unknown keys are judged against the kind's keys; without a known kind, against all.
    let allowed = match &kind {
        Some(k) => keys_for(k),
        None => {
            let mut all = keys_for("webhook");
            all.extend(["smtp_url_env", "from", "to"]);
            all
        }
    };
    let what = match &kind {
        Some(k) => format!("a [[notify]] entry of kind \"{k}\""),
        None => WHAT.to_string(),
    };
    r.deny_unknown(t, &allowed, &what);

    let name = match Reader::get(t, "name") {
        None => kind.clone(),
        Some(v) => r.opt_str(t, "name").and_then(|n| {
            if crate::load::slug::is_valid(&n) {
                Some(n)
            } else {
                r.error(
                    &v.span(),
                    format!("notify channel name \"{n}\" may only use a-z, 0-9 and -"),
                    format!(
                        "use a name like \"{}\"",
                        crate::load::slug::from_file_stem(&n)
                    ),
                );
                None
            }
        }),
    };
    let filter_components = string_list(r, t, "components").map(|items| {
        let ids: Vec<&str> = components.iter().map(|c| c.id.as_str()).collect();
        items
            .into_iter()
            .filter_map(|(s, span)| {
                r.word(
                    &span,
                    "components",
                    &s,
                    |w| ids.contains(&w).then(|| w.to_string()),
                    &ids,
                )
            })
            .collect::<Vec<_>>()
    });
    let events = string_list(r, t, "events").map(|items| {
        let words: Vec<&str> = EventKind::ALL.iter().map(|e| e.as_str()).collect();
        items
            .into_iter()
            .filter_map(|(s, span)| r.word(&span, "events", &s, EventKind::parse, &words))
            .collect::<Vec<_>>()
    });

    let target = match kind.as_deref()? {
        "email" => {
            let smtp_url_env = env_name(r, t, span, "smtp_url_env", "SMTP_URL");
            let from = address(r, t, span, "from");
            let to = match Reader::get(t, "to") {
                None => {
                    r.error(
                        &(span.start..span.start),
                        format!("{what} is missing required key `to`"),
                        "add: to = [\"status-subscribers@example.com\"]",
                    );
                    None
                }
                Some(v) => string_list(r, t, "to").and_then(|items| {
                    if items.is_empty() {
                        r.error(
                            &v.span(),
                            "`to` lists no address",
                            "add at least one: to = [\"status-subscribers@example.com\"]",
                        );
                        return None;
                    }
                    let good: Vec<String> = items
                        .into_iter()
                        .filter_map(|(s, span)| check_address(r, &span, "to", s))
                        .collect();
                    Some(good)
                }),
            };
            ChannelTarget::Email {
                smtp_url_env: smtp_url_env?,
                from: from?,
                to: to?,
            }
        }
        k => {
            let example = match k {
                "slack" => "SLACK_WEBHOOK_URL",
                "discord" => "DISCORD_WEBHOOK_URL",
                "teams" => "TEAMS_WEBHOOK_URL",
                _ => "WEBHOOK_URL",
            };
            let url_env = env_name(r, t, span, "url_env", example)?;
            match k {
                "slack" => ChannelTarget::Slack { url_env },
                "discord" => ChannelTarget::Discord { url_env },
                "teams" => ChannelTarget::Teams { url_env },
                _ => {
                    let secret_env = match Reader::get(t, "secret_env") {
                        None => None,
                        Some(_) => Some(env_name(r, t, span, "secret_env", "WEBHOOK_SECRET")?),
                    };
                    ChannelTarget::Webhook {
                        url_env,
                        secret_env,
                    }
                }
            }
        }
    };
    Some(NotifyChannel {
        name: name?,
        target,
        components: filter_components.unwrap_or_default(),
        events: events.unwrap_or_default(),
        line: r.position(span).0,
    })
}

/// An array of strings, each with its span.
fn string_list(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    key: &str,
) -> Option<Vec<(String, Range<usize>)>> {
    let v = Reader::get(t, key)?;
    let Some(items) = v.get_ref().as_array() else {
        r.error(
            &v.span(),
            format!("`{key}` must be a list of strings"),
            format!("write it like: {key} = [\"...\"]"),
        );
        return None;
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref().as_str() {
            Some(s) => out.push((s.to_string(), item.span())),
            None => r.error(
                &item.span(),
                format!(
                    "`{key}` must hold strings, found {}",
                    item.get_ref().type_str()
                ),
                format!("write it like: {key} = [\"...\"]"),
            ),
        }
    }
    Some(out)
}

/// The name of an environment variable. The value is a secret and lives only in the
/// environment, so a URL written here is refused without being echoed back.
fn env_name(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    span: &Range<usize>,
    key: &str,
    example: &str,
) -> Option<String> {
    let Some(v) = Reader::get(t, key) else {
        r.error(
            &(span.start..span.start),
            format!("{WHAT} is missing required key `{key}`"),
            format!(
                "add: {key} = \"{example}\" (the name of the environment variable that holds the secret)"
            ),
        );
        return None;
    };
    let name = r.opt_str(t, key)?;
    if is_env_name(&name) {
        return Some(name);
    }
    let secret_like = name.contains("://") || name.contains('@') || name.contains('/');
    let message = if secret_like {
        format!("`{key}` must name an environment variable, not hold the secret itself")
    } else {
        format!("`{key}` = \"{name}\" is not an environment variable name")
    };
    r.error(
        &v.span(),
        message,
        format!(
            "write {key} = \"{example}\" and set {example} in the environment (a CI secret); secrets never go in site.toml"
        ),
    );
    None
}

pub fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn address(r: &mut Reader<'_>, t: &DeTable<'_>, span: &Range<usize>, key: &str) -> Option<String> {
    let v = Reader::get(t, key);
    let s = r.req_str(t, span, key, WHAT)?;
    check_address(r, &v?.span(), key, s)
}

/// An address as mail headers take it: `status@example.com` or `Acme Status <status@example.com>`.
fn check_address(r: &mut Reader<'_>, span: &Range<usize>, key: &str, s: String) -> Option<String> {
    if s.parse::<lettre::message::Mailbox>().is_ok() {
        return Some(s);
    }
    r.error(
        span,
        format!("`{key}` has \"{s}\", which is not an email address"),
        "write it like \"status@example.com\" or \"Acme Status <status@example.com>\"",
    );
    None
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostic;

    fn parse(notify: &str) -> (Vec<crate::site::NotifyChannel>, Vec<Diagnostic>) {
        let text = format!(
            "title = \"A\"\nbase_url = \"https://a.test/\"\n[[components]]\nid = \"api\"\nname = \"API\"\n[[components]]\nid = \"web\"\nname = \"Web\"\n{notify}"
        );
        let mut d = Vec::new();
        let c = crate::load::config::parse(&text, &mut d).unwrap();
        (c.notify, d)
    }

    #[test]
    fn reads_every_kind() {
        let (c, d) = parse(
            "[[notify]]\nkind = \"slack\"\nurl_env = \"SLACK_URL\"\ncomponents = [\"api\"]\n\
             [[notify]]\nkind = \"webhook\"\nurl_env = \"HOOK\"\nsecret_env = \"HOOK_SECRET\"\nevents = [\"incident_updated\"]\n\
             [[notify]]\nkind = \"email\"\nsmtp_url_env = \"SMTP_URL\"\nfrom = \"Acme <s@a.test>\"\nto = [\"x@a.test\"]\n\
             [[notify]]\nname = \"ops-discord\"\nkind = \"discord\"\nurl_env = \"D\"\n",
        );
        assert!(d.is_empty(), "{d:#?}");
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["slack", "webhook", "email", "ops-discord"]);
        assert_eq!(c[0].components, ["api"]);
        assert_eq!(c[0].line, 9);
        assert_eq!(
            c[1].target,
            crate::site::ChannelTarget::Webhook {
                url_env: "HOOK".into(),
                secret_env: Some("HOOK_SECRET".into())
            }
        );
        assert_eq!(c[1].events, [crate::vocabulary::EventKind::IncidentUpdated]);
    }

    #[test]
    fn reports_every_problem_with_suggestions() {
        let (_, d) = parse(
            "[[notify]]\nkind = \"slak\"\nurl_env = \"X\"\n\
             [[notify]]\nkind = \"slack\"\nurl_env = \"https://hooks.slack.com/services/T/B/SECRET\"\nsecret_env = \"S\"\ncomponents = [\"apj\"]\nevents = [\"incident_update\"]\n\
             [[notify]]\nkind = \"email\"\nsmtp_url_env = \"SMTP\"\nfrom = \"nobody\"\nto = []\n\
             [[notify]]\nkind = \"webhook\"\n\
             [[notify]]\nkind = \"teams\"\nurl_env = \"B\"\n\
             [[notify]]\nkind = \"teams\"\nurl_env = \"C\"\n",
        );
        let mut d = d;
        crate::diag::sort(&mut d);
        let got: Vec<(usize, &str, &str)> = d
            .iter()
            .map(|d| (d.line, d.message.as_str(), d.help.as_deref().unwrap_or("")))
            .collect();
        let text = format!("{got:#?}");
        assert!(!text.contains("SECRET"), "a secret is echoed: {text}");
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![10, 14, 15, 16, 17, 21, 22, 23, 28], "{text}");
        assert!(got[0].2.contains("did you mean \"slack\""), "{text}");
        assert!(got[1].1.contains("not hold the secret itself"), "{text}");
        assert!(got[2].1.contains("unknown key `secret_env`"), "{text}");
        assert!(got[3].2.contains("did you mean \"api\""), "{text}");
        assert!(
            got[4].2.contains("did you mean \"incident_updated\""),
            "{text}"
        );
        assert!(got[5].1.contains("not an email address"), "{text}");
        assert!(
            got[7].1.contains("missing required key `url_env`"),
            "{text}"
        );
        assert!(
            got[8]
                .1
                .contains("two [[notify]] channels are named \"teams\""),
            "{text}"
        );
    }

    #[test]
    fn env_names() {
        assert!(super::is_env_name("SLACK_WEBHOOK_URL"));
        assert!(super::is_env_name("_x1"));
        assert!(!super::is_env_name("1X"));
        assert!(!super::is_env_name("A-B"));
        assert!(!super::is_env_name(""));
    }
}
