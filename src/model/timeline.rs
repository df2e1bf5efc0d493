//! The timeline of a post-mortem, read from its Markdown: the first section whose heading
//! names a timeline ([`crate::sections::is_timeline_heading`]) becomes structured entries
//! when its events are written in one of the three ways teams write them:
//!
//! - a table whose time column (headed "Time", "Date", "When", else the first) holds a
//!   time; a separate "Date" column is combined with it; the other cells are the event;
//! - a list whose items start with a time: `- 10:36 — Alert fired`,
//!   `- **2026-03-14 10:36 UTC**: Alert fired`, `1. 10:36: ...`;
//! - sub-headings that start with a time (`### 10:36`, `### 10:36 UTC – Rollback`), each
//!   followed by its text.
//!
//! Times are read in the site timezone unless the entry names one (`UTC`, `Z`, `GMT`,
//! `+01:00`, `UTC+1`, `CET`, `PST`, ...) or the section states one for all ("All times
//! UTC", "(All times US/Pacific, 24-hour clock.)" in its heading or before its entries).
//! An approximate time (`~18:10`) is read as that time; an entry headed by a date alone
//! (`### 2019-02-13`) is kept with its date and carries it on. An entry without a date takes the date of the
//! entry before it; the first takes the date of `started` (the day before when that would
//! put it more than 12 hours after `started`: a lead-up before midnight). A time more than
//! 12 hours earlier than the entry before it is read as the next day (the timeline passed
//! midnight). An entry whose time cannot be read keeps its text as written and has no
//! instant; `check` names its line.

use std::ops::Range;

use chrono::{
    DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::sections;

/// How the timeline's events were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Table,
    List,
    Headings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line in the file.
    pub line: usize,
    /// The time as written ("10:36", "2026-03-14 10:36 UTC"); for an unreadable entry,
    /// the start of its text.
    pub when: String,
    /// When it happened; `None` when no time could be read.
    pub at: Option<DateTime<Utc>>,
    /// For an entry headed by a date alone (`### 2019-02-13`): that date, as written
    /// (`at` is `None`, and the entry is not unreadable).
    pub day: Option<NaiveDate>,
    /// The event, as Markdown (block content for the headings style).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub style: Style,
    /// Byte range of the body that the entries were read from (the table, the list, or
    /// the run of time sub-headings up to the end of the section).
    pub range: Range<usize>,
    pub entries: Vec<Entry>,
}

/// The Markdown options of the page renderer: the timeline is read from the same events.
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// A cheap test that skips bodies which cannot hold a timeline section.
fn may_have_timeline(body: &str) -> bool {
    let b = body.as_bytes();
    ["imeline", "hronology", "equence of events"]
        .iter()
        .any(|w| {
            b.windows(w.len())
                .any(|win| win.eq_ignore_ascii_case(w.as_bytes()))
        })
}

/// Reads the timeline of a body whose first line is line `body_line` of its file.
/// `None` when there is no timeline section or none of its events starts with a time.
pub fn read(body: &str, body_line: usize, started: DateTime<Utc>, tz: Tz) -> Option<Timeline> {
    if !may_have_timeline(body) {
        return None;
    }
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_ext(body, OPTIONS).into_offset_iter().collect();
    read_parsed(body, &events, body_line, started, tz)
}

/// [`read`] for a body already parsed (with the same options as the page renderer), so
/// the page parses each post-mortem once.
pub fn read_parsed(
    body: &str,
    events: &[(Event, Range<usize>)],
    body_line: usize,
    started: DateTime<Utc>,
    tz: Tz,
) -> Option<Timeline> {
    let (level, start) = timeline_heading(events)?;
    // The section: up to the next heading of the same or a higher level.
    let end = events[start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::Start(Tag::Heading { level: l, .. }) if *l <= level))
        .map_or(events.len(), |p| start + p);
    let section = &events[start..end];
    let section_end = section.last().map_or(body.len(), |(_, r)| r.end);
    let mut lines = Lines::new(body, body_line);
    let raw = from_headings(body, section, section_end)
        .or_else(|| from_table(body, section))
        .or_else(|| from_list(body, section))?;
    let (style, range, raw) = raw;
    // "All times UTC" in the heading or the text before the entries.
    let heading_start = events[start - 1].1.start;
    let default_zone = body
        .get(heading_start..range.start)
        .and_then(stated_zone)
        .unwrap_or(FixedOrTz::Tz(tz));
    let entries = resolve(raw, started, default_zone, &mut lines);
    Some(Timeline {
        style,
        range,
        entries,
    })
}

