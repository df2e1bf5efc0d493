//! `statusgen init`: a fresh, working site. The files are planned in memory first
//! ([`plan`], pure but for the caller's "now"), then [`write`] refuses if any of them
//! exists before writing the first.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::authoring::new::toml_string;

/// Whether to add a CI workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    /// `.github/workflows/status-page.yml`: check, build and publish to GitHub Pages.
    Github,
    /// No CI file.
    None,
}

/// One file `init` writes, relative to the site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub path: &'static str,
    pub text: String,
}

pub const WORKFLOW_PATH: &str = ".github/workflows/status-page.yml";

fn site_toml(today: NaiveDate) -> String {
    // A new site has measured nothing before today: no uptime is claimed for earlier days.
    let since = today;
    format!(
        r#"# statusgen site configuration. Every option is listed; the commented values are the defaults.

title = "Acme Status"                                    # the page title and feed title
base_url = "https://acme.github.io/status/"              # where the site is published; a sub-path works
description = "Live and historical status of Acme services"
timezone = "UTC"                                         # IANA name (e.g. "Europe/Berlin"): times are shown in it,
                                                         # and times written without an offset are read in it
language = "en"                                          # the pages' lang attribute
theme = "default"                                        # themes/<name>/ in this folder, else the built-in theme

[uptime]
days = 90                     # length of the per-day uptime bars
slo = 99.9                    # default SLO in percent, for components without their own
partial_outage_weight = 0.3   # how much a partial outage counts as downtime (major outage = 1, degraded = 0)
count_maintenance = false     # maintenance is not downtime unless true

[feeds]
limit = 50                    # newest N entries in feed.xml and atom.xml

[postmortem]
due_hours = 72                # `statusgen check` warns when a resolved incident has no post-mortem after this
# Your team's own post-mortem template, used as template = "blameless" (see docs/writing.md):
# [postmortem.templates.blameless]
# sections = ["Summary", "Leadup", "Impact", "Detection", "Timeline", "Root cause", "Corrective actions"]

# One [[components]] section per service customers care about; incidents name them by id.
[[components]]
id = "api"                    # a-z, 0-9 and -, unique
name = "Public API"
group = "Core platform"       # optional; groups are shown in the order they first appear
description = "REST and GraphQL endpoints"   # optional
slo = 99.95                   # optional; falls back to [uptime].slo
since = {since}             # optional: days before it show "no data" (set it to when you started watching)

[[components]]
id = "auth"
name = "Authentication"
group = "Core platform"
description = "Login and single sign-on"
since = {since}
"#
    )
}

fn t(day: NaiveDate, hm: &str) -> String {
    format!("{day}T{hm}:00Z")
}

fn example_incident(today: NaiveDate) -> (String, String) {
    let day = today - Duration::days(5);
    let path = format!("content/incidents/{day}-authentication-api-outage.md");
    let text = format!(
        r#"+++
title = "Authentication API outage"
impact = "major"
severity = "SEV-2"
started = {started}
detected = {started}
resolved = {resolved}
template = "status-page"
cause = "config-change"

[components]
auth = "major_outage"
api = "degraded_performance"

[[updates]]
at = {u1}
status = "investigating"
message = "We are investigating failed logins and API authentication errors."

[[updates]]
at = {u2}
status = "identified"
message = "The cause has been identified as a configuration change. We are rolling it back."

[[updates]]
at = {u3}
status = "monitoring"
message = "The rollback is complete and logins are succeeding again. We are monitoring."

[[updates]]
at = {resolved}
status = "resolved"
message = "Authentication has been working normally since 11:00 UTC. This incident is resolved."

[[actions]]
what = "Validate load-balancer configuration before every deploy"
owner = "DevOps lead"
due = {due1}
status = "in_progress"

[[actions]]
what = "Health checks that verify full HTTP responses"
owner = "SRE team"
due = {due2}
status = "planned"

[[actions]]
what = "Update the status page automatically on recovery"
owner = "Platform team"
due = {due3}
status = "planned"

[[actions]]
what = "Review alert routing"
owner = "On-call lead"
due = {day}
status = "done"
done = {day}
+++
## Summary

On {day} from 10:36 to 11:06 UTC our authentication API was unavailable after a load
balancer misconfiguration shipped in a routine deployment. About 45% of active sessions
failed to authenticate.

## Timeline

| Time (UTC) | Event |
|---|---|
| 10:36 | Impact starts; monitoring alerts the on-call engineer |
| 10:38 | Alert acknowledged |
| 10:46 | Escalated to the platform team |
| 10:47 | Root cause found: a load balancer configuration change |
| 10:50 | Rollback started |
| 11:00 | Recovery confirmed |
| 11:06 | Incident closed |

## Root cause

A routine deployment included a load balancer configuration that sent login requests to
servers that could not answer them. Our health checks only tested that the servers were
reachable, not that they answered correctly, so the problem was not caught before release.

## Resolution and prevention

We rolled the configuration back at 10:50 and service recovered by 11:00. We are adding an
automatic check of load balancer configuration before every deploy, and health checks that
verify complete responses.

## Customer message

We are sorry for the disruption. About 18,000 login attempts failed and about 1,200
transactions were left incomplete; if one of yours was affected, please retry it or
contact support. Status: Resolved.
"#,
        started = t(day, "10:36"),
        resolved = t(day, "11:06"),
        u1 = t(day, "10:38"),
        u2 = t(day, "10:47"),
        u3 = t(day, "11:00"),
        due1 = today + Duration::days(14),
        due2 = today + Duration::days(30),
        due3 = today + Duration::days(45),
    );
    (path, text)
}

