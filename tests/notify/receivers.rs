//! The loopback receivers of tests/notify.rs: an HTTP server (a thread) that records
//! every request and answers what a test scripts, and a real SMTP server (aiosmtpd,
//! smtp_sink.py) that stores every message.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- HTTP receiver

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
    pub at: Instant,
}

impl Request {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// A status code and an extra header to answer with.
type Answer = (u16, Option<(String, String)>);

#[derive(Default)]
struct Script {
    /// Per path, answers to give in turn; then 200.
    answers: HashMap<String, VecDeque<Answer>>,
    /// Per path, a status given to every request until changed.
    always: HashMap<String, u16>,
    seen: Vec<Request>,
}

pub struct Receiver {
    port: u16,
    script: Arc<Mutex<Script>>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let script = Arc::new(Mutex::new(Script::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (Arc::clone(&script), Arc::clone(&stop));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    handle(conn, &s);
                }
            }
        });
        Receiver { port, script, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    pub fn answer(&self, path: &str, status: u16, header: Option<(&str, &str)>) {
        self.script
            .lock()
            .unwrap()
            .answers
            .entry(format!("/{path}"))
            .or_default()
            .push_back((status, header.map(|(k, v)| (k.into(), v.into()))));
    }

    pub fn always(&self, path: &str, status: Option<u16>) {
        let mut s = self.script.lock().unwrap();
        match status {
            Some(code) => s.always.insert(format!("/{path}"), code),
            None => s.always.remove(&format!("/{path}")),
        };
    }

    /// Requests to `path`, taken out of the log.
    pub fn take(&self, path: &str) -> Vec<Request> {
        let mut s = self.script.lock().unwrap();
        let (mine, rest): (Vec<Request>, Vec<Request>) = std::mem::take(&mut s.seen)
            .into_iter()
            .partition(|r| r.path == format!("/{path}"));
        s.seen = rest;
        mine
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(mut conn: TcpStream, script: &Mutex<Script>) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let (status, extra) = {
        let mut s = script.lock().unwrap();
        s.seen.push(Request {
            path: path.clone(),
            headers,
            body: String::from_utf8(body).unwrap(),
            at: Instant::now(),
        });
        match s.always.get(&path) {
            Some(code) => (*code, None),
            None => s
                .answers
                .get_mut(&path)
                .and_then(VecDeque::pop_front)
                .unwrap_or((200, None)),
        }
    };
    let extra = extra
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .unwrap_or_default();
    let text = if status == 200 { "ok" } else { "no" };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{text}",
        text.len()
    );
}

// ---------------------------------------------------------------- SMTP server

pub struct Smtp {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Smtp {
    pub fn start(dir: &Path) -> Smtp {
        Smtp::start_with(dir, &[])
    }

    /// With `--starttls` or `--tls` (see smtp_sink.py).
    pub fn start_with(dir: &Path, args: &[&str]) -> Smtp {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notify/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs (install aiosmtpd with scripts/install-test-deps.sh)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("the SMTP sink did not start: {line:?}"))
            .parse()
            .unwrap();
        Smtp {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The envelope recipients of the newest stored message.
    pub fn last_recipients(&self) -> Vec<String> {
        self.last_envelope()["to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What smtp_sink.py recorded about the newest message: envelope, login, TLS.
    pub fn last_envelope(&self) -> serde_json::Value {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        let last = names.last().expect("a stored message");
        serde_json::from_str(&std::fs::read_to_string(last).unwrap()).unwrap()
    }

    /// Every stored message, oldest first, moved aside so the next call sees new ones.
    pub fn take(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                std::fs::rename(&p, p.with_extension("seen")).unwrap();
                text
            })
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
