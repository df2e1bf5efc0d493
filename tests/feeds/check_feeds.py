#!/usr/bin/env python3
"""Checks the subscription and integration outputs of a built statusgen site with real
parsers: RSS/Atom with feedparser, every XML/SVG file with xml.dom.minidom, the
calendar with icalendar, and the Statuspage v2 API files against JSON Schemas.

Usage: check_feeds.py OUTDIR [--expect EXPECT.json]

EXPECT.json (optional, written by tests/feeds_it.rs) pins what the site holds:
  {"feeds": {"": [[title, link], ...], "components/api/": [...]},
   "ics": {uid: "CONFIRMED" | "CANCELLED"},
   "unresolved": N, "upcoming": N, "active": N,
   "badges": {path: accessible_text}}
Exits 0 when every check passes, 1 with a list of failures otherwise. A missing Python
module is a failure (ImportError), never a skip.
"""

import argparse
import json
import os
import sys
import xml.dom.minidom
import xml.etree.ElementTree as ET
from datetime import datetime

import feedparser
import icalendar
import jsonschema

FAILURES = []


def fail(msg):
    FAILURES.append(msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def read(outdir, rel):
    with open(os.path.join(outdir, rel), "rb") as f:
        return f.read()


# --------------------------------------------------------------------------- XML


def check_all_xml(outdir):
    """Every .xml and .svg file is well-formed for two independent parsers."""
    for root, _dirs, files in os.walk(outdir):
        for name in sorted(files):
            if not name.endswith((".xml", ".svg")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, outdir)
            data = open(path, "rb").read()
            try:
                xml.dom.minidom.parseString(data)
                ET.fromstring(data)
            except Exception as e:  # noqa: BLE001 - report any parser error
                fail(f"{rel}: not well-formed XML: {e}")


# ------------------------------------------------------------------------- feeds


def feed_dirs(outdir):
    dirs = [""]
    comp = os.path.join(outdir, "components")
    if os.path.isdir(comp):
        for cid in sorted(os.listdir(comp)):
            if os.path.exists(os.path.join(comp, cid, "feed.xml")):
                dirs.append(f"components/{cid}/")
    return dirs


def self_link(parsed):
    for link in parsed.feed.get("links", []):
        if link.get("rel") == "self":
            return link.get("href")
    return None


def check_feed_pair(outdir, d, base, expected):
    rss = feedparser.parse(read(outdir, d + "feed.xml"))
    atom = feedparser.parse(read(outdir, d + "atom.xml"))
    for kind, parsed, version in (("feed.xml", rss, "rss20"), ("atom.xml", atom, "atom10")):
        rel = d + kind
        if not check(not parsed.bozo, f"{rel}: feedparser bozo: {parsed.get('bozo_exception')}"):
            continue
        check(parsed.version == version, f"{rel}: version {parsed.version!r}, want {version}")
        check(parsed.feed.get("title"), f"{rel}: feed has no title")
        check(self_link(parsed) == base + rel, f"{rel}: self link {self_link(parsed)!r}")
        check(parsed.feed.get("link", "").startswith(base), f"{rel}: feed link not absolute")
        ids = [e.get("id") for e in parsed.entries]
        check(len(ids) == len(set(ids)), f"{rel}: duplicate entry ids")
        prev = None
        for e in parsed.entries:
            link = e.get("link", "")
            check(link.startswith(base), f"{rel}: entry link {link!r} not under {base}")
            check(e.get("id") == link, f"{rel}: entry id {e.get('id')!r} != link {link!r}")
            when = e.get("updated_parsed") or e.get("published_parsed")
            if check(when is not None, f"{rel}: entry {e.get('title')!r} has no date"):
                if prev is not None:
                    check(when <= prev, f"{rel}: entries not newest first")
                prev = when
            check(e.get("summary") or e.get("content"), f"{rel}: entry without content")
            body = (e.get("content") or [{}])[0].get("value", "") or e.get("summary", "")
            check(link in body, f"{rel}: content does not link to {link}")
        if kind == "atom.xml":
            check(parsed.feed.get("id"), f"{rel}: feed id missing")
            check(parsed.feed.get("updated_parsed"), f"{rel}: feed updated missing")
            check(parsed.feed.get("author"), f"{rel}: feed author missing")
            for e in parsed.entries:
                check(e.get("published_parsed"), f"{rel}: entry published missing")
        else:
            # feedparser does not keep isPermaLink once a <link> is present: read the XML.
            for item in ET.fromstring(read(outdir, rel)).iter("item"):
                guid, link = item.find("guid"), item.findtext("link")
                check(guid is not None and guid.get("isPermaLink") == "true"
                      and guid.text == link, f"{rel}: guid is not the permalink {link!r}")

    if rss.bozo or atom.bozo:
        return
    pairs_rss = [(e.title, e.link) for e in rss.entries]
    pairs_atom = [(e.title, e.link) for e in atom.entries]
    check(pairs_rss == pairs_atom, f"{d}: RSS and Atom entries differ:\n {pairs_rss}\n {pairs_atom}")
    if expected is not None:
        want = [tuple(p) for p in expected]
        check(pairs_atom == want, f"{d}atom.xml entries:\n got  {pairs_atom}\n want {want}")
    return [e.link for e in atom.entries]


def check_feeds(outdir, expect):
    site = feedparser.parse(read(outdir, "feed.xml"))
    base = site.feed.get("link", "")
    check(base.startswith(("http://", "https://")) and base.endswith("/"),
          f"feed.xml: channel link {base!r} is not an absolute base URL")
    feeds_expect = (expect or {}).get("feeds", {})
    site_links = None
    for d in feed_dirs(outdir):
        links = check_feed_pair(outdir, d, base, feeds_expect.get(d))
        if d == "":
            site_links = links
        elif links is not None and site_links is not None and len(site_links) < 50:
            # Without truncation, a component feed holds a subset of the site feed.
            missing = [l for l in links if l not in site_links]
            check(not missing, f"{d}: entries not in the site feed: {missing}")
    for d in feeds_expect:
        check(d in feed_dirs(outdir), f"{d}feed.xml: missing")
    return base


# ---------------------------------------------------------------------- calendar


def check_ics(outdir, base, expect):
    raw = read(outdir, "maintenance.ics")
    check(raw.endswith(b"\r\n"), "maintenance.ics: does not end with CRLF")
    check(b"\n" not in raw.replace(b"\r\n", b""), "maintenance.ics: bare LF line end")
    for n, line in enumerate(raw.split(b"\r\n"), 1):
        check(len(line) <= 75, f"maintenance.ics:{n}: {len(line)} octets (max 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"maintenance.ics:{n}: folding split a UTF-8 character")
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # noqa: BLE001
        fail(f"maintenance.ics: icalendar cannot parse it: {e}")
        return
    for prop, want in (("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")):
        check(str(cal.get(prop)) == want, f"maintenance.ics: {prop} is {cal.get(prop)!r}")
    check(cal.get("PRODID"), "maintenance.ics: PRODID missing")
    check(cal.get("X-WR-CALNAME"), "maintenance.ics: X-WR-CALNAME missing")
    events = cal.walk("VEVENT")
    uids = {}
    for ev in events:
        uid = str(ev.get("UID"))
        check(uid not in uids, f"maintenance.ics: duplicate UID {uid}")
        check("@" in uid, f"maintenance.ics: UID {uid!r} is not slug@host")
        status = str(ev.get("STATUS"))
        uids[uid] = status
        check(status in ("CONFIRMED", "CANCELLED"), f"maintenance.ics: {uid}: STATUS {status}")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        for name, value in (("DTSTART", start), ("DTEND", end), ("DTSTAMP", ev.decoded("DTSTAMP"))):
            check(isinstance(value, datetime) and value.utcoffset() is not None
                  and value.utcoffset().total_seconds() == 0,
                  f"maintenance.ics: {uid}: {name} is not a UTC date-time")
        if isinstance(start, datetime) and isinstance(end, datetime):
            check(end >= start, f"maintenance.ics: {uid}: ends before it starts")
        check(ev.get("SUMMARY") is not None, f"maintenance.ics: {uid}: SUMMARY missing")
        check(ev.get("DESCRIPTION") is not None, f"maintenance.ics: {uid}: DESCRIPTION missing")
        check(str(ev.get("URL", "")).startswith(base), f"maintenance.ics: {uid}: URL not absolute")
    api = json.loads(read(outdir, "api/v2/scheduled-maintenances.json"))
    if len(api["scheduled_maintenances"]) < 50:
        check(len(events) == len(api["scheduled_maintenances"]),
              f"maintenance.ics: {len(events)} events, API lists {len(api['scheduled_maintenances'])}")
    if expect and "ics" in expect:
        check(uids == expect["ics"], f"maintenance.ics: UIDs/statuses {uids} != {expect['ics']}")


# --------------------------------------------------------------------------- API

TS = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}
TS_OR_NULL = {"anyOf": [TS, {"type": "null"}]}
ID = {"type": "string", "pattern": r"^[0-9a-z]{12}$"}
COMPONENT_STATUS = {"enum": ["operational", "degraded_performance", "partial_outage",
                             "major_outage", "under_maintenance"]}


def obj(props, optional=()):
    return {
        "type": "object",
        "properties": props,
        "required": [k for k in props if k not in optional],
        "additionalProperties": False,
    }


PAGE = obj({"id": ID, "name": {"type": "string"}, "url": {"type": "string", "pattern": "^https?://"},
            "time_zone": {"type": "string"}, "updated_at": TS})
COMPONENT = obj({
    "id": ID, "name": {"type": "string"}, "status": COMPONENT_STATUS,
    "created_at": TS, "updated_at": TS, "position": {"type": "integer", "minimum": 1},
    "description": {"type": ["string", "null"]}, "showcase": {"type": "boolean"},
    "start_date": {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"type": "null"}]},
    "group_id": {"anyOf": [ID, {"type": "null"}]}, "page_id": ID, "group": {"type": "boolean"},
    "only_show_if_degraded": {"type": "boolean"},
    "components": {"type": "array", "items": ID},
}, optional=("components",))
AFFECTED = obj({"code": ID, "name": {"type": "string"}, "old_status": COMPONENT_STATUS,
                "new_status": COMPONENT_STATUS})


