//! Derivation speed on a large synthetic site: 10,000 incidents over 50 components and
//! five years, Europe/Berlin. Run: `cargo bench --bench derive`.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

use statusgen::model::{metrics, reliability, uptime};
use statusgen::site::{
    Action, Affected, Component, Config, FeedsConfig, Incident, Maintenance, PostmortemConfig,
    Site, UptimeConfig,
};
use statusgen::vocabulary::{ActionStatus, Level};

const INCIDENTS: usize = 10_000;
const COMPONENTS: usize = 50;
const YEARS: i64 = 5;

/// A small deterministic generator (xorshift), so every run measures the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn synthetic_site(now: DateTime<Utc>) -> Site {
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let span_minutes = YEARS * 365 * 1440;
    let first = now - TimeDelta::minutes(span_minutes);
    let components: Vec<Component> = (0..COMPONENTS)
        .map(|n| Component {
            id: format!("c{n:02}"),
            name: format!("Component {n}"),
            group: (n % 3 != 0).then(|| format!("Group {}", n % 5)),
            description: None,
            slo: [99.9, 99.95, 99.5][n % 3],
            since: (n % 7 == 0).then(|| NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()),
            position: n,
        })
        .collect();
    let levels = [
        Level::MajorOutage,
        Level::PartialOutage,
        Level::DegradedPerformance,
    ];
    let mut incidents: Vec<Incident> = (0..INCIDENTS)
        .map(|n| {
            let started = first + TimeDelta::minutes(rng.below(span_minutes as u64) as i64);
            let detected = started + TimeDelta::minutes(rng.below(20) as i64);
            let resolved = (n % 2000 != 0)
                .then(|| detected + TimeDelta::minutes(5 + rng.below(360) as i64))
                .filter(|r| *r <= now);
            let affected = (0..1 + rng.below(3))
                .map(|_| Affected {
                    id: format!("c{:02}", rng.below(COMPONENTS as u64)),
                    level: levels[rng.below(3) as usize],
                })
                .collect();
            let actions = (0..rng.below(3))
                .map(|k| Action {
                    what: format!("Action {k}"),
                    owner: Some("SRE team".into()),
                    due: Some(started.date_naive() + TimeDelta::days(30)),
                    status: [ActionStatus::Planned, ActionStatus::Done][k as usize % 2],
                    done: (k % 2 == 1).then(|| started.date_naive() + TimeDelta::days(20)),
                    line: 10 + k as usize,
                })
                .collect();
            Incident {
                source: format!("content/incidents/incident-{n:05}.md"),
                title: format!("Incident {n}"),
                detected,
                cause: Some(format!("cause-{}", rng.below(40))),
                components: affected,
                actions,
                ..Incident::new(&format!("incident-{n:05}"), started, resolved)
            }
        })
        .collect();
    incidents.sort_by(|a, b| (b.started, &b.slug).cmp(&(a.started, &a.slug)));
    let maintenance: Vec<Maintenance> = (0..200)
        .map(|n| {
            let starts = first + TimeDelta::minutes(rng.below(span_minutes as u64) as i64);
            Maintenance {
                source: String::new(),
                title: format!("Maintenance {n}"),
                components: vec![format!("c{:02}", rng.below(COMPONENTS as u64))],
                ..Maintenance::new(
                    &format!("maintenance-{n:03}"),
                    starts,
                    starts + TimeDelta::hours(2),
                )
            }
        })
        .collect();
    Site {
        root: ".".into(),
        config: Config {
            title: "Bench".into(),
            base_url: "https://bench.test/".into(),
            description: String::new(),
            timezone: chrono_tz::Europe::Berlin,
            language: "en".into(),
            i18n: Vec::new(),
            theme: "default".into(),
            uptime: UptimeConfig {
                days: 90,
                slo: 99.9,
                partial_outage_weight: 0.3,
                count_maintenance: true,
            },
            feeds: FeedsConfig { limit: 50 },
            postmortem: PostmortemConfig {
                due_hours: 72,
                ..PostmortemConfig::default()
            },
            notify: Vec::new(),
            brand: Default::default(),
            announcement: None,
            checks: Default::default(),
            components,
        },
        incidents,
        maintenance,
        checks: Default::default(),
    }
}

fn derive(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 4, 15, 12, 0, 0).unwrap();
    let site = synthetic_site(now);
    c.bench_function(
        "uptime_report + metrics (10k incidents, 50 components, 5 y)",
        |b| {
            b.iter(|| {
                let figures = uptime::component_figures(black_box(&site), now);
                let report = uptime::UptimeReport::from_figures(&site, &figures, now);
                let m = metrics::metrics(black_box(&site), now);
                black_box((figures, report, m))
            })
        },
    );
    c.bench_function("uptime_report only", |b| {
        b.iter(|| black_box(uptime::uptime_report(black_box(&site), now)))
    });
    c.bench_function("metrics only", |b| {
        b.iter(|| black_box(metrics::metrics(black_box(&site), now)))
    });
    // The reliability review from figures and recurrence already derived, as in a build.
    let figures = uptime::component_figures(&site, now);
    let recurrence = metrics::recurrence(&site.incidents, now);
    c.bench_function("reliability review only", |b| {
        b.iter(|| {
            black_box(reliability::reliability(
                black_box(&site),
                &figures,
                &recurrence,
                now,
            ))
        })
    });
}

criterion_group!(benches, derive);
criterion_main!(benches);
