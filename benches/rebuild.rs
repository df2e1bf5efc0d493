//! How long `statusgen serve` takes to rebuild after one incident of a 1,000-incident
//! site is edited: the time from a change being seen to the new site being servable is
//! one in-memory build plus an Arc swap.
//!
//! `cargo bench --bench rebuild` (add `-- 5000` for another site size, or `-- DIR` to use
//! an existing site). The site is written by the corpus generator, `examples/gen-site.rs`.

#[path = "../examples/gen-site.rs"]
#[allow(dead_code, unused_imports)]
mod gen_site;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use statusgen::load::LoadOptions;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let arg = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let tmp = tempfile::tempdir().unwrap();
    let root = match &arg {
        Some(dir) if Path::new(dir).is_dir() => {
            // Edits go to a copy, never to the given site.
            let root = tmp.path().join("site");
            copy_dir(Path::new(dir), &root);
            root
        }
        _ => {
            let n = arg.and_then(|a| a.parse().ok()).unwrap_or(1000);
            let root = tmp.path().join("site");
            gen_site::run(&gen_site::Args {
                n,
                dir: root.clone(),
                seed: 1,
            })
            .unwrap();
            root
        }
    };
    let opts = LoadOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1111/status/".into()),
    };
    // The server's own build function, warmed by a first build as a running server is;
    // "now" is fixed to one minute, as the server truncates it to the minute.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let build = statusgen::serve::rebuilding_build();
    let (site, files, _) = statusgen::build::build_in_memory(&root, &opts, now)
        .unwrap_or_else(|d| panic!("the site does not build: {d:?}"));
    let cold = Instant::now();
    assert!(build(&root, &opts, now).is_ok());
    let cold = cold.elapsed();
    let n = site.incidents.len();
    let edited = root.join(&site.incidents[n / 2].source);
    let original = std::fs::read_to_string(&edited).unwrap();

    let runs = 15;
    let mut full = Vec::with_capacity(runs);
    let mut load = Vec::with_capacity(runs);
    let mut theme = Vec::with_capacity(runs);
    for i in 0..runs {
        std::fs::write(&edited, format!("{original}\nEdited again ({i}).\n")).unwrap();
        let t = Instant::now();
        let built = build(&root, &opts, now);
        full.push(t.elapsed());
        assert!(built.is_ok());
        let t = Instant::now();
        let loaded = statusgen::load::load_site(&root, &opts);
        load.push(t.elapsed());
        assert!(loaded.site.is_some());
        let t = Instant::now();
        let th = statusgen::render::theme::Theme::load(&root, &site.config.theme);
        theme.push(t.elapsed());
        assert!(th.is_ok());
    }
    println!(
        "{n} incidents, {} output files: first build {:.1} ms; rebuild after one edit (in memory) \
         median {:.1} ms (min {:.1}, max {:.1}); of which loading the content {:.1} ms, the theme {:.1} ms; {} runs",
        files.len(),
        cold.as_secs_f64() * 1e3,
        median(full.clone()).as_secs_f64() * 1e3,
        full.iter().min().unwrap().as_secs_f64() * 1e3,
        full.iter().max().unwrap().as_secs_f64() * 1e3,
        median(load).as_secs_f64() * 1e3,
        median(theme).as_secs_f64() * 1e3,
        runs
    );
}
