//! The reliability review page, `reliability/index.html`: one section per figure, each a
//! bar chart drawn as inline SVG (no JavaScript) with a text alternative, and the table
//! of the same numbers. Everything comes from [`Reliability`], derived once per build;
//! this module only words the numbers and lays out the bars.

use chrono::TimeDelta;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::reliability::{
    BeforeAfter, FixReview, Granularity, IncidentFigures, Period, Reliability, WindowFigures,
};
use crate::model::status::human_duration;
use crate::render::context::{
    BarCtx, CellCtx, ChartCtx, DownloadCtx, LabelCtx, ReliabilityPage, RowCtx, SectionCtx,
    SeriesCtx, TableCtx,
};
use crate::render::figures::format_percent;
use crate::render::page_kit::PageKit;
use crate::render::reliability_export::{CSV_FILES, DIR};
use crate::render::theme::Theme;

/// The page shows the most recent fixes; the exports hold them all.
pub const FIXES_SHOWN: usize = 12;

const CHART_HEIGHT: f64 = 180.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 150.0;
const LABEL_Y: f64 = 168.0;
const BAR_WIDTH: f64 = 12.0;
const GROUP_GAP: f64 = 14.0;
const LEFT: f64 = 8.0;
/// At most this many x-axis labels, so they never overlap.
const MAX_LABELS: usize = 12;

fn cell(text: impl Into<String>) -> CellCtx {
    CellCtx {
        text: text.into(),
        breach: false,
    }
}

fn seconds(s: Option<f64>) -> String {
    s.map_or_else(
        || "–".to_string(),
        |s| human_duration(TimeDelta::milliseconds((s * 1000.0).round() as i64)),
    )
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(
        || "–".to_string(),
        |r| format!("{:.1}%", (r * 1000.0 + 1e-6).floor() / 10.0),
    )
}

fn uptime(u: Option<f64>) -> String {
    u.map_or_else(|| "No data".to_string(), format_percent)
}

fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// One group of bars (a period, a fix): its label and one value per series.
struct Group {
    label: String,
    values: Vec<f64>,
}

/// Bars side by side (`stacked` false) or on top of each other, scaled to the largest
/// value (or stack), with the text alternative written from the same numbers.
fn chart(
    title: String,
    unit: &dyn Fn(f64) -> String,
    series: &[SeriesCtx],
    groups: &[Group],
    stacked: bool,
) -> ChartCtx {
    let per_group = if stacked { 1 } else { series.len().max(1) };
    let group_w = per_group as f64 * BAR_WIDTH + GROUP_GAP;
    let width = (LEFT * 2.0 + groups.len() as f64 * group_w).max(240.0);
    let top = groups
        .iter()
        .map(|g| {
            if stacked {
                g.values.iter().sum()
            } else {
                g.values.iter().copied().fold(0.0, f64::max)
            }
        })
        .fold(0.0, f64::max);
    let scale = if top > 0.0 {
        (PLOT_BOTTOM - PLOT_TOP) / top
    } else {
        0.0
    };
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    let every = groups.len().div_ceil(MAX_LABELS).max(1);
    for (n, g) in groups.iter().enumerate() {
        let x0 = LEFT + n as f64 * group_w + GROUP_GAP / 2.0;
        let mut base = PLOT_BOTTOM;
        for (k, (v, s)) in g.values.iter().zip(series).enumerate() {
            let h = v * scale;
            let (x, y) = if stacked {
                base -= h;
                (x0, base)
            } else {
                (x0 + k as f64 * BAR_WIDTH, PLOT_BOTTOM - h)
            };
            if h > 0.0 {
                bars.push(BarCtx {
                    key: s.key,
                    x: px(x),
                    y: px(y),
                    w: px(BAR_WIDTH - 1.0),
                    h: px(h),
                    title: format!("{}: {} {}", g.label, unit(*v), s.label),
                });
            }
        }
        if n % every == 0 {
            labels.push(LabelCtx {
                x: px(x0 + per_group as f64 * BAR_WIDTH / 2.0),
                y: px(LABEL_Y),
                text: g.label.clone(),
            });
        }
    }
    // The text alternative: the peak of each series, and where the numbers are.
    let peaks: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let best = groups
                .iter()
                .filter_map(|g| g.values.get(k).map(|v| (v, &g.label)))
                .fold(None::<(f64, &String)>, |acc, (v, l)| match acc {
                    Some((b, _)) if b >= *v => acc,
                    _ => Some((*v, l)),
                });
            match best {
                Some((v, l)) if v > 0.0 => format!("{}: highest {} in {l}", s.label, unit(v)),
                _ => format!("{}: none", s.label),
            }
        })
        .collect();
    let desc = format!(
        "{} {} over {} group(s). {}. The table below gives every value.",
        if stacked {
            "Stacked bars"
        } else {
            "Bars side by side"
        },
        series
            .iter()
            .map(|s| s.label)
            .collect::<Vec<_>>()
            .join(", "),
        groups.len(),
        peaks.join("; ")
    );
    ChartCtx {
        title,
        desc,
        width: px(width),
        height: px(CHART_HEIGHT),
        max_label: unit(top),
        axis_y: px(PLOT_BOTTOM),
        series: series.to_vec(),
        bars,
        labels,
    }
}