/// The file line of a byte offset of a body whose first line is line `body_line`.
pub fn line_at(body: &str, body_line: usize, offset: usize) -> usize {
    body_line
        + body.as_bytes()[..offset.min(body.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
}

/// File lines of body offsets, counted on from the last one asked (entries come in order).
struct Lines<'a> {
    body: &'a str,
    body_line: usize,
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(body: &'a str, body_line: usize) -> Self {
        Lines {
            body,
            body_line,
            offset: 0,
            line: body_line,
        }
    }

    fn at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.body.len());
        if offset < self.offset {
            (self.offset, self.line) = (0, self.body_line);
        }
        let passed = &self.body.as_bytes()[self.offset..offset];
        self.line += passed.iter().filter(|b| **b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// The level of the first timeline heading and the index of the event after it ends.
fn timeline_heading(events: &[(Event, Range<usize>)]) -> Option<(HeadingLevel, usize)> {
    let mut k = 0;
    while k < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[k].0 {
            let mut text = String::new();
            let mut j = k + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            if sections::is_timeline_heading(&text) {
                return Some((*level, j + 1));
            }
            k = j;
        }
        k += 1;
    }
    None
}

/// An entry before its date is settled: offset in the body, its time, its text.
struct Raw {
    offset: usize,
    lead: Option<Lead>,
    when: String,
    text: String,
}

type Found = (Style, Range<usize>, Vec<Raw>);

fn from_headings(
    body: &str,
    section: &[(Event, Range<usize>)],
    section_end: usize,
) -> Option<Found> {
    // Sub-headings of the section, at the shallowest level used for times.
    let mut subs: Vec<(HeadingLevel, Range<usize>, String)> = Vec::new();
    let mut k = 0;
    while k < section.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &section[k].0 {
            let range = section[k].1.clone();
            let inner_start = section.get(k + 1).map_or(range.end, |(_, r)| r.start);
            let mut j = k + 1;
            let mut inner_end = inner_start;
            while j < section.len() && !matches!(section[j].0, Event::End(TagEnd::Heading(_))) {
                inner_end = section[j].1.end;
                j += 1;
            }
            let text = body
                .get(inner_start..inner_end.max(inner_start))
                .unwrap_or("")
                .to_string();
            subs.push((*level, range, text));
            k = j;
        }
        k += 1;
    }
    let level = subs
        .iter()
        .filter(|(_, _, t)| lead(t).is_some())
        .map(|(l, _, _)| *l)
        .min()?;
    let subs: Vec<_> = subs.into_iter().filter(|(l, _, _)| *l <= level).collect();
    let first = subs.iter().position(|(_, _, t)| lead(t).is_some())?;
    let subs = &subs[first..];
    let mut raws = Vec::new();
    for (n, (_, range, text)) in subs.iter().enumerate() {
        let content_end = subs.get(n + 1).map_or(section_end, |(_, r, _)| r.start);
        let content = body.get(range.end..content_end).unwrap_or("").trim();
        let (lead, when, title) = match lead(text) {
            Some(l) => {
                let title = l.rest.clone();
                let when = l.written.clone();
                (Some(l), when, title)
            }
            // Unreadable: the heading stays, as the entry's title.
            None => (None, text.trim().to_string(), text.trim().to_string()),
        };
        let text = match (title.is_empty(), content.is_empty()) {
            (true, _) => content.to_string(),
            (false, true) => title,
            (false, false) => format!("**{title}**\n\n{content}"),
        };
        raws.push(Raw {
            offset: range.start,
            lead,
            when,
            text,
        });
    }
    Some((Style::Headings, subs[0].1.start..section_end, raws))
}

