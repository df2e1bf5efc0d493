//! `statusgen notify` through the real binary, against real receivers on loopback: an
//! HTTP server (a thread here) that records every request and answers what each test
//! scripts (200, 500, 429 with Retry-After), and a real SMTP server (Python's aiosmtpd,
//! tests/notify/smtp_sink.py) that stores every message.

#[path = "notify/receivers.rs"]
mod receivers;

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use receivers::{Receiver, Smtp};

// ---------------------------------------------------------------- the site

const NOW1: &str = "2026-04-15T12:00:00Z";
const NOW2: &str = "2026-04-15T12:30:00Z";
const SECRET: &str = "whsec-test-0123456789";

const INCIDENT: &str = r#"+++
title = "Authentication API outage"
impact = "major"
started = 2026-04-15T10:00:00Z
components = ["auth"]

[[updates]]
at = 2026-04-15T10:05:00Z
status = "investigating"
message = "We are investigating login failures."
+++
"#;

const DRAFT: &str = r#"+++
title = "Secret draft incident"
impact = "critical"
started = 2026-04-15T09:00:00Z
components = ["auth"]
draft = true

[[updates]]
at = 2026-04-15T09:00:00Z
status = "investigating"
message = "Draft text that must never leave."
+++
"#;

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    http: Receiver,
    smtp: Smtp,
}

fn site(extra_channels: &str) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content/incidents")).unwrap();
    let config = format!(
        r#"title = "Acme Status"
base_url = "https://acme.test/status/"
timezone = "Europe/Berlin"

[[components]]
id = "auth"
name = "Authentication API"

[[components]]
id = "web"
name = "Website"

[[notify]]
kind = "slack"
url_env = "SG_SLACK_URL"

[[notify]]
kind = "webhook"
url_env = "SG_HOOK_URL"
secret_env = "SG_HOOK_SECRET"

[[notify]]
kind = "email"
smtp_url_env = "SG_SMTP_URL"
from = "Acme Status <status@acme.test>"
to = ["ops@acme.test", "subscribers@acme.test"]
{extra_channels}"#
    );
    std::fs::write(root.join("site.toml"), config).unwrap();
    std::fs::write(
        root.join("content/incidents/2026-04-15-auth-outage.md"),
        INCIDENT,
    )
    .unwrap();
    std::fs::write(root.join("content/incidents/2026-04-15-draft.md"), DRAFT).unwrap();
    let http = Receiver::start();
    let smtp = Smtp::start(&tmp.path().join("mail"));
    Site {
        _tmp: tmp,
        root,
        http,
        smtp,
    }
}

impl Site {
    fn notify(&self, now: &str, extra: &[&str]) -> Output {
        self.notify_env(now, extra, &[])
    }

