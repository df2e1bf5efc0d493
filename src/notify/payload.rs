//! Each platform's request body for a [`Message`], every string escaped for the
//! platform's markup: Slack mrkdwn, Discord and Teams Markdown, and a JSON document of
//! the event for generic webhooks.

use serde_json::{Value, json};

use crate::notify::message::{Message, truncate};
use crate::vocabulary::{EventKind, Impact};

/// Slack mrkdwn: only `&`, `<` and `>` are control characters.
pub fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Discord and Teams Markdown: a backslash before every character that could start
/// formatting, a link (`[`), a heading, a quote or a list, so text always reads literally.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = true;
    for c in s.chars() {
        let special = matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '#' | '[' | ']'
        ) || (line_start && matches!(c, '-' | '+'));
        if special {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// Colours by what happened: impact while an incident is open, green once resolved,
/// blue for maintenance.
pub fn colour(m: &Message) -> u32 {
    match m.kind {
        EventKind::IncidentResolved | EventKind::PostmortemPublished => 0x2E_B6_7D,
        k if k.is_maintenance() => 0x3B_82_F6,
        _ => match m.impact {
            Some(Impact::Critical) => 0xE0_1E_5A,
            Some(Impact::Major) => 0xE8_91_2D,
            Some(Impact::Minor) => 0xF2_C7_44,
            _ => 0x9E_9E_9E,
        },
    }
}

fn impact_label(m: &Message) -> Option<String> {
    let i = m.impact?;
    Some(match &m.severity {
        Some(s) => format!("{} ({s})", m.texts.impact(i)),
        None => m.texts.impact(i).to_string(),
    })
}

fn components_line(m: &Message) -> String {
    m.components
        .iter()
        .map(|c| format!("{} ({})", c.name, m.texts.level(c.level)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facts every platform lists, as (label, plain text).
pub fn facts(m: &Message) -> Vec<(&'static str, String)> {
    let t = m.texts;
    let mut f = vec![(t.get("notify_status"), m.status_label.clone())];
    if let Some(i) = impact_label(m) {
        f.push((t.get("notify_impact"), i));
    }
    if !m.components.is_empty() {
        f.push((t.get("notify_components"), components_line(m)));
    }
    match &m.window {
        Some((starts, ends)) => f.push((t.get("notify_window"), format!("{starts} – {ends}"))),
        None => f.push((t.get("notify_when"), m.at.clone())),
    }
    f
}

/// A Slack incoming-webhook message: `text` for notifications, blocks for the message.
pub fn slack(m: &Message) -> Value {
    let facts: Vec<String> = facts(m)
        .into_iter()
        .map(|(k, v)| format!("*{k}:* {}", slack_escape(&v)))
        .collect();
    let mut blocks = vec![
        json!({
            "type": "header",
            "text": {"type": "plain_text", "text": truncate(&m.headline, 150), "emoji": false}
        }),
        json!({
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": truncate(&format!(
                    "*<{}|{}>*\n{}",
                    m.url,
                    slack_escape(&m.title).replace('|', "¦"),
                    facts.join("\n")
                ), 3000)
            }
        }),
    ];
    if !m.text.is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&m.text), 3000)}
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{
            "type": "mrkdwn",
            "text": format!("<{}|{}>", m.home_url, slack_escape(&m.site_title).replace('|', "¦"))
        }]
    }));
    json!({
        "text": slack_escape(&format!("[{}] {}", m.site_title, m.headline)),
        "blocks": blocks,
    })
}

/// A Discord webhook message with one embed coloured by impact. Mentions are switched
/// off, so no text can ping `@everyone`.
pub fn discord(m: &Message) -> Value {
    let fields: Vec<Value> = facts(m)
        .into_iter()
        .map(|(k, v)| {
            json!({
                "name": k,
                "value": truncate(&markdown_escape(&v), 1024),
                "inline": k != m.texts.get("notify_components"),
            })
        })
        .collect();
    json!({
        "allowed_mentions": {"parse": []},
        "embeds": [{
            "title": truncate(&markdown_escape(&m.headline), 256),
            "url": m.url,
            // Discord caps an embed at 6000 characters in all.
            "description": truncate(&markdown_escape(&m.text), 2048),
            "color": colour(m),
            "fields": fields,
            "timestamp": m.at_iso,
            "footer": {"text": truncate(&m.site_title, 2048)},
        }]
    })
}