fn from_table(body: &str, section: &[(Event, Range<usize>)]) -> Option<Found> {
    let mut k = 0;
    while k < section.len() {
        if let Event::Start(Tag::Table(_)) = section[k].0 {
            let range = section[k].1.clone();
            // Rows as cell source texts, head first.
            let mut rows: Vec<(usize, bool, Vec<String>)> = Vec::new();
            let mut in_head = false;
            let mut j = k + 1;
            while j < section.len() && !matches!(section[j].0, Event::End(TagEnd::Table)) {
                match &section[j].0 {
                    Event::Start(Tag::TableHead) => {
                        in_head = true;
                        rows.push((section[j].1.start, true, Vec::new()));
                    }
                    Event::End(TagEnd::TableHead) => in_head = false,
                    Event::Start(Tag::TableRow) if !in_head => {
                        rows.push((section[j].1.start, false, Vec::new()));
                    }
                    Event::Start(Tag::TableCell) => {
                        if let Some(row) = rows.last_mut() {
                            let r = &section[j].1;
                            let cell = body.get(r.clone()).unwrap_or("");
                            row.2.push(cell.trim().trim_matches('|').trim().to_string());
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if let Some(found) = table_entries(&rows, range) {
                return Some(found);
            }
            k = j;
        }
        k += 1;
    }
    None
}

fn table_entries(rows: &[(usize, bool, Vec<String>)], range: Range<usize>) -> Option<Found> {
    let head: Vec<Vec<String>> = rows
        .iter()
        .find(|r| r.1)
        .map(|r| r.2.iter().map(|c| sections::words(c)).collect())
        .unwrap_or_default();
    let has = |c: &Vec<String>, w: &str| c.iter().any(|x| x == w);
    let time_col = head
        .iter()
        .position(|c| has(c, "time") || has(c, "when"))
        .or_else(|| head.iter().position(|c| has(c, "date")))
        .unwrap_or(0);
    let date_col = head
        .iter()
        .position(|c| has(c, "date") && !has(c, "time"))
        .filter(|d| *d != time_col);
    let body_rows: Vec<_> = rows.iter().filter(|r| !r.1).collect();
    let cell_time = |cells: &Vec<String>| {
        let t = cells.get(time_col).map(String::as_str).unwrap_or("");
        match date_col.and_then(|d| cells.get(d)) {
            Some(d) => format!("{d} {t}"),
            None => t.to_string(),
        }
    };
    if !body_rows.iter().any(|r| lead(&cell_time(&r.2)).is_some()) {
        return None;
    }
    let raws = body_rows
        .iter()
        .map(|(offset, _, cells)| {
            let written = cell_time(cells);
            let text = cells
                .iter()
                .enumerate()
                .filter(|(n, c)| *n != time_col && Some(*n) != date_col && !c.is_empty())
                .map(|(_, c)| c.as_str())
                .collect::<Vec<_>>()
                .join(" — ");
            let lead = lead(&written);
            // Whatever the time cell holds besides the time is part of the event.
            let (when, extra) = match &lead {
                Some(l) => (l.written.clone(), l.rest.clone()),
                None => (written.trim().to_string(), written.trim().to_string()),
            };
            let text = match (extra.is_empty(), text.is_empty()) {
                (true, _) => text,
                (false, true) => extra,
                (false, false) => format!("{extra} — {text}"),
            };
            Raw {
                offset: *offset,
                lead,
                when,
                text,
            }
        })
        .collect();
    Some((Style::Table, range, raws))
}

fn from_list(body: &str, section: &[(Event, Range<usize>)]) -> Option<Found> {
    let mut depth = 0usize;
    let mut list: Option<(Range<usize>, Vec<Range<usize>>)> = None;
    for (e, r) in section {
        match e {
            Event::Start(Tag::List(_)) => {
                if depth == 0 {
                    list = Some((r.clone(), Vec::new()));
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((range, items)) = list.take()
                {
                    let texts: Vec<(usize, String)> = items
                        .iter()
                        .map(|ir| (ir.start, item_text(body.get(ir.clone()).unwrap_or(""))))
                        .collect();
                    if texts.iter().any(|(_, t)| lead(t).is_some()) {
                        let raws = texts
                            .into_iter()
                            .map(|(offset, t)| match lead(&t) {
                                Some(l) => Raw {
                                    offset,
                                    when: l.written.clone(),
                                    text: l.rest.clone(),
                                    lead: Some(l),
                                },
                                None => Raw {
                                    offset,
                                    when: first_words(&t),
                                    text: t,
                                    lead: None,
                                },
                            })
                            .collect();
                        return Some((Style::List, range, raws));
                    }
                }
            }
            Event::Start(Tag::Item) if depth == 1 => {
                if let Some((_, items)) = &mut list {
                    items.push(r.clone());
                }
            }
            _ => {}
        }
    }
    None
}

/// A list item's Markdown without its marker, continuation lines dedented.
fn item_text(src: &str) -> String {
    let trimmed = src.trim_start();
    let marker = trimmed
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '*' | '+' | '.' | ')')))
        .unwrap_or(trimmed.len());
    let first_len = src.len() - trimmed.len() + marker;
    let rest = &src[first_len..];
    let indent = first_len + rest.len() - rest.trim_start_matches(' ').len();
    let mut out = String::new();
    for (n, line) in rest.trim_start_matches(' ').lines().enumerate() {
        if n > 0 {
            out.push('\n');
            let strip = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[strip.min(indent)..]);
        } else {
            out.push_str(line);
        }
    }
    out.trim_end().to_string()
}

fn first_words(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// The time an entry starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub date: Option<NaiveDate>,
    /// `None` for an entry headed by a date alone (`### 2019-02-13`).
    pub time: Option<NaiveTime>,
    pub zone: Option<FixedOrTz>,
    /// The date, time and zone as written, without markup.
    pub written: String,
    /// What follows the time and its separator.
    pub rest: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedOrTz {
    Fixed(FixedOffset),
    Tz(Tz),
}

/// Zone abbreviations read with a fixed offset. Ambiguous ones (IST, CST in Asia) are
/// read as listed here; writers who need another should write the offset.
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 1),
    ("BST", 1),
    ("CET", 1),
    ("CEST", 2),
    ("EET", 2),
    ("EEST", 3),
    ("MSK", 3),
    ("IST", 5 * 60 + 30),
    ("SGT", 8),
    ("JST", 9),
    ("KST", 9),
    ("AEST", 10),
    ("AEDT", 11),
    ("NZST", 12),
    ("NZDT", 13),
    ("HST", -10),
    ("AKST", -9),
    ("AKDT", -8),
    ("PST", -8),
    ("PDT", -7),
    ("MST", -7),
    ("MDT", -6),
    ("CST", -6),
    ("CDT", -5),
    ("EST", -5),
    ("EDT", -4),
];