    /// [`Site::notify`] with more (or other) environment variables.
    fn notify_env(&self, now: &str, extra: &[&str], env: &[(&str, String)]) -> Output {
        let mut cmd = assert_cmd::Command::cargo_bin("statusgen").unwrap();
        cmd.arg("notify")
            .arg("--root")
            .arg(&self.root)
            .args(["--now", now])
            .args(extra)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .env("STATUSGEN_NOTIFY_RETRY_BASE_MS", "10")
            .env("SG_SLACK_URL", self.http.url("slack"))
            .env("SG_HOOK_URL", self.http.url("hook"))
            .env("SG_HOOK_SECRET", SECRET)
            .env("SG_DISCORD_URL", self.http.url("discord"))
            .env("SG_TEAMS_URL", self.http.url("teams"))
            .env("SG_SMTP_URL", self.smtp.url());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Posts an update to the incident with the real `statusgen update`.
    fn add_update(&self, at: &str, status: &str, message: &str) {
        self.post("2026-04-15-auth-outage", at, status, message);
    }

    /// `statusgen update TARGET --status S --message M --at T` on this site.
    fn post(&self, target: &str, at: &str, status: &str, message: &str) {
        let mut cmd = assert_cmd::Command::cargo_bin("statusgen").unwrap();
        let o = cmd
            .args([
                "update",
                target,
                "--status",
                status,
                "--message",
                message,
                "--at",
                at,
            ])
            .arg("--root")
            .arg(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "statusgen update: {}", stderr(&o));
    }

    fn state(&self) -> Option<String> {
        std::fs::read_to_string(self.root.join(".statusgen/notify-state.json")).ok()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn hmac_hex(body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored message's Subject header, and the message with quoted-printable parts
/// decoded (soft line breaks joined, `=XX` bytes restored).
fn email_parts(raw: &str) -> (String, String) {
    let subject = raw
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .to_string();
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
            })
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    (subject, String::from_utf8_lossy(&out).into_owned())
}

// ---------------------------------------------------------------- tests

/// The issue's acceptance scenario, step by step.
#[test]
fn acceptance_first_run_then_one_update_then_nothing_then_a_failed_channel_catches_up() {
    let s = site("");

    // 1. The first run sends nothing and records the current events.
    let o = s.notify(NOW1, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("first run"), "{}", stderr(&o));
    assert!(s.http.take("slack").is_empty() && s.http.take("hook").is_empty());
    assert!(s.smtp.take().is_empty());
    let state = s.state().expect("the first run writes the state");
    assert!(
        state.contains("incident/2026-04-15-auth-outage/created"),
        "{state}"
    );
    assert!(!state.contains("draft"), "drafts are not events: {state}");

    // 2. One new update: exactly one message on each channel.
    s.add_update(
        "2026-04-15T12:20:00Z",
        "identified",
        "Cause found: a bad <config> & a rollback is *under way*.",
    );
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));

    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 1, "{slack:#?}");
    let msg = slack[0].json();
    assert_eq!(
        msg["text"],
        "[Acme Status] Identified: Authentication API outage"
    );
    let blocks = msg["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    let all_text = serde_json::to_string(blocks).unwrap();
    // Slack mrkdwn escaping; the link honours base_url; times in the site timezone.
    assert!(
        all_text.contains("a bad &lt;config&gt; &amp; a rollback"),
        "{all_text}"
    );
    assert!(
        all_text.contains(
            "<https://acme.test/status/incidents/2026-04-15-auth-outage/|Authentication API outage>"
        ),
        "{all_text}"
    );
    assert!(
        all_text.contains("15 Apr 2026, 14:20 CEST (UTC+02:00)"),
        "{all_text}"
    );

    let hook = s.http.take("hook");
    assert_eq!(hook.len(), 1, "{hook:#?}");
    let h = &hook[0];
    assert_eq!(h.headers["x-statusgen-event"], "incident_updated");
    assert_eq!(
        h.headers["x-statusgen-signature"],
        format!("sha256={}", hmac_hex(&h.body)),
        "the signature is the HMAC-SHA256 of the body"
    );
    let doc = h.json();
    assert_eq!(doc["meta"]["event_type"], "incident_updated");
    assert_eq!(doc["incident"]["name"], "Authentication API outage");
    assert_eq!(doc["incident"]["status"], "identified");
    assert_eq!(doc["incident_update"]["status"], "identified");
    assert_eq!(
        doc["incident_update"]["body"],
        "Cause found: a bad <config> & a rollback is *under way*."
    );
    assert_eq!(doc["page"]["url"], "https://acme.test/status/");
    assert!(doc["component_update"].is_array());

    let mails = s.smtp.take();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let (subject, raw) = email_parts(&mails[0]);
    assert_eq!(
        subject,
        "[Acme Status] Identified: Authentication API outage"
    );
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(
        raw.contains("text/plain") && raw.contains("text/html"),
        "{raw}"
    );
    // Recipients do not see each other: they are in the envelope only.
    assert!(
        raw.contains("To: \"Acme Status\" <status@acme.test>"),
        "{raw}"
    );
    assert!(
        !raw.contains("ops@acme.test") && !raw.contains("Bcc"),
        "{raw}"
    );
    assert_eq!(
        s.smtp.last_recipients(),
        ["ops@acme.test", "subscribers@acme.test"]
    );
    // The plain part carries the text as written, the HTML part escaped.
    assert!(
        raw.contains("Cause found: a bad <config> & a rollback is *under way*."),
        "{raw}"
    );
    assert!(
        raw.contains("<p>Cause found: a bad &lt;config&gt; &amp; a rollback"),
        "{raw}"
    );
    assert!(
        raw.contains("<a href=\"https://acme.test/status/incidents/2026-04-15-auth-outage/\">"),
        "{raw}"
    );
    // Messages about one incident thread together.
    assert!(raw.contains("Message-ID: <"), "{raw}");
    assert!(raw.contains("References: <"), "{raw}");

    // 3. Nothing new: nothing sent. Correcting an update's text is not news either.
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(s.http.take("slack").is_empty() && s.http.take("hook").is_empty());
    assert!(s.smtp.take().is_empty());
    let path = s.root.join("content/incidents/2026-04-15-auth-outage.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Cause found", "Cause identified")).unwrap();
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(s.http.take("slack").is_empty() && s.http.take("hook").is_empty());
    assert!(s.smtp.take().is_empty());

    // 4. The webhook answers 500: the others get the next update, the run fails, the
    //    webhook's message stays pending.
    s.add_update("2026-04-15T12:25:00Z", "monitoring", "A fix is deployed.");
    s.http.always("hook", Some(500));
    let o = s.notify(NOW2, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("webhook: delivery failed: the server answered 500"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("after 4 attempts"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains(&s.http.url("hook")),
        "the URL is a secret"
    );
    assert_eq!(s.http.take("slack").len(), 1);
    assert_eq!(s.smtp.take().len(), 1);
    assert_eq!(s.http.take("hook").len(), 4, "retried with backoff");

    // 5. The webhook is back: it alone gets the message; the others not twice.
    s.http.always("hook", None);
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let hook = s.http.take("hook");
    assert_eq!(hook.len(), 1);
    assert_eq!(hook[0].json()["incident_update"]["status"], "monitoring");
    assert!(s.http.take("slack").is_empty());
    assert!(s.smtp.take().is_empty());

    // And again: nothing.
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success());
    assert!(s.http.take("hook").is_empty() && s.http.take("slack").is_empty());
    assert!(s.smtp.take().is_empty());
}

