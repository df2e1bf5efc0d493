#!/usr/bin/env python3
"""Independent reference for statusgen's uptime figures.

Usage: uptime_reference.py SITE_DIR OUT_DIR NOW

Reads the site itself (site.toml and content/**/*.md front matter, see sitelib.py),
walks time step by step (one minute, or one second when some boundary is not
minute-aligned) from the earliest instant that matters up to NOW, giving each step the
worst weight among the intervals covering it (major_outage 1, partial_outage
`partial_outage_weight`, degraded 0; running maintenance 1 when `count_maintenance`),
then sums those weights over local calendar days and the 30/90-day/all-time windows
of DESIGN.md ("What is derived", "uptime.json"). Arithmetic is exact (fractions).

Compares every figure of OUT_DIR/uptime.json within 1e-6 and the percentages shown on
index.html (90 days per component) and uptime/index.html (30/90/all-time), which are
truncated to 3 decimals ("100%" only when exactly 100). Prints each mismatch; exits 1
on any.
"""

import json
import math
import os
import re
import sys
from datetime import datetime, timedelta
from fractions import Fraction
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitelib  # noqa: E402

TOL = 1e-6
MISMATCHES = []
# Known statusgen bugs, reported but not failing: (component id, field) -> description.
# The lead removes entries once src/ is fixed.
# Keys: (component id, field, "no-data") for a window that lies wholly before `since`.
KNOWN_BUG_UPTIME = {}


def mismatch(key, msg):
    if key in KNOWN_BUG_UPTIME:
        print(f"KNOWN_BUG {key}: {msg}")
    else:
        MISMATCHES.append(msg)
        print(f"MISMATCH {msg}")


class Timeline:
    """Weight codes per step between t0 and now: 0 none, 1 partial, 2 major/maintenance."""

    def __init__(self, t0, now, step):
        self.t0 = t0
        self.now = now
        self.step = step
        n = int((now - t0).total_seconds()) // step
        self.codes = bytearray(n)

    def index(self, t):
        return int((t - self.t0).total_seconds()) // self.step

    def cover(self, a, b, code):
        if code == 0:
            return
        a = max(a, self.t0)
        b = min(b, self.now)
        if b <= a:
            return
        for i in range(self.index(a), self.index(b)):
            if self.codes[i] < code:
                self.codes[i] = code

    def downtime_seconds(self, a, b, partial_weight):
        if b <= a:
            return Fraction(0)
        chunk = self.codes[self.index(a) : self.index(b)]
        return self.step * (chunk.count(2) + partial_weight * chunk.count(1))


def pct(down, a, b):
    length = int((b - a).total_seconds())
    if length <= 0:
        return None
    return 100 * (1 - down / length)


def reference(site, now):
    cfg = site.config.get("uptime", {})
    window_days = cfg.get("days", 90)
    pw = Fraction(str(cfg.get("partial_outage_weight", 0.3)))
    count_maint = cfg.get("count_maintenance", False)
    default_slo = cfg.get("slo", 99.9)
    tz = site.tz
    today = now.astimezone(tz).date()

    earliest = min((i.started for i in site.incidents), default=None)
    earliest_midnight = (
        sitelib.local_midnight(earliest.astimezone(tz).date(), tz) if earliest else None
    )

    # Every boundary that matters, to pick the step.
    bounds = [now]
    for i in site.incidents:
        bounds += [i.started] + ([i.resolved] if i.resolved else [])
    for m in site.maintenance:
        bounds += [m.starts, m.ends]
    step = 60 if all(b.second == 0 and b.microsecond == 0 for b in bounds) else 1

    longest = max(window_days, 90, 30)
    starts = [sitelib.local_midnight(today - timedelta(days=longest - 1), tz)]
    if earliest_midnight:
        starts.append(earliest_midnight)
    for c in site.components:
        if "since" in c:
            starts.append(sitelib.local_midnight(c["since"], tz))
    t0 = min(starts)
    # Align t0 to the step grid of the boundaries (midnights are minute-aligned anyway).
    t0 = t0.replace(second=0, microsecond=0)

    out = {}
    for c in site.components:
        cid = c["id"]
        tl = Timeline(t0, now, step)
        for i in site.incidents:
            if cid not in i.levels:
                continue
            level = i.levels[cid]
            code = {"major_outage": 2, "partial_outage": 1}.get(level, 0)
            end = i.resolved if i.resolved and i.resolved < now else now
            tl.cover(i.started, end, code)
        if count_maint:
            for m in site.maintenance:
                if cid in m.components and m.status != "cancelled":
                    tl.cover(m.starts, min(m.ends, now), 2)

        since = sitelib.local_midnight(c["since"], tz) if "since" in c else None

        def window(a, b, since=since, tl=tl):
            if since is not None:
                a = max(a, since)
            down = tl.downtime_seconds(a, b, pw)
            return pct(down, a, b), down

        days = []
        for d in sitelib.day_range(today - timedelta(days=window_days - 1), today):
            a = sitelib.local_midnight(d, tz)
            b = min(sitelib.local_midnight(d + timedelta(days=1), tz), now)
            if since is not None and a < since:
                days.append({"date": d.isoformat(), "uptime": None, "downtime_minutes": Fraction(0)})
                continue
            p, down = window(a, b)
            days.append({"date": d.isoformat(), "uptime": p, "downtime_minutes": down / 60})

        u30, _ = window(sitelib.local_midnight(today - timedelta(days=29), tz), now)
        u90, _ = window(sitelib.local_midnight(today - timedelta(days=89), tz), now)
        all_start = since if since is not None else earliest_midnight
        uall = window(all_start, now)[0] if all_start is not None else None
        out[cid] = {
            "id": cid,
            "name": c.get("name"),
            "group": c.get("group"),
            "slo": c.get("slo", default_slo),
            "status": sitelib.component_level(site, cid, now),
            "uptime_30d": u30,
            "uptime_90d": u90,
            "uptime_all": uall,
            "days": days,
        }
    return window_days, out


