//! `statusgen serve` under hostile load, over real HTTP on loopback: the real binary, run
//! with `ulimit -n 1024` (set for the child only), must keep answering during and after
//! thousands of idle and concurrent connections, refuse foreign Host/Origin headers, and
//! answer a huge request without holding on to it.
//!
//! Nothing here is timed: every wait polls for a condition with a generous deadline.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "tests/fixtures/serve-site";
const FD_LIMIT: u64 = 1024;
const IDLE: usize = 2000;
const CONCURRENT: usize = 2000;
const DEADLINE: Duration = Duration::from_secs(60);

/// This test process needs more descriptors than the server gets.
fn raise_own_fd_limit(want: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let hard = now.maximum.unwrap_or(u64::MAX);
    assert!(
        hard >= want,
        "this test needs `ulimit -Hn` >= {want} for its own client sockets (it is {hard})"
    );
    if now.current.is_some_and(|c| c < want) {
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: now.maximum,
            },
        )
        .unwrap();
    }
}

struct Serve {
    child: Child,
    addr: SocketAddr,
    _tmp: tempfile::TempDir,
}

impl Serve {
    fn start() -> Serve {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        common::copy_dir(Path::new(FIXTURE), &root);
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_statusgen"));
        cmd.args(["serve", "--bind", "localhost", "--root"])
            .arg(&root)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: setrlimit is a plain system call, safe between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let limit = rustix::process::Rlimit {
                    current: Some(FD_LIMIT),
                    maximum: Some(FD_LIMIT),
                };
                rustix::process::setrlimit(rustix::process::Resource::Nofile, limit)
                    .map_err(std::io::Error::from)
            });
        }
        let child = cmd.spawn().unwrap();
        let mut s = Serve {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            _tmp: tmp,
        };
        let end = Instant::now() + DEADLINE;
        while request(s.addr, "GET /status/ HTTP/1.1", "localhost").is_none() {
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("serve exited with {status}");
            }
            assert!(Instant::now() < end, "serve never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on a fresh connection; the status, or `None` when no answer came.
fn request(addr: SocketAddr, line: &str, host: &str) -> Option<u16> {
    request_with(
        addr,
        &format!("{line}\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

fn request_with(addr: SocketAddr, raw: &str) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    s.set_read_timeout(Some(DEADLINE)).ok()?;
    s.write_all(raw.as_bytes()).ok()?;
    status_of(&mut s)
}

fn status_of(s: &mut TcpStream) -> Option<u16> {
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Polls until a normal page request is answered 200.
fn answers_normally(addr: SocketAddr, what: &str) {
    let end = Instant::now() + DEADLINE;
    loop {
        if request(addr, "GET /status/ HTTP/1.1", &addr.to_string()) == Some(200) {
            return;
        }
        assert!(Instant::now() < end, "no answer {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens `n` connections that send nothing, from several threads.
fn open_idle(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let threads = 20;
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                (0..n / threads)
                    .filter_map(|_| {
                        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

/// `n` requests in flight at once: every thread opens its share of connections, sends
/// every request, then reads every answer. Returns the statuses (0: no answer).
fn concurrent_gets(addr: SocketAddr, n: usize) -> Vec<u16> {
    let threads = 50;
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                let mut conns: Vec<Option<TcpStream>> = (0..n / threads)
                    .map(|_| {
                        let mut s = TcpStream::connect_timeout(&addr, DEADLINE).ok()?;
                        s.set_read_timeout(Some(DEADLINE)).ok()?;
                        let req = format!(
                            "GET /status/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                        );
                        s.write_all(req.as_bytes()).ok()?;
                        Some(s)
                    })
                    .collect();
                conns
                    .iter_mut()
                    .map(|c| c.as_mut().and_then(status_of).unwrap_or(0))
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

#[test]
fn serve_keeps_answering_under_idle_and_concurrent_crowds_with_1024_descriptors() {
    raise_own_fd_limit(4 * (IDLE + CONCURRENT) as u64);
    let mut serve = Serve::start();
    let addr = serve.addr;

    // 2,000 sockets that never send a byte: more than the server has descriptors.
    let idle = open_idle(addr, IDLE);
    assert!(
        idle.len() > FD_LIMIT as usize,
        "only {} connected",
        idle.len()
    );
    answers_normally(addr, "while 2,000 idle connections are open");

    // 2,000 requests at once, the idle crowd still connected.
    let statuses = concurrent_gets(addr, CONCURRENT);
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    assert_eq!(
        ok,
        CONCURRENT,
        "answered 200: {ok}; others: {:?}",
        statuses
            .iter()
            .filter(|&&s| s != 200)
            .take(20)
            .collect::<Vec<_>>()
    );
    drop(idle);
    answers_normally(addr, "after the crowds left");
    assert!(serve.alive());
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let serve = Serve::start();
    let addr = serve.addr;
    let port = addr.port();
    let get = "GET /status/ HTTP/1.1";
    assert_eq!(request(addr, get, &format!("localhost:{port}")), Some(200));
    assert_eq!(request(addr, get, &format!("127.0.0.1:{port}")), Some(200));
    // DNS rebinding: the attacker's name reaches 127.0.0.1.
    assert_eq!(
        request(addr, get, &format!("attacker.example:{port}")),
        Some(403)
    );
    assert_eq!(request(addr, "GET /status/ HTTP/1.0", ""), Some(403));
    let raw = format!(
        "GET /__statusgen/events HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: https://attacker.example\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(request_with(addr, &raw), Some(403));
    let raw = format!(
        "GET /status/ HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(request_with(addr, &raw), Some(200));
    let raw = format!(
        "GET /status/ HTTP/1.1\r\nHost: localhost:{port}\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(request_with(addr, &raw), Some(403));
}

/// Streams `total` bytes of request line; returns the status if one came back.
fn huge_request(addr: SocketAddr, prefix: &str, total: usize) -> Option<u16> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let _ = s.write_all(prefix.as_bytes());
    let mut sent = 0;
    while sent < total {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            // The server answered and closed: the rest is never read.
            Err(e) if matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset) => {
                break;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    status_of(&mut s)
}

#[test]
fn huge_requests_are_refused_without_growing() {
    let mut serve = Serve::start();
    let addr = serve.addr;
    let before = serve.rss_kib();
    // A 600 MB request line, a 600 MB header, and a 600 MB body.
    let line = huge_request(addr, "GET /", 600 << 20);
    assert!(matches!(line, Some(400 | 414 | 431) | None), "{line:?}");
    let header = huge_request(
        addr,
        &format!("GET /status/ HTTP/1.1\r\nHost: {addr}\r\nX-Big: "),
        600 << 20,
    );
    assert!(matches!(header, Some(400 | 431) | None), "{header:?}");
    let body = huge_request(
        addr,
        &format!(
            "POST /status/ HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n",
            600u64 << 20
        ),
        600 << 20,
    );
    assert!(matches!(body, Some(405 | 413) | None), "{body:?}");
    let get_body = request_with(
        addr,
        &format!("GET /status/ HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5\r\n\r\nhello"),
    );
    assert_eq!(get_body, Some(413));
    answers_normally(addr, "after huge requests");
    let after = serve.rss_kib();
    assert!(
        after < before + 32 * 1024,
        "the server grew from {before} KiB to {after} KiB"
    );
    assert!(serve.alive());
}

#[test]
fn live_reload_clients_are_capped() {
    let serve = Serve::start();
    let addr = serve.addr;
    let subscribe = || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        let req = format!("GET /__statusgen/events HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        let status: u16 = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
        (status, s)
    };
    let streams: Vec<_> = (0..64).map(|_| subscribe()).collect();
    assert!(streams.iter().all(|(s, _)| *s == 200));
    assert_eq!(subscribe().0, 503);
    answers_normally(addr, "with every live-reload slot taken");
    drop(streams);
    let end = Instant::now() + DEADLINE;
    // The slots come back once the server notices the streams are gone.
    while subscribe().0 != 200 {
        assert!(Instant::now() < end, "live-reload slots never came back");
        std::thread::sleep(Duration::from_millis(200));
    }
}
