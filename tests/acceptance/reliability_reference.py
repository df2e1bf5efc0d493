#!/usr/bin/env python3
"""Independent reference for statusgen's reliability review.

Usage: reliability_reference.py SITE_DIR OUT_DIR NOW

Reads the site itself (site.toml and content/**/*.md front matter, see sitelib.py) and
recomputes, from the rules in DESIGN.md, POSTMORTEM.md and docs/reliability.md, every
figure of OUT_DIR/reliability/reliability.json: the periods (quarters, or months for a
history shorter than six months, in the site timezone), incidents by impact, MTTD and
MTTR means and medians, recurrence, each component's availability and SLO breach per
period, corrective actions opened / closed / overdue, the 30/60/90-day check-ins, the
per-component and per-cause summaries, the action list and the "did the fix work?"
windows. Availability comes from a weighted union of the incident intervals computed
here with exact fractions. Then checks that every CSV file holds the same numbers as the
reference, that reliability.json matches docs/reliability.schema.json (jsonschema), and
that the page's tables show the same counts and availabilities.

Prints each mismatch; exits 1 on any.
"""

import bisect
import csv
import io
import json
import os
import sys
from datetime import date, datetime, timedelta
from fractions import Fraction
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitelib  # noqa: E402

TOL = 1e-6
MISMATCHES = []
IMPACTS = ["none", "minor", "major", "critical"]
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")


def mismatch(msg):
    MISMATCHES.append(msg)
    if len(MISMATCHES) <= 60:
        print(f"MISMATCH {msg}")


# ---------------------------------------------------------------- time helpers

def local_date(t, tz):
    return t.astimezone(tz).date()


def midnight(d, tz):
    return sitelib.local_midnight(d, tz)


