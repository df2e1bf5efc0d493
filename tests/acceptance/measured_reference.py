#!/usr/bin/env python3
"""Independent reference for statusgen's measured availability (docs/checks.md).

Usage: measured_reference.py SITE_DIR OUT_DIR NOW

Reads SITE_DIR/data/checks/<id>.csv with Python's csv module and datetime (no help from
the Rust code), site.toml with tomllib and the maintenance windows with sitelib, then
recomputes the method of docs/checks.md check by check, in exact integer milliseconds:
the interval is the lower median spacing of the checks before NOW; each check holds until
the next one when that comes within gap_factor x interval, else for one interval; failed
time inside a maintenance window (not cancelled) of the component counts as up unless
count_maintenance; time before `since` and after NOW never counts. Each check's span is
split over the local calendar days (site timezone) it touches.

Compares every `measured` figure of OUT_DIR/uptime.json (per day: uptime, downtime and
data minutes, checks, p50/p95; the 30/90-day and all-time uptime; checks; interval)
within 1e-6. Prints each mismatch; exits 1 on any.
"""

import bisect
import csv
import json
import math
import os
import sys
import tomllib
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitelib  # noqa: E402

TOL = 1e-6
MISMATCHES = []


def mismatch(msg):
    MISMATCHES.append(msg)
    print(f"MISMATCH {msg}")


EPOCH = datetime(1970, 1, 1, tzinfo=sitelib.UTC)


def ms(dt):
    """Whole milliseconds since the epoch, sub-millisecond parts dropped (floor)."""
    return (dt - EPOCH) // timedelta(milliseconds=1)


def read_checks(path):
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for rec in csv.DictReader(f):
            t = datetime.fromisoformat(rec["time"])
            assert t.tzinfo is not None, rec["time"]
            resp = rec.get("response_ms") or ""
            rows.append((ms(t), rec["ok"] == "true", float(resp) if resp != "" else None))
    return rows