def update_schema(statuses):
    return obj({
        "id": ID, "status": {"enum": statuses}, "body": {"type": "string"}, "incident_id": ID,
        "created_at": TS, "updated_at": TS, "display_at": TS,
        "affected_components": {"anyOf": [{"type": "array", "items": AFFECTED}, {"type": "null"}]},
    })


INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"]
MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"]
INCIDENT_PROPS = {
    "id": ID, "name": {"type": "string"}, "status": {"enum": INCIDENT_STATUSES},
    "created_at": TS, "updated_at": TS, "monitoring_at": TS_OR_NULL, "resolved_at": TS_OR_NULL,
    "impact": {"enum": ["none", "minor", "major", "critical"]},
    "shortlink": {"type": "string", "pattern": "^https?://"}, "started_at": TS, "page_id": ID,
    "incident_updates": {"type": "array", "items": update_schema(["investigating", "identified", "monitoring", "resolved", "postmortem"])},
    "components": {"type": "array", "items": COMPONENT},
}
INCIDENT = obj(INCIDENT_PROPS)
MAINTENANCE = obj({
    **INCIDENT_PROPS,
    "status": {"enum": MAINTENANCE_STATUSES},
    "impact": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
    "incident_updates": {"type": "array", "items": update_schema(MAINTENANCE_STATUSES)},
    "scheduled_for": TS, "scheduled_until": TS,
})
STATUS = obj({"indicator": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
              "description": {"type": "string"}})