def add_months(d, n):
    """Calendar months later; a day past the month's end becomes its last day."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def secs(td):
    return Fraction(td.days * 86400 + td.seconds) + Fraction(td.microseconds, 10**6)


# ---------------------------------------------------------------- availability

def weighted_union_fast(intervals):
    """Disjoint (start, end, weight) spans with the largest covering weight: an event sweep."""
    events = []
    for a, b, w in intervals:
        if b > a and w > 0:
            events.append((a, 1, w))
            events.append((b, -1, w))
    events.sort(key=lambda e: (e[0], e[1]))
    active = {}
    out = []
    prev = None
    for t, kind, w in events:
        if prev is not None and t > prev and active:
            top = max(active)
            out.append((prev, t, top))
        if kind == 1:
            active[w] = active.get(w, 0) + 1
        else:
            active[w] -= 1
            if active[w] == 0:
                del active[w]
        prev = t
    return out


class Component:
    def __init__(self, site, c, now, site_start, pw, count_maint, default_slo):
        self.id = c["id"]
        self.name = c.get("name", self.id)
        self.slo = c.get("slo", default_slo)
        tz = site.tz
        ivs = []
        for i in site.incidents:
            if self.id not in i.levels:
                continue
            w = {"major_outage": Fraction(1), "partial_outage": pw}.get(i.levels[self.id], 0)
            end = min(i.resolved or now, now)
            if i.started < end:
                ivs.append((i.started, end, w))
        if count_maint:
            for m in site.maintenance:
                if self.id in m.components and m.status != "cancelled":
                    end = min(m.ends, now)
                    if m.starts < end:
                        ivs.append((m.starts, end, Fraction(1)))
        self.segs = weighted_union_fast(ivs)
        self.seg_ends = [b for _, b, _ in self.segs]
        start_day = c["since"] if "since" in c else site_start
        self.history_start = min(midnight(start_day, tz), now)

    def window(self, a, b):
        """(uptime percent or None, downtime minutes) over [a, b) clipped to the history."""
        a = max(a, self.history_start)
        if b <= a:
            return None, Fraction(0)
        down = Fraction(0)
        k = bisect.bisect_right(self.seg_ends, a)
        while k < len(self.segs) and self.segs[k][0] < b:
            s, e, w = self.segs[k]
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                down += secs(hi - lo) * w
            k += 1
        length = secs(b - a)
        return 100 * (1 - down / length), down / 60

    def availability(self, first, end, tz, now):
        u, down = self.window(midnight(first, tz), min(midnight(end, tz), now))
        return {
            "id": self.id,
            "slo": self.slo,
            "uptime": u,
            "downtime_minutes": down,
            "breach": u is not None and u < Fraction(str(self.slo)),
        }


# ---------------------------------------------------------------- figures

def cause_of(i):
    c = i.fm.get("cause")
    if isinstance(c, str) and c.strip():
        return c.strip()
    return None


def median(values):
    v = sorted(values)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def mean(values):
    return sum(values) / len(values) if values else None


def figures(incidents, repeated, now):
    ttd = [secs(i.detected - i.started) for i in incidents if i.resolved and i.resolved <= now]
    ttr = [secs(i.resolved - i.detected) for i in incidents if i.resolved and i.resolved <= now]
    rep = sum(1 for i in incidents if i.slug in repeated)
    return {
        "incidents": len(incidents),
        "by_impact": {k: sum(1 for i in incidents if i.impact == k) for k in IMPACTS},
        "resolved": len(ttd),
        "mttd_mean_seconds": mean(ttd),
        "mttd_median_seconds": median(ttd),
        "mttr_mean_seconds": mean(ttr),
        "mttr_median_seconds": median(ttr),
        "repeated": rep,
        "recurrence_rate": Fraction(rep, len(incidents)) if incidents else None,
    }


def actions_of(i):
    return [
        {
            "what": a["what"],
            "owner": a.get("owner") if (a.get("owner") or "").strip() else None,
            "due": a.get("due"),
            "status": a.get("status", "planned"),
            "done": a.get("done"),
        }
        for a in i.fm.get("actions", [])
    ]


def completion(a, today):
    if a["status"] == "done" and a["done"] is not None and a["done"] <= today:
        return a["done"]
    return None


def overdue(a, today):
    return a["status"] in ("planned", "in_progress") and a["due"] is not None and today > a["due"]


def open_on(a, d, today):
    if a["status"] in ("planned", "in_progress"):
        return True
    if a["status"] == "wont_do":
        return False
    c = completion(a, today)
    return c is not None and c > d


def reference(site, now):
    tz = site.tz
    today = local_date(now, tz)
    cfg = site.config.get("uptime", {})
    pw = Fraction(str(cfg.get("partial_outage_weight", 0.3)))
    count_maint = cfg.get("count_maintenance", False)
    default_slo = cfg.get("slo", 99.9)

    day = {i.slug: local_date(i.started, tz) for i in site.incidents}
    # By local start date, then start, then slug (docs/reliability.md: the lists' order).
    started = sorted((i for i in site.incidents if i.started <= now), key=lambda i: (day[i.slug], i.started, i.slug))

    # The site's history start without `since` (DESIGN.md, uptime.json).
    firsts = [i.started for i in site.incidents if i.started <= now]
    if count_maint:
        firsts += [
            m.starts for m in site.maintenance
            if m.status != "cancelled" and m.starts < min(m.ends, now) and m.starts <= now
        ]
    site_start = local_date(min(firsts), tz) if firsts else today
    comps = [Component(site, c, now, site_start, pw, count_maint, default_slo) for c in site.components]

    # Recurrence: the same cause in the 90 days before (strictly earlier start).
    repeated = set()
    by_cause = {}
    for i in started:
        if cause_of(i):
            by_cause.setdefault(cause_of(i), []).append(i)
    for lst in by_cause.values():
        starts = [i.started for i in lst]
        for i in lst:
            k = bisect.bisect_left(starts, i.started)
            if k > 0 and i.started - starts[k - 1] <= timedelta(days=90):
                repeated.add(i.slug)

    first = min([local_date(c.history_start, tz) for c in comps] + ([day[started[0].slug]] if started else []) + [today])
    monthly = add_months(first, 6) > today
    step = 1 if monthly else 3
    p = date(first.year, first.month if monthly else (first.month - 1) // 3 * 3 + 1, 1)
    spans = []
    while p <= today:
        nxt = add_months(p, step)
        label = f"{p.year}-{p.month:02d}" if monthly else f"{p.year}-Q{(p.month - 1) // 3 + 1}"
        spans.append((label, p, nxt))
        p = nxt

    days = [day[i.slug] for i in started]

    def in_days(a, b):
        return started[bisect.bisect_left(days, a) : bisect.bisect_left(days, b)]

    checkins = []
    for i in started:
        acts = actions_of(i)
        if not acts or not i.resolved or i.resolved > now:
            continue
        rday = local_date(i.resolved, tz)
        for n in (30, 60, 90):
            d = rday + timedelta(days=n)
            n_open = sum(1 for a in acts if open_on(a, d, today))
            state = "upcoming" if d > today else ("missed" if n_open else "met")
            checkins.append({
                "incident": i.slug, "incident_title": i.title, "days": n, "date": d.isoformat(),
                "state": state, "open_actions": 0 if d > today else n_open,
            })

    all_actions = [(i, a) for i in started for a in actions_of(i)]
    every_action = [a for i in site.incidents for a in actions_of(i)]
    periods = []
    for label, a, b in spans:
        lst = in_days(a, b)
        avail = [c.availability(a, b, tz, now) for c in comps]
        acts = [x for i in lst for x in actions_of(i)]
        due = [c for c in checkins if c["state"] != "upcoming" and a.isoformat() <= c["date"] < b.isoformat()]
        periods.append({
            "label": label,
            "first_day": a.isoformat(),
            "last_day": (b - timedelta(days=1)).isoformat(),
            **figures(lst, repeated, now),
            "components": avail,
            "slo_breaches": sum(1 for x in avail if x["breach"]),
            "actions": {
                "opened": len(acts),
                "closed": sum(1 for x in every_action if completion(x, today) and a <= completion(x, today) < b),
                "overdue": sum(1 for x in acts if overdue(x, today)),
                "checkins_due": len(due),
                "checkins_missed": sum(1 for c in due if c["state"] == "missed"),
            },
        })

    components = []
    for n, c in enumerate(comps):
        lst = [i for i in started if c.id in i.levels]
        u, _ = c.window(c.history_start, now)
        components.append({
            "id": c.id, "name": c.name, "slo": c.slo, **figures(lst, repeated, now),
            "uptime_all": u,
            "breached_periods": sum(1 for p in periods if p["components"][n]["breach"]),
        })

    causes = []
    for cause in sorted(by_cause):
        lst = by_cause[cause]
        causes.append({
            "cause": cause, **figures(lst, repeated, now),
            "first_seen": day[lst[0].slug].isoformat(), "last_seen": day[lst[-1].slug].isoformat(),
        })

    actions = [{
        "incident": i.slug, "incident_title": i.title, "opened": day[i.slug].isoformat(),
        "what": a["what"], "owner": a["owner"], "due": a["due"].isoformat() if a["due"] else None,
        "status": a["status"],
        "done": completion(a, today).isoformat() if completion(a, today) else None,
        "overdue": overdue(a, today),
    } for i, a in all_actions]

    fixes, undated = [], []
    for i in started:
        done = [a for a in actions_of(i) if a["status"] == "done"]
        dated = [completion(a, today) for a in done if completion(a, today)]
        if not dated:
            if done:
                undated.append(i.slug)
            continue
        f = max(dated)
        bf, ae = f - timedelta(days=90), f + timedelta(days=90)
        before, after = in_days(bf, f), in_days(f, ae)
        out_comps = []
        for cid in i.levels:
            c = next((c for c in comps if c.id == cid), None)
            if c is None:
                continue
            out_comps.append({
                "key": cid,
                "before": {**figures([x for x in before if cid in x.levels], repeated, now),
                           "availability": c.availability(bf, f, tz, now)},
                "after": {**figures([x for x in after if cid in x.levels], repeated, now),
                          "availability": c.availability(f, ae, tz, now)},
            })
        cause = cause_of(i)
        fixes.append({
            "incident": i.slug, "incident_title": i.title, "completed": f.isoformat(),
            "before_first": bf.isoformat(), "before_last": (f - timedelta(days=1)).isoformat(),
            "after_first": f.isoformat(), "after_last": (ae - timedelta(days=1)).isoformat(),
            "after_complete": ae <= today,
            "components": out_comps,
            "cause": None if cause is None else {
                "key": cause,
                "before": figures([x for x in before if cause_of(x) == cause], repeated, now),
                "after": figures([x for x in after if cause_of(x) == cause], repeated, now),
            },
        })

    return {
        "timezone": str(site.config.get("timezone", "UTC")),
        "granularity": "month" if monthly else "quarter",
        "periods": periods,
        "totals": figures(started, repeated, now),
        "components": components,
        "causes": causes,
        "actions": actions,
        "checkins": checkins,
        "fixes": fixes,
        "undated_fixes": undated,
    }


# ---------------------------------------------------------------- comparison

def same(got, want):
    if isinstance(want, bool) or want is None or isinstance(want, str):
        return got == want
    if isinstance(want, (int, Fraction, float)):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - float(want)) <= TOL * max(1, abs(float(want)))
    return False


def compare(got, want, path):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            mismatch(f"{path}: expected an object, got {got!r}")
            return
        for k, v in want.items():
            if k not in got:
                mismatch(f"{path}.{k}: missing")
            else:
                compare(got[k], v, f"{path}.{k}")
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            mismatch(f"{path}: expected {len(want)} entries, got {len(got) if isinstance(got, list) else got!r}")
            return
        for n, (g, w) in enumerate(zip(got, want)):
            compare(g, w, f"{path}[{n}]")
    elif not same(got, want):
        mismatch(f"{path}: expected {want if not isinstance(want, Fraction) else float(want)!r}, got {got!r}")


def unguard(s):
    return s[1:] if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r" else s


def cell_value(text, want):
    """Reads a CSV cell as the type of the reference value."""
    if want is None:
        return None if text == "" else text
    if isinstance(want, bool):
        return {"true": True, "false": False}.get(text, text)
    if isinstance(want, (int, float, Fraction)):
        try:
            return float(text)
        except ValueError:
            return text
    return unguard(text)


FIG = ["incidents", "impact_none", "impact_minor", "impact_major", "impact_critical", "resolved",
       "mttd_mean_seconds", "mttd_median_seconds", "mttr_mean_seconds", "mttr_median_seconds",
       "repeated", "recurrence_rate"]


def fig_cells(f):
    b = f["by_impact"]
    return [f["incidents"], b["none"], b["minor"], b["major"], b["critical"], f["resolved"],
            f["mttd_mean_seconds"], f["mttd_median_seconds"], f["mttr_mean_seconds"],
            f["mttr_median_seconds"], f["repeated"], f["recurrence_rate"]]


def avail_cells(a):
    if a is None:
        return [None, None, None]
    return [a["uptime"], a["downtime_minutes"], a["breach"]]


def csv_tables(ref):
    t = {}
    t["periods.csv"] = (["period", "first_day", "last_day"] + FIG + [
        "slo_breaches", "actions_opened", "actions_closed", "actions_overdue", "checkins_due", "checkins_missed"],
        [[p["label"], p["first_day"], p["last_day"]] + fig_cells(p) + [
            p["slo_breaches"], p["actions"]["opened"], p["actions"]["closed"], p["actions"]["overdue"],
            p["actions"]["checkins_due"], p["actions"]["checkins_missed"]] for p in ref["periods"]])
    t["availability.csv"] = (["period", "component", "slo", "uptime", "downtime_minutes", "breach"],
        [[p["label"], a["id"], a["slo"]] + avail_cells(a) for p in ref["periods"] for a in p["components"]])
    t["components.csv"] = (["component", "name", "slo"] + FIG + ["uptime_all", "breached_periods"],
        [[c["id"], c["name"], c["slo"]] + fig_cells(c) + [c["uptime_all"], c["breached_periods"]] for c in ref["components"]])
    t["causes.csv"] = (["cause", "first_seen", "last_seen"] + FIG,
        [[c["cause"], c["first_seen"], c["last_seen"]] + fig_cells(c) for c in ref["causes"]])
    t["actions.csv"] = (["incident", "incident_title", "opened", "what", "owner", "due", "status", "done", "overdue"],
        [[a["incident"], a["incident_title"], a["opened"], a["what"], a["owner"] or "", a["due"], a["status"], a["done"], a["overdue"]]
         for a in ref["actions"]])
    t["checkins.csv"] = (["incident", "incident_title", "days", "date", "state", "open_actions"],
        [[c["incident"], c["incident_title"], c["days"], c["date"], c["state"], c["open_actions"]] for c in ref["checkins"]])
    head = ["incident", "completed", "before_first", "before_last", "after_first", "after_last", "after_complete", "scope", "key"]
    for side in ("before", "after"):
        head += [f"{side}_{c}" for c in FIG + ["uptime", "downtime_minutes", "breach"]]
    rows = []
    for f in ref["fixes"]:
        scoped = [("component", c) for c in f["components"]] + ([("cause", f["cause"])] if f["cause"] else [])
        for scope, ba in scoped:
            row = [f["incident"], f["completed"], f["before_first"], f["before_last"], f["after_first"],
                   f["after_last"], f["after_complete"], scope, ba["key"]]
            for side in ("before", "after"):
                row += fig_cells(ba[side]) + avail_cells(ba[side].get("availability"))
            rows.append(row)
    t["fixes.csv"] = (head, rows)
    return t


def compare_csv(out_dir, ref):
    for name, (head, rows) in csv_tables(ref).items():
        path = os.path.join(out_dir, "reliability", name)
        with open(path, "rb") as f:
            raw = f.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            mismatch(f"{name}: starts with a byte-order mark")
        text = raw.decode("utf-8")
        if raw and not text.endswith("\r\n"):
            mismatch(f"{name}: records must end in CRLF (RFC 4180)")
        got = list(csv.reader(io.StringIO(text, newline="")))
        if got[0] != head:
            mismatch(f"{name}: header {got[0]} != {head}")
        if len(got) - 1 != len(rows):
            mismatch(f"{name}: {len(got) - 1} rows, expected {len(rows)}")
            continue
        for n, (g, w) in enumerate(zip(got[1:], rows)):
            if len(g) != len(w):
                mismatch(f"{name} row {n + 1}: {len(g)} cells, expected {len(w)}")
                continue
            for k, (gc, wc) in enumerate(zip(g, w)):
                if isinstance(wc, date):
                    wc = wc.isoformat()
                if not same(cell_value(gc, wc), wc):
                    mismatch(f"{name} row {n + 1} {head[k]}: expected {wc!r}, got {gc!r}")


class Tables(HTMLParser):
    """Rows of every table, by caption: lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.cap, self.row, self.cell, self.in_cap = {}, None, None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.in_cap, self.cap = True, ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_cap = False
            self.tables[self.cap] = []
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.cap is not None:
                self.tables[self.cap].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_cap:
            self.cap += data
        elif self.cell is not None:
            self.cell += data