fn count(v: f64) -> String {
    format!("{v}")
}

fn minutes_unit(v: f64) -> String {
    human_duration(TimeDelta::milliseconds((v * 60_000.0).round() as i64))
}

fn percent_unit(v: f64) -> String {
    format!("{v:.1}%")
}

fn period_groups(
    r: &Reliability,
    f: impl Fn(&crate::model::reliability::Period) -> Vec<f64>,
) -> Vec<Group> {
    r.periods
        .iter()
        .map(|p| Group {
            label: p.label.clone(),
            values: f(p),
        })
        .collect()
}

fn row(head: &str, cells: Vec<CellCtx>) -> RowCtx {
    RowCtx {
        head: head.to_string(),
        url: String::new(),
        cells,
    }
}

/// The table of a per-period section: one row per period.
fn period_table(
    r: &Reliability,
    caption: String,
    head: &[&str],
    cells: impl Fn(&Period) -> Vec<CellCtx>,
) -> TableCtx {
    TableCtx {
        caption,
        head: head.iter().map(|h| h.to_string()).collect(),
        rows: r.periods.iter().map(|p| row(&p.label, cells(p))).collect(),
    }
}

fn impact_section(r: &Reliability, per: &str) -> SectionCtx {
    let series = [
        SeriesCtx {
            key: "none",
            label: "no impact",
        },
        SeriesCtx {
            key: "minor",
            label: "minor",
        },
        SeriesCtx {
            key: "major",
            label: "major",
        },
        SeriesCtx {
            key: "critical",
            label: "critical",
        },
    ];
    let groups = period_groups(r, |p| {
        let b = &p.figures.by_impact;
        vec![
            b.none as f64,
            b.minor as f64,
            b.major as f64,
            b.critical as f64,
        ]
    });
    SectionCtx {
        id: "impact".into(),
        title: "Incidents by impact".into(),
        note: format!("Incidents per {per}, by the {per} they started in."),
        chart: Some(chart(
            format!("Incidents by impact per {per}"),
            &count,
            &series,
            &groups,
            true,
        )),
        table: period_table(
            r,
            format!("Incidents by impact per {per}"),
            &["Period", "No impact", "Minor", "Major", "Critical", "Total"],
            |p| {
                let b = &p.figures.by_impact;
                vec![
                    cell(b.none.to_string()),
                    cell(b.minor.to_string()),
                    cell(b.major.to_string()),
                    cell(b.critical.to_string()),
                    cell(p.figures.incidents.to_string()),
                ]
            },
        ),
    }
}

