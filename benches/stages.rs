//! The build's stages one by one on a realistic generated site (`examples/gen-site.rs`,
//! 1,000 incidents by default; `STATUSGEN_BENCH_INCIDENTS=10000` for more): loading the
//! content, deriving the figures, rendering every file (compiled built-in templates, and
//! Tera as when a template is overridden) and writing the tree atomically.
//!
//! `cargo bench --bench stages`. The write stage writes under `STATUSGEN_BENCH_DIR`
//! (default: the system temp folder); use a tmpfs such as /dev/shm to keep the disk out.

#[path = "../examples/gen-site.rs"]
#[allow(dead_code, unused_imports)]
mod gen_site;

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

use statusgen::build::render_with_theme;
use statusgen::load::{LoadOptions, load_site};
use statusgen::model::{metrics, uptime};
use statusgen::output::Staging;
use statusgen::render::theme::Theme;

fn stages(c: &mut Criterion) {
    let n = std::env::var("STATUSGEN_BENCH_INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let tmp = match std::env::var_os("STATUSGEN_BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .unwrap();
    let root = tmp.path().join("site");
    gen_site::run(&gen_site::Args {
        n,
        dir: root.clone(),
        seed: 1,
    })
    .unwrap();
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .into();
    let opts = LoadOptions::default();
    let site = load_site(&root, &opts)
        .site
        .expect("the generated site loads");
    let theme = Theme::load(&root, &site.config.theme).unwrap();
    let files = render_with_theme(&site, now, &theme, None).unwrap();

    let mut g = c.benchmark_group(format!("{n} incidents"));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("load", |b| b.iter(|| black_box(load_site(&root, &opts))));
    g.bench_function("derive", |b| {
        b.iter(|| {
            let figures = uptime::component_figures(&site, now);
            black_box((figures, metrics::metrics(&site, now)))
        })
    });
    g.bench_function("render (compiled templates)", |b| {
        b.iter(|| black_box(render_with_theme(&site, now, &theme, None).unwrap()))
    });
    let tera = Theme::load(&root, &site.config.theme).unwrap().tera_only();
    g.bench_function("render (Tera)", |b| {
        b.iter(|| black_box(render_with_theme(&site, now, &tera, None).unwrap()))
    });
    let out = tmp.path().join("public");
    g.bench_function("write", |b| {
        b.iter(|| {
            let (count, retired) = Staging::create(&root, &out)
                .unwrap()
                .finish(&files)
                .unwrap();
            assert!(retired.remove().is_empty());
            count
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
