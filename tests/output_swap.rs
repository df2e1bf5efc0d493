//! The output swap with real processes: builds killed with SIGKILL at random points,
//! and builds racing into one output. The next build always leaves one complete output
//! and nothing else.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{NOW, build, copy_fixture, stderr, tree};

/// The basic fixture plus `n` generated incidents, so a build takes a while.
fn big_site(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, site) = copy_fixture("basic");
    let dir = site.join("content/incidents/generated");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        std::fs::write(
            dir.join(format!("2025-01-01-gen-{i}.md")),
            format!(
                "+++\ntitle = \"Generated {i}\"\nimpact = \"minor\"\nstarted = 2025-01-01T10:00:00\ncomponents = [\"api\"]\n\n[[updates]]\nat = 2025-01-01T10:00:00\nstatus = \"resolved\"\nmessage = \"Done {i}.\"\n+++\n\nBody {i}.\n"
            ),
        )
        .unwrap();
    }
    (tmp, site)
}

/// Names in `dir` other than the output folder itself.
fn others(dir: &Path, out: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != out && n != "site")
        .collect()
}

fn spawn_build(site: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_statusgen"))
        .args(["build", "--now", NOW, "--root"])
        .arg(site)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killed_builds_leave_the_old_output_and_the_next_build_cleans_up() {
    let (tmp, site) = big_site(600);
    let out = tmp.path().join("public");
    let first = build(&site, &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let complete = tree(&out);
    let mut killed_mid_write = 0;
    for attempt in 0..6 {
        let mut child = spawn_build(&site, &out);
        // Kill once the new tree exists (mid-write); later attempts kill at once.
        let end = Instant::now() + Duration::from_secs(30);
        if attempt < 4 {
            while others(tmp.path(), "public").is_empty()
                && child.try_wait().unwrap().is_none()
                && Instant::now() < end
            {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        if child.try_wait().unwrap().is_none() && !others(tmp.path(), "public").is_empty() {
            killed_mid_write += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        // Whatever the moment, the output is a complete site (old or new).
        assert_eq!(tree(&out), complete, "attempt {attempt}");
    }
    assert!(killed_mid_write > 0, "no build was caught mid-write");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tree(&out), complete);
    assert_eq!(others(tmp.path(), "public"), Vec::<String>::new());
}

#[test]
fn concurrent_builds_into_one_output_all_succeed() {
    let (tmp, site) = big_site(50);
    let out = tmp.path().join("public");
    let children: Vec<_> = (0..6).map(|_| spawn_build(&site, &out)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let reference = tmp.path().join("reference");
    assert!(build(&site, &reference, &[]).status.success());
    assert_eq!(tree(&out), tree(&reference));
    std::fs::remove_dir_all(&reference).unwrap();
    assert_eq!(others(tmp.path(), "public"), Vec::<String>::new());
}

/// A mount point (a Docker volume) as output is refused before anything is built. The
/// mount is made in a private mount namespace (`unshare`), as root or in a user namespace.
#[test]
fn a_mount_point_as_output_is_refused_clearly() {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("volume");
    std::fs::create_dir_all(&out).unwrap();
    let bin = env!("CARGO_BIN_EXE_statusgen");
    let script = format!(
        "mount -t tmpfs none '{out}' || exit 97; '{bin}' build --root '{site}' --output '{out}' --now {NOW}; echo \"exit=$?\"; ls -A '{out}'",
        out = out.display(),
        site = site.display(),
    );
    let root = rustix::process::geteuid().is_root();
    let mut cmd = Command::new("unshare");
    cmd.args(if root { &["-m"][..] } else { &["-r", "-m"][..] });
    let o = cmd.args(["sh", "-c", &script]).output();
    let Ok(o) = o else {
        eprintln!(
            "note: unshare is not installed; the mount-point check is covered by unit tests only"
        );
        return;
    };
    if o.status.code() == Some(97) || !o.status.success() && o.stdout.is_empty() {
        eprintln!(
            "note: cannot mount in a private namespace here ({}); the mount-point check is covered by unit tests only",
            String::from_utf8_lossy(&o.stderr).trim()
        );
        return;
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stdout.contains("exit=2"), "{stdout}\n{stderr}");
    assert!(stderr.contains("is a mount point"), "{stderr}");
    assert!(stderr.contains("use a folder inside it"), "{stderr}");
    // Nothing was written into the volume, and nothing beside it.
    assert!(stdout.trim_end().ends_with("exit=2"), "{stdout}");
    assert_eq!(others(tmp.path(), "volume"), Vec::<String>::new());
}