/// MTTD or MTTR: mean and median per period, in minutes on the chart.
fn duration_section(r: &Reliability, per: &str, detect: bool) -> SectionCtx {
    let pick = |f: &IncidentFigures| {
        if detect {
            (f.mttd_mean_seconds, f.mttd_median_seconds)
        } else {
            (f.mttr_mean_seconds, f.mttr_median_seconds)
        }
    };
    let (id, name, what) = if detect {
        ("mttd", "Time to detect", "from start to detection")
    } else {
        ("mttr", "Time to resolve", "from detection to resolution")
    };
    let series = [
        SeriesCtx {
            key: "mean",
            label: "mean",
        },
        SeriesCtx {
            key: "median",
            label: "median",
        },
    ];
    let groups = period_groups(r, |p| {
        let (mean, median) = pick(&p.figures);
        vec![mean.unwrap_or(0.0) / 60.0, median.unwrap_or(0.0) / 60.0]
    });
    SectionCtx {
        id: id.into(),
        title: format!("{name} (MTT{})", if detect { "D" } else { "R" }),
        note: format!("Mean and median {what}, over the incidents of each {per} resolved by now."),
        chart: Some(chart(
            format!("{name} per {per}, mean and median"),
            &minutes_unit,
            &series,
            &groups,
            false,
        )),
        table: period_table(
            r,
            format!("{name} per {per}"),
            &["Period", "Resolved incidents", "Mean", "Median"],
            |p| {
                let (mean, median) = pick(&p.figures);
                vec![
                    cell(p.figures.resolved.to_string()),
                    cell(seconds(mean)),
                    cell(seconds(median)),
                ]
            },
        ),
    }
}

fn slo_section(r: &Reliability, per: &str, names: &[(String, String)]) -> SectionCtx {
    let series = [SeriesCtx {
        key: "breach",
        label: "components below SLO",
    }];
    let groups = period_groups(r, |p| vec![p.slo_breaches as f64]);
    let mut head = vec!["Period".to_string()];
    head.extend(names.iter().map(|(_, n)| n.clone()));
    head.push("Below SLO".into());
    SectionCtx {
        id: "slo".into(),
        title: "SLO breaches".into(),
        note: format!(
            "Each component's availability in each {per}, against its SLO; highlighted where it fell below."
        ),
        chart: Some(chart(
            format!("Components below their SLO per {per}"),
            &count,
            &series,
            &groups,
            false,
        )),
        table: TableCtx {
            head,
            ..period_table(
                r,
                format!("Availability per component and {per}"),
                &[],
                |p| {
                    let mut cells: Vec<CellCtx> = p
                        .components
                        .iter()
                        .map(|a| CellCtx {
                            text: uptime(a.uptime),
                            breach: a.breach,
                        })
                        .collect();
                    cells.push(cell(p.slo_breaches.to_string()));
                    cells
                },
            )
        },
    }
}

fn recurrence_section(r: &Reliability, per: &str) -> SectionCtx {
    let series = [SeriesCtx {
        key: "rate",
        label: "recurrence rate",
    }];
    let groups = period_groups(r, |p| {
        vec![p.figures.recurrence_rate.unwrap_or(0.0) * 100.0]
    });
    SectionCtx {
        id: "recurrence".into(),
        title: "Recurrence".into(),
        note: "Incidents whose cause had already occurred in the 90 days before them, \
               out of all incidents."
            .into(),
        chart: Some(chart(
            format!("Recurrence rate per {per}"),
            &percent_unit,
            &series,
            &groups,
            false,
        )),
        table: period_table(
            r,
            format!("Recurrence per {per}"),
            &["Period", "Incidents", "Repeated", "Rate"],
            |p| {
                let f = &p.figures;
                vec![
                    cell(f.incidents.to_string()),
                    cell(f.repeated.to_string()),
                    cell(rate(f.recurrence_rate)),
                ]
            },
        ),
    }
}