def shown_percent(u):
    """The page's truncation to 3 decimals (uptime_reference.py's expected_text)."""
    if u is None:
        return "No data"
    if u == 100:
        return "100%"
    v = Fraction(u) * 1000
    return f"{float(int(v)) / 1000:.3f}%"


def count(n):
    """A count as the English page shows it: grouped by thousands ("1,057")."""
    return f"{n:,}"


def compare_page(out_dir, ref):
    p = Tables()
    with open(os.path.join(out_dir, "reliability", "index.html"), encoding="utf-8") as f:
        p.feed(f.read())
    per = "month" if ref["granularity"] == "month" else "quarter"

    def rows(caption):
        t = p.tables.get(caption)
        if t is None:
            mismatch(f"page: no table '{caption}'")
            return []
        return t[1:]

    def check(caption, want):
        if not want and caption not in p.tables:
            return  # an empty table is not shown ("Nothing to show yet")
        got = rows(caption)
        if [r[: len(w)] for r, w in zip(got, want)] != want or len(got) != len(want):
            mismatch(f"page table '{caption}': expected {want}, got {got}")

    ps = ref["periods"]
    check(f"Incidents by impact per {per}",
          [[q["label"]] + [count(q["by_impact"][k]) for k in IMPACTS] + [count(q["incidents"])] for q in ps])
    check(f"Recurrence per {per}", [[q["label"], count(q["incidents"]), count(q["repeated"])] for q in ps])
    check(f"Corrective actions per {per}",
          [[q["label"], count(q["actions"]["opened"]), count(q["actions"]["closed"]), count(q["actions"]["overdue"])] for q in ps])
    check(f"Check-ins per {per}",
          [[q["label"], count(q["actions"]["checkins_due"]),
            count(q["actions"]["checkins_due"] - q["actions"]["checkins_missed"]), count(q["actions"]["checkins_missed"])] for q in ps])
    want = []
    for q in ps:
        cells = [q["label"]]
        for a in q["components"]:
            cells.append(shown_percent(a["uptime"]) + (" Below SLO" if a["breach"] else ""))
        want.append(cells + [count(q["slo_breaches"])])
    check(f"Availability per component and {per}", want)
    check("Figures per component", [[c["name"], count(c["incidents"])] for c in ref["components"]])
    check("Figures per cause", [[c["cause"], count(c["incidents"])] for c in ref["causes"]])


