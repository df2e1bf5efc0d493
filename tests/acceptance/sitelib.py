"""Reads a statusgen site (site.toml + content/**/*.md front matter) on its own, from
the contract in DESIGN.md, without any help from the Rust code. Shared by the
acceptance checks.
"""

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc

# Worst first, as DESIGN.md orders them.
LEVEL_RANK = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
IMPACT_LEVEL = {
    "critical": "major_outage",
    "major": "partial_outage",
    "minor": "degraded_performance",
    "none": "degraded_performance",
}


@dataclass
class Incident:
    slug: str
    path: str
    fm: dict
    body: str
    title: str
    impact: str
    started: datetime
    detected: datetime
    resolved: datetime | None
    levels: dict  # component id -> level, in the order written
    updates: list  # (at, status, message), as written


@dataclass
class Maintenance:
    slug: str
    path: str
    fm: dict
    body: str
    title: str
    starts: datetime
    ends: datetime
    components: list
    status: str | None  # the front-matter override, if any


@dataclass
class Site:
    root: str
    config: dict
    tz: ZoneInfo
    components: list  # dicts from site.toml, in order
    incidents: list = field(default_factory=list)
    maintenance: list = field(default_factory=list)


def split_front_matter(text):
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ValueError("no front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    raise ValueError("unterminated front matter")


def slug_of(path, fm):
    if "slug" in fm:
        return fm["slug"]
    stem = os.path.basename(path)[: -len(".md")]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def instant(value, tz):
    """A TOML datetime as an aware UTC datetime; naive ones are site-local wall time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)
    raise ValueError(f"not a datetime: {value!r}")


def local_midnight(d, tz):
    return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)


def md_files(folder):
    out = []
    for dirpath, _dirs, files in os.walk(folder, followlinks=True):
        for f in files:
            if f.endswith(".md"):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def load(root):
    with open(os.path.join(root, "site.toml"), "rb") as f:
        config = tomllib.load(f)
    tz = ZoneInfo(config.get("timezone", "UTC"))
    site = Site(root=root, config=config, tz=tz, components=config.get("components", []))
    for path in md_files(os.path.join(root, "content", "incidents")):
        with open(path, encoding="utf-8") as f:
            head, body = split_front_matter(f.read())
        fm = tomllib.loads(head)
        if fm.get("draft", False):
            continue
        started = instant(fm["started"], tz)
        comps = fm.get("components", [])
        if isinstance(comps, list):
            levels = {c: IMPACT_LEVEL[fm["impact"]] for c in comps}
        else:
            levels = dict(comps)
        updates = [
            (instant(u["at"], tz), u["status"], u.get("message", ""))
            for u in fm.get("updates", [])
        ]
        detected = instant(fm["detected"], tz) if "detected" in fm else started
        # DESIGN + issue 12: without a `resolved` line, a newest update saying "resolved"
        # resolves the incident at its time (never before `detected`).
        if "resolved" in fm:
            resolved = instant(fm["resolved"], tz)
        else:
            newest = sorted(updates, key=lambda u: u[0])[-1] if updates else None
            resolved = max(newest[0], detected) if newest and newest[1] == "resolved" else None
        site.incidents.append(
            Incident(
                slug=slug_of(path, fm),
                path=path,
                fm=fm,
                body=body,
                title=fm["title"],
                impact=fm["impact"],
                started=started,
                detected=detected,
                resolved=resolved,
                levels=levels,
                updates=updates,
            )
        )
    for path in md_files(os.path.join(root, "content", "maintenance")):
        with open(path, encoding="utf-8") as f:
            head, body = split_front_matter(f.read())
        fm = tomllib.loads(head)
        if fm.get("draft", False):
            continue
        site.maintenance.append(
            Maintenance(
                slug=slug_of(path, fm),
                path=path,
                fm=fm,
                body=body,
                title=fm["title"],
                starts=instant(fm["starts"], tz),
                ends=instant(fm["ends"], tz),
                components=list(fm.get("components", [])),
                status=fm.get("status"),
            )
        )
    return site


def parse_now(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def maintenance_status(m, now):
    """The window's status at now, DESIGN.md + docs/statuspage-api.md (before mapping)."""
    if m.status:
        return m.status
    if now < m.starts:
        return "scheduled"
    if now < m.ends:
        return "in_progress"
    return "completed"


def incident_open(i, now):
    """Listed with the active incidents: not resolved by now (a future start is upcoming)."""
    return i.resolved is None or i.resolved > now


def incident_unresolved(i, now):
    """Active: sets its components' levels from its start until its resolution."""
    return i.started <= now and incident_open(i, now)


# An open incident naming no component sets the overall status from its impact.
IMPACT_OVERALL = {"critical": "major_outage", "major": "partial_outage", "minor": "degraded_performance"}


def component_level(site, cid, now):
    worst = None
    for i in site.incidents:
        if incident_unresolved(i, now) and cid in i.levels:
            lvl = i.levels[cid]
            if worst is None or LEVEL_RANK[lvl] > LEVEL_RANK[worst]:
                worst = lvl
    if worst is not None:
        return worst
    for m in site.maintenance:
        if cid in m.components and maintenance_status(m, now) == "in_progress":
            return "under_maintenance"
    return "operational"


def overall_level(site, now):
    levels = [component_level(site, c["id"], now) for c in site.components]
    levels += [
        IMPACT_OVERALL[i.impact]
        for i in site.incidents
        if not i.levels and incident_unresolved(i, now) and i.impact in IMPACT_OVERALL
    ]
    return max(levels, key=lambda lvl: LEVEL_RANK[lvl], default="operational")


def day_range(first, last):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


__all__ = [
    "UTC",
    "LEVEL_RANK",
    "Site",
    "load",
    "parse_now",
    "local_midnight",
    "maintenance_status",
    "incident_open",
    "incident_unresolved",
    "component_level",
    "overall_level",
    "day_range",
    "date",
]