#[test]
fn retries_within_a_run_and_honours_retry_after() {
    let s = site("");
    assert!(s.notify(NOW1, &[]).status.success());
    s.add_update("2026-04-15T12:20:00Z", "identified", "Found it.");
    s.http.answer("hook", 503, None);
    s.http.answer("slack", 429, Some(("Retry-After", "1")));
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let hook = s.http.take("hook");
    assert_eq!(hook.len(), 2, "a 5xx is retried");
    assert_eq!(hook[0].body, hook[1].body, "the same bytes are sent again");
    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 2, "a 429 is retried");
    assert!(
        slack[1].at.duration_since(slack[0].at) >= Duration::from_millis(950),
        "Retry-After: 1 is honoured"
    );
    assert_eq!(s.smtp.take().len(), 1);

    // A Retry-After longer than a run waits leaves the message for the next run.
    s.add_update("2026-04-15T12:25:00Z", "monitoring", "Watching.");
    s.http.answer("hook", 429, Some(("Retry-After", "3600")));
    let started = Instant::now();
    let o = s.notify(NOW2, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        stderr(&o).contains("rate limited (429) for 3600 s"),
        "{}",
        stderr(&o)
    );
    assert_eq!(s.http.take("hook").len(), 1, "not retried in this run");
    assert!(s.notify(NOW2, &[]).status.success());
    assert_eq!(s.http.take("hook").len(), 1, "sent by the next run");
    assert_eq!(
        s.http.take("slack").len(),
        1,
        "Slack got it once, in the first run"
    );
}

#[test]
fn drafts_never_notify_and_all_sends_history_once() {
    let s = site("");
    let o = s.notify(NOW1, &["--all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The new incident and its first update are one message.
    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 1, "{slack:#?}");
    assert_eq!(
        slack[0].json()["text"],
        "[Acme Status] Investigating: Authentication API outage"
    );
    let hook = s.http.take("hook");
    assert_eq!(hook.len(), 1);
    assert_eq!(hook[0].headers["x-statusgen-event"], "incident_created");
    let mails = s.smtp.take();
    assert_eq!(mails.len(), 1);
    for body in slack
        .iter()
        .chain(&hook)
        .map(|r| r.body.clone())
        .chain(mails)
    {
        assert!(!body.contains("Secret draft") && !body.contains("Draft text"));
    }
    // Publishing the draft later makes it new.
    let draft = s.root.join("content/incidents/2026-04-15-draft.md");
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(&draft, text.replace("draft = true\n", "")).unwrap();
    assert!(s.notify(NOW1, &[]).status.success());
    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 1);
    assert_eq!(
        slack[0].json()["text"],
        "[Acme Status] Investigating: Secret draft incident"
    );
}