def close(got, want):
    if want is None or got is None:
        return got is None and want is None
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return abs(got - float(want)) <= TOL


def compare_json(site, now, window_days, ref, path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    gen = data.get("generated_at")
    try:
        ok = sitelib.parse_now(gen) == now
    except Exception:
        ok = False
    if not ok:
        mismatch(("", "generated_at"), f"generated_at: expected {now.isoformat()}, got {gen!r}")
    if data.get("timezone") != site.config.get("timezone"):
        mismatch(("", "timezone"), f"timezone: expected {site.config.get('timezone')!r}, got {data.get('timezone')!r}")
    if data.get("window_days") != window_days:
        mismatch(("", "window_days"), f"window_days: expected {window_days}, got {data.get('window_days')!r}")
    got_ids = [c.get("id") for c in data.get("components", [])]
    want_ids = list(ref)
    if got_ids != want_ids:
        mismatch(("", "components"), f"component ids/order: expected {want_ids}, got {got_ids}")
    for comp in data.get("components", []):
        cid = comp.get("id")
        want = ref.get(cid)
        if want is None:
            continue
        for k in ("name", "group", "status"):
            if comp.get(k) != want[k]:
                mismatch((cid, k), f"{cid}.{k}: expected {want[k]!r}, got {comp.get(k)!r}")
        if not close(comp.get("slo"), want["slo"]):
            mismatch((cid, "slo"), f"{cid}.slo: expected {want['slo']}, got {comp.get('slo')!r}")
        for k in ("uptime_30d", "uptime_90d", "uptime_all"):
            if not close(comp.get(k), want[k]):
                w = None if want[k] is None else float(want[k])
                key = (cid, k, "no-data") if want[k] is None else (cid, k)
                mismatch(key, f"{cid}.{k}: expected {w!r}, got {comp.get(k)!r}")
        days = comp.get("days", [])
        if len(days) != window_days:
            mismatch((cid, "days"), f"{cid}.days: expected {window_days} entries, got {len(days)}")
        got_dates = [d.get("date") for d in days]
        want_dates = [d["date"] for d in want["days"]]
        if got_dates != want_dates:
            mismatch((cid, "days"), f"{cid}.days dates: expected {want_dates[0]}..{want_dates[-1]}, got {got_dates[:1]}..{got_dates[-1:]}")
            continue
        for g, w in zip(days, want["days"]):
            for k in ("uptime", "downtime_minutes"):
                if not close(g.get(k), w[k]):
                    wv = None if w[k] is None else float(w[k])
                    mismatch((cid, f"day {w['date']} {k}"), f"{cid} day {w['date']} {k}: expected {wv!r}, got {g.get(k)!r}")


# --------------------------------------------------------------------------- pages


def shown_ok(text, exact):
    """Does the page text (e.g. '99.971%') show `exact` truncated to 3 decimals?"""
    if exact is None:
        # No time counted: the page shows no figure, or says so.
        return text is None or text.strip() == "No data"
    if text is None:
        return False
    text = text.strip()
    if exact == 100:
        return text == "100%"
    if not re.fullmatch(r"\d{1,3}\.\d{3}%", text):
        return False
    shown = Fraction(text[:-1])
    # Allow a float hair either side of an exact 3-decimal boundary.
    lo = Fraction(math.floor((exact - Fraction(1, 10**9)) * 1000), 1000)
    hi = Fraction(math.floor((exact + Fraction(1, 10**9)) * 1000), 1000)
    return shown in (lo, hi) and shown < 100


def expected_text(exact):
    if exact is None:
        return "(no figure)"
    if exact == 100:
        return "100%"
    return f"{math.floor(exact * 1000) / 1000:.3f}%"


class IndexParser(HTMLParser):
    """index.html: <li id="component-ID"> ... <span class="uptime-figure"><strong>X</strong>"""

    def __init__(self):
        super().__init__()
        self.current = None
        self.in_figure = False
        self.in_strong = False
        self.figures = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and (a.get("id") or "").startswith("component-"):
            self.current = a["id"][len("component-") :]
        classes = (a.get("class") or "").split()
        if tag == "span" and "uptime-figure" in classes:
            self.in_figure = True
        if tag == "strong" and self.in_figure:
            self.in_strong = True

    def handle_endtag(self, tag):
        if tag == "strong":
            self.in_strong = False
        if tag == "span":
            self.in_figure = False

    def handle_data(self, data):
        if self.in_strong and self.current:
            self.figures.setdefault(self.current, "")
            self.figures[self.current] += data


class UptimePageParser(HTMLParser):
    """uptime/index.html: the overview table rows and each component's figure list."""

    def __init__(self):
        super().__init__()
        self.row = None  # component id of the current overview row
        self.cells = {}  # id -> [cell texts]
        self.in_td = False
        self.td_text = ""
        self.section = None
        self.dt_text = None
        self.in_dt = False
        self.in_value = False
        self.figures = {}  # (id, dt label) -> value text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "tr":
            self.row = None
        if tag == "a" and (a.get("href") or "").startswith("#uptime-"):
            self.row = a["href"][len("#uptime-") :]
            self.cells[self.row] = []
        if tag == "td" and self.row:
            self.in_td = True
            self.td_text = ""
        if tag == "span" and self.in_td:
            # Badges inside a cell ("Below SLO") are not part of the figure.
            self.in_td = "badge"
        if tag == "section" and (a.get("id") or "").startswith("uptime-"):
            self.section = a["id"][len("uptime-") :]
        if tag == "dt" and self.section:
            self.in_dt = True
            self.dt_text = ""
        if tag == "dd" and self.section and "figure-value" in classes:
            self.in_value = True
            self.figures[(self.section, self.dt_text.strip())] = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.in_td and self.row:
            self.cells[self.row].append(self.td_text.strip())
            self.in_td = False
        if tag == "span" and self.in_td == "badge":
            self.in_td = "after-badge"
        if tag == "dt":
            self.in_dt = False
        if tag == "dd":
            self.in_value = False
        if tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.in_td is True:
            self.td_text += data
        if self.in_dt:
            self.dt_text += data
        if self.in_value and self.section:
            key = (self.section, self.dt_text.strip())
            self.figures[key] += data


def compare_pages(out_dir, ref):
    idx = IndexParser()
    with open(os.path.join(out_dir, "index.html"), encoding="utf-8") as f:
        idx.feed(f.read())
    for cid, want in ref.items():
        got = idx.figures.get(cid)
        if not shown_ok(got, want["uptime_90d"]):
            mismatch((cid, "index 90d"), f"index.html {cid} 90-day figure: expected {expected_text(want['uptime_90d'])}, got {got!r}")

    up = UptimePageParser()
    with open(os.path.join(out_dir, "uptime", "index.html"), encoding="utf-8") as f:
        up.feed(f.read())
    for cid, want in ref.items():
        cells = up.cells.get(cid, [])
        for n, k in enumerate(("uptime_30d", "uptime_90d", "uptime_all")):
            got = cells[n] if n < len(cells) else None
            if not shown_ok(got, want[k]):
                mismatch((cid, f"overview {k}"), f"uptime/index.html overview {cid} {k}: expected {expected_text(want[k])}, got {got!r}")
        labels = {"Last 30 days": "uptime_30d", "Last 90 days": "uptime_90d", "All time": "uptime_all"}
        for label, k in labels.items():
            got = next((v for (s, dt), v in up.figures.items() if s == cid and dt.startswith(label)), None)
            if not shown_ok(got, want[k]):
                mismatch((cid, f"figure {k}"), f"uptime/index.html {cid} figure '{label}': expected {expected_text(want[k])}, got {got!r}")


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    site_dir, out_dir, now_s = argv[1:]
    site = sitelib.load(site_dir)
    now = sitelib.parse_now(now_s)
    window_days, ref = reference(site, now)
    compare_json(site, now, window_days, ref, os.path.join(out_dir, "uptime.json"))
    compare_pages(out_dir, ref)
    for cid, r in ref.items():
        f = lambda v: "null" if v is None else f"{float(v):.6f}"  # noqa: E731
        print(f"ref {cid}: status={r['status']} 30d={f(r['uptime_30d'])} 90d={f(r['uptime_90d'])} all={f(r['uptime_all'])}")
    if MISMATCHES:
        print(f"{len(MISMATCHES)} mismatch(es)")
        return 1
    print("uptime_reference: all figures match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
