//! The reliability review page, `reliability/index.html`: one section per figure, each a
//! bar chart drawn as inline SVG (no JavaScript) with a text alternative, and the table
//! of the same numbers. Everything comes from [`Reliability`], derived once per build;
//! this module only words the numbers (in the site's language, `reliability_*` keys of
//! the catalog, docs/i18n.md) and lays out the bars.

use chrono::{Datelike, TimeDelta};

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::i18n::{Arg, Texts};
use crate::model::reliability::{
    BeforeAfter, FixReview, Granularity, IncidentFigures, Period, Reliability, WindowFigures,
};
use crate::render::context::{
    BarCtx, CellCtx, ChartCtx, DownloadCtx, LabelCtx, ReliabilityPage, RowCtx, SectionCtx,
    SeriesCtx, TableCtx,
};
use crate::render::page_kit::PageKit;
use crate::render::reliability_export::{CSV_FILES, DIR};
use crate::render::theme::Theme;

const CHART_HEIGHT: f64 = 180.0;
const PLOT_TOP: f64 = 20.0;
const PLOT_BOTTOM: f64 = 150.0;
const LABEL_Y: f64 = 168.0;
const BAR_WIDTH: f64 = 12.0;
const GROUP_GAP: f64 = 14.0;
const LEFT: f64 = 8.0;
/// At most this many x-axis labels, so they never overlap.
const MAX_LABELS: usize = 12;

/// The words of one page: the site's texts and the granularity, which picks between a
/// text's quarter and month versions (separate keys, so no language has to glue a
/// translated "quarter" into a sentence whose grammar depends on it).
#[derive(Clone, Copy)]
struct Words {
    t: &'static Texts,
    quarterly: bool,
}