def listing(key, item):
    return obj({"page": PAGE, key: {"type": "array", "items": item}})


SCHEMAS = {
    "summary.json": obj({"page": PAGE, "components": {"type": "array", "items": COMPONENT},
                         "incidents": {"type": "array", "items": INCIDENT},
                         "scheduled_maintenances": {"type": "array", "items": MAINTENANCE},
                         "status": STATUS}),
    "status.json": obj({"page": PAGE, "status": STATUS}),
    "components.json": listing("components", COMPONENT),
    "incidents.json": listing("incidents", INCIDENT),
    "incidents/unresolved.json": listing("incidents", INCIDENT),
    "scheduled-maintenances.json": listing("scheduled_maintenances", MAINTENANCE),
    "scheduled-maintenances/upcoming.json": listing("scheduled_maintenances", MAINTENANCE),
    "scheduled-maintenances/active.json": listing("scheduled_maintenances", MAINTENANCE),
}


def check_api(outdir, base, expect):
    docs = {}
    for rel, schema in SCHEMAS.items():
        path = "api/v2/" + rel
        try:
            doc = json.loads(read(outdir, path))
        except (OSError, ValueError) as e:
            fail(f"{path}: {e}")
            continue
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
        for err in errors:
            fail(f"{path}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
        if not errors:
            docs[rel] = doc
    if len(docs) != len(SCHEMAS):
        return  # the cross-file checks below assume the shapes are right
    pages = {json.dumps(d["page"], sort_keys=True) for d in docs.values()}
    check(len(pages) == 1, "api: page differs between files")
    page = docs["summary.json"]["page"]
    check(page["url"] == base, f"api: page url {page['url']!r} != {base!r}")

    comps = docs["components.json"]["components"]
    check(comps == docs["summary.json"]["components"], "api: summary components != components.json")
    ids = [c["id"] for c in comps]
    check(len(ids) == len(set(ids)), "api: duplicate component ids")
    check([c["position"] for c in comps] == list(range(1, len(comps) + 1)), "api: positions not 1..n")
    by_id = {c["id"]: c for c in comps}
    for c in comps:
        check(c["page_id"] == page["id"], f"api: component {c['name']!r} page_id")
        if c["group"]:
            check("components" in c, f"api: group {c['name']!r} has no components list")
            for child in c.get("components", []):
                check(by_id.get(child, {}).get("group_id") == c["id"],
                      f"api: group {c['name']!r} child {child} has wrong group_id")
        else:
            check("components" not in c, f"api: leaf {c['name']!r} has a components list")
            if c["group_id"] is not None:
                check(c["id"] in by_id.get(c["group_id"], {}).get("components", []),
                      f"api: {c['name']!r} not listed by its group")

    unresolved = docs["incidents/unresolved.json"]["incidents"]
    for inc in unresolved:
        check(inc["status"] not in ("resolved", "postmortem"), f"api: unresolved {inc['name']!r} is {inc['status']}")
        check(inc["resolved_at"] is None, f"api: unresolved {inc['name']!r} has resolved_at")
    check(docs["summary.json"]["incidents"] == unresolved, "api: summary incidents != unresolved.json")
    incidents = docs["incidents.json"]["incidents"]
    check(len(incidents) <= 50, "api: incidents.json holds more than 50")
    for inc in incidents:
        check(inc["shortlink"].startswith(base), f"api: shortlink {inc['shortlink']!r}")
        times = [u["created_at"] for u in inc["incident_updates"]]
        parsed = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times]
        check(parsed == sorted(parsed, reverse=True), f"api: {inc['name']!r} updates not newest first")
        for u in inc["incident_updates"]:
            check(u["incident_id"] == inc["id"], f"api: update of {inc['name']!r} has wrong incident_id")
    upd_ids = [u["id"] for inc in incidents for u in inc["incident_updates"]]
    check(len(upd_ids) == len(set(upd_ids)), "api: duplicate incident update ids")

    upcoming = docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
    active = docs["scheduled-maintenances/active.json"]["scheduled_maintenances"]
    check(all(m["status"] == "scheduled" for m in upcoming), "api: upcoming holds a non-scheduled window")
    check(all(m["status"] in ("in_progress", "verifying") for m in active), "api: active holds an inactive window")
    summary_ms = {m["id"] for m in docs["summary.json"]["scheduled_maintenances"]}
    check(summary_ms == {m["id"] for m in upcoming + active}, "api: summary maintenances != upcoming + active")
    status = docs["status.json"]["status"]
    check(status == docs["summary.json"]["status"], "api: summary status != status.json")
    worst = {c["status"] for c in comps}
    if status["indicator"] == "none":
        check(worst <= {"operational"}, "api: indicator none with a non-operational component")

    if expect:
        for key, rel, field in (("unresolved", "incidents/unresolved.json", "incidents"),
                                ("upcoming", "scheduled-maintenances/upcoming.json", "scheduled_maintenances"),
                                ("active", "scheduled-maintenances/active.json", "scheduled_maintenances")):
            if key in expect:
                got = len(docs[rel][field])
                check(got == expect[key], f"api/v2/{rel}: {got} entries, want {expect[key]}")
        if "incident_names" in expect:
            got = [i["name"] for i in incidents]
            check(got == expect["incident_names"], f"api: incident names {got} != {expect['incident_names']}")