fn actions_section(r: &Reliability, per: &str) -> SectionCtx {
    let series = [
        SeriesCtx {
            key: "opened",
            label: "opened",
        },
        SeriesCtx {
            key: "closed",
            label: "closed",
        },
        SeriesCtx {
            key: "overdue",
            label: "overdue now",
        },
    ];
    let groups = period_groups(r, |p| {
        let a = &p.actions;
        vec![a.opened as f64, a.closed as f64, a.overdue as f64]
    });
    SectionCtx {
        id: "actions".into(),
        title: "Corrective actions".into(),
        note: format!(
            "Opened with their incident; closed on their completion date; overdue now, by the {per} they were opened in."
        ),
        chart: Some(chart(
            format!("Corrective actions per {per}"),
            &count,
            &series,
            &groups,
            false,
        )),
        table: period_table(
            r,
            format!("Corrective actions per {per}"),
            &["Period", "Opened", "Closed", "Overdue now"],
            |p| {
                let a = &p.actions;
                vec![
                    cell(a.opened.to_string()),
                    cell(a.closed.to_string()),
                    cell(a.overdue.to_string()),
                ]
            },
        ),
    }
}

fn checkins_section(r: &Reliability, per: &str) -> SectionCtx {
    let series = [
        SeriesCtx {
            key: "met",
            label: "met",
        },
        SeriesCtx {
            key: "missed",
            label: "missed",
        },
    ];
    let groups = period_groups(r, |p| {
        let a = &p.actions;
        vec![
            (a.checkins_due - a.checkins_missed) as f64,
            a.checkins_missed as f64,
        ]
    });
    SectionCtx {
        id: "checkins".into(),
        title: "30/60/90-day check-ins".into(),
        note: "Follow-ups 30, 60 and 90 days after an incident with corrective actions \
               was resolved; missed when an action was still open on that day."
            .into(),
        chart: Some(chart(
            format!("Check-ins due per {per}, met and missed"),
            &count,
            &series,
            &groups,
            true,
        )),
        table: period_table(
            r,
            format!("Check-ins per {per}"),
            &["Period", "Due", "Met", "Missed"],
            |p| {
                let a = &p.actions;
                vec![
                    cell(a.checkins_due.to_string()),
                    cell((a.checkins_due - a.checkins_missed).to_string()),
                    cell(a.checkins_missed.to_string()),
                ]
            },
        ),
    }
}

fn side(w: &WindowFigures) -> Vec<CellCtx> {
    let f = &w.figures;
    let mut cells = vec![
        cell(f.incidents.to_string()),
        cell(seconds(f.mttd_mean_seconds)),
        cell(seconds(f.mttr_mean_seconds)),
        cell(rate(f.recurrence_rate)),
    ];
    cells.push(match &w.availability {
        Some(a) => CellCtx {
            text: uptime(a.uptime),
            breach: a.breach,
        },
        None => cell("–"),
    });
    cells
}

fn fix_rows(kit: &PageKit, f: &FixReview) -> Vec<RowCtx> {
    let scoped = f
        .components
        .iter()
        .map(|c| ("component", c))
        .chain(f.cause.iter().map(|c| ("cause", c)));
    scoped
        .map(|(scope, ba): (&str, &BeforeAfter)| {
            let name = if scope == "component" {
                kit.site
                    .config
                    .components
                    .iter()
                    .find(|c| c.id == ba.key)
                    .map_or_else(|| ba.key.clone(), |c| c.name.clone())
            } else {
                format!("cause “{}”", ba.key)
            };
            let mut cells = vec![cell(kit.clock.date(f.completed).display), cell(name)];
            cells.extend(side(&ba.before));
            cells.extend(side(&ba.after));
            RowCtx {
                head: f.incident_title.clone(),
                url: kit.urls.incident(&f.incident),
                cells,
            }
        })
        .collect()
}