/// Reads a leading time: optional markup (`**`, `__`, `*`, `` ` ``), an optional ISO date,
/// a time (`10:36`, `10:36:05`, `9:05 am`), an optional zone, closing markup, then a
/// separator (`—`, `–`, `-`, `:`, `|`, `,`). `None` when the text does not start so.
pub fn lead(text: &str) -> Option<Lead> {
    let s = text.trim_start();
    let open: &str = ["**", "__", "*", "_", "`"]
        .into_iter()
        .find(|m| s.starts_with(m))
        .unwrap_or("");
    let mut s = &s[open.len()..];
    let start_len = s.len();
    s = approx(s);
    let date = s.get(..10).and_then(iso_date);
    if date.is_some() {
        s = approx(s[10..].trim_start_matches(['T', ' ', ',']));
    }
    let digits = s
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(s.len());
    // A colon right after the time is the separator: `**10:36:** Alert`.
    let t = s[..digits].trim_end_matches(':');
    let parsed = t.contains(':').then(|| clock_time(t)).flatten();
    let Some(mut time) = parsed else {
        // A date alone, ending where a word would.
        let date = date?;
        let rest = s.trim_start();
        let rest = rest.strip_prefix(open).unwrap_or(rest).trim_start();
        if !(rest.is_empty() || rest.starts_with(['—', '–', '-', ':', '|', ',', '.'])) {
            return None;
        }
        let rest = rest
            .strip_prefix(['—', '–', '-', ':', '|', ',', '.'])
            .unwrap_or(rest);
        let consumed = start_len - s.len();
        let written = text.trim_start()[open.len()..open.len() + consumed]
            .trim()
            .to_string();
        return Some(Lead {
            date: Some(date),
            time: None,
            zone: None,
            written,
            rest: rest.trim().to_string(),
        });
    };
    s = &s[t.len()..];
    let spaced = s.trim_start();
    for (word, add) in [("am", 0), ("pm", 12), ("a.m.", 0), ("p.m.", 12)] {
        let Some(after) = spaced
            .get(..word.len())
            .filter(|w| w.eq_ignore_ascii_case(word))
            .map(|_| &spaced[word.len()..])
        else {
            continue;
        };
        if after.starts_with(|c: char| c.is_alphanumeric()) || !(1..=12).contains(&time.hour()) {
            continue;
        }
        time = NaiveTime::from_hms_opt(time.hour() % 12 + add, time.minute(), time.second())?;
        s = after;
        break;
    }
    let (zone, after_zone) = zone(s);
    // A time ends where a word would: "10:36x" is no time.
    if zone.is_none() && s.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    s = after_zone;
    let consumed = start_len - s.len();
    let written = text.trim_start()[open.len()..open.len() + consumed]
        .trim()
        .to_string();
    let mut rest = s.trim_start();
    if !open.is_empty() {
        rest = rest.strip_prefix(open).unwrap_or(rest).trim_start();
    }
    rest = rest
        .strip_prefix(['—', '–', '-', ':', '|', ',', '.'])
        .unwrap_or(rest)
        .trim_start();
    // Markup may close after the separator: `**10:36:**`.
    if !open.is_empty() {
        rest = rest.strip_prefix(open).unwrap_or(rest);
    }
    Some(Lead {
        date,
        time: Some(time),
        zone,
        written,
        rest: rest.trim().to_string(),
    })
}