def check_schema(doc):
    try:
        import jsonschema
    except ImportError:
        mismatch("jsonschema is not installed (scripts/install-test-deps.sh)")
        return
    with open(os.path.join(DOCS, "reliability.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    for err in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        mismatch(f"schema: {'/'.join(map(str, err.absolute_path))}: {err.message}")


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    site_dir, out_dir, now_s = argv[1:]
    site = sitelib.load(site_dir)
    now = sitelib.parse_now(now_s)
    ref = reference(site, now)
    with open(os.path.join(out_dir, "reliability", "reliability.json"), encoding="utf-8") as f:
        doc = json.load(f)
    check_schema(doc)
    # The per-row lists are only in their CSV files (compared below); the JSON counts them.
    lists = ("actions", "checkins", "fixes")
    compare(doc, {k: v for k, v in ref.items() if k not in lists}, "reliability.json")
    compare(doc["counts"], {k: len(ref[k]) for k in lists}, "reliability.json.counts")
    compare_csv(out_dir, ref)
    compare_page(out_dir, ref)
    n_fix = len(ref["fixes"])
    print(f"ref: {ref['granularity']}s={len(ref['periods'])} incidents={ref['totals']['incidents']} "
          f"actions={len(ref['actions'])} checkins={len(ref['checkins'])} fixes={n_fix} undated={len(ref['undated_fixes'])}")
    if MISMATCHES:
        print(f"{len(MISMATCHES)} mismatch(es)")
        return 1
    print("reliability_reference: all figures match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