# ------------------------------------------------------------------------ badges


def check_badges(outdir, expect):
    paths = ["badge.svg"]
    comp = os.path.join(outdir, "components")
    if os.path.isdir(comp):
        paths += [f"components/{c}/badge.svg" for c in sorted(os.listdir(comp))
                  if os.path.exists(os.path.join(comp, c, "badge.svg"))]
    ns = "{http://www.w3.org/2000/svg}"
    for rel in paths:
        try:
            root = ET.fromstring(read(outdir, rel))
        except (OSError, ET.ParseError) as e:
            fail(f"{rel}: {e}")
            continue
        check(root.tag == ns + "svg", f"{rel}: root is {root.tag}")
        check(root.get("role") == "img", f"{rel}: role is not img")
        title = root.find(ns + "title")
        label = root.get("aria-label")
        check(title is not None and title.text == label, f"{rel}: <title> != aria-label")
        check(root.get("width", "").isdigit() and int(root.get("width")) > 0, f"{rel}: bad width")
        if expect and rel in expect.get("badges", {}):
            check(label == expect["badges"][rel], f"{rel}: aria-label {label!r} != {expect['badges'][rel]!r}")
    for rel in (expect or {}).get("badges", {}):
        check(rel in paths, f"{rel}: missing")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--expect")
    args = ap.parse_args()
    expect = None
    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expect = json.load(f)
    base = ""
    for stage in (check_all_xml, check_feeds, check_ics, check_api, check_badges):
        try:
            if stage is check_all_xml:
                stage(args.outdir)
            elif stage is check_feeds:
                base = stage(args.outdir, expect)
            elif stage is check_badges:
                stage(args.outdir, expect)
            else:
                stage(args.outdir, base, expect)
        except Exception as e:  # noqa: BLE001 - a crash is a failure, reported with the rest
            fail(f"{stage.__name__} crashed: {e!r}")
    if FAILURES:
        for f in FAILURES:
            print("FAIL:", f, file=sys.stderr)
        print(f"check_feeds: {len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    print(f"check_feeds: all checks passed for {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