/// `YYYY-MM-DD`.
fn iso_date(d: &str) -> Option<NaiveDate> {
    let b = d.as_bytes();
    let digits = |r: Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// `H:MM` or `HH:MM:SS`, one or two digits each (as `%H:%M:%S` reads them).
fn clock_time(t: &str) -> Option<NaiveTime> {
    let mut parts = t.split(':').map(|p| {
        (1..=2)
            .contains(&p.len())
            .then(|| p.parse::<u32>().ok())
            .flatten()
    });
    let (h, m) = (parts.next()??, parts.next()??);
    let s = parts.next().map_or(Some(0), |s| s)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(h, m, s)
}

/// Past an "about" marker: `~18:10`, `~ 22:00`, `≈ 10:36`, `ca. 10:36`, `approx. 10:36`.
fn approx(s: &str) -> &str {
    let t = s.trim_start();
    for m in ["~", "≈", "ca.", "approx.", "about "] {
        if let Some(rest) = t.strip_prefix(m) {
            return rest.trim_start();
        }
    }
    s
}

/// The zone a timeline states for all its times: "(All times UTC)", "All times are in
/// US/Pacific", "all times CET". Read from the section heading and the text before its
/// entries.
fn stated_zone(text: &str) -> Option<FixedOrTz> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("all times")? + "all times".len();
    text[at..]
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ',' | '*' | '_' | ':' | ';'))
        })
        .filter(|w| {
            !["are", "in", "is", "shown", "given", "listed", "the"]
                .contains(&w.to_ascii_lowercase().as_str())
        })
        .take(2)
        .find_map(|w| {
            // Abbreviations as in entries ("CET" is +01:00), then IANA names.
            zone(w)
                .0
                .filter(|_| !w.is_empty())
                .or_else(|| w.parse::<Tz>().ok().map(FixedOrTz::Tz))
        })
}

/// An optional zone after a time: `UTC`, `(UTC)`, `Z`, `+01:00`, `+0100`, `UTC+1`,
/// `UTC-05:30`, an abbreviation of [`ABBREVIATIONS`], or an IANA name in parentheses.
fn zone(s: &str) -> (Option<FixedOrTz>, &str) {
    let t = s.trim_start();
    let (inner, paren) = match t.strip_prefix('(') {
        Some(x) => (x, true),
        None => (t, false),
    };
    let word_len = inner
        .find(|c: char| {
            !(c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '-' | ':' | '.'))
        })
        .unwrap_or(inner.len());
    let word = inner[..word_len].trim_end_matches(['.', ':', '-']);
    let rest_after = |len: usize| {
        let r = &inner[len..];
        if paren { r.strip_prefix(')') } else { Some(r) }
    };
    if word.is_empty() {
        return (None, s);
    }
    // Offsets, alone or after UTC/GMT.
    let (base, offset) = match word.find(['+', '-']) {
        Some(p) => (&word[..p], Some(&word[p..])),
        None => (word, None),
    };
    let parsed = if base.is_empty() || base == "UTC" || base == "GMT" {
        match offset {
            Some(o) => parse_offset(o).map(FixedOrTz::Fixed),
            None if !base.is_empty() => Some(FixedOrTz::Fixed(Utc.fix())),
            None => None,
        }
    } else if offset.is_none() {
        ABBREVIATIONS
            .iter()
            .find(|(a, _)| *a == base)
            .and_then(|(_, h)| {
                let secs = if h.abs() > 24 { h * 60 } else { h * 3600 };
                FixedOffset::east_opt(secs).map(FixedOrTz::Fixed)
            })
            .or_else(|| {
                paren
                    .then(|| base.parse::<Tz>().ok().map(FixedOrTz::Tz))
                    .flatten()
            })
    } else {
        None
    };
    match parsed {
        Some(z) => match rest_after(word.len()) {
            Some(r) => (Some(z), r),
            None => (None, s),
        },
        None => (None, s),
    }
}

