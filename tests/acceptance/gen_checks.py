#!/usr/bin/env python3
"""Writes a synthetic check history (docs/checks.md CSV) from a seeded generator, so
tests and benchmarks get a year of checks without committing millions of rows.

Usage: gen_checks.py OUT.csv --start RFC3339 --end RFC3339 [--interval SECONDS]
         [--seed N] [--fail-rate P] [--fail START/END]... [--gap START/END]...
         [--local-tz ZONE] [--notes]

Checks run every --interval seconds from --start (inclusive) to --end (exclusive); every
7th check is 250 ms late (fractional seconds); every 50th row has no response time, and
every 9th one a response with a half millisecond. A check fails at random with
probability --fail-rate (never twice in a row), and always inside a --fail window; no
check is written inside a --gap window. Every 500th check is skipped (a gap of two
intervals) and every 997th the two after it too (three intervals). With --local-tz the
times are written with that zone's offset instead of Z; with --notes some rows carry a
quoted note.
"""

import argparse
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def window(s):
    a, b = s.split("/")
    return datetime.fromisoformat(a), datetime.fromisoformat(b)


def fmt(t, tz):
    if tz is not None:
        t = t.astimezone(tz)
        base = t.strftime("%Y-%m-%dT%H:%M:%S")
        off = t.strftime("%z")
        zone = off[:3] + ":" + off[3:]
    else:
        t = t.astimezone(timezone.utc)
        base = t.strftime("%Y-%m-%dT%H:%M:%S")
        zone = "Z"
    if t.microsecond:
        base += f".{t.microsecond // 1000:03d}"
    return base + zone


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--start", required=True, type=datetime.fromisoformat)
    p.add_argument("--end", required=True, type=datetime.fromisoformat)
    p.add_argument("--interval", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fail-rate", type=float, default=0.001)
    p.add_argument("--fail", type=window, action="append", default=[])
    p.add_argument("--gap", type=window, action="append", default=[])
    p.add_argument("--local-tz", type=ZoneInfo, default=None)
    p.add_argument("--notes", action="store_true")
    a = p.parse_args()
    rng = random.Random(a.seed)
    step = timedelta(seconds=a.interval)
    late = timedelta(milliseconds=250)
    rows = ["time,ok,response_ms,status_code,note"]
    t = a.start
    k = 0
    failed_last = False
    skip = 0
    while t < a.end:
        k += 1
        slot = t
        t += step
        if skip:
            skip -= 1
            continue
        if k % 997 == 0:
            skip = 2
            continue
        if k % 500 == 0:
            continue
        if any(s <= slot < e for s, e in a.gap):
            continue
        at = slot + late if k % 7 == 0 else slot
        forced = any(s <= at < e for s, e in a.fail)
        ok = not forced and (failed_last or rng.random() >= a.fail_rate)
        failed_last = not ok and not forced
        if k % 50 == 0:
            resp = ""
        elif k % 9 == 0:
            resp = f"{rng.randint(20, 900)}.5"
        else:
            resp = str(rng.randint(20, 900) if ok else rng.randint(1000, 10000))
        code = "200" if ok else ("" if k % 3 == 0 else "503")
        note = ""
        if a.notes and not ok:
            note = '"timeout, then ""reset"""'
        rows.append(f"{fmt(at, a.local_tz)},{'true' if ok else 'false'},{resp},{code},{note}")
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