fn fixes_section(kit: &PageKit, r: &Reliability) -> SectionCtx {
    // Latest completion first.
    let mut shown: Vec<&FixReview> = r.fixes.iter().collect();
    shown.sort_by(|a, b| (b.completed, &a.incident).cmp(&(a.completed, &b.incident)));
    shown.truncate(FIXES_SHOWN);
    let series = [
        SeriesCtx {
            key: "before",
            label: "incidents before",
        },
        SeriesCtx {
            key: "after",
            label: "incidents after",
        },
    ];
    let groups: Vec<Group> = shown
        .iter()
        .rev()
        .flat_map(|f| {
            f.components.iter().chain(f.cause.iter()).map(|ba| Group {
                label: format!("{} {}", f.completed.format("%Y-%m-%d"), ba.key),
                values: vec![
                    ba.before.figures.incidents as f64,
                    ba.after.figures.incidents as f64,
                ],
            })
        })
        .collect();
    let mut head: Vec<String> = ["Incident", "Last action done", "For"]
        .map(String::from)
        .to_vec();
    for w in ["before", "after"] {
        for c in ["Incidents", "MTTD", "MTTR", "Recurrence", "Availability"] {
            head.push(format!("{c} {w}"));
        }
    }
    SectionCtx {
        id: "fixes".into(),
        title: "Did the fix work?".into(),
        note: "For each incident whose corrective actions are done, the 90 days before and \
               after the day its last action was completed: for each component it affected, \
               and for its cause. An after window that has not ended yet runs to now."
            .into(),
        chart: (!groups.is_empty()).then(|| {
            chart(
                "Incidents in the 90 days before and after each fix".into(),
                &count,
                &series,
                &groups,
                false,
            )
        }),
        table: TableCtx {
            caption: "Before and after each fix".into(),
            head,
            rows: shown.iter().flat_map(|f| fix_rows(kit, f)).collect(),
        },
    }
}

fn summary_cells(f: &IncidentFigures) -> Vec<CellCtx> {
    vec![
        cell(f.incidents.to_string()),
        cell(seconds(f.mttd_mean_seconds)),
        cell(seconds(f.mttd_median_seconds)),
        cell(seconds(f.mttr_mean_seconds)),
        cell(seconds(f.mttr_median_seconds)),
        cell(rate(f.recurrence_rate)),
    ]
}

fn summary_head(first: &str, extra: &[&str]) -> Vec<String> {
    let mut h: Vec<String> = [
        first,
        "Incidents",
        "MTTD mean",
        "MTTD median",
        "MTTR mean",
        "MTTR median",
        "Recurrence",
    ]
    .map(String::from)
    .to_vec();
    h.extend(extra.iter().map(|s| s.to_string()));
    h
}

fn components_section(r: &Reliability, per: &str) -> SectionCtx {
    SectionCtx {
        id: "by-component".into(),
        title: "By component".into(),
        note: "Every incident naming the component, over the whole history.".into(),
        chart: None,
        table: TableCtx {
            caption: "Figures per component".into(),
            head: summary_head("Component", &["All time", &format!("{per}s below SLO")]),
            rows: r
                .components
                .iter()
                .map(|c| {
                    let mut cells = summary_cells(&c.figures);
                    cells.push(cell(uptime(c.uptime_all)));
                    cells.push(cell(c.breached_periods.to_string()));
                    row(&c.name, cells)
                })
                .collect(),
        },
    }
}

fn causes_section(r: &Reliability) -> SectionCtx {
    SectionCtx {
        id: "by-cause".into(),
        title: "By cause".into(),
        note: "Incidents by their `cause` tag, over the whole history.".into(),
        chart: None,
        table: TableCtx {
            caption: "Figures per cause".into(),
            head: summary_head("Cause", &["Repeated"]),
            rows: r
                .causes
                .iter()
                .map(|c| {
                    let mut cells = summary_cells(&c.figures);
                    cells.push(cell(c.figures.repeated.to_string()));
                    row(&c.cause, cells)
                })
                .collect(),
        },
    }
}

