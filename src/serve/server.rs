//! The preview server's connections: hyper's HTTP/1 on a small tokio runtime, with the
//! limits that keep it answering whatever clients do.
//!
//! - At most [`Limits::max_connections`] connections, derived from the process's file
//!   descriptor limit, so accepting never runs the process out of descriptors. When all
//!   are taken, connections that have been quiet for [`Limits::shed_after`] are closed
//!   (requests in flight finish), so a crowd of idle sockets cannot lock others out.
//! - Request line and headers together fit in [`MAX_HEAD`] bytes, at most
//!   [`MAX_HEADERS`] headers, read within [`Limits::header_read`]; request bodies are
//!   refused (see `http.rs`). A huge request is answered with an error, never buffered.
//! - A connection with no progress either way for [`Limits::idle`] is closed (live-reload
//!   streams send a keep-alive well within it).
//! - Accept errors (out of descriptors, a connection reset before it was accepted) are
//!   reported once in a while and retried after a pause; the listener never closes.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};

use super::host::HostGuard;
use super::http::{self, State};

/// Request line plus headers, in bytes (hyper's smallest allowed buffer is 8 KiB).
pub const MAX_HEAD: usize = 16 * 1024;
pub const MAX_HEADERS: usize = 64;
/// The listen backlog: connections waiting while all slots are taken queue here.
const BACKLOG: i32 = 1024;
/// Descriptors kept free for everything else the process opens (the build reads files).
const RESERVED_FDS: u64 = 128;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// A connection without any progress for this long is closed.
    pub idle: Duration,
    /// The whole request head must arrive within this.
    pub header_read: Duration,
    /// When every slot is taken, connections quiet for this long are closed.
    pub shed_after: Duration,
}

impl Limits {
    /// Limits that fit this process's file descriptor limit (`ulimit -n`).
    pub fn for_this_process() -> Limits {
        let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(4096);
        Limits {
            max_connections: soft.saturating_sub(RESERVED_FDS).clamp(32, 4096) as usize,
            idle: Duration::from_secs(30),
            header_read: Duration::from_secs(10),
            shed_after: Duration::from_secs(1),
        }
    }
}

/// Starts serving `listener` on a thread of its own; returns once the thread runs.
pub fn spawn(
    listener: std::net::TcpListener,
    state: Arc<State>,
    guard: HostGuard,
    limits: Limits,
) -> io::Result<()> {
    // A longer queue for connections waiting for a slot (Linux re-reads the backlog).
    let _ = rustix::net::listen(&listener, BACKLOG);
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("statusgen-http")
        .enable_io()
        .enable_time()
        .build()?;
    std::thread::Builder::new()
        .name("statusgen-accept".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => accept_loop(listener, state, guard, limits).await,
                    Err(e) => eprintln!("error: cannot serve: {e}"),
                }
            })
        })?;
    Ok(())
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    guard: HostGuard,
    limits: Limits,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    // Bumped to ask quiet connections to close.
    let (shed, shed_rx) = watch::channel(0u64);
    let mut last_warning: Option<Instant> = None;
    loop {
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => loop {
                shed.send_modify(|n| *n += 1);
                let wait =
                    tokio::time::timeout(Duration::from_millis(250), slots.clone().acquire_owned());
                if let Ok(Ok(p)) = wait.await {
                    break p;
                }
            },
        };
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    eprintln!("warning: serve: cannot accept a connection: {e}; retrying");
                    last_warning = Some(Instant::now());
                }
                if is_out_of_resources(&e) {
                    shed.send_modify(|n| *n += 1);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                } else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                continue;
            }
        };
        let conn = Connection {
            state: state.clone(),
            guard,
            limits,
            shed: shed_rx.clone(),
        };
        tokio::spawn(async move {
            conn.run(tcp).await;
            drop(permit);
        });
    }
}

fn is_out_of_resources(e: &io::Error) -> bool {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM.
    matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12))
}

struct Connection {
    state: Arc<State>,
    guard: HostGuard,
    limits: Limits,
    shed: watch::Receiver<u64>,
}

impl Connection {
    async fn run(mut self, tcp: TcpStream) {
        let _ = tcp.set_nodelay(true);
        let activity = Arc::new(Activity::now());
        let io = TokioIo::new(Watched {
            io: tcp,
            activity: activity.clone(),
        });
        let state = self.state.clone();
        let guard = self.guard;
        let service = service_fn(move |req| {
            let reply = http::respond(&req, &state, &guard);
            async move { Ok::<_, Infallible>(reply) }
        });
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read)
            .max_buf_size(MAX_HEAD)
            .max_headers(MAX_HEADERS)
            .serve_connection(io, service);
        tokio::pin!(conn);
        let mut closing = false;
        let mut shed_open = true;
        loop {
            let deadline = activity.last() + self.limits.idle;
            tokio::select! {
                // Errors are clients' mistakes (hung up, malformed); hyper answered them.
                _ = conn.as_mut() => return,
                changed = self.shed.changed(), if shed_open && !closing => {
                    shed_open = changed.is_ok();
                    if activity.quiet_for() >= self.limits.shed_after {
                        // Closes an idle connection now; one mid-request after its reply.
                        conn.as_mut().graceful_shutdown();
                        closing = true;
                    }
                }
                _ = tokio::time::sleep_until(deadline.into()) => {
                    if activity.quiet_for() >= self.limits.idle {
                        return;
                    }
                }
            }
        }
    }
}

/// When a connection last moved a byte either way.
struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: AtomicU64,
}

impl Activity {
    fn now() -> Activity {
        Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.last.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }

    fn quiet_for(&self) -> Duration {
        self.last().elapsed()
    }
}

/// A socket that records progress in an [`Activity`].
struct Watched {
    io: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_leave_room_under_the_descriptor_limit() {
        let l = Limits::for_this_process();
        let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(u64::MAX);
        assert!((l.max_connections as u64) < soft.max(RESERVED_FDS + 32));
        assert!(l.shed_after < l.idle && reload_keepalive() < l.idle);
    }

    fn reload_keepalive() -> Duration {
        super::super::reload::KEEPALIVE
    }
}