fn example_maintenance(today: NaiveDate) -> (String, String) {
    let day = today + Duration::days(7);
    let path = format!("content/maintenance/{day}-database-engine-upgrade.md");
    let text = format!(
        r#"+++
title = {title}
starts = {starts}
ends = {ends}
components = ["api"]
+++
We are upgrading the database engine behind the public API. Requests may be slower for
a few minutes during the window; no downtime is expected.
"#,
        title = toml_string("Database engine upgrade"),
        starts = t(day, "02:00"),
        ends = t(day, "04:00"),
    );
    (path, text)
}

/// Actions the workflow uses, pinned to a commit (the tag in the comment) so a moved tag
/// cannot change what runs with the deploy token.
const CHECKOUT: &str = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
const CACHE: &str = "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5";
const CACHE_RESTORE: &str =
    "actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5";
const CACHE_SAVE: &str = "actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5";
const UPLOAD_PAGES: &str =
    "actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0";
const DEPLOY_PAGES: &str = "actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0";

/// The head of the workflow: triggers, token permissions (none unless a job asks) and
/// the statusgen release it installs: this binary's version, from its repository.
fn workflow_head() -> String {
    format!(
        r#"# Checks every pull request, and builds and publishes the status page to GitHub Pages
# on every push to main, every hour and on demand.
#
# Setup: in the repository's Settings > Pages, set "Source" to "GitHub Actions".
# Custom domain: enter it in Settings > Pages > Custom domain, and put the same name in
# static/CNAME (one line, e.g. status.example.com) so every other host serves it too.
# The pages are built for the address GitHub Pages reports, so a custom domain or a fork
# needs no change to base_url.
name: Status page

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:
  # A static status page only changes when it is rebuilt: the hourly run moves maintenance
  # windows from upcoming to in progress to completed and rolls the uptime bars each day.
  # The weekly one also keeps the schedule alive (see the keepalive job).
  schedule:
    - cron: "17 * * * *"
    - cron: "47 4 * * 1"

permissions: {{}}

# One deployment at a time, never cancelling one that is publishing; a pull request's
# newer push cancels its older check.
concurrency:
  group: ${{{{ github.event_name == 'pull_request' && github.ref || 'status-page' }}}}
  cancel-in-progress: ${{{{ github.event_name == 'pull_request' }}}}

env:
  # The statusgen release to install: a prebuilt binary, verified against the release's
  # SHA256SUMS (set STATUSGEN_SHA256 to the archive's checksum to pin it here too).
  STATUSGEN_VERSION: "{version}"
  STATUSGEN_REPO: "{repo}"
  STATUSGEN_SHA256: ""

jobs:
"#,
        version = env!("CARGO_PKG_VERSION"),
        repo = env!("CARGO_PKG_REPOSITORY"),
    )
}