#[test]
fn dry_run_prints_what_would_be_sent_and_changes_nothing() {
    let s = site("");
    assert!(s.notify(NOW1, &[]).status.success());
    let before = s.state().unwrap();
    s.add_update("2026-04-15T12:20:00Z", "identified", "Found it.");
    let o = s.notify(NOW2, &["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("=== channel \"slack\" (slack): 1 message(s)"),
        "{out}"
    );
    assert!(out.contains("POST $SG_SLACK_URL"), "{out}");
    assert!(out.contains("X-Statusgen-Event: incident_updated"), "{out}");
    assert!(
        out.contains("Subject: [Acme Status] Identified: Authentication API outage"),
        "{out}"
    );
    let all = format!("{out}{}", stderr(&o));
    assert!(
        !all.contains(&s.http.url("slack"))
            && !all.contains(SECRET)
            && !all.contains(&s.smtp.url())
    );
    assert_eq!(s.state().unwrap(), before, "the state is untouched");
    assert!(s.http.take("slack").is_empty() && s.http.take("hook").is_empty());
    assert!(s.smtp.take().is_empty());

    // The dry run shows the very bytes the real run sends.
    assert!(s.notify(NOW2, &[]).status.success());
    let sent = s.http.take("slack").remove(0).body;
    assert!(out.contains(&sent), "dry run:\n{out}\nsent:\n{sent}");
}