pub fn reliability_page(
    kit: &PageKit,
    theme: &Theme,
    r: &Reliability,
) -> Result<OutputFile, Diagnostic> {
    let per = match r.granularity {
        Granularity::Quarter => "quarter",
        Granularity::Month => "month",
    };
    let names: Vec<(String, String)> = kit
        .site
        .config
        .components
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let page = ReliabilityPage {
        title: kit.page_title("Reliability review"),
        canonical: kit.urls.absolute(&format!("{DIR}/")),
        nav: "uptime",
        draft: false,
        period: per,
        uptime_url: kit.urls.path("uptime/"),
        json_url: kit.urls.path(&format!("{DIR}/reliability.json")),
        downloads: std::iter::once(&(
            "reliability.json",
            "every figure below per period, component and cause",
        ))
        .chain(CSV_FILES)
        .map(|(name, what)| DownloadCtx {
            url: kit.urls.path(&format!("{DIR}/{name}")),
            name: (*name).to_string(),
            what: (*what).to_string(),
        })
        .collect(),
        sections: vec![
            impact_section(r, per),
            duration_section(r, per, true),
            duration_section(r, per, false),
            slo_section(r, per, &names),
            recurrence_section(r, per),
            actions_section(r, per),
            checkins_section(r, per),
            fixes_section(kit, r),
            components_section(r, per),
            causes_section(r),
        ],
        fixes_total: r.fixes.len(),
        fixes_shown: r.fixes.len().min(FIXES_SHOWN),
        undated_fixes: r.undated_fixes.len(),
    };
    kit.render(
        theme,
        "reliability.html",
        &format!("{DIR}/index.html"),
        &page,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_and_side_by_side_bars_scale_to_the_top_value() {
        let series = [
            SeriesCtx {
                key: "minor",
                label: "minor",
            },
            SeriesCtx {
                key: "major",
                label: "major",
            },
        ];
        let groups = vec![
            Group {
                label: "2026-Q1".into(),
                values: vec![1.0, 3.0],
            },
            Group {
                label: "2026-Q2".into(),
                values: vec![0.0, 2.0],
            },
        ];
        let c = chart("T".into(), &count, &series, &groups, true);
        // The plot is 130 units high; the top stack (4) fills it.
        let bars: Vec<(&str, &str, &str)> = c
            .bars
            .iter()
            .map(|b| (b.key, b.y.as_str(), b.h.as_str()))
            .collect();
        assert_eq!(
            bars,
            [
                ("minor", "117.5", "32.5"),
                ("major", "20.0", "97.5"),
                ("major", "85.0", "65.0")
            ]
        );
        assert_eq!(c.max_label, "4");
        assert_eq!(c.bars[0].title, "2026-Q1: 1 minor");
        assert_eq!(
            c.desc,
            "Stacked bars minor, major over 2 group(s). minor: highest 1 in 2026-Q1; major: highest 3 in 2026-Q1. The table below gives every value."
        );
        let c = chart("T".into(), &count, &series, &groups, false);
        assert_eq!(c.max_label, "3");
        assert_eq!(c.bars[1].x, "27.0");
        assert_eq!(c.labels.len(), 2);
        // Nothing to draw: no bars, a zero scale, and the text says so.
        let empty = vec![Group {
            label: "2026-Q1".into(),
            values: vec![0.0, 0.0],
        }];
        let c = chart("T".into(), &count, &series, &empty, false);
        assert!(c.bars.is_empty());
        assert!(c.desc.contains("minor: none; major: none"), "{}", c.desc);
    }

    #[test]
    fn durations_and_rates_are_worded() {
        assert_eq!(seconds(None), "–");
        assert_eq!(seconds(Some(5400.0)), "1 h 30 min");
        assert_eq!(rate(Some(2.0 / 3.0)), "66.6%");
        assert_eq!(rate(Some(1.0)), "100.0%");
        assert_eq!(uptime(None), "No data");
    }
}
