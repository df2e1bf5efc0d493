//! Writes a realistic synthetic status site, for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example gen-site -- N DIR [--seed S]
//! ```
//!
//! N incidents (100 … 100,000) over 20 components in 4 groups and the five years that end
//! on 2026-11-01, with 2–5 updates, 0–4 corrective actions (done ones with a completion
//! date) and a post-mortem of a few KB each, plus max(3, N/100) maintenance windows.
//! Files go into one sub-folder per year. The same N and seed always give the same bytes. Every file is valid content: unique
//! slugs, updates in order within started..resolved, known components.
//!
//! Only std is used, so the example compiles in seconds and does not depend on the
//! library it is meant to exercise.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

const USAGE: &str = "usage: gen-site N DIR [--seed S]";

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Random numbers: splitmix64, so the output depends on nothing but the seed.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`; `n` must be positive.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Uniform in `lo..hi` (`lo` when the range is empty).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo) as u64) as i64
        }
    }
    fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.float() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------
// Calendar arithmetic on Unix seconds (UTC), and Europe/Berlin's offset.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn ts(y: i64, m: i64, d: i64, h: i64, min: i64) -> i64 {
    days_from_civil(y, m, d) * DAY + h * HOUR + min * MINUTE
}

/// The day number of the last Sunday of a month.
fn last_sunday(y: i64, m: i64) -> i64 {
    let last = if m == 12 {
        days_from_civil(y + 1, 1, 1) - 1
    } else {
        days_from_civil(y, m + 1, 1) - 1
    };
    // 1970-01-01 was a Thursday: (day + 4) mod 7 is 0 on Sundays.
    last - (last + 4).rem_euclid(7)
}

/// Europe/Berlin's UTC offset in seconds: summer time from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October (the EU rule, unchanged since 1996).
fn berlin_offset(t: i64) -> i64 {
    let (y, _, _) = civil_from_days(t.div_euclid(DAY));
    let start = last_sunday(y, 3) * DAY + HOUR;
    let end = last_sunday(y, 10) * DAY + HOUR;
    if (start..end).contains(&t) {
        2 * HOUR
    } else {
        HOUR
    }
}

/// True when a naive local time would be ambiguous or close to it: the day summer time ends.
fn near_dst_end(t: i64) -> bool {
    let day = t.div_euclid(DAY);
    let (y, _, _) = civil_from_days(day);
    day == last_sunday(y, 10)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ymd(t: i64) -> (i64, i64, i64) {
    civil_from_days(t.div_euclid(DAY))
}

fn date_iso(t: i64) -> String {
    let (y, m, d) = ymd(t);
    format!("{y:04}-{m:02}-{d:02}")
}

fn hms(t: i64) -> String {
    let s = t.rem_euclid(DAY);
    format!("{:02}:{:02}:{:02}", s / HOUR, s % HOUR / MINUTE, s % MINUTE)
}

/// How an incident writes its times: the loader must read all three forms alike.
#[derive(Clone, Copy)]
enum Form {
    Utc,
    Offset,
    Naive,
}

fn toml_time(t: i64, form: Form) -> String {
    match form {
        Form::Utc => format!("{}T{}Z", date_iso(t), hms(t)),
        Form::Offset => {
            let off = berlin_offset(t);
            let l = t + off;
            format!("{}T{}+{:02}:00", date_iso(l), hms(l), off / HOUR)
        }
        Form::Naive => {
            let l = t + berlin_offset(t);
            format!("{}T{}", date_iso(l), hms(l))
        }
    }
}

/// "14:05" in Berlin time.
fn local_hm(t: i64) -> String {
    let s = (t + berlin_offset(t)).rem_euclid(DAY);
    format!("{:02}:{:02}", s / HOUR, s % HOUR / MINUTE)
}

fn zone_name(t: i64) -> &'static str {
    if berlin_offset(t) == HOUR {
        "CET"
    } else {
        "CEST"
    }
}

/// "14 March 2026" in Berlin time.
fn local_date(t: i64) -> String {
    let (y, m, d) = ymd(t + berlin_offset(t));
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

fn human_minutes(mins: i64) -> String {
    let unit = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match (mins / 60, mins % 60) {
        (0, m) => unit(m, "minute"),
        (h, 0) => unit(h, "hour"),
        (h, m) => format!("{} and {}", unit(h, "hour"), unit(m, "minute")),
    }
}

// ---------------------------------------------------------------------------------------
// The fictional company.

struct Comp {
    id: &'static str,
    name: &'static str,
    group: &'static str,
    desc: &'static str,
    slo: Option<f64>,
    since: Option<(i64, i64, i64)>,
}

const fn comp(
    id: &'static str,
    name: &'static str,
    group: &'static str,
    desc: &'static str,
    slo: Option<f64>,
    since: Option<(i64, i64, i64)>,
) -> Comp {
    Comp {
        id,
        name,
        group,
        desc,
        slo,
        since,
    }
}

const COMPONENTS: [Comp; 20] = [
    comp(
        "api",
        "Public API",
        "Core platform",
        "REST endpoints",
        Some(99.95),
        None,
    ),
    comp(
        "graphql",
        "GraphQL API",
        "Core platform",
        "The GraphQL endpoint",
        None,
        Some((2023, 4, 1)),
    ),
    comp(
        "auth",
        "Authentication",
        "Core platform",
        "Sign-in, SSO, OAuth tokens and API keys",
        Some(99.95),
        None,
    ),
    comp(
        "dashboard",
        "Dashboard",
        "Core platform",
        "The web dashboard",
        None,
        None,
    ),
    comp(
        "cli",
        "CLI and SDK downloads",
        "Core platform",
        "Package downloads and the CLI update service",
        Some(99.5),
        None,
    ),
    comp(
        "cards",
        "Card payments",
        "Payments",
        "Card authorisation and capture",
        Some(99.99),
        None,
    ),
    comp(
        "sepa",
        "SEPA Direct Debit",
        "Payments",
        "Mandates and direct debit collection",
        Some(99.95),
        None,
    ),
    comp(
        "payouts",
        "Payouts",
        "Payments",
        "Payouts to merchants' bank accounts",
        None,
        None,
    ),
    comp(
        "refunds",
        "Refunds",
        "Payments",
        "Full and partial refunds",
        None,
        None,
    ),
    comp(
        "webhooks",
        "Webhooks",
        "Payments",
        "Event delivery to webhook endpoints",
        None,
        Some((2024, 9, 1)),
    ),
    comp(
        "reporting",
        "Reporting",
        "Data",
        "Balance and settlement reports",
        Some(99.5),
        None,
    ),
    comp(
        "exports",
        "Data exports",
        "Data",
        "CSV and scheduled exports",
        Some(99.5),
        None,
    ),
    comp(
        "search",
        "Search",
        "Data",
        "Search across payments and customers",
        None,
        None,
    ),
    comp(
        "analytics",
        "Analytics",
        "Data",
        "Revenue and conversion analytics",
        Some(99.0),
        Some((2025, 2, 1)),
    ),
    comp(
        "ledger",
        "Ledger",
        "Data",
        "Double-entry balance ledger",
        Some(99.99),
        None,
    ),
    comp(
        "eu-central",
        "EU (Frankfurt)",
        "Regions",
        "Hosting region eu-central",
        Some(99.99),
        None,
    ),
    comp(
        "us-east",
        "US (Virginia)",
        "Regions",
        "Hosting region us-east",
        Some(99.99),
        None,
    ),
    comp(
        "ap-southeast",
        "APAC (Singapore)",
        "Regions",
        "Hosting region ap-southeast",
        Some(99.95),
        Some((2024, 6, 1)),
    ),
    comp(
        "cdn",
        "CDN",
        "Regions",
        "Static assets and checkout pages",
        None,
        None,
    ),
    comp(
        "dns",
        "DNS",
        "Regions",
        "Authoritative DNS for our domains",
        Some(99.99),
        None,
    ),
];

/// (tag, what it was, a sentence explaining it)
const CAUSES: [(&str, &str, &str); 15] = [
    (
        "config-change",
        "a configuration change shipped in a routine deployment",
        "The change had passed review and staging, but staging does not carry the same routing rules as production, so the faulty setting only took effect under real traffic.",
    ),
    (
        "deploy-regression",
        "a regression in a new release",
        "The release contained a change to a shared library whose new default behaviour was not covered by our integration tests.",
    ),
    (
        "database-saturation",
        "an expensive query that saturated a database",
        "A query plan changed after a statistics update and began scanning a large table instead of using its index, which used every available CPU core.",
    ),
    (
        "connection-pool-exhaustion",
        "exhausted database connection pools",
        "Requests waited for a free connection instead of failing fast, and the queued requests held worker threads until none were left.",
    ),
    (
        "certificate-expiry",
        "an expired TLS certificate",
        "The certificate had been issued by hand outside our automated renewal, so neither renewal nor expiry alerting covered it.",
    ),
    (
        "dns",
        "a DNS resolution failure",
        "A change to a delegated zone removed a record that internal services relied on, and cached answers expired over the following minutes.",
    ),
    (
        "network-provider",
        "packet loss at an upstream network provider",
        "One of our transit providers lost a link between two data centres, and traffic rerouted onto a path without enough capacity.",
    ),
    (
        "third-party",
        "an outage at a third-party provider",
        "The provider's own status page reported the problem 20 minutes after our monitoring did; our fallback path had not been exercised since it was built.",
    ),
    (
        "capacity",
        "insufficient capacity during a traffic peak",
        "Traffic rose faster than our autoscaling could add instances, because new instances take several minutes to warm their caches.",
    ),
    (
        "cache-failover",
        "a cache cluster failover",
        "The cluster promoted a spare node that held no data, and every cache miss fell through to the primary database at once.",
    ),
    (
        "queue-backlog",
        "a backlog in an internal message queue",
        "A single bulk operation produced millions of messages that shared a queue with time-sensitive work.",
    ),
    (
        "disk-full",
        "a full disk on a stateful node",
        "Log rotation had silently stopped after an operating system update, and the disk filled over several days.",
    ),
    (
        "memory-leak",
        "a memory leak in a long-running service",
        "Each retried request kept a reference to its response buffer, so memory grew with the error rate until the process was killed.",
    ),
    (
        "ddos",
        "a volumetric denial-of-service attack",
        "The attack was absorbed at the edge for its first phase, but a second phase targeted an uncached endpoint directly.",
    ),
    (
        "hardware-failure",
        "a hardware failure in one data centre",
        "A storage controller failed in a way that slowed writes without failing them, so the node stayed in service.",
    ),
];

const TEAMS: [&str; 12] = [
    "SRE team",
    "Platform team",
    "API team",
    "Payments team",
    "Identity team",
    "Data platform team",
    "Network team",
    "Security engineering",
    "DevOps lead",
    "On-call lead",
    "Dashboard team",
    "Integrations team",
];

/// Teams as named in prose ("the {team} rolled back ...").
const RESPONDERS: [&str; 8] = [
    "SRE team",
    "platform team",
    "API team",
    "payments team",
    "identity team",
    "data platform team",
    "network team",
    "security team",
];

const ACTIONS: [&str; 24] = [
    "Validate load balancer configuration before every deploy",
    "Health checks that verify a full HTTP response, not only an open port",
    "Update the status page automatically when recovery is detected",
    "Review alert routing for the affected service",
    "Add an alert on queue age in addition to queue length",
    "Move certificate issuance into automated renewal",
    "Alert on certificate expiry 30, 14 and 3 days ahead",
    "Add request coalescing to the hot read path",
    "Keep a warm standby replica for each cache shard",
    "Reject excess requests immediately instead of queueing them",
    "Require a second reviewer for changes made during an incident",
    "Run a quarterly failover exercise in production",
    "Add an end-to-end test for the affected flow",
    "Add statement timeouts to reporting queries",
    "Separate bulk work from time-sensitive work in its own queue",
    "Scale workers on queue age, not only on queue length",
    "Document the manual failover procedure in the runbook",
    "Add the top running queries to the on-call dashboard",
    "Roll out configuration changes behind a percentage flag",
    "Add a second provider with automatic failover",
    "Load-test pool size changes in staging before production",
    "Fix log rotation and alert on disk usage above 80%",
    "Add memory limits and alert on steady memory growth",
    "Cache the endpoint targeted by the attack at the edge",
];

const REGIONS: [&str; 4] = [
    "",
    " in the EU region",
    " in the US region",
    " for some customers",
];

// ---------------------------------------------------------------------------------------
// Incidents.

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Level {
    Degraded,
    Partial,
    Major,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Degraded => "degraded_performance",
            Level::Partial => "partial_outage",
            Level::Major => "major_outage",
        }
    }
}

/// A corrective action: (text, owner, due day, status, completion day).
type GenAction = (usize, Option<usize>, Option<i64>, &'static str, Option<i64>);

struct Incident {
    slug: String,
    title: String,
    impact: &'static str,
    severity: Option<&'static str>,
    started: i64,
    detected: i64,
    resolved: i64,
    template: &'static str,
    cause: Option<usize>,
    draft: bool,
    /// (component index, level); `table` says which front-matter form to write.
    comps: Vec<(usize, Level)>,
    table: bool,
    updates: Vec<(i64, &'static str, String)>,
    actions: Vec<GenAction>,
    form: Form,
    body: String,
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// A slug that no other file of the same kind has taken.
fn unique_slug(base: String, taken: &mut HashSet<String>) -> String {
    let mut slug = base.clone();
    let mut n = 2;
    while !taken.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Components that exist at `t` (after their `since`).
fn live_components(t: i64) -> Vec<usize> {
    (0..COMPONENTS.len())
        .filter(|&i| {
            COMPONENTS[i]
                .since
                .is_none_or(|(y, m, d)| ts(y, m, d, 0, 0) - 2 * HOUR <= t)
        })
        .collect()
}

fn title_for(rng: &mut Rng, comp: &Comp, level: Level, launch: bool) -> String {
    let name = comp.name;
    if launch {
        let t = *rng.pick(&[
            "{} migration to new infrastructure",
            "{} v2 rollout",
            "Moving {} to a new database cluster",
            "{} launch in a new region",
        ]);
        return t.replace("{}", name);
    }
    let t = match level {
        Level::Major => *rng.pick(&["{} unavailable", "{} outage", "Complete outage of {}"]),
        Level::Partial => *rng.pick(&[
            "Elevated error rates on {}",
            "Intermittent failures in {}",
            "Partial outage of {}",
            "Errors for some requests to {}",
        ]),
        Level::Degraded => *rng.pick(&[
            "Degraded performance of {}",
            "Increased latency on {}",
            "Delays in {}",
            "Slow responses from {}",
        ]),
    };
    // A region component needs no region in its title.
    let region = if comp.group == "Regions" {
        ""
    } else {
        rng.pick(&REGIONS)
    };
    format!("{}{region}", t.replace("{}", name))
}

fn update_message(rng: &mut Rng, status: &str, name: &str) -> String {
    let pool: &[&str] = match status {
        "investigating" => &[
            "We are investigating reports of errors affecting {}.",
            "{} is responding slowly or with errors for some customers. We are investigating.",
            "Our monitoring detected a problem with {}. We are looking into it and will update this page shortly.",
        ],
        "identified" => &[
            "We have identified the cause of the problem with {} and are working on a fix.",
            "The issue affecting {} has been traced to a recent change. We are rolling it back.",
            "We have found the cause and are applying a mitigation. {} may remain slow for a few more minutes.",
        ],
        "monitoring" => &[
            "A fix has been applied and {} is recovering. We are monitoring the results.",
            "{} is working normally again. We are monitoring to confirm full recovery.",
            "Error rates for {} are back to normal. We will keep monitoring for a while before closing this incident.",
        ],
        _ => &[
            "This incident has been resolved. {} is operating normally.",
            "{} has been stable since the fix. This incident is resolved; a post-mortem will follow.",
            "The issue is resolved. Requests to {} that failed during the incident can be retried safely.",
        ],
    };
    rng.pick(pool).replace("{}", name)
}

/// The statuses of `k` updates, the last one "resolved".
fn statuses(rng: &mut Rng, k: usize) -> Vec<&'static str> {
    match k {
        2 => vec!["investigating", "resolved"],
        3 => vec![
            "investigating",
            *rng.pick(&["identified", "monitoring"]),
            "resolved",
        ],
        4 => vec!["investigating", "identified", "monitoring", "resolved"],
        _ => {
            if rng.chance(0.5) {
                vec![
                    "investigating",
                    "identified",
                    "identified",
                    "monitoring",
                    "resolved",
                ]
            } else {
                vec![
                    "investigating",
                    "investigating",
                    "identified",
                    "monitoring",
                    "resolved",
                ]
            }
        }
    }
}

fn make_incident(
    rng: &mut Rng,
    started: i64,
    overlap_with: Option<&Incident>,
    end: i64,
    taken: &mut HashSet<String>,
) -> Incident {
    let live = live_components(started);
    let launch = overlap_with.is_none() && rng.chance(0.03);
    let impact = if launch {
        *rng.pick(&["none", "minor"])
    } else {
        let r = rng.float();
        if r < 0.05 {
            "none"
        } else if r < 0.50 {
            "minor"
        } else if r < 0.85 {
            "major"
        } else {
            "critical"
        }
    };
    let level = match impact {
        "critical" => Level::Major,
        "major" => Level::Partial,
        _ => Level::Degraded,
    };

    // Components: 1–3, sharing the first with the incident it overlaps.
    let mut comps: Vec<(usize, Level)> = Vec::new();
    if let Some(o) = overlap_with {
        comps.push((o.comps[0].0, level));
    }
    let spread = if rng.chance(0.6) { 1 } else { 3 };
    let want = 1 + rng.below(spread) as usize;
    while comps.len() < want {
        let c = *rng.pick(&live);
        if !comps.iter().any(|&(i, _)| i == c) {
            let l = if comps.is_empty() || rng.chance(0.4) {
                level
            } else {
                Level::Degraded
            };
            comps.push((c, l));
        }
    }
    // The table form may give each component its own level; the list form takes the
    // level from impact, so it is only used when they all agree.
    let table = overlap_with.is_some() || comps.iter().any(|&(_, l)| l != level) || rng.chance(0.3);

    // Durations are roughly log-uniform: most incidents last minutes, a few a day or more.
    let minutes = if launch {
        rng.range(6 * 60, 3 * 24 * 60)
    } else if rng.chance(0.03) {
        rng.range(12 * 60, 36 * 60)
    } else {
        (8f64.ln() + rng.float() * (720f64.ln() - 8f64.ln())).exp() as i64 + 2
    };
    let resolved = (started + minutes * MINUTE).min(end).max(started);
    let span = (resolved - started) / MINUTE;
    let detected = if rng.chance(0.4) || span < 2 {
        started
    } else {
        started + rng.range(1, (span / 4).clamp(2, 25)) * MINUTE
    };

    // Updates: distinct whole minutes from detection, the last one at resolution. `room`
    // limits how many fit, so an incident capped at the end of the history stays valid.
    let room = (resolved - detected) / MINUTE;
    let first = rng.range(0, room.clamp(1, 12)).min(room - 1).max(0);
    let fit = (room - first).max(0) as usize + 1;
    let k = (2 + rng.below(4) as usize).min(fit).max(2);
    let mut at: Vec<i64> = Vec::with_capacity(k);
    at.push(first);
    while at.len() < k - 1 {
        let m = rng.range(first + 1, room);
        if !at.contains(&m) {
            at.push(m);
        }
    }
    at.sort_unstable();
    let name = COMPONENTS[comps[0].0].name;
    let sts = statuses(rng, k);
    let updates: Vec<(i64, &'static str, String)> = sts
        .iter()
        .copied()
        .enumerate()
        .map(|(i, st)| {
            let t = if i + 1 == k {
                resolved
            } else {
                detected + at[i] * MINUTE
            };
            // A repeated status is a progress note, not the same announcement again.
            let msg = if i > 0 && st != "resolved" && sts[i - 1] == st {
                rng.pick(&[
                    "We are continuing to work on this issue. {} remains affected for some customers.",
                    "Work on a fix for {} is ongoing. We will post another update within 30 minutes.",
                ])
                .replace("{}", name)
            } else {
                update_message(rng, st, name)
            };
            (t, st, msg)
        })
        .collect();

    let template = if launch {
        "launch"
    } else {
        let payments = comps
            .iter()
            .any(|&(c, _)| COMPONENTS[c].group == "Payments" || COMPONENTS[c].id == "ledger");
        match impact {
            "critical" if payments && rng.chance(0.5) => "regulated",
            "critical" | "major" => {
                if payments && rng.chance(0.1) {
                    "regulated"
                } else {
                    *rng.pick(&["incident", "status-page"])
                }
            }
            _ => *rng.pick(&["lightweight", "lightweight", "status-page"]),
        }
    };
    let cause = if launch {
        None
    } else if rng.chance(0.85) {
        // Skewed towards the first causes, so some recur within 90 days.
        let a = rng.below(CAUSES.len() as u64);
        let b = rng.below(CAUSES.len() as u64);
        Some(a.min(b) as usize)
    } else {
        None
    };
    let severity = if rng.chance(0.6) {
        Some(match impact {
            "critical" => "SEV-1",
            "major" => *rng.pick(&["SEV-2", "SEV-3"]),
            _ => *rng.pick(&["SEV-3", "SEV-4"]),
        })
    } else {
        None
    };

    let n_actions = rng.below(5) as usize;
    let mut actions = Vec::with_capacity(n_actions);
    let end_day = end.div_euclid(DAY);
    for _ in 0..n_actions {
        let due_day = resolved.div_euclid(DAY) + rng.range(7, 120);
        let status = if due_day < end_day {
            let r = rng.float();
            if r < 0.6 {
                "done"
            } else if r < 0.8 {
                "in_progress"
            } else if r < 0.9 {
                "wont_do"
            } else {
                "planned"
            }
        } else {
            *rng.pick(&["planned", "in_progress"])
        };
        let owner = if rng.chance(0.9) {
            Some(rng.below(TEAMS.len() as u64) as usize)
        } else {
            None
        };
        let due = if rng.chance(0.95) {
            Some(due_day)
        } else {
            None
        };
        let what = rng.below(ACTIONS.len() as u64) as usize;
        // Done actions were completed on or a few days before their due day, never
        // before the day after resolution. No draw from `rng`: the rest of the corpus
        // stays what it was before completion dates existed.
        let done = (status == "done")
            .then(|| (due_day - (what as i64 % 7)).max(resolved.div_euclid(DAY) + 1));
        if !actions.iter().any(|a: &(usize, _, _, _, _)| a.0 == what) {
            actions.push((what, owner, due, status, done));
        }
    }

    let title = title_for(rng, &COMPONENTS[comps[0].0], level, launch);
    let slug = unique_slug(format!("{}-{}", date_iso(started), slugify(&title)), taken);
    // Naive times are read in Europe/Berlin; keep them off the day summer time ends.
    let form = match rng.below(10) {
        0..=4 => Form::Utc,
        5..=7 => Form::Offset,
        _ if (started..=resolved + DAY)
            .step_by(DAY as usize)
            .any(|t| near_dst_end(t.min(resolved))) =>
        {
            Form::Utc
        }
        _ => Form::Naive,
    };
    let mut inc = Incident {
        slug,
        title,
        impact,
        severity,
        started,
        detected,
        resolved,
        template,
        cause,
        draft: rng.chance(0.005),
        comps,
        table,
        updates,
        actions,
        form,
        body: String::new(),
    };
    // A few resolved incidents still wait for their post-mortem.
    if !rng.chance(0.03) {
        inc.body = postmortem(rng, &inc);
    }
    inc
}

// ---------------------------------------------------------------------------------------
// Post-mortem prose.

struct Ctx<'a> {
    name: &'a str,
    other: &'a str,
    cause: &'a str,
    cause_detail: &'a str,
    window: String,
    duration: String,
    pct: u64,
    count: u64,
    team: &'a str,
}

fn fill(s: &str, c: &Ctx) -> String {
    s.replace("{name}", c.name)
        .replace("{other}", c.other)
        .replace("{cause}", c.cause)
        .replace("{window}", &c.window)
        .replace("{duration}", &c.duration)
        .replace("{pct}", &c.pct.to_string())
        .replace("{count}", &group_thousands(c.count))
        .replace("{team}", c.team)
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A paragraph: the pool's first sentence, then 2–4 of the others in pool order.
fn paragraph(rng: &mut Rng, pool: &[&str], c: &Ctx, out: &mut String) {
    let rest = pool.len() - 1;
    let n = (2 + rng.below(3) as usize).min(rest);
    let mut picked: Vec<usize> = Vec::with_capacity(n);
    while picked.len() < n {
        let j = 1 + rng.below(rest as u64) as usize;
        if !picked.contains(&j) {
            picked.push(j);
        }
    }
    picked.sort_unstable();
    out.push_str(&fill(pool[0], c));
    for j in picked {
        out.push(' ');
        out.push_str(&fill(pool[j], c));
    }
    out.push_str("\n\n");
}

const SUMMARY: [&str; 7] = [
    "On {window}, {name} was affected for {duration}.",
    "The incident was caused by {cause}.",
    "About {pct}% of requests to {name} failed or were significantly slower than usual.",
    "No data was lost, and no request was processed twice.",
    "Customers who retried their requests after the recovery were not affected further.",
    "The {team} led the response, with support from the incident commander on call.",
    "This report describes what happened, why, and what we are changing as a result.",
];

const ROOT_CAUSE: [&str; 7] = [
    "In normal operation {name} absorbs problems of this kind without customers noticing.",
    "On this occasion the safeguards that should have contained the problem did not act in time.",
    "Our retry logic made the situation worse: clients retried failed requests immediately, which multiplied the load on the service that was already struggling.",
    "The same conditions had been seen in a load test earlier in the year, but the finding was filed as low priority and not acted on.",
    "A dependency between {name} and {other} that was not documented meant that the problem spread further than its owners expected.",
    "Alerting was based on averages, which hid the failures of a minority of requests for the first minutes.",
    "None of this was caused by a single person's mistake; the system allowed an ordinary change to have an outsized effect.",
];

const DETECTION: [&str; 7] = [
    "Our monitoring detected the problem and paged the on-call engineer.",
    "The first alert was actionable and pointed at the right service.",
    "Escalation to the {team} worked as intended and took less than ten minutes.",
    "A customer report through support arrived at about the same time as our own alert.",
    "The runbook for this alert was out of date, which cost several minutes while the responder gathered context.",
    "We posted the first status page update within fifteen minutes of detection.",
    "Time to detect and time to resolve are shown at the top of this page.",
];

const RESOLUTION: [&str; 7] = [
    "The {team} rolled back the change, and {name} recovered over the following minutes.",
    "While the fix rolled out, we shifted traffic away from the affected systems where we could.",
    "Once error rates had been normal for fifteen minutes, we moved the incident to monitoring.",
    "We kept the incident open until all queued work had been processed.",
    "Requests that failed during the incident can be retried safely; they were not partially processed.",
    "The fix was verified in staging before being applied to every region.",
    "No manual action was required from customers.",
];

const LESSONS: [&str; 8] = [
    "Changes made under time pressure need the same review as any other production change.",
    "A fallback that is never exercised cannot be trusted when it is needed.",
    "Alerts on averages hide failures that affect a minority of customers.",
    "Our runbooks need an owner and a review date, like our code.",
    "Clear, early status page updates reduced the load on our support team noticeably.",
    "Dependencies between services must be documented where on-call engineers will find them.",
    "Capacity planning must include the load that retries add during an incident.",
    "Communication between the teams involved worked well and should be kept as it is.",
];

const LAUNCH_OVERVIEW: [&str; 6] = [
    "This project moved {name} to new infrastructure that we can scale per customer.",
    "The goals were no data loss, no more than a few minutes of degraded performance per region, and completion within the planned window.",
    "We migrated one region at a time, starting with the smallest, and kept the old system running in parallel until each region had been verified.",
    "The {team} owned the migration, with support from the on-call engineers of every affected team.",
    "Customers were informed two weeks in advance through the status page and our changelog.",
    "The results against each goal are summarised in the table below.",
];

const LAUNCH_CHALLENGES: [&str; 6] = [
    "The cut-over was the hardest part: for every customer, exactly one of the two systems had to be responsible at any time.",
    "A consistency check read from a replica that lagged behind, so for a short time both systems processed some of the same work.",
    "We paused the rollout to replace the check and verify the fix before continuing.",
    "Some customers' integrations reacted to new connection patterns with brief slowdowns that settled within hours.",
    "Our load tests had underestimated peak traffic in one region by about a third.",
    "Coordinating the change across time zones meant that each region's cut-over happened with a different on-call team.",
];

const LAUNCH_HIGHLIGHTS: [&str; 5] = [
    "No data was lost during the migration.",
    "Median latency for {name} fell by about a third after the move.",
    "The new system's dashboards let support answer customer questions in minutes instead of hours.",
    "The rollback plan was rehearsed twice and was not needed.",
    "On-call pages for {name} dropped noticeably in the first month after the migration.",
];

const COMPLIANCE: [&str; 5] = [
    "This incident was assessed against our obligations for major ICT-related incident reporting.",
    "The compliance officer was informed within thirty minutes of the incident being declared.",
    "An initial notification was sent to the supervisory authority within the required time, followed by an intermediate and a final report.",
    "Affected merchants were informed by email on the same day.",
    "No personal data was exposed, so no data protection notification was required.",
];

const RISK: [&str; 4] = [
    "The risk of a recurrence was re-rated from low to medium likelihood until the corrective actions are complete.",
    "The risk owner is the head of the {team}; the next review is due in three months.",
    "Compensating controls are in place in the meantime: manual checks before every related change.",
    "The residual risk after the corrective actions is expected to return to low.",
];

fn postmortem(rng: &mut Rng, inc: &Incident) -> String {
    let mut out = String::with_capacity(4096);
    let name = COMPONENTS[inc.comps[0].0].name;
    let other = inc
        .comps
        .get(1)
        .map(|&(c, _)| COMPONENTS[c].name)
        .unwrap_or("the dashboard");
    let (cause, cause_detail) = match inc.cause {
        Some(i) => (CAUSES[i].1, CAUSES[i].2),
        None => ("a fault that is still being analysed", ""),
    };
    let mins = (inc.resolved - inc.started) / MINUTE;
    let c = Ctx {
        name,
        other,
        cause,
        cause_detail,
        window: format!(
            "{} from {} to {} {}",
            local_date(inc.started),
            local_hm(inc.started),
            local_hm(inc.resolved),
            zone_name(inc.resolved)
        ),
        duration: human_minutes(mins),
        pct: match inc.impact {
            "critical" => 40 + rng.below(61),
            "major" => 10 + rng.below(50),
            _ => 1 + rng.below(15),
        },
        count: 100 + rng.below(60_000),
        team: RESPONDERS[rng.below(RESPONDERS.len() as u64) as usize],
    };

    if inc.template == "launch" {
        out.push_str("## Project overview\n\n");
        paragraph(rng, &LAUNCH_OVERVIEW, &c, &mut out);
        out.push_str("| Goal | Target | Result |\n|---|---|---|\n");
        let _ = writeln!(out, "| Data loss | none | none |");
        let _ = writeln!(
            out,
            "| Median latency | under 200 ms | {} ms |",
            80 + rng.below(100)
        );
        let _ = writeln!(out, "| Window | 3 days | {} |\n", c.duration);
        out.push_str("## Challenges\n\n");
        paragraph(rng, &LAUNCH_CHALLENGES, &c, &mut out);
        out.push_str("## Highlights\n\n");
        for h in LAUNCH_HIGHLIGHTS.iter().take(3 + rng.below(3) as usize) {
            let _ = writeln!(out, "- {}", fill(h, &c));
        }
        out.push_str("\n## Post-project tasks\n\n");
        out.push_str("The remaining work is tracked as corrective actions on this page: decommissioning the old system, documentation, and follow-up improvements found during the migration.\n");
        return out;
    }

    out.push_str("## Summary\n\n");
    paragraph(rng, &SUMMARY, &c, &mut out);
    if inc.comps.len() > 1 {
        out.push_str(&fill(
            "{other} was affected to a lesser degree, because it depends on {name} for part of its work.\n\n",
            &c,
        ));
    }

    out.push_str("## Timeline\n\n");
    timeline(rng, inc, &mut out);

    let root_heading = match rng.below(3) {
        0 => "Root cause and contributing factors",
        _ => "Root cause",
    };
    let detection_section = |rng: &mut Rng, out: &mut String| {
        out.push_str("## Detection and response\n\n");
        paragraph(rng, &DETECTION, &c, out);
    };
    let root_section = |rng: &mut Rng, out: &mut String| {
        let _ = writeln!(out, "## {root_heading}\n");
        let _ = write!(out, "The primary trigger was {}.", c.cause);
        if !c.cause_detail.is_empty() {
            let _ = write!(out, " {}", c.cause_detail);
        }
        out.push_str("\n\n");
        out.push_str("Contributing factors:\n\n");
        let first = rng.below(ROOT_CAUSE.len() as u64) as usize;
        for i in 0..(2 + rng.below(2) as usize) {
            let _ = writeln!(
                out,
                "- {}",
                fill(ROOT_CAUSE[(first + 2 * i) % ROOT_CAUSE.len()], &c)
            );
        }
        out.push('\n');
    };
    let impact_section = |rng: &mut Rng, out: &mut String| {
        out.push_str("## Impact\n\n");
        let _ = writeln!(
            out,
            "- About {}% of requests to {} failed or timed out for {}.",
            c.pct, c.name, c.duration
        );
        let _ = writeln!(
            out,
            "- Roughly {} customer requests were affected.",
            group_thousands(c.count)
        );
        if inc.comps.len() > 1 {
            let _ = writeln!(out, "- {} was degraded during the same period.", c.other);
        }
        let _ = writeln!(
            out,
            "- {}\n",
            rng.pick(&[
                "No data was lost.",
                "The monthly SLO for this component was breached.",
                "The monthly SLO for this component was not breached.",
                "Support received a noticeable number of tickets about this incident.",
            ])
        );
    };
    let resolution = |rng: &mut Rng, out: &mut String| paragraph(rng, &RESOLUTION, &c, out);
    let lessons = |rng: &mut Rng, out: &mut String| {
        out.push_str("## Lessons learned\n\n");
        let first = rng.below(LESSONS.len() as u64) as usize;
        for i in 0..(2 + rng.below(3) as usize) {
            let _ = writeln!(out, "- {}", LESSONS[(first + 3 * i) % LESSONS.len()]);
        }
        out.push('\n');
    };
    let actions_text = |out: &mut String| {
        if inc.actions.is_empty() {
            out.push_str("No corrective actions were needed beyond the fix itself.\n\n");
        } else {
            for &(what, owner, _, status, _) in &inc.actions {
                let _ = writeln!(
                    out,
                    "- {} ({}, {})",
                    ACTIONS[what],
                    owner.map_or("unassigned", |o| TEAMS[o]),
                    status.replace('_', " ")
                );
            }
            out.push('\n');
        }
    };

    match inc.template {
        "lightweight" => {
            root_section(rng, &mut out);
            impact_section(rng, &mut out);
            out.push_str("## Actions taken\n\n");
            resolution(rng, &mut out);
            actions_text(&mut out);
            lessons(rng, &mut out);
        }
        "status-page" => {
            root_section(rng, &mut out);
            out.push_str("## Resolution and prevention\n\n");
            resolution(rng, &mut out);
            actions_text(&mut out);
            out.push_str("## Customer message\n\n");
            let _ = writeln!(out, "**{} — {}**\n", inc.title, c.window);
            let _ = writeln!(
                out,
                "Between {} and {} {}, {} was affected by {}. We have fixed the problem and are taking steps to prevent it from happening again. If a request failed during this time, it is safe to retry it.\n",
                local_hm(inc.started),
                local_hm(inc.resolved),
                zone_name(inc.resolved),
                c.name,
                c.cause
            );
            out.push_str("We are sorry for the disruption.\n\nStatus: Resolved\n");
        }
        _ => {
            detection_section(rng, &mut out);
            root_section(rng, &mut out);
            impact_section(rng, &mut out);
            out.push_str("## Resolution\n\n");
            resolution(rng, &mut out);
            out.push_str("## Corrective actions\n\n");
            actions_text(&mut out);
            lessons(rng, &mut out);
            if inc.template == "regulated" {
                out.push_str("## Compliance notes\n\n");
                paragraph(rng, &COMPLIANCE, &c, &mut out);
                out.push_str("## Evidence log\n\n| Evidence | Location |\n|---|---|\n");
                let _ = writeln!(
                    out,
                    "| Service logs for the incident window | Incident archive {} |",
                    inc.slug
                );
                let _ = writeln!(out, "| Metrics and alert history | Incident archive |");
                let _ = writeln!(out, "| Incident channel transcript | Incident archive |\n");
                out.push_str("## Audit trail\n\n");
                let _ = writeln!(
                    out,
                    "- {}: incident record closed by the incident commander.",
                    local_date(inc.resolved)
                );
                out.push_str(
                    "- Post-mortem reviewed with the teams involved and the compliance officer.\n",
                );
                out.push_str("- Final report approved by the head of compliance.\n\n");
                out.push_str("## Risk re-assessment\n\n");
                paragraph(rng, &RISK, &c, &mut out);
            }
        }
    }
    out
}

/// The timeline from the updates plus internal events, as a table or a list.
fn timeline(rng: &mut Rng, inc: &Incident, out: &mut String) {
    let mut events: Vec<(i64, String)> = vec![(inc.started, "Impact starts".to_string())];
    if inc.detected > inc.started {
        events.push((
            inc.detected,
            "Alert fires; on-call engineer acknowledges".into(),
        ));
    } else {
        events.push((inc.detected, "Alert fires at impact start".into()));
    }
    let mut last = "";
    for (at, st, _) in &inc.updates {
        let what = match *st {
            s if s == last => "Status page update: progress note",
            "investigating" => "Status page update: investigating",
            "identified" => "Cause identified; status page updated",
            "monitoring" => "Fix applied; monitoring",
            _ => "Incident resolved",
        };
        events.push((*at, what.to_string()));
        last = st;
    }
    events.sort_by_key(|e| e.0);
    let days_differ = ymd(inc.started + berlin_offset(inc.started))
        != ymd(inc.resolved + berlin_offset(inc.resolved));
    let stamp = |t: i64| {
        if days_differ {
            format!("{} {}", local_date(t), local_hm(t))
        } else {
            local_hm(t)
        }
    };
    if rng.chance(0.4) {
        let _ = writeln!(
            out,
            "| Time ({}) | Event |\n|---|---|",
            zone_name(inc.started)
        );
        for (t, e) in &events {
            let _ = writeln!(out, "| {} | {e} |", stamp(*t));
        }
        out.push('\n');
    } else {
        for (t, e) in &events {
            let _ = writeln!(out, "- **{}** {e}.", stamp(*t));
        }
        out.push('\n');
    }
}

fn incident_file(inc: &Incident) -> String {
    let mut s = String::with_capacity(2048 + inc.body.len());
    s.push_str("+++\n");
    let _ = writeln!(s, "title = {}", toml_str(&inc.title));
    let _ = writeln!(s, "impact = \"{}\"", inc.impact);
    if let Some(sev) = inc.severity {
        let _ = writeln!(s, "severity = \"{sev}\"");
    }
    let _ = writeln!(s, "started = {}", toml_time(inc.started, inc.form));
    if inc.detected != inc.started {
        let _ = writeln!(s, "detected = {}", toml_time(inc.detected, inc.form));
    }
    let _ = writeln!(s, "resolved = {}", toml_time(inc.resolved, inc.form));
    // "incident" is the default template; leave it out now and then.
    if inc.template != "incident" || inc.slug.len().is_multiple_of(2) {
        let _ = writeln!(s, "template = \"{}\"", inc.template);
    }
    if let Some(c) = inc.cause {
        let _ = writeln!(s, "cause = \"{}\"", CAUSES[c].0);
    }
    if inc.draft {
        s.push_str("draft = true\n");
    }
    if !inc.table {
        let ids: Vec<String> = inc
            .comps
            .iter()
            .map(|&(c, _)| format!("\"{}\"", COMPONENTS[c].id))
            .collect();
        let _ = writeln!(s, "components = [{}]", ids.join(", "));
    } else {
        s.push_str("\n[components]\n");
        for &(c, l) in &inc.comps {
            let _ = writeln!(s, "{} = \"{}\"", COMPONENTS[c].id, l.word());
        }
    }
    for (at, st, msg) in &inc.updates {
        let _ = writeln!(
            s,
            "\n[[updates]]\nat = {}\nstatus = \"{st}\"\nmessage = {}",
            toml_time(*at, inc.form),
            toml_str(msg)
        );
    }
    for &(what, owner, due, status, done) in &inc.actions {
        let _ = writeln!(s, "\n[[actions]]\nwhat = {}", toml_str(ACTIONS[what]));
        if let Some(o) = owner {
            let _ = writeln!(s, "owner = {}", toml_str(TEAMS[o]));
        }
        if let Some(d) = due {
            let (y, m, dd) = civil_from_days(d);
            let _ = writeln!(s, "due = {y:04}-{m:02}-{dd:02}");
        }
        let _ = writeln!(s, "status = \"{status}\"");
        if let Some(d) = done {
            let (y, m, dd) = civil_from_days(d);
            let _ = writeln!(s, "done = {y:04}-{m:02}-{dd:02}");
        }
    }
    s.push_str("+++\n");
    s.push_str(&inc.body);
    s
}

// ---------------------------------------------------------------------------------------
// Maintenance.

const MAINT_TITLES: [&str; 8] = [
    "Database engine upgrade",
    "Network switch replacement",
    "Load balancer migration",
    "Database failover exercise",
    "Storage cluster expansion",
    "Kubernetes control plane upgrade",
    "Payment gateway hardware refresh",
    "DNS provider migration",
];

fn maintenance_file(
    rng: &mut Rng,
    title: &str,
    starts: i64,
    ends: i64,
    comps: &[usize],
    status: Option<&str>,
) -> String {
    let mut s = String::with_capacity(1024);
    s.push_str("+++\n");
    let _ = writeln!(s, "title = {}", toml_str(title));
    let form = if rng.chance(0.5) {
        Form::Utc
    } else {
        Form::Offset
    };
    let _ = writeln!(s, "starts = {}", toml_time(starts, form));
    let _ = writeln!(s, "ends = {}", toml_time(ends, form));
    let ids: Vec<String> = comps
        .iter()
        .map(|&c| format!("\"{}\"", COMPONENTS[c].id))
        .collect();
    let _ = writeln!(s, "components = [{}]", ids.join(", "));
    if let Some(st) = status {
        let _ = writeln!(s, "status = \"{st}\"");
    }
    s.push_str("+++\n");
    let names: Vec<&str> = comps.iter().map(|&c| COMPONENTS[c].name).collect();
    let _ = writeln!(
        s,
        "We will carry out planned work on the infrastructure behind {}, from {} {} to {} {} ({}).\n",
        names.join(", "),
        local_date(starts),
        local_hm(starts),
        local_hm(ends),
        zone_name(ends),
        human_minutes((ends - starts) / MINUTE)
    );
    s.push_str("**What you may notice:**\n\n");
    s.push_str("- For up to five minutes, some requests may fail with HTTP 503 and a `Retry-After` header. Our SDKs retry them automatically.\n");
    s.push_str("- The dashboard may be read-only for a few minutes.\n");
    s.push_str("- Webhook events may be delayed by a few minutes, but none will be lost.\n\n");
    s.push_str(
        "No action is needed from you. We will update this page when the work is complete.\n",
    );
    s
}

// ---------------------------------------------------------------------------------------

const SITE_HEAD: &str = r#"title = "Northwind Cloud Status (synthetic)"
base_url = "https://example.com/status/"
description = "A generated status site for benchmarks"
timezone = "Europe/Berlin"
language = "en"
theme = "default"

[uptime]
days = 90
slo = 99.9
partial_outage_weight = 0.3
count_maintenance = false

[feeds]
limit = 50

[postmortem]
due_hours = 72
"#;

fn site_toml() -> String {
    let mut s = String::from(SITE_HEAD);
    for c in &COMPONENTS {
        let _ = write!(
            s,
            "\n[[components]]\nid = \"{}\"\nname = {}\ngroup = {}\ndescription = {}\n",
            c.id,
            toml_str(c.name),
            toml_str(c.group),
            toml_str(c.desc)
        );
        if let Some(slo) = c.slo {
            let _ = writeln!(s, "slo = {slo}");
        }
        if let Some((y, m, d)) = c.since {
            let _ = writeln!(s, "since = {y:04}-{m:02}-{d:02}");
        }
    }
    s
}

pub struct Args {
    pub n: usize,
    pub dir: PathBuf,
    pub seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut pos = Vec::new();
    let mut seed = 1u64;
    let mut it = env::args().skip(1);
    while let Some(a) = it.next() {
        if a == "--seed" {
            let v = it.next().ok_or("--seed needs a value")?;
            seed = v
                .parse()
                .map_err(|_| format!("--seed: not a number: {v}"))?;
        } else if a == "-h" || a == "--help" {
            return Err(String::new());
        } else {
            pos.push(a);
        }
    }
    let [n, dir] = pos.as_slice() else {
        return Err("expected N and DIR".into());
    };
    let n: usize = n.parse().map_err(|_| format!("N: not a number: {n}"))?;
    if n == 0 {
        return Err("N must be at least 1".into());
    }
    Ok(Args {
        n,
        dir: PathBuf::from(dir),
        seed,
    })
}

fn write(path: &Path, text: &str, dirs: &mut HashSet<PathBuf>) -> std::io::Result<()> {
    if let Some(parent) = path.parent()
        && dirs.insert(parent.to_path_buf())
    {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

pub fn run(args: &Args) -> std::io::Result<(usize, usize, u64)> {
    let content = args.dir.join("content");
    if content.exists() {
        return Err(std::io::Error::other(format!(
            "{} already exists; remove it first (the generator never deletes files)",
            content.display()
        )));
    }
    let mut rng = Rng(args.seed ^ 0x5EED_0F57_A7B5_u64);
    let end = ts(2026, 11, 1, 0, 0);
    let begin = ts(2021, 11, 1, 0, 0);
    let mut dirs = HashSet::new();
    let mut bytes = 0u64;
    write(&args.dir.join("site.toml"), &site_toml(), &mut dirs)?;

    // Start times, oldest first; the resolution is capped at `end`.
    let mut starts: Vec<i64> = (0..args.n)
        .map(|_| begin + rng.range(0, (end - begin - 2 * DAY) / MINUTE) * MINUTE)
        .collect();
    starts.sort_unstable();

    let mut taken = HashSet::new();
    let mut prev: Option<Incident> = None;
    for &s in &starts {
        // About 5% start while the previous incident is still open, on one of its components.
        let overlap = prev
            .as_ref()
            .filter(|p| p.resolved - p.started > 4 * MINUTE);
        let inc = match overlap {
            Some(p) if rng.chance(0.05) => {
                let at = p.started + rng.range(1, (p.resolved - p.started) / MINUTE) * MINUTE;
                make_incident(&mut rng, at, Some(p), end, &mut taken)
            }
            _ => make_incident(&mut rng, s, None, end, &mut taken),
        };
        let text = incident_file(&inc);
        bytes += text.len() as u64;
        let year = &inc.slug[..4];
        write(
            &content
                .join("incidents")
                .join(year)
                .join(format!("{}.md", inc.slug)),
            &text,
            &mut dirs,
        )?;
        prev = Some(inc);
    }

    let m = (args.n / 100).max(3);
    let mut mtaken = HashSet::new();
    for i in 0..m {
        // The last window is upcoming relative to the end of the history.
        let day = if i + 1 == m {
            end.div_euclid(DAY) + 16
        } else {
            begin.div_euclid(DAY) + rng.range(0, (end - begin) / DAY - 1)
        };
        let starts = day * DAY + rng.range(1, 3) * HOUR;
        let ends = starts + rng.range(1, 5) * HOUR;
        let title = *rng.pick(&MAINT_TITLES);
        let live = live_components(starts);
        let mut comps = vec![*rng.pick(&live)];
        if rng.chance(0.5) {
            let c = *rng.pick(&live);
            if !comps.contains(&c) {
                comps.push(c);
            }
        }
        let status = if i + 1 < m && rng.chance(0.08) {
            Some("cancelled")
        } else if i + 1 < m && rng.chance(0.05) {
            Some("completed")
        } else {
            None
        };
        let slug = unique_slug(
            format!("{}-{}", date_iso(starts), slugify(title)),
            &mut mtaken,
        );
        let text = maintenance_file(&mut rng, title, starts, ends, &comps, status);
        bytes += text.len() as u64;
        write(
            &content
                .join("maintenance")
                .join(&slug[..4])
                .join(format!("{slug}.md")),
            &text,
            &mut dirs,
        )?;
    }
    Ok((args.n, m, bytes))
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                process::exit(0);
            }
            eprintln!("error: {e}\n{USAGE}");
            process::exit(2);
        }
    };
    match run(&args) {
        Ok((n, m, bytes)) => println!(
            "wrote {n} incidents and {m} maintenance windows ({:.1} MB) to {}",
            bytes as f64 / 1e6,
            args.dir.display()
        ),
        Err(e) => {
            eprintln!("error: {e}");
            process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-1, 0, 19_000, 20_758, 25_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2026, 11, 1) * DAY, 1_793_491_200);
    }

    #[test]
    fn berlin_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(berlin_offset(ts(2026, 3, 29, 0, 59)), HOUR);
        assert_eq!(berlin_offset(ts(2026, 3, 29, 1, 0)), 2 * HOUR);
        assert_eq!(berlin_offset(ts(2026, 10, 25, 0, 59)), 2 * HOUR);
        assert_eq!(berlin_offset(ts(2026, 10, 25, 1, 0)), HOUR);
        assert_eq!(
            toml_time(ts(2026, 11, 10, 9, 36), Form::Offset),
            "2026-11-10T10:36:00+01:00"
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_minutes(1), "1 minute");
        assert_eq!(human_minutes(61), "1 hour and 1 minute");
        assert_eq!(human_minutes(180), "3 hours");
    }

    #[test]
    fn slugs_are_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique_slug("a".into(), &mut taken), "a");
        assert_eq!(unique_slug("a".into(), &mut taken), "a-2");
        assert_eq!(slugify("Errors on API (EU)"), "errors-on-api-eu");
    }
}
