#!/usr/bin/env python3
"""No date from the future in the feeds or the calendar (issue 12).

Usage: check_dates.py OUT_DIR NOW

Reads every feed.xml / atom.xml under OUT_DIR with feedparser and maintenance.ics with
icalendar, and checks: every entry's published / updated and every channel's
lastBuildDate / updated is at or before NOW; every VEVENT's DTSTAMP is NOW (the build's
"now", RFC 5545 3.8.7.2). Prints each failure; exits 1 on any.
"""

import calendar
import os
import sys
from datetime import datetime, timezone

import feedparser
import icalendar

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print(f"FAIL {msg}")


def instant(struct_time):
    return datetime.fromtimestamp(calendar.timegm(struct_time), tz=timezone.utc)


def main(out, now_text):
    now = datetime.fromisoformat(now_text.replace("Z", "+00:00")).astimezone(timezone.utc)
    feeds = []
    for dirpath, _dirs, files in os.walk(out):
        for f in files:
            if f in ("feed.xml", "atom.xml"):
                feeds.append(os.path.join(dirpath, f))
    if not feeds:
        fail("no feeds found")
    for path in sorted(feeds):
        rel = os.path.relpath(path, out)
        with open(path, "rb") as fh:
            parsed = feedparser.parse(fh.read())
        if parsed.bozo:
            fail(f"{rel}: not a valid feed: {parsed.get('bozo_exception')}")
            continue
        channel = parsed.feed.get("updated_parsed")
        if channel is None:
            fail(f"{rel}: the feed has no lastBuildDate / updated")
        elif instant(channel) > now:
            fail(f"{rel}: the feed's date {instant(channel).isoformat()} is after now")
        for e in parsed.entries:
            for key in ("published_parsed", "updated_parsed"):
                t = e.get(key)
                if t is not None and instant(t) > now:
                    fail(f"{rel}: {e.get('title')!r} {key[:-7]} {instant(t).isoformat()} is after now")
    with open(os.path.join(out, "maintenance.ics"), "rb") as fh:
        cal = icalendar.Calendar.from_ical(fh.read())
    for ev in cal.walk("VEVENT"):
        stamp = ev.decoded("DTSTAMP")
        if stamp != now:
            fail(f"maintenance.ics: {ev.get('UID')}: DTSTAMP {stamp.isoformat()} is not now")
    print(f"{len(feeds)} feeds, {len(cal.walk('VEVENT'))} events checked")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
