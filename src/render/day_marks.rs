//! The day marks of the uptime bars and calendars: one `<li>` per day, coloured by its
//! weighted downtime, with a tooltip naming the day's incidents.
//!
//! A day's colour grades its weighted downtime: none → `ok`; availability at least 99 %
//! (up to 14.4 min) → `minor`; at least 95 % (up to 72 min) → `partial`; below → `major`;
//! days before `since` → `none` (hatched). The legend under the bars says the same.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};

use crate::i18n::{Arg, TrArg};
use crate::model::uptime::{ComponentFigures, DayFigure, MeasuredDay, day_start};
use crate::render::context::{UptimeDay, UptimeRow};
use crate::render::figures::{clipped_since, window_percent};
use crate::render::page_kit::PageKit;
use crate::site::Incident;

/// The `<li>` items of a day bar or calendar: one per day, its text shown as a tooltip
/// on hover or focus and read by screen readers; days with incidents link to the first.
/// Rendered here rather than in a template loop because a long history has tens of
/// thousands of marks and this is the hot spot of the uptime page.
pub fn marks_items(days: &[UptimeDay]) -> String {
    use crate::render::escape::html_escape;
    let mut out = String::with_capacity(days.len() * 64);
    for d in days {
        out.push_str("<li class=\"d-");
        out.push_str(&html_escape(&d.level));
        out.push_str("\">");
        match &d.url {
            Some(url) => {
                out.push_str("<a href=\"");
                out.push_str(&html_escape(url));
                out.push_str("\"><span class=\"t\">");
                out.push_str(&html_escape(&d.label));
                out.push_str("</span></a>");
            }
            None => {
                out.push_str("<span class=\"t\">");
                out.push_str(&html_escape(&d.label));
                out.push_str("</span>");
            }
        }
        out.push_str("</li>");
    }
    out
}

/// Incident titles named in one day's label; more are counted.
const TITLES_PER_DAY: usize = 3;

/// The colour class of a day (see the module notes).
pub fn day_level(d: &DayFigure) -> &'static str {
    match d.uptime {
        None => "none",
        Some(_) if d.downtime_minutes <= 0.0 => "ok",
        Some(u) if u >= 99.0 => "minor",
        Some(u) if u >= 95.0 => "partial",
        Some(_) => "major",
    }
}

/// A component's incidents that have started by "now", oldest first, with the span each
/// covers (an ongoing one up to "now"; an instant one counts for the day it happened).
pub struct Spans<'a> {
    pub(crate) spans: Vec<(DateTime<Utc>, DateTime<Utc>, &'a Incident)>,
}

impl<'a> Spans<'a> {
    pub fn new(incidents: &[&'a Incident], now: DateTime<Utc>) -> Spans<'a> {
        let mut spans: Vec<_> = incidents
            .iter()
            .filter(|i| i.started <= now)
            .map(|i| {
                let end = i.resolved.unwrap_or(now).min(now);
                (i.started, end.max(i.started + TimeDelta::seconds(1)), *i)
            })
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.slug.cmp(&b.2.slug)));
        Spans { spans }
    }

    /// The incidents overlapping each of `dates` (ascending): one sweep over the spans
    /// sorted by start, keeping those still open, so O(days + incidents + overlaps).
    pub fn per_day(&self, kit: &PageKit, dates: &[NaiveDate]) -> Vec<Vec<&'a Incident>> {
        let tz = kit.clock.tz;
        let mut next = 0;
        let mut open: Vec<(DateTime<Utc>, &'a Incident)> = Vec::new();
        let mut out = Vec::with_capacity(dates.len());
        for d in dates {
            let start = day_start(tz, *d);
            let end = d
                .checked_add_days(Days::new(1))
                .map_or(DateTime::<Utc>::MAX_UTC, |n| day_start(tz, n));
            while let Some((s, e, i)) = self.spans.get(next)
                && *s < end
            {
                open.push((*e, *i));
                next += 1;
            }
            open.retain(|(e, _)| *e > start);
            out.push(open.iter().map(|(_, i)| *i).collect());
        }
        out
    }
}

/// Marks for some days, with their accessible names, colours and links.
pub fn day_marks(
    kit: &PageKit,
    days: &[DayFigure],
    spans: &Spans,
    with_year: bool,
    measured: Option<&[MeasuredDay]>,
) -> Vec<UptimeDay> {
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    let per_day = spans.per_day(kit, &dates);
    days.iter()
        .zip(per_day)
        .map(|(d, incidents)| {
            let date = kit.clock.date(d.date);
            let t = kit.clock.texts;
            let when = if with_year {
                date.display.clone()
            } else {
                t.formats.day(d.date)
            };
            let when = Arg::Str(when.into());
            let mut label = match d.uptime {
                None => t.fmt("day_no_data", &[("date", when)]),
                Some(u) if d.downtime_minutes > 0.0 => t.fmt(
                    "day_available_down",
                    &[
                        ("date", when),
                        ("percent", Arg::Str(t.percent(u).into())),
                        (
                            "downtime",
                            Arg::Str(t.human_minutes(d.downtime_minutes).into()),
                        ),
                    ],
                ),
                Some(u) => t.fmt(
                    "day_available",
                    &[("date", when), ("percent", Arg::Str(t.percent(u).into()))],
                ),
            };
            // The measured figure goes after the declared one, before the incidents.
            if let Some(md) = measured.and_then(|m| m.iter().find(|m| m.date == d.date)) {
                label.push_str("; ");
                label.push_str(&crate::render::measured::day_label(kit, md));
            }
            if !incidents.is_empty() {
                let mut titles: Vec<String> = incidents
                    .iter()
                    .take(TITLES_PER_DAY)
                    .map(|i| i.title.clone())
                    .collect();
                if incidents.len() > TITLES_PER_DAY {
                    titles.push(t.fmt(
                        "day_more",
                        &[("n", (incidents.len() - TITLES_PER_DAY).arg())],
                    ));
                }
                label.push_str(t.get("sentence_end"));
                label.push(' ');
                label.push_str(&t.fmt(
                    "day_incidents",
                    &[
                        ("n", incidents.len().arg()),
                        ("titles", Arg::Str(titles.join("; ").into())),
                    ],
                ));
            }
            UptimeDay {
                date,
                level: day_level(d).to_string(),
                label,
                url: incidents.first().map(|i| kit.urls.incident(&i.slug)),
            }
        })
        .collect()
}

/// The status page row: the day bar and the 90-day figure.
pub fn uptime_row(kit: &PageKit, f: &ComponentFigures, spans: &Spans) -> UptimeRow {
    let w = &f.last_90_days;
    let period = match clipped_since(kit, w, 90) {
        Some(d) => kit.clock.texts.fmt(
            "period_since",
            &[("date", Arg::Str(kit.clock.date(d).display.into()))],
        ),
        None => kit.clock.texts.get("period_last_90").to_string(),
    };
    let measured = kit.derived.measured_of(&f.id);
    let days = day_marks(
        kit,
        &f.days,
        spans,
        true,
        measured.map(|m| m.days.as_slice()),
    );
    UptimeRow {
        measured: measured.map(|m| {
            m.last_90_days.uptime.map_or_else(
                || kit.clock.texts.get("no_data").to_string(),
                |u| kit.clock.texts.percent(u),
            )
        }),
        percent: window_percent(kit, w),
        period,
        window_days: kit.site.config.uptime.days,
        items: marks_items(&days),
        days,
    }
}
