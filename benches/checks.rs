//! A year of 1-minute checks (525,600 rows, docs/checks.md): parsing the canonical CSV and
//! JSONL into columns, and deriving the measured figures from them.
//!
//! `cargo bench --bench checks`. The whole-build comparison with and without check
//! histories is `scripts/bench-checks.sh` (BENCHMARKS.md).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

use statusgen::load::checks::{Format, parse};
use statusgen::model::measured::component_measured;
use statusgen::site::checks::Checks;
use statusgen::site::{Component, Config, Site};

const ROWS: i64 = 525_600;

/// Minute checks from `start`, one failure in 997, responses from a cheap LCG.
fn year(start: DateTime<Utc>, jsonl: bool) -> String {
    let mut out = String::with_capacity(ROWS as usize * 60);
    if !jsonl {
        out.push_str("time,ok,response_ms,status_code,note\n");
    }
    let mut x: u64 = 42;
    for k in 0..ROWS {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let t = (start + chrono::TimeDelta::minutes(k)).format("%Y-%m-%dT%H:%M:%SZ");
        let ok = k % 997 != 0;
        let ms = 20 + (x >> 33) % 900;
        if jsonl {
            out.push_str(&format!(
                "{{\"time\":\"{t}\",\"ok\":{ok},\"response_ms\":{ms},\"status_code\":{}}}\n",
                if ok { 200 } else { 503 }
            ));
        } else {
            out.push_str(&format!("{t},{ok},{ms},{},\n", if ok { 200 } else { 503 }));
        }
    }
    out
}

fn checks(c: &mut Criterion) {
    let start = Utc.with_ymd_and_hms(2025, 11, 26, 12, 0, 0).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    let csv = year(start, false);
    let jsonl = year(start, true);
    let mut g = c.benchmark_group("checks");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("parse a year of csv", |b| {
        b.iter(|| {
            let mut d = Vec::new();
            black_box(parse(
                "api.csv",
                "api",
                Format::Csv,
                black_box(csv.as_bytes()),
                &mut d,
            ))
        })
    });
    g.bench_function("parse a year of jsonl", |b| {
        b.iter(|| {
            let mut d = Vec::new();
            black_box(parse(
                "api.jsonl",
                "api",
                Format::Jsonl,
                black_box(jsonl.as_bytes()),
                &mut d,
            ))
        })
    });
    let mut d = Vec::new();
    let series = Arc::new(parse("api.csv", "api", Format::Csv, csv.as_bytes(), &mut d));
    assert!(d.is_empty() && series.len() == ROWS as usize);
    let site = Site {
        root: ".".into(),
        config: Config::with_defaults(
            "Bench",
            "https://bench.test/",
            chrono_tz::Europe::Berlin,
            vec![Component::new("api", "API", 0)],
        ),
        incidents: Vec::new(),
        maintenance: Vec::new(),
        checks: Checks {
            series: vec![Arc::clone(&series)],
        },
    };
    g.bench_function("measured figures of a year", |b| {
        b.iter(|| {
            black_box(component_measured(
                &site,
                &site.config.components[0],
                &series,
                now,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, checks);
criterion_main!(benches);