/// Steps that put `statusgen` on the PATH: the cached binary, else the release's binary
/// (checksum verified), else compiled from the tagged source and cached for next time.
fn install_steps() -> String {
    format!(
        r#"      - name: Restore statusgen
        id: statusgen-cache
        uses: {CACHE}
        with:
          path: ~/.statusgen/bin
          key: statusgen-${{{{ env.STATUSGEN_VERSION }}}}-${{{{ runner.os }}}}-${{{{ runner.arch }}}}

      - name: Install statusgen
        if: steps.statusgen-cache.outputs.cache-hit != 'true'
        env:
          RUNNER_ARCH: ${{{{ runner.arch }}}}
        run: |
          set -euo pipefail
          case "$RUNNER_ARCH" in
            ARM64) target=aarch64-unknown-linux-musl ;;
            *) target=x86_64-unknown-linux-musl ;;
          esac
          archive="statusgen-$target.tar.gz"
          base="$STATUSGEN_REPO/releases/download/v$STATUSGEN_VERSION"
          mkdir -p ~/.statusgen/bin
          cd "$RUNNER_TEMP"
          if curl -fsSL --retry 3 -o "$archive" "$base/$archive" && curl -fsSL --retry 3 -o SHA256SUMS "$base/SHA256SUMS"; then
            # A checksum that does not match stops the job: never run an unverified binary.
            if [ -n "$STATUSGEN_SHA256" ]; then
              echo "$STATUSGEN_SHA256  $archive" | sha256sum -c -
            else
              grep " $archive\$" SHA256SUMS | sha256sum -c -
            fi
            tar -xzf "$archive" -C ~/.statusgen/bin statusgen
          else
            echo "::warning::no statusgen $STATUSGEN_VERSION release binary for $target; compiling it (once: the result is cached)"
            cargo install --locked --git "$STATUSGEN_REPO" --tag "v$STATUSGEN_VERSION" --root ~/.statusgen statusgen
          fi

      - name: Put statusgen on the PATH
        run: |
          echo "$HOME/.statusgen/bin" >> "$GITHUB_PATH"
          "$HOME/.statusgen/bin/statusgen" --version
"#
    )
}

/// Checks on every event (annotations on a pull request's files); builds and uploads the
/// site except on pull requests.
fn build_job() -> String {
    format!(
        r#"  build:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
      pages: read
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false

{install}
      # Errors (broken front matter, unknown components) stop the deploy; warnings (a missing
      # post-mortem section, an overdue action) are shown as annotations but never block a
      # status update during an incident.
      - name: Check
        run: statusgen check --format github

      # For the address GitHub Pages serves (a custom domain, a fork), else base_url.
      - name: Build
        if: github.event_name != 'pull_request'
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: |
          if url=$(gh api "repos/$GITHUB_REPOSITORY/pages" --jq .html_url 2>/dev/null) && [ -n "$url" ]; then
            statusgen build --base-url "${{url%/}}/"
          else
            echo "::warning::GitHub Pages is not set up yet (Settings > Pages > Source: GitHub Actions); building for base_url from site.toml"
            statusgen build
          fi

      - name: Upload the site
        if: github.event_name != 'pull_request'
        uses: {UPLOAD_PAGES}
        with:
          path: public
"#,
        install = install_steps(),
    )
}

/// Publishes what `build` uploaded.
fn deploy_job() -> String {
    format!(
        r#"
  deploy:
    needs: build
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: {DEPLOY_PAGES}
"#
    )
}

/// Tells subscribers what changed (docs/notify.md) once the new page is live, so every
/// link in a message works. The state of what was announced lives in the Actions cache.
fn notify_job() -> String {
    format!(
        r#"
  # Tells subscribers what changed (docs/notify.md) once the new page is live. Without
  # [[notify]] channels in site.toml it does nothing.
  notify:
    needs: deploy
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
      - uses: {CHECKOUT}
        with:
          persist-credentials: false

{install}
      # What was already announced is kept in the Actions cache, not committed: a commit
      # per announcement would need write access to the repository and clutter its
      # history. The hourly schedule keeps the cache from expiring; if it is ever lost,
      # the next run is a first run, which records and never re-sends.
      - name: Restore what was announced
        uses: {CACHE_RESTORE}
        with:
          path: .statusgen/notify-state.json
          key: statusgen-notify-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: statusgen-notify-

      # Secrets, never site.toml, hold the webhook URLs (Settings > Secrets and variables >
      # Actions); site.toml names the variables. Unused ones may stay unset.
      - name: Notify subscribers
        run: statusgen notify
        env:
          SLACK_WEBHOOK_URL: ${{{{ secrets.SLACK_WEBHOOK_URL }}}}
          DISCORD_WEBHOOK_URL: ${{{{ secrets.DISCORD_WEBHOOK_URL }}}}
          TEAMS_WEBHOOK_URL: ${{{{ secrets.TEAMS_WEBHOOK_URL }}}}
          WEBHOOK_URL: ${{{{ secrets.WEBHOOK_URL }}}}
          WEBHOOK_SECRET: ${{{{ secrets.WEBHOOK_SECRET }}}}
          SMTP_URL: ${{{{ secrets.SMTP_URL }}}}

      # Saved even when a channel failed, so the channels that did get a message do not
      # get it again on the next run.
      - name: Save what was announced
        if: always()
        uses: {CACHE_SAVE}
        with:
          path: .statusgen/notify-state.json
          key: statusgen-notify-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
"#,
        install = install_steps(),
    )
}