impl Words {
    fn get(&self, key: &'static str) -> &'static str {
        self.t.get(key)
    }

    fn per(&self, quarter: &'static str, month: &'static str) -> String {
        self.t
            .get(if self.quarterly { quarter } else { month })
            .to_string()
    }

    fn count(&self, n: usize) -> String {
        self.t.formats.integer(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// A mean or median in seconds, as a duration; "–" for none.
    fn seconds(&self, s: Option<f64>) -> String {
        s.map_or_else(
            || "–".to_string(),
            |s| {
                self.t
                    .duration(TimeDelta::milliseconds((s * 1000.0).round() as i64))
            },
        )
    }

    /// A share (0–1) as a percentage with one decimal, truncated; "–" for none.
    fn rate(&self, r: Option<f64>) -> String {
        r.map_or_else(
            || "–".to_string(),
            |r| self.decimal_percent(&format!("{:.1}", (r * 1000.0 + 1e-6).floor() / 10.0)),
        )
    }

    fn uptime(&self, u: Option<f64>) -> String {
        u.map_or_else(|| self.get("no_data").to_string(), |u| self.t.percent(u))
    }

    /// A decimal written as Rust writes it, in the locale's digits, with the percent
    /// sign where the language puts it.
    fn decimal_percent(&self, value: &str) -> String {
        let value = self.t.formats.decimal_str(value);
        self.t.fmt("percent", &[("value", Arg::Str(value.into()))])
    }

    /// A period's label: `2026-Q1`, `2026-03` in English.
    fn period(&self, p: &Period) -> String {
        let year = p.first_day.year().to_string();
        if self.quarterly {
            self.t.fmt(
                "reliability_quarter_label",
                &[
                    ("year", Arg::Str(year.into())),
                    (
                        "quarter",
                        Arg::Str((p.first_day.month0() / 3 + 1).to_string().into()),
                    ),
                ],
            )
        } else {
            self.t.fmt(
                "reliability_month_label",
                &[
                    ("year", Arg::Str(year.into())),
                    (
                        "month",
                        Arg::Str(format!("{:02}", p.first_day.month()).into()),
                    ),
                ],
            )
        }
    }

    fn series(&self, key: &'static str, text: &'static str) -> SeriesCtx {
        SeriesCtx {
            key,
            label: self.get(text),
        }
    }
}

fn cell(text: impl Into<String>) -> CellCtx {
    CellCtx {
        text: text.into(),
        breach: false,
    }
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
    w: Words,
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
                    title: w.t.fmt(
                        "reliability_bar_title",
                        &[
                            ("period", Arg::Str(g.label.as_str().into())),
                            ("value", Arg::Str(unit(*v).into())),
                            ("series", Arg::Str(s.label.into())),
                        ],
                    ),
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
                Some((v, l)) if v > 0.0 => w.t.fmt(
                    "reliability_chart_peak",
                    &[
                        ("series", Arg::Str(s.label.into())),
                        ("value", Arg::Str(unit(v).into())),
                        ("period", Arg::Str(l.as_str().into())),
                    ],
                ),
                _ => w.t.fmt1("reliability_chart_peak_none", "series", s.label),
            }
        })
        .collect();
    let desc = w.t.fmt(
        if stacked {
            "reliability_chart_stacked"
        } else {
            "reliability_chart_side_by_side"
        },
        &[
            (
                "series",
                Arg::Str(
                    series
                        .iter()
                        .map(|s| s.label)
                        .collect::<Vec<_>>()
                        .join(w.get("reliability_list_sep"))
                        .into(),
                ),
            ),
            (
                "n",
                Arg::Int(i64::try_from(groups.len()).unwrap_or(i64::MAX)),
            ),
            (
                "peaks",
                Arg::Str(peaks.join(w.get("reliability_peak_sep")).into()),
            ),
        ],
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

fn period_groups(w: Words, r: &Reliability, f: impl Fn(&Period) -> Vec<f64>) -> Vec<Group> {
    r.periods
        .iter()
        .map(|p| Group {
            label: w.period(p),
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
    w: Words,
    r: &Reliability,
    caption: String,
    head: &[&str],
    cells: impl Fn(&Period) -> Vec<CellCtx>,
) -> TableCtx {
    let mut columns = vec![w.get("reliability_period").to_string()];
    columns.extend(head.iter().map(|h| h.to_string()));
    TableCtx {
        caption,
        head: columns,
        rows: r
            .periods
            .iter()
            .map(|p| row(&w.period(p), cells(p)))
            .collect(),
    }
}

fn impact_section(w: Words, r: &Reliability) -> SectionCtx {
    let series = [
        w.series("none", "reliability_series_no_impact"),
        w.series("minor", "reliability_series_minor"),
        w.series("major", "reliability_series_major"),
        w.series("critical", "reliability_series_critical"),
    ];
    let groups = period_groups(w, r, |p| {
        let b = &p.figures.by_impact;
        vec![
            b.none as f64,
            b.minor as f64,
            b.major as f64,
            b.critical as f64,
        ]
    });
    let title = w.per(
        "reliability_impact_chart_quarter",
        "reliability_impact_chart_month",
    );
    SectionCtx {
        id: "impact".into(),
        title: w.get("reliability_impact_title").into(),
        note: w.per(
            "reliability_impact_note_quarter",
            "reliability_impact_note_month",
        ),
        chart: Some(chart(
            w,
            title.clone(),
            &|v| w.count(v as usize),
            &series,
            &groups,
            true,
        )),
        table: period_table(
            w,
            r,
            title,
            &[
                w.get("impact_none"),
                w.get("reliability_minor"),
                w.get("reliability_major"),
                w.get("reliability_critical"),
                w.get("reliability_total"),
            ],
            |p| {
                let b = &p.figures.by_impact;
                vec![
                    cell(w.count(b.none)),
                    cell(w.count(b.minor)),
                    cell(w.count(b.major)),
                    cell(w.count(b.critical)),
                    cell(w.count(p.figures.incidents)),
                ]
            },
        ),
    }
}

/// MTTD or MTTR: mean and median per period, in minutes on the chart.
fn duration_section(w: Words, r: &Reliability, detect: bool) -> SectionCtx {
    let pick = |f: &IncidentFigures| {
        if detect {
            (f.mttd_mean_seconds, f.mttd_median_seconds)
        } else {
            (f.mttr_mean_seconds, f.mttr_median_seconds)
        }
    };
    let (id, title, note, chart_title, caption) = if detect {
        (
            "mttd",
            w.get("reliability_mttd_title"),
            w.per(
                "reliability_mttd_note_quarter",
                "reliability_mttd_note_month",
            ),
            w.per(
                "reliability_mttd_chart_quarter",
                "reliability_mttd_chart_month",
            ),
            w.per(
                "reliability_mttd_table_quarter",
                "reliability_mttd_table_month",
            ),
        )
    } else {
        (
            "mttr",
            w.get("reliability_mttr_title"),
            w.per(
                "reliability_mttr_note_quarter",
                "reliability_mttr_note_month",
            ),
            w.per(
                "reliability_mttr_chart_quarter",
                "reliability_mttr_chart_month",
            ),
            w.per(
                "reliability_mttr_table_quarter",
                "reliability_mttr_table_month",
            ),
        )
    };
    let series = [
        w.series("mean", "reliability_series_mean"),
        w.series("median", "reliability_series_median"),
    ];
    let groups = period_groups(w, r, |p| {
        let (mean, median) = pick(&p.figures);
        vec![mean.unwrap_or(0.0) / 60.0, median.unwrap_or(0.0) / 60.0]
    });
    let minutes = |v: f64| {
        w.t.duration(TimeDelta::milliseconds((v * 60_000.0).round() as i64))
    };
    SectionCtx {
        id: id.into(),
        title: title.into(),
        note,
        chart: Some(chart(w, chart_title, &minutes, &series, &groups, false)),
        table: period_table(
            w,
            r,
            caption,
            &[
                w.get("reliability_resolved_incidents"),
                w.get("reliability_mean"),
                w.get("reliability_median"),
            ],
            |p| {
                let (mean, median) = pick(&p.figures);
                vec![
                    cell(w.count(p.figures.resolved)),
                    cell(w.seconds(mean)),
                    cell(w.seconds(median)),
                ]
            },
        ),
    }
}

fn slo_section(w: Words, r: &Reliability, names: &[&str]) -> SectionCtx {
    let series = [w.series("breach", "reliability_series_below_slo")];
    let groups = period_groups(w, r, |p| vec![p.slo_breaches as f64]);
    let mut head = names.to_vec();
    head.push(w.get("below_slo"));
    SectionCtx {
        id: "slo".into(),
        title: w.get("reliability_slo_title").into(),
        note: w.per("reliability_slo_note_quarter", "reliability_slo_note_month"),
        chart: Some(chart(
            w,
            w.per(
                "reliability_slo_chart_quarter",
                "reliability_slo_chart_month",
            ),
            &|v| w.count(v as usize),
            &series,
            &groups,
            false,
        )),
        table: period_table(
            w,
            r,
            w.per(
                "reliability_slo_table_quarter",
                "reliability_slo_table_month",
            ),
            &head,
            |p| {
                let mut cells: Vec<CellCtx> = p
                    .components
                    .iter()
                    .map(|a| CellCtx {
                        text: w.uptime(a.uptime),
                        breach: a.breach,
                    })
                    .collect();
                cells.push(cell(w.count(p.slo_breaches)));
                cells
            },
        ),
    }
}

fn recurrence_section(w: Words, r: &Reliability) -> SectionCtx {
    let series = [w.series("rate", "reliability_series_recurrence")];
    let groups = period_groups(w, r, |p| {
        vec![p.figures.recurrence_rate.unwrap_or(0.0) * 100.0]
    });
    SectionCtx {
        id: "recurrence".into(),
        title: w.get("reliability_recurrence").into(),
        note: w.get("reliability_recurrence_note").into(),
        chart: Some(chart(
            w,
            w.per(
                "reliability_recurrence_chart_quarter",
                "reliability_recurrence_chart_month",
            ),
            &|v| w.decimal_percent(&format!("{v:.1}")),
            &series,
            &groups,
            false,
        )),
        table: period_table(
            w,
            r,
            w.per(
                "reliability_recurrence_table_quarter",
                "reliability_recurrence_table_month",
            ),
            &[
                w.get("incidents"),
                w.get("reliability_repeated"),
                w.get("reliability_rate"),
            ],
            |p| {
                let f = &p.figures;
                vec![
                    cell(w.count(f.incidents)),
                    cell(w.count(f.repeated)),
                    cell(w.rate(f.recurrence_rate)),
                ]
            },
        ),
    }
}

fn actions_section(w: Words, r: &Reliability) -> SectionCtx {
    let series = [
        w.series("opened", "reliability_series_opened"),
        w.series("closed", "reliability_series_closed"),
        w.series("overdue", "reliability_series_overdue"),
    ];
    let groups = period_groups(w, r, |p| {
        let a = &p.actions;
        vec![a.opened as f64, a.closed as f64, a.overdue as f64]
    });
    let title = w.per(
        "reliability_actions_chart_quarter",
        "reliability_actions_chart_month",
    );
    SectionCtx {
        id: "actions".into(),
        title: w.get("corrective_actions").into(),
        note: w.per(
            "reliability_actions_note_quarter",
            "reliability_actions_note_month",
        ),
        chart: Some(chart(
            w,
            title.clone(),
            &|v| w.count(v as usize),
            &series,
            &groups,
            false,
        )),
        table: period_table(
            w,
            r,
            title,
            &[
                w.get("reliability_opened"),
                w.get("reliability_closed"),
                w.get("reliability_overdue_now"),
            ],
            |p| {
                let a = &p.actions;
                vec![
                    cell(w.count(a.opened)),
                    cell(w.count(a.closed)),
                    cell(w.count(a.overdue)),
                ]
            },
        ),
    }
}

fn checkins_section(w: Words, r: &Reliability) -> SectionCtx {
    let series = [
        w.series("met", "reliability_series_met"),
        w.series("missed", "reliability_series_missed"),
    ];
    let groups = period_groups(w, r, |p| {
        let a = &p.actions;
        vec![
            (a.checkins_due - a.checkins_missed) as f64,
            a.checkins_missed as f64,
        ]
    });
    SectionCtx {
        id: "checkins".into(),
        title: w.get("reliability_checkins_title").into(),
        note: w.get("reliability_checkins_note").into(),
        chart: Some(chart(
            w,
            w.per(
                "reliability_checkins_chart_quarter",
                "reliability_checkins_chart_month",
            ),
            &|v| w.count(v as usize),
            &series,
            &groups,
            true,
        )),
        table: period_table(
            w,
            r,
            w.per(
                "reliability_checkins_table_quarter",
                "reliability_checkins_table_month",
            ),
            &[
                w.get("reliability_checkins_due"),
                w.get("reliability_checkins_met"),
                w.get("reliability_checkins_missed"),
            ],
            |p| {
                let a = &p.actions;
                vec![
                    cell(w.count(a.checkins_due)),
                    cell(w.count(a.checkins_due - a.checkins_missed)),
                    cell(w.count(a.checkins_missed)),
                ]
            },
        ),
    }
}

fn side(w: Words, f: &WindowFigures) -> Vec<CellCtx> {
    let fig = &f.figures;
    let mut cells = vec![
        cell(w.count(fig.incidents)),
        cell(w.seconds(fig.mttd_mean_seconds)),
        cell(w.seconds(fig.mttr_mean_seconds)),
        cell(w.rate(fig.recurrence_rate)),
    ];
    cells.push(match &f.availability {
        Some(a) => CellCtx {
            text: w.uptime(a.uptime),
            breach: a.breach,
        },
        None => cell("–"),
    });
    cells
}

fn fix_rows(kit: &PageKit, w: Words, f: &FixReview) -> Vec<RowCtx> {
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
                w.t.fmt1("reliability_cause_scope", "cause", &ba.key)
            };
            let mut cells = vec![cell(kit.clock.date(f.completed).display), cell(name)];
            cells.extend(side(w, &ba.before));
            cells.extend(side(w, &ba.after));
            RowCtx {
                head: f.incident_title.clone(),
                url: kit.urls.incident(&f.incident),
                cells,
            }
        })
        .collect()
}

fn fixes_section(kit: &PageKit, w: Words, r: &Reliability) -> SectionCtx {
    // Latest completion first.
    let shown: Vec<&FixReview> = r.latest_fixes.iter().collect();
    let series = [
        w.series("before", "reliability_series_before"),
        w.series("after", "reliability_series_after"),
    ];
    // The axis labels keep the ISO date: short, and the same in every language.
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
    let mut head: Vec<String> = [
        "incident",
        "reliability_last_action_done",
        "reliability_for",
    ]
    .map(|k| w.get(k).to_string())
    .to_vec();
    for side in ["reliability_before", "reliability_after"] {
        for c in [
            "incidents",
            "reliability_mttd",
            "reliability_mttr",
            "reliability_recurrence",
            "availability",
        ] {
            head.push(w.t.fmt1(side, "column", w.get(c)));
        }
    }
    SectionCtx {
        id: "fixes".into(),
        title: w.get("reliability_fixes_title").into(),
        note: w.get("reliability_fixes_note").into(),
        chart: (!groups.is_empty()).then(|| {
            chart(
                w,
                w.get("reliability_fixes_chart").into(),
                &|v| w.count(v as usize),
                &series,
                &groups,
                false,
            )
        }),
        table: TableCtx {
            caption: w.get("reliability_fixes_table").into(),
            head,
            rows: shown.iter().flat_map(|f| fix_rows(kit, w, f)).collect(),
        },
    }
}

fn summary_cells(w: Words, f: &IncidentFigures) -> Vec<CellCtx> {
    vec![
        cell(w.count(f.incidents)),
        cell(w.seconds(f.mttd_mean_seconds)),
        cell(w.seconds(f.mttd_median_seconds)),
        cell(w.seconds(f.mttr_mean_seconds)),
        cell(w.seconds(f.mttr_median_seconds)),
        cell(w.rate(f.recurrence_rate)),
    ]
}

fn summary_head(w: Words, first: &'static str, extra: &[&str]) -> Vec<String> {
    let mut h: Vec<String> = [
        first,
        "incidents",
        "reliability_mttd_mean",
        "reliability_mttd_median",
        "reliability_mttr_mean",
        "reliability_mttr_median",
        "reliability_recurrence",
    ]
    .map(|k| w.get(k).to_string())
    .to_vec();
    h.extend(extra.iter().map(|s| s.to_string()));
    h
}

fn components_section(w: Words, r: &Reliability) -> SectionCtx {
    SectionCtx {
        id: "by-component".into(),
        title: w.get("reliability_by_component").into(),
        note: w.get("reliability_components_note").into(),
        chart: None,
        table: TableCtx {
            caption: w.get("reliability_components_table").into(),
            head: summary_head(
                w,
                "component",
                &[
                    w.get("all_time"),
                    &w.per(
                        "reliability_quarters_below_slo",
                        "reliability_months_below_slo",
                    ),
                ],
            ),
            rows: r
                .components
                .iter()
                .map(|c| {
                    let mut cells = summary_cells(w, &c.figures);
                    cells.push(cell(w.uptime(c.uptime_all)));
                    cells.push(cell(w.count(c.breached_periods)));
                    row(&c.name, cells)
                })
                .collect(),
        },
    }
}

fn causes_section(w: Words, r: &Reliability) -> SectionCtx {
    SectionCtx {
        id: "by-cause".into(),
        title: w.get("reliability_by_cause").into(),
        note: w.get("reliability_causes_note").into(),
        chart: None,
        table: TableCtx {
            caption: w.get("reliability_causes_table").into(),
            head: summary_head(w, "reliability_cause", &[w.get("reliability_repeated")]),
            rows: r
                .causes
                .iter()
                .map(|c| {
                    let mut cells = summary_cells(w, &c.figures);
                    cells.push(cell(w.count(c.figures.repeated)));
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
    let w = Words {
        t: kit.clock.texts,
        quarterly: matches!(r.granularity, Granularity::Quarter),
    };
    let names: Vec<&str> = kit
        .site
        .config
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let page = ReliabilityPage {
        title: kit.page_title(w.get("reliability_review")),
        canonical: kit.urls.absolute(&format!("{DIR}/")),
        nav: "uptime",
        draft: false,
        period: if w.quarterly { "quarter" } else { "month" },
        uptime_url: kit.urls.path("uptime/"),
        json_url: kit.urls.path(&format!("{DIR}/reliability.json")),
        downloads: std::iter::once(&("reliability.json", "reliability_file_json"))
            .chain(CSV_FILES)
            .map(|(name, what)| DownloadCtx {
                url: kit.urls.path(&format!("{DIR}/{name}")),
                name: (*name).to_string(),
                what: w.get(what).to_string(),
            })
            .collect(),
        sections: vec![
            impact_section(w, r),
            duration_section(w, r, true),
            duration_section(w, r, false),
            slo_section(w, r, &names),
            recurrence_section(w, r),
            actions_section(w, r),
            checkins_section(w, r),
            fixes_section(kit, w, r),
            components_section(w, r),
            causes_section(w, r),
        ],
        fixes_total: r.counts.fixes,
        fixes_shown: r.latest_fixes.len(),
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

    fn english() -> Words {
        Words {
            t: Texts::english(),
            quarterly: true,
        }
    }

    fn count(v: f64) -> String {
        english().count(v as usize)
    }

    #[test]
    fn stacked_and_side_by_side_bars_scale_to_the_top_value() {
        let w = english();
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
        let c = chart(w, "T".into(), &count, &series, &groups, true);
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
        let c = chart(w, "T".into(), &count, &series, &groups, false);
        assert_eq!(c.max_label, "3");
        assert_eq!(c.bars[1].x, "27.0");
        assert_eq!(c.labels.len(), 2);
        // Nothing to draw: no bars, a zero scale, and the text says so.
        let empty = vec![Group {
            label: "2026-Q1".into(),
            values: vec![0.0, 0.0],
        }];
        let c = chart(w, "T".into(), &count, &series, &empty, false);
        assert!(c.bars.is_empty());
        assert!(c.desc.contains("minor: none; major: none"), "{}", c.desc);
    }

    #[test]
    fn durations_and_rates_are_worded() {
        let w = english();
        assert_eq!(w.seconds(None), "–");
        assert_eq!(w.seconds(Some(5400.0)), "1 h 30 min");
        assert_eq!(w.rate(Some(2.0 / 3.0)), "66.6%");
        assert_eq!(w.rate(Some(1.0)), "100.0%");
        assert_eq!(w.rate(Some(0.0)), "0.0%");
        assert_eq!(w.decimal_percent(&format!("{:.1}", 12.25)), "12.2%");
        assert_eq!(w.uptime(None), "No data");
        let de = Words {
            t: Texts::resolve("de", &[]),
            quarterly: true,
        };
        assert_eq!(de.seconds(Some(5400.0)), "1 Std. 30 Min.");
        assert_eq!(de.rate(Some(2.0 / 3.0)), "66,6\u{a0}%");
        assert_eq!(de.uptime(None), "Keine Daten");
    }
}