def nearest_rank(values, p):
    if not values:
        return None
    values = sorted(values)
    rank = math.ceil(p / 100 * len(values))
    return values[max(1, min(rank, len(values))) - 1]


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def main():
    root, out_dir, now_s = sys.argv[1:4]
    now = ms(sitelib.parse_now(now_s))
    site = sitelib.load(root)
    with open(os.path.join(root, "site.toml"), "rb") as f:
        config = tomllib.load(f)
    tz = site.tz
    uptime_cfg = config.get("uptime", {})
    days_n = uptime_cfg.get("days", 90)
    count_maintenance = uptime_cfg.get("count_maintenance", False)
    gap_factor = config.get("checks", {}).get("gap_factor", 3)
    with open(os.path.join(out_dir, "uptime.json"), encoding="utf-8") as f:
        report = json.load(f)
    by_id = {c["id"]: c for c in report["components"]}

    today = datetime.fromtimestamp(now / 1000, tz).date()
    bar = [today - timedelta(days=k) for k in range(days_n - 1, -1, -1)]

    def midnight(d):
        return ms(sitelib.local_midnight(d, tz))

    checked = 0
    for comp in site.components:
        cid = comp["id"]
        path = os.path.join(root, "data", "checks", f"{cid}.csv")
        if not os.path.exists(path):
            if "measured" in by_id[cid]:
                mismatch(f"{cid}: measured figures without a check history")
            continue
        got = by_id[cid].get("measured")
        if got is None:
            mismatch(f"{cid}: no measured figures in uptime.json")
            continue
        checked += 1
        rows = [r for r in read_checks(path) if r[0] < now]
        since = comp.get("since")
        from_ms = midnight(since) if since is not None else -(2**62)
        gaps = sorted(rows[i + 1][0] - rows[i][0] for i in range(len(rows) - 1))
        interval = gaps[(len(gaps) - 1) // 2]
        gap = math.floor(interval * gap_factor)
        maint = []
        for m in site.maintenance:
            if cid in m.components and m.status != "cancelled":
                maint.append((ms(m.starts), min(ms(m.ends), now)))

        def forgiven(a, b):
            # Failed time in a..b inside maintenance; windows may overlap each other, so
            # walk the union.
            if count_maintenance:
                return 0
            pts = sorted((max(s, a), min(e, b)) for s, e in maint if s < b and a < e)
            total, cur_s, cur_e = 0, None, None
            for s, e in pts:
                if cur_e is None or s > cur_e:
                    if cur_e is not None:
                        total += cur_e - cur_s
                    cur_s, cur_e = s, e
                else:
                    cur_e = max(cur_e, e)
            if cur_e is not None:
                total += cur_e - cur_s
            return total

        # Check spans, clipped to [from_ms, now).
        spans = []
        for i, (t, ok, _) in enumerate(rows):
            end = rows[i + 1][0] if i + 1 < len(rows) and rows[i + 1][0] - t <= gap else t + interval
            a, b = max(t, from_ms), min(end, now)
            if a < b:
                spans.append((a, b, ok))

        def window(a, b):
            data = down = 0
            for s, e, ok in spans:
                o = overlap(s, e, a, b)
                if o:
                    data += o
                    if not ok:
                        lo, hi = max(s, a), min(e, b)
                        down += (hi - lo) - forgiven(lo, hi)
            a2, b2 = max(a, from_ms), min(b, now)
            inside = [r for r in rows if a2 <= r[0] < b2]
            resp = [r[2] for r in inside if r[2] is not None]
            return {
                "uptime": None if data == 0 else 100.0 * (1 - down / data),
                "downtime_minutes": down / 60000,
                "data_minutes": data / 60000,
                "checks": len(inside),
                "p50_ms": nearest_rank(resp, 50),
                "p95_ms": nearest_rank(resp, 95),
            }

        # Days: each span split over the days it touches (bisect on the day bounds).
        bounds = [midnight(d) for d in bar] + [midnight(bar[-1] + timedelta(days=1))]
        day_data = [0] * len(bar)
        day_down = [0] * len(bar)
        for s, e, ok in spans:
            k = max(0, bisect.bisect_right(bounds, s) - 1)
            while k < len(bar) and bounds[k] < e:
                o = overlap(s, e, bounds[k], min(bounds[k + 1], now))
                if o:
                    day_data[k] += o
                    if not ok:
                        lo, hi = max(s, bounds[k]), min(e, bounds[k + 1], now)
                        day_down[k] += (hi - lo) - forgiven(lo, hi)
                k += 1
        day_rows = [[] for _ in bar]
        day_count = [0] * len(bar)
        for t, _, r in rows:
            if t < from_ms:
                continue
            k = bisect.bisect_right(bounds, t) - 1
            if 0 <= k < len(bar):
                day_count[k] += 1
                if r is not None:
                    day_rows[k].append(r)

        def close(what, a, b):
            if a is None or b is None:
                if a is not b:
                    mismatch(f"{cid} {what}: uptime.json {a!r}, reference {b!r}")
            elif abs(a - b) > TOL:
                mismatch(f"{cid} {what}: uptime.json {a!r}, reference {b!r}")

        close("check_interval_seconds", got["check_interval_seconds"], interval / 1000)
        if len(got["days"]) != len(bar):
            mismatch(f"{cid}: {len(got['days'])} measured days, expected {len(bar)}")
        for k, d in enumerate(bar):
            g = got["days"][k] if k < len(got["days"]) else {}
            if g.get("date") != d.isoformat():
                mismatch(f"{cid} day {k}: date {g.get('date')} != {d}")
                continue
            data, down = day_data[k], day_down[k]
            close(f"{d} uptime", g["uptime"], None if data == 0 else 100.0 * (1 - down / data))
            close(f"{d} downtime_minutes", g["downtime_minutes"], down / 60000)
            close(f"{d} data_minutes", g["data_minutes"], data / 60000)
            close(f"{d} checks", g["checks"], day_count[k])
            close(f"{d} p50_ms", g["p50_ms"], nearest_rank(day_rows[k], 50))
            close(f"{d} p95_ms", g["p95_ms"], nearest_rank(day_rows[k], 95))
        for key, start in [
            ("uptime_30d", midnight(today - timedelta(days=29))),
            ("uptime_90d", midnight(today - timedelta(days=89))),
            ("uptime_all", -(2**62)),
        ]:
            close(key, got[key], window(start, now)["uptime"])
        close("checks", got["checks"], window(-(2**62), now)["checks"])
        # Any day computed window-wise agrees with the split-wise figure (two methods).
        probe = window(bounds[-2], now)
        close("today via window", got["days"][-1]["uptime"], probe["uptime"])

    if checked == 0:
        mismatch("no component with a check history was compared")
    print(f"measured_reference: {checked} component(s) compared, {len(MISMATCHES)} mismatch(es)")
    sys.exit(1 if MISMATCHES else 0)


if __name__ == "__main__":
    main()