/// A Microsoft Teams Workflows webhook message carrying an Adaptive Card.
pub fn teams(m: &Message) -> Value {
    let style = match colour(m) {
        0xE0_1E_5A => "Attention",
        0xE8_91_2D | 0xF2_C7_44 => "Warning",
        0x2E_B6_7D => "Good",
        0x3B_82_F6 => "Accent",
        _ => "Default",
    };
    let facts: Vec<Value> = facts(m)
        .into_iter()
        .map(|(k, v)| json!({"title": k, "value": markdown_escape(&v)}))
        .collect();
    let mut body = vec![
        json!({"type": "TextBlock", "text": markdown_escape(&m.site_title), "size": "Small", "isSubtle": true, "wrap": true}),
        json!({"type": "TextBlock", "text": markdown_escape(&m.headline), "weight": "Bolder", "size": "Medium", "color": style, "wrap": true}),
        json!({"type": "FactSet", "facts": facts}),
    ];
    if !m.text.is_empty() {
        body.push(json!({"type": "TextBlock", "text": markdown_escape(&m.text), "wrap": true}));
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{"type": "Action.OpenUrl", "title": m.texts.get("notify_view"), "url": m.url}],
            }
        }]
    })
}

/// The generic webhook's JSON document, with Statuspage's field names: `page`,
/// `incident` (a maintenance window is an incident with `scheduled_for`, as in
/// Statuspage), the `incident_update` announced and the `component_update`s it made.
pub fn webhook(m: &Message, page: &crate::render::api::PageJson, status: &Value) -> Value {
    let component_update: Vec<Value> = m
        .api_update
        .as_ref()
        .and_then(|u| {
            u.affected_components.as_ref().map(|list| {
                list.iter()
                    .map(|c| {
                        json!({
                            "component_id": c.code,
                            "name": c.name,
                            "old_status": c.old_status,
                            "new_status": c.new_status,
                            "created_at": u.created_at,
                        })
                    })
                    .collect()
            })
        })
        .unwrap_or_default();
    // A resolution without a "resolved" update still returns its components to operational.
    let component_update = if component_update.is_empty() && m.kind == EventKind::IncidentResolved {
        m.components
            .iter()
            .map(|c| {
                json!({
                    "component_id": crate::render::api::stable_id("component", &c.id),
                    "name": c.name,
                    "old_status": c.level.as_str(),
                    "new_status": crate::vocabulary::Level::Operational.as_str(),
                    "created_at": m.api.resolved_at,
                })
            })
            .collect()
    } else {
        component_update
    };
    json!({
        "meta": {
            "event_id": m.event_id,
            "event_type": m.kind.as_str(),
            "occurred_at": m.at_iso,
            "url": m.url,
        },
        "page": {
            "id": page.id,
            "name": page.name,
            "url": page.url,
            "time_zone": page.time_zone,
            "status_indicator": status["indicator"],
            "status_description": status["description"],
        },
        "incident": m.api,
        "incident_update": m.api_update,
        "component_update": component_update,
    })
}

/// The exact bytes sent: pretty JSON, so `--dry-run` shows them as they go.
pub fn body(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    // HMAC takes keys of any length.
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            slack_escape("<!channel> & <b>"),
            "&lt;!channel&gt; &amp; &lt;b&gt;"
        );
        assert_eq!(
            markdown_escape("**x** [a](b) _y_ `c`\n# h\n- item"),
            "\\*\\*x\\*\\* \\[a\\](b) \\_y\\_ \\`c\\`\n\\# h\n\\- item"
        );
        assert_eq!(markdown_escape("a-b 5-6"), "a-b 5-6");
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