fn parse_offset(o: &str) -> Option<FixedOffset> {
    let sign = if o.starts_with('-') { -1 } else { 1 };
    let digits: String = o[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    let (h, m) = match (digits.len(), o[1..].contains(':')) {
        (1 | 2, false) => (digits.parse::<i32>().ok()?, 0),
        (3, true) | (4, _) => {
            let split = digits.len() - 2;
            (
                digits[..split].parse().ok()?,
                digits[split..].parse::<i32>().ok()?,
            )
        }
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// A local date and time in a zone, as an instant (the earlier one when clocks go back,
/// the instant after the gap when they jump forward).
fn instant(at: NaiveDateTime, zone: FixedOrTz) -> Option<DateTime<Utc>> {
    match zone {
        FixedOrTz::Fixed(f) => f
            .from_local_datetime(&at)
            .single()
            .map(|t| t.with_timezone(&Utc)),
        FixedOrTz::Tz(tz) => tz
            .from_local_datetime(&at)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(at + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc)),
    }
}

fn local_date(t: DateTime<Utc>, zone: FixedOrTz) -> NaiveDate {
    match zone {
        FixedOrTz::Fixed(f) => t.with_timezone(&f).date_naive(),
        FixedOrTz::Tz(tz) => t.with_timezone(&tz).date_naive(),
    }
}

/// What the next undated entry takes its date from.
#[derive(Clone, Copy)]
enum Last {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

fn resolve(
    raws: Vec<Raw>,
    started: DateTime<Utc>,
    default_zone: FixedOrTz,
    lines: &mut Lines,
) -> Vec<Entry> {
    let mut last: Option<Last> = None;
    raws.into_iter()
        .map(|raw| {
            let mut day = None;
            let at = raw.lead.as_ref().and_then(|l| {
                let zone = l.zone.unwrap_or(default_zone);
                let Some(time) = l.time else {
                    day = l.date;
                    last = l.date.map(Last::Day).or(last);
                    return None;
                };
                let at = match (l.date, last) {
                    (Some(d), _) => instant(d.and_time(time), zone)?,
                    (None, Some(Last::Day(d))) => instant(d.and_time(time), zone)?,
                    (None, None) => {
                        let day = local_date(started, zone);
                        let at = instant(day.and_time(time), zone)?;
                        if at - started > Duration::hours(12) {
                            instant(day.pred_opt()?.and_time(time), zone)?
                        } else {
                            at
                        }
                    }
                    (None, Some(Last::At(p))) => {
                        let day = local_date(p, zone);
                        let at = instant(day.and_time(time), zone)?;
                        if p - at > Duration::hours(12) {
                            instant(day.succ_opt()?.and_time(time), zone)?
                        } else {
                            at
                        }
                    }
                };
                last = Some(Last::At(at));
                Some(at)
            });
            Entry {
                line: lines.at(raw.offset),
                when: raw.when,
                at,
                day,
                text: raw.text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn berlin(body: &str) -> Timeline {
        read(
            body,
            10,
            t("2026-03-14T09:36:00Z"),
            chrono_tz::Europe::Berlin,
        )
        .expect("a timeline")
    }

    fn times(tl: &Timeline) -> Vec<Option<String>> {
        tl.entries
            .iter()
            .map(|e| {
                e.at.map(|a| a.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            })
            .collect()
    }

    #[test]
    fn clock_times_and_dates_as_written() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s);
        assert_eq!(clock_time("9:05"), t(9, 5, 0));
        assert_eq!(clock_time("10:36:05"), t(10, 36, 5));
        for bad in [
            "",
            ":",
            "10:",
            "24:00",
            "10:60",
            "123:00",
            "10:36:05:01",
            "1:2:3:",
        ] {
            assert_eq!(clock_time(bad), None, "{bad}");
        }
        assert_eq!(iso_date("2026-03-14"), NaiveDate::from_ymd_opt(2026, 3, 14));
        for bad in [
            "2026-02-30",
            "2026-3-14x",
            "2026/03/14",
            "2026-03-1",
            "20260314xx",
        ] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn leads() {
        let l = lead("10:36 — Alert fired").unwrap();
        assert_eq!(
            (l.time, l.rest.as_str(), l.written.as_str()),
            (NaiveTime::from_hms_opt(10, 36, 0), "Alert fired", "10:36")
        );
        let l = lead("**2026-03-14 10:36 UTC**: Alert").unwrap();
        assert_eq!(l.date, NaiveDate::from_ymd_opt(2026, 3, 14));
        assert_eq!(
            l.zone,
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(0).unwrap()))
        );
        assert_eq!(
            (l.written.as_str(), l.rest.as_str()),
            ("2026-03-14 10:36 UTC", "Alert")
        );
        let l = lead("`09:05:30` - deploy").unwrap();
        assert_eq!(
            (l.time.unwrap().to_string().as_str(), l.rest.as_str()),
            ("09:05:30", "deploy")
        );
        let l = lead("2:05 pm PST - page").unwrap();
        assert_eq!(l.time, NaiveTime::from_hms_opt(14, 5, 0));
        assert_eq!(
            l.zone,
            Some(FixedOrTz::Fixed(FixedOffset::west_opt(8 * 3600).unwrap()))
        );
        let l = lead("10:36 UTC+1 x").unwrap();
        assert_eq!(
            l.zone,
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(3600).unwrap()))
        );
        let l = lead("10:36 +05:30").unwrap();
        assert_eq!(
            l.zone,
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(19800).unwrap()))
        );
        let l = lead("10:36 (Europe/Paris) x").unwrap();
        assert_eq!(l.zone, Some(FixedOrTz::Tz(chrono_tz::Europe::Paris)));
        assert_eq!(
            lead("10:36 CET").unwrap().zone,
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(3600).unwrap()))
        );
        assert_eq!(
            lead("2026-03-14T10:36Z").unwrap().zone,
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(0).unwrap()))
        );
        // Words after the time that are no zone are the event.
        assert_eq!(lead("10:36 Alert fired").unwrap().rest, "Alert fired");
        assert_eq!(lead("10:36 Alert fired").unwrap().zone, None);
        for no in [
            "Alert at 10:36",
            "25:00 x",
            "1036 x",
            "Time",
            "",
            "10:36x",
            "2026-03-14x",
        ] {
            assert!(lead(no).is_none(), "{no}");
        }
        // About a time; a date alone; a single-digit hour.
        assert_eq!(
            lead("~18:10").unwrap().time,
            NaiveTime::from_hms_opt(18, 10, 0)
        );
        let l = lead("2019-01-18 ~ 22:00").unwrap();
        assert_eq!(
            (l.time, l.written.as_str()),
            (NaiveTime::from_hms_opt(22, 0, 0), "2019-01-18 ~ 22:00")
        );
        let l = lead("2019-02-13").unwrap();
        assert_eq!(
            (l.date, l.time),
            (NaiveDate::from_ymd_opt(2019, 2, 13), None)
        );
        assert_eq!(lead("2026-03-14: deploy").unwrap().rest, "deploy");
        assert_eq!(
            lead("2021-06-03 9:14").unwrap().time,
            NaiveTime::from_hms_opt(9, 14, 0)
        );
    }

    #[test]
    fn a_table_with_dates_carried_and_midnight_passed() {
        let tl = berlin(
            "## Summary\n\nx\n\n## Timeline\n\nAll times CET.\n\n| Time | Event |\n|---|---|\n| 10:36 | Alert **fired** |\n| 10:38 | Ack |\n| 23:50 | Deploy |\n| 00:10 | Done |\n| soon | later |\n\n## Impact\n",
        );
        assert_eq!(tl.style, Style::Table);
        assert_eq!(
            times(&tl),
            [
                Some("2026-03-14T09:36:00Z".into()),
                Some("2026-03-14T09:38:00Z".into()),
                Some("2026-03-14T22:50:00Z".into()),
                Some("2026-03-14T23:10:00Z".into()),
                None
            ]
        );
        assert_eq!(tl.entries[0].text, "Alert **fired**");
        assert_eq!(tl.entries[0].line, 20);
        assert_eq!(tl.entries[4].when, "soon");
        // Nothing of an unreadable row is lost.
        assert_eq!(tl.entries[4].text, "soon — later");
    }

    #[test]
    fn a_table_with_date_and_time_columns() {
        let tl = berlin(
            "## Timeline\n\n| Date | Time (UTC) | What | Who |\n|---|---|---|---|\n| 2026-03-13 | 22:00 UTC | Deploy | ops |\n| 2026-03-14 | 09:36 UTC | Alert | |\n",
        );
        assert_eq!(
            times(&tl),
            [
                Some("2026-03-13T22:00:00Z".into()),
                Some("2026-03-14T09:36:00Z".into())
            ]
        );
        assert_eq!(tl.entries[0].text, "Deploy — ops");
    }

    #[test]
    fn a_list_with_leading_times() {
        let body = "## Timeline\n\n- 10:36 — Alert fired\n- **2026-03-14 10:50 UTC**: Rollback\n  with detail\n- Somebody noticed\n";
        let tl = berlin(body);
        assert_eq!(tl.style, Style::List);
        assert_eq!(
            times(&tl),
            [
                Some("2026-03-14T09:36:00Z".into()),
                Some("2026-03-14T10:50:00Z".into()),
                None
            ]
        );
        assert_eq!(tl.entries[1].text, "Rollback\nwith detail");
        assert_eq!(tl.entries[2].when, "Somebody noticed");
        assert_eq!(tl.entries[2].line, 15);
        assert_eq!(
            &body[tl.range.clone()],
            "- 10:36 — Alert fired\n- **2026-03-14 10:50 UTC**: Rollback\n  with detail\n- Somebody noticed\n"
        );
    }

    #[test]
    fn time_sub_headings() {
        let body = "## :clock1: Timeline\n\nAll times UTC.\n\n### 09:30 UTC\n\nDeploy started.\n\n### 09:36 UTC – Alert\n\nPager fired.\n\n- a\n- b\n\n### Aftermath\n\nText.\n\n## Root cause\n\nx\n";
        let tl = berlin(body);
        assert_eq!(tl.style, Style::Headings);
        assert_eq!(
            times(&tl),
            [
                Some("2026-03-14T09:30:00Z".into()),
                Some("2026-03-14T09:36:00Z".into()),
                None
            ]
        );
        assert_eq!(tl.entries[0].text, "Deploy started.");
        assert_eq!(tl.entries[1].text, "**Alert**\n\nPager fired.\n\n- a\n- b");
        assert_eq!(tl.entries[2].when, "Aftermath");
        assert_eq!(tl.entries[2].text, "**Aftermath**\n\nText.");
        assert_eq!(tl.entries[2].line, 25);
        assert!(body[tl.range.clone()].starts_with("### 09:30 UTC"));
        assert!(body[tl.range.clone()].trim_end().ends_with("Text."));
        assert!(!body[tl.range.clone()].contains("Root cause"));
    }

    #[test]
    fn the_first_entry_before_midnight_is_the_day_before() {
        // Started 00:20 Berlin on the 15th; the lead-up at 23:50 was on the 14th.
        let tl = read(
            "## Timeline\n\n- 23:50 deploy\n- 00:20 alert\n",
            1,
            t("2026-03-14T23:20:00Z"),
            chrono_tz::Europe::Berlin,
        )
        .unwrap();
        assert_eq!(
            times(&tl),
            [
                Some("2026-03-14T22:50:00Z".into()),
                Some("2026-03-14T23:20:00Z".into())
            ]
        );
    }

    #[test]
    fn a_zone_stated_for_all_times_and_date_only_entries() {
        let body = "## Timeline\n\n*(All times US/Pacific, 24-hour clock.)*\n\n### 2019-02-12 18:30\n\na\n\n### 2019-02-13\n\nb\n\n### 09:00\n\nc\n";
        let tl = read(body, 1, t("2019-02-13T02:00:00Z"), Tz::UTC).unwrap();
        assert_eq!(
            times(&tl),
            [
                Some("2019-02-13T02:30:00Z".into()),
                None,
                Some("2019-02-13T17:00:00Z".into())
            ]
        );
        assert_eq!(tl.entries[1].day, NaiveDate::from_ymd_opt(2019, 2, 13));
        let tl = read(
            "## Timeline (all times UTC)\n\n- 10:36 a\n",
            1,
            t("2026-03-14T10:00:00Z"),
            chrono_tz::Europe::Berlin,
        )
        .unwrap();
        assert_eq!(times(&tl), [Some("2026-03-14T10:36:00Z".into())]);
        assert_eq!(
            stated_zone("All times are in CET."),
            Some(FixedOrTz::Fixed(FixedOffset::east_opt(3600).unwrap()))
        );
        assert_eq!(stated_zone("All times matter"), None);
    }

    #[test]
    fn any_text_reads_without_panicking() {
        // Fragments that exercise every branch, joined at random (a fixed seed).
        const BITS: &[&str] = &[
            "## Timeline\n",
            "### ",
            "- ",
            "1. ",
            "| ",
            " |",
            "|---|---|\n",
            "\n",
            "\n\n",
            "10:36",
            "2026-03-14",
            " UTC",
            " (Europe/Paris)",
            "+05:30",
            "~",
            "≈",
            "**",
            "`",
            "é",
            "日本",
            "🔥",
            ":clock1:",
            " — ",
            ":",
            "am",
            " pm",
            "All times ",
            "PDT",
            "25:99",
            "<script>",
            "```\n",
            "> ",
            "    ",
            "\r\n",
            "T",
            "Z",
            "ca. ",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut body = String::new();
            let n = (seed >> 59) as usize + 2;
            for _ in 0..n * 3 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                body.push_str(BITS[(seed >> 33) as usize % BITS.len()]);
            }
            let tl = read(
                &body,
                1,
                t("2026-03-14T09:36:00Z"),
                chrono_tz::Europe::Berlin,
            );
            if let Some(tl) = tl {
                assert!(body.get(tl.range.clone()).is_some(), "{body:?}");
            }
            let _ = lead(&body);
        }
        let l = lead("≈ 2019-02-13 — deploy").unwrap();
        assert_eq!(
            (l.written.as_str(), l.rest.as_str()),
            ("≈ 2019-02-13", "deploy")
        );
    }

    #[test]
    fn no_timeline_no_entries() {
        let s = t("2026-03-14T09:36:00Z");
        assert!(read("## Summary\n\nx\n", 1, s, Tz::UTC).is_none());
        assert!(read("## Timeline\n\nWe were slow.\n", 1, s, Tz::UTC).is_none());
        assert!(read("## Leadup\n\n- 10:36 a\n", 1, s, Tz::UTC).is_none());
        // A `#` in a code block is no heading.
        assert!(read("```\n## Timeline\n- 10:36 a\n```\n", 1, s, Tz::UTC).is_none());
    }
}