#[test]
fn a_missing_variable_is_named_and_nothing_is_sent_or_written() {
    let s = site("");
    // Unset secrets reach the environment of a CI step as empty strings.
    let o = s.notify_env(
        NOW1,
        &["--all"],
        &[
            ("SG_HOOK_SECRET", String::new()),
            ("SG_SMTP_URL", String::new()),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("environment variable SG_HOOK_SECRET is not set"),
        "{e}"
    );
    assert!(
        e.contains("environment variable SG_SMTP_URL is not set"),
        "{e}"
    );
    assert!(!e.contains(&s.http.url("slack")), "{e}");
    assert!(s.state().is_none());
    assert!(s.http.take("slack").is_empty());
}

#[test]
fn discord_and_teams_payloads_and_filters() {
    let s = site(
        r#"
[[notify]]
kind = "discord"
url_env = "SG_DISCORD_URL"

[[notify]]
kind = "teams"
url_env = "SG_TEAMS_URL"

[[notify]]
name = "web-only"
kind = "webhook"
url_env = "SG_HOOK_URL"
components = ["web"]

[[notify]]
name = "resolutions"
kind = "slack"
url_env = "SG_SLACK_URL"
events = ["incident_resolved"]
"#,
    );
    // The title needs escaping on every platform.
    let inc = s.root.join("content/incidents/2026-04-15-auth-outage.md");
    let text = std::fs::read_to_string(&inc).unwrap();
    std::fs::write(
        &inc,
        text.replace(
            "title = \"Authentication API outage\"",
            "title = \"Auth *outage* [x](https://evil.test) @everyone\"",
        ),
    )
    .unwrap();
    let o = s.notify(NOW1, &["--all"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let discord = s.http.take("discord");
    assert_eq!(discord.len(), 1);
    let d = discord[0].json();
    assert_eq!(d["allowed_mentions"]["parse"], serde_json::json!([]));
    let embed = &d["embeds"][0];
    assert_eq!(
        embed["title"],
        "Investigating: Auth \\*outage\\* \\[x\\](https://evil.test) @everyone"
    );
    assert_eq!(embed["color"], 0xE8912D, "major impact is orange");
    assert_eq!(
        embed["url"],
        "https://acme.test/status/incidents/2026-04-15-auth-outage/"
    );
    assert_eq!(embed["timestamp"], "2026-04-15T10:00:00Z");

    let teams = s.http.take("teams");
    assert_eq!(teams.len(), 1);
    let t = teams[0].json();
    assert_eq!(t["type"], "message");
    let att = &t["attachments"][0];
    assert_eq!(
        att["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(att["content"]["type"], "AdaptiveCard");
    assert_eq!(att["content"]["actions"][0]["type"], "Action.OpenUrl");
    let card = serde_json::to_string(&att["content"]["body"]).unwrap();
    assert!(card.contains("Auth \\\\*outage\\\\*"), "{card}");

    // Filters: the web-only webhook and the resolutions-only Slack get nothing here
    // (the hook path also serves the default webhook, which gets one).
    assert_eq!(s.http.take("hook").len(), 1);
    assert_eq!(
        s.http.take("slack").len(),
        1,
        "only the unfiltered Slack channel"
    );

    // Resolving (an update that says resolved) reaches the resolutions channel, with
    // the update folded in.
    s.add_update("2026-04-15T12:20:00Z", "resolved", "All good.");
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 2, "both Slack channels: {slack:#?}");
    for m in &slack {
        assert!(
            m.json()["text"]
                .as_str()
                .unwrap()
                .contains("Resolved: Auth")
        );
    }
    let hook = s.http.take("hook");
    assert_eq!(hook.len(), 1, "the web-only webhook still gets nothing");
    let doc = hook[0].json();
    assert_eq!(doc["meta"]["event_type"], "incident_resolved");
    assert_eq!(doc["component_update"][0]["name"], "Authentication API");
    assert_eq!(doc["component_update"][0]["old_status"], "partial_outage");
    assert_eq!(doc["component_update"][0]["new_status"], "operational");
    let d = s.http.take("discord").remove(0).json();
    assert_eq!(d["embeds"][0]["color"], 0x2EB67D, "resolved is green");
    assert_eq!(d["embeds"][0]["description"], "All good.");
}

#[test]
fn check_validates_notify_tables() {
    let s = site("\n[[notify]]\nkind = \"slak\"\nurl_env = \"X\"\n");
    let mut cmd = assert_cmd::Command::cargo_bin("statusgen").unwrap();
    let o = cmd
        .args(["check", "--root"])
        .arg(&s.root)
        .args(["--now", NOW1])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("site.toml:29:8: error: `kind` has unknown value \"slak\""),
        "{e}"
    );
    assert!(e.contains("did you mean \"slack\""), "{e}");
    // notify refuses the same site, sending nothing.
    let o = s.notify(NOW1, &["--all"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(s.http.take("slack").is_empty());
}

#[test]
fn back_filled_history_is_recorded_not_announced_and_the_state_stays_small() {
    let s = site("");
    assert!(s.notify(NOW1, &[]).status.success());
    let old = |slug: &str, (month, day): (u32, u32)| {
        std::fs::write(
            s.root.join(format!("content/incidents/{slug}.md")),
            format!(
                "+++\ntitle = \"Old\"\nimpact = \"minor\"\nstarted = 2026-{:02}-{:02}T10:00:00Z\nresolved = 2026-{:02}-{:02}T11:00:00Z\ncomponents = [\"web\"]\n+++\n",
                month, day, month, day
            ),
        )
        .unwrap();
    };
    // Older than the horizon of the last run: settled by date, not even listed.
    old("2026-03-01-old", (3, 1));
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("slack: nothing new"), "{}", stderr(&o));
    let state = s.state().unwrap();
    assert!(!state.contains("2026-03-01-old"), "{state}");
    assert!(
        state.contains("\"history_before\": \"2026-04-01T12:30:00Z\""),
        "{state}"
    );

    // Newer than that, but older than 14 days by the time notify sees it: recorded
    // as history, not sent.
    old("2026-04-05-late", (4, 5));
    let o = s.notify("2026-04-25T12:00:00Z", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("slack: 2 new event(s) dated more than 14 days ago recorded as history"),
        "{}",
        stderr(&o)
    );
    assert!(s.http.take("slack").is_empty() && s.http.take("hook").is_empty());
    assert!(s.smtp.take().is_empty());
    // Only the last 14 days' events are listed.
    let state = s.state().unwrap();
    assert!(!state.contains("2026-04-05-late"), "{state}");
    assert!(
        state.contains("incident/2026-04-15-auth-outage/created"),
        "{state}"
    );
}

#[test]
fn init_workflow_notifies_after_deploy_and_keeps_the_state_in_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("statusgen").unwrap();
    let o = cmd.arg("init").arg(tmp.path()).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml =
        std::fs::read_to_string(tmp.path().join(".github/workflows/status-page.yml")).unwrap();
    let wf: serde_norway::Value = serde_norway::from_str(&yaml).expect("valid YAML");
    let job = &wf["jobs"]["notify"];
    assert_eq!(
        job["needs"], "deploy",
        "notify runs after a successful deploy"
    );
    let steps = job["steps"].as_sequence().unwrap();
    let pos = |pred: &dyn Fn(&serde_norway::Value) -> bool| steps.iter().position(pred).unwrap();
    let uses = |s: &serde_norway::Value, action: &str| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with(&format!("{action}@")))
    };
    let restore = pos(&|s| uses(s, "actions/cache/restore"));
    let run = pos(&|s| s["run"] == "statusgen notify");
    let save = pos(&|s| uses(s, "actions/cache/save"));
    assert!(restore < run && run < save);
    assert_eq!(
        steps[save]["if"], "always()",
        "saved even when a channel failed"
    );
    for s in [restore, save] {
        assert_eq!(steps[s]["with"]["path"], ".statusgen/notify-state.json");
    }
    assert_eq!(
        steps[restore]["with"]["key"], steps[save]["with"]["key"],
        "restored and saved under the same key"
    );
    // The site init writes has no channels: notify there does nothing and succeeds.
    let mut cmd = assert_cmd::Command::cargo_bin("statusgen").unwrap();
    let o = cmd
        .args(["notify", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no [[notify]] channels"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join(".statusgen").exists());
}

#[test]
fn maintenance_is_announced_started_and_completed_as_now_moves() {
    let s = site("");
    assert!(s.notify(NOW1, &[]).status.success());
    std::fs::create_dir_all(s.root.join("content/maintenance")).unwrap();
    std::fs::write(
        s.root.join("content/maintenance/2026-04-16-db.md"),
        "+++\ntitle = \"Database upgrade\"\nstarts = 2026-04-16T02:00:00Z\nends = 2026-04-16T03:00:00Z\ncomponents = [\"web\"]\n+++\nThe website may be slow.\n",
    )
    .unwrap();
    let texts = |s: &Site| -> Vec<String> {
        s.http
            .take("slack")
            .iter()
            .map(|r| r.json()["text"].as_str().unwrap().to_string())
            .collect()
    };
    for (now, want) in [
        (
            NOW2,
            "[Acme Status] Scheduled maintenance: Database upgrade",
        ),
        (
            "2026-04-16T02:10:00Z",
            "[Acme Status] Maintenance in progress: Database upgrade",
        ),
        (
            "2026-04-16T03:10:00Z",
            "[Acme Status] Maintenance completed: Database upgrade",
        ),
    ] {
        let o = s.notify(now, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(texts(&s), [want], "at {now}");
        let mails = s.smtp.take();
        assert_eq!(mails.len(), 1);
        let (subject, mail) = email_parts(&mails[0]);
        assert_eq!(subject, want);
        // The window, in the site timezone with its offset.
        assert!(
            mail.contains(
                "Window: 16 Apr 2026, 04:00 CEST (UTC+02:00) – 16 Apr 2026, 05:00 CEST (UTC+02:00)"
            ),
            "{mail}"
        );
        let hook = s.http.take("hook");
        assert_eq!(
            hook[0].json()["incident"]["scheduled_for"],
            "2026-04-16T04:00:00.000+02:00"
        );
    }
    // Completed is the last state: nothing more.
    let o = s.notify("2026-04-16T03:10:00Z", &[]);
    assert!(o.status.success());
    assert!(texts(&s).is_empty());
}

#[test]
fn a_broken_state_file_stops_the_run_and_says_how_to_recover() {
    let s = site("");
    let state = s.root.join("custom/state.json");
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::write(&state, "{ not json").unwrap();
    let o = s.notify(NOW1, &["--all", "--state", state.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("delete it to start over"),
        "{}",
        stderr(&o)
    );
    assert!(s.http.take("slack").is_empty());
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{ not json");
    // --state names where the state lives; the default place stays untouched.
    std::fs::remove_file(&state).unwrap();
    assert!(
        s.notify(NOW1, &["--state", state.to_str().unwrap()])
            .status
            .success()
    );
    assert!(state.is_file());
    assert!(s.state().is_none());
}

#[test]
fn email_over_starttls_and_smtps_with_a_login_from_the_url() {
    let s = site("");
    assert!(s.notify(NOW1, &[]).status.success());
    s.add_update("2026-04-15T12:20:00Z", "identified", "Found it.");
    let tmp = tempfile::tempdir().unwrap();
    let starttls = Smtp::start_with(&tmp.path().join("starttls"), &["--starttls"]);
    let ca = starttls.dir().join("ca.pem").to_string_lossy().into_owned();
    // The password has characters a URL must percent-encode.
    let url = format!("smtp://notify:p%40ss%20word@127.0.0.1:{}", starttls.port());

    // Without trusting the test CA, the certificate is refused: nothing is sent in the
    // clear, the message stays pending, the password is never shown.
    let o = s.notify_env(NOW2, &[], &[("SG_SMTP_URL", url.clone())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("email: delivery failed"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("p%40ss") && !stderr(&o).contains("p@ss"));
    assert!(starttls.take().is_empty());
    s.http.take("slack");
    s.http.take("hook");

    // Trusting it, STARTTLS is used and the login from the URL is accepted.
    let o = s.notify_env(
        NOW2,
        &[],
        &[("SG_SMTP_URL", url), ("STATUSGEN_SMTP_CA_FILE", ca.clone())],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(starttls.take().len(), 1);
    let env = starttls.last_envelope();
    assert_eq!(
        (env["user"].as_str(), env["tls"].as_bool()),
        (Some("notify"), Some(true))
    );
    assert!(
        s.http.take("slack").is_empty(),
        "the others are not sent twice"
    );

    // A password is never sent to a server that does not offer STARTTLS.
    s.add_update("2026-04-15T12:22:00Z", "identified", "Still on it.");
    let o = s.notify_env(
        NOW2,
        &[],
        &[(
            "SG_SMTP_URL",
            format!("smtp://notify:secret@127.0.0.1:{}", s.smtp.port()),
        )],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(s.smtp.take().is_empty());
    assert!(!stderr(&o).contains("secret"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("STARTTLS is not supported on this server"),
        "{}",
        stderr(&o)
    );
    let o = s.notify_env(
        NOW2,
        &[],
        &[
            (
                "SG_SMTP_URL",
                format!("smtp://notify:p%40ss%20word@127.0.0.1:{}", starttls.port()),
            ),
            ("STATUSGEN_SMTP_CA_FILE", ca.clone()),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(starttls.take().len(), 1);

    // smtps://: TLS from the first byte.
    let tls = Smtp::start_with(&tmp.path().join("tls"), &["--tls"]);
    let ca = tls.dir().join("ca.pem").to_string_lossy().into_owned();
    s.add_update("2026-04-15T12:25:00Z", "monitoring", "Fixed, watching.");
    let o = s.notify_env(
        NOW2,
        &[],
        &[
            (
                "SG_SMTP_URL",
                format!("smtps://notify:p%40ss%20word@127.0.0.1:{}", tls.port()),
            ),
            ("STATUSGEN_SMTP_CA_FILE", ca),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tls.take().len(), 1);
    assert_eq!(tls.last_envelope()["tls"], true);
}

#[test]
fn updates_posted_to_a_maintenance_window_are_announced() {
    let s = site("");
    std::fs::create_dir_all(s.root.join("content/maintenance")).unwrap();
    std::fs::write(
        s.root.join("content/maintenance/2026-04-15-db.md"),
        "+++\ntitle = \"Database upgrade\"\nstarts = 2026-04-15T12:00:00Z\nends = 2026-04-15T14:00:00Z\ncomponents = [\"web\"]\n+++\nThe website may be slow.\n",
    )
    .unwrap();
    assert!(s.notify(NOW1, &[]).status.success());
    s.post(
        "2026-04-15-db",
        "2026-04-15T12:20:00Z",
        "in_progress",
        "Halfway there.",
    );
    let o = s.notify(NOW2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let slack = s.http.take("slack");
    assert_eq!(slack.len(), 1, "{slack:#?}");
    let text = serde_json::to_string(&slack[0].json()).unwrap();
    assert!(
        text.contains("Maintenance in progress: Database upgrade"),
        "{text}"
    );
    assert!(text.contains("Halfway there."), "{text}");
    let hook = s.http.take("hook");
    assert_eq!(hook[0].json()["incident_update"]["body"], "Halfway there.");
    assert_eq!(hook[0].json()["incident_update"]["status"], "in_progress");
    assert_eq!(s.smtp.take().len(), 1);
    // Nothing twice.
    assert!(s.notify(NOW2, &[]).status.success());
    assert!(s.http.take("slack").is_empty());
}