/// GitHub pauses the schedules of a repository without activity for 60 days, which would
/// freeze the page; re-enabling the workflow weekly counts as activity.
fn keepalive_job() -> String {
    let file = WORKFLOW_PATH.rsplit('/').next().unwrap_or(WORKFLOW_PATH);
    format!(
        r#"
  keepalive:
    if: github.event_name == 'schedule' && github.event.schedule == '47 4 * * 1'
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions:
      actions: write
    steps:
      - name: Keep the hourly schedule alive
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: gh api -X PUT "repos/$GITHUB_REPOSITORY/actions/workflows/{file}/enable"
"#
    )
}

/// The GitHub Actions workflow: check pull requests; build and publish to GitHub Pages;
/// notify subscribers.
/// Jobs are separate pieces so more can be appended (each with its own permissions).
pub fn github_workflow() -> String {
    [
        workflow_head(),
        build_job(),
        deploy_job(),
        notify_job(),
        keepalive_job(),
    ]
    .concat()
}

/// Every file of a new site. Example content is dated around `now`: the incident a few
/// days ago, the maintenance window next week, so the site shows both straight away.
pub fn plan(now: DateTime<Utc>, ci: Ci) -> Vec<(String, String)> {
    let today = now.date_naive();
    let mut files = vec![
        ("site.toml".to_string(), site_toml(today)),
        example_incident(today),
        example_maintenance(today),
    ];
    if ci == Ci::Github {
        files.push((WORKFLOW_PATH.to_string(), github_workflow()));
    }
    files
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A file `init` would write is already there; nothing was written.
    #[error(
        "{} already exists; statusgen init never overwrites files, and wrote nothing",
        .0.display()
    )]
    Exists(PathBuf),
    /// `dir` exists and is not a folder.
    #[error("{} exists and is not a folder", .0.display())]
    NotADir(PathBuf),
    #[error("cannot write {path}: {1}", path = .0.display())]
    Io(PathBuf, #[source] std::io::Error),
}

/// Writes the planned files under `dir` (created if missing). Checks every target first:
/// if any exists, nothing is written.
pub fn write(dir: &Path, files: &[(String, String)]) -> Result<Vec<PathBuf>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotADir(dir.to_path_buf()));
    }
    let targets: Vec<PathBuf> = files.iter().map(|(p, _)| dir.join(p)).collect();
    // symlink_metadata: a dangling symlink is something that exists too.
    if let Some(t) = targets
        .iter()
        .find(|t| std::fs::symlink_metadata(t).is_ok())
    {
        return Err(InitError::Exists(t.clone()));
    }
    for (target, (_, text)) in targets.iter().zip(files) {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => InitError::Exists(target.clone()),
                _ => InitError::Io(target.clone(), e),
            })?;
        std::io::Write::write_all(&mut f, text.as_bytes())
            .map_err(|e| InitError::Io(target.clone(), e))?;
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::config;
    use crate::load::content::{FileInput, parse_incident, parse_maintenance};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-04-15T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_planned_site_loads_without_findings() {
        let files = plan(now(), Ci::Github);
        assert_eq!(files.len(), 4);
        let mut d = Vec::new();
        let cfg = config::parse(&files[0].1, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.components.len(), 2);
        let i = parse_incident(
            &FileInput {
                rel: &files[1].0,
                stem: "x",
                bytes: files[1].1.as_bytes(),
            },
            &cfg,
            cfg.timezone,
            &mut d,
        )
        .unwrap();
        let m = parse_maintenance(
            &FileInput {
                rel: &files[2].0,
                stem: "y",
                bytes: files[2].1.as_bytes(),
            },
            &cfg,
            cfg.timezone,
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert!(m.starts > now());
        assert!(i.resolved.unwrap() < now());
        let findings = crate::authoring::lint::lint_incident(&i, cfg.timezone, 72, now());
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn every_top_level_option_is_present() {
        let text = site_toml(now().date_naive());
        for key in [
            "title",
            "base_url",
            "description",
            "timezone",
            "language",
            "theme",
            "[uptime]",
            "days",
            "slo",
            "partial_outage_weight",
            "count_maintenance",
            "[feeds]",
            "limit",
            "[postmortem]",
            "due_hours",
            "[[components]]",
            "id",
            "name",
            "group",
            "since",
        ] {
            assert!(text.contains(key), "{key}");
        }
    }
}
