//! Posting a JSON body to a webhook, with a timeout, bounded retries with exponential
//! backoff on 5xx answers and connection errors, and 429's `Retry-After` honoured.
//! Failures are described without the URL: it is a secret.

use std::time::Duration;

/// How hard to try. `base` doubles after every failed attempt.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts per message, the first included.
    pub attempts: u32,
    pub base: Duration,
    /// The longest `Retry-After` this run waits; a longer one leaves the message for
    /// the next run.
    pub max_retry_after: Duration,
    /// Per request, connecting included.
    pub timeout: Duration,
}

/// Overrides [`Retry::base`] in milliseconds. Undocumented for users: it exists so the
/// integration tests exercise real retries without sleeping for seconds.
pub const BASE_ENV: &str = "STATUSGEN_NOTIFY_RETRY_BASE_MS";

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            base: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Retry {
    pub fn from_env() -> Retry {
        let mut r = Retry::default();
        if let Some(ms) = std::env::var(BASE_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            r.base = Duration::from_millis(ms);
        }
        r
    }

    /// The wait after failed attempt `n` (1-based).
    pub fn backoff(&self, n: u32) -> Duration {
        self.base * 2u32.saturating_pow(n.saturating_sub(1).min(16))
    }
}

pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        // A webhook that redirects is misconfigured; following it would turn the POST
        // into a GET elsewhere.
        .max_redirects(0)
        .user_agent(concat!("statusgen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

enum Attempt {
    Done,
    /// Try again after this long.
    Again(Duration, String),
    Fail(String),
}

/// A transport error in words, without the URL (some of ureq's errors quote it).
fn describe(e: &ureq::Error) -> (bool, String) {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => (true, "no answer within the timeout".into()),
        E::HostNotFound => (true, "the host name does not resolve".into()),
        E::ConnectionFailed => (true, "cannot connect".into()),
        E::Io(io) => (true, format!("connection error: {}", io.kind())),
        E::Protocol(_) => (true, "the server's answer is not valid HTTP".into()),
        E::Tls(what) => (true, format!("TLS error: {what}")),
        E::BadUri(_) | E::Http(_) => (false, "the URL is not a valid http(s) URL".into()),
        _ => (false, "the request failed".into()),
    }
}

fn attempt(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, String)],
    body: &str,
    retry: &Retry,
    n: u32,
) -> Attempt {
    let mut req = agent.post(url);
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    match req.send(body.as_bytes()) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            if (200..300).contains(&status) {
                return Attempt::Done;
            }
            if status == 429 {
                let after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                return match after {
                    Some(d) if d > retry.max_retry_after => Attempt::Fail(format!(
                        "rate limited (429) for {} s, longer than this run waits",
                        d.as_secs()
                    )),
                    Some(d) => Attempt::Again(d, "rate limited (429)".into()),
                    None => Attempt::Again(retry.backoff(n), "rate limited (429)".into()),
                };
            }
            let said: String = resp
                .body_mut()
                .with_config()
                .limit(4096)
                .read_to_string()
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let what = if said.trim().is_empty() {
                format!("the server answered {status}")
            } else {
                format!("the server answered {status}: {}", said.trim())
            };
            if status >= 500 {
                Attempt::Again(retry.backoff(n), what)
            } else {
                Attempt::Fail(what)
            }
        }
        Err(e) => {
            let (again, what) = describe(&e);
            if again {
                Attempt::Again(retry.backoff(n), what)
            } else {
                Attempt::Fail(what)
            }
        }
    }
}

/// Posts `body`; `Ok(attempts)` once a 2xx came back, else why not (never the URL).
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, String)],
    body: &str,
    retry: &Retry,
) -> Result<u32, String> {
    let mut n = 1;
    loop {
        match attempt(agent, url, headers, body, retry, n) {
            Attempt::Done => return Ok(n),
            Attempt::Fail(what) => return Err(format!("{what} (attempt {n})")),
            Attempt::Again(_, what) if n >= retry.attempts => {
                return Err(format!("{what} (after {n} attempts)"));
            }
            Attempt::Again(wait, _) => {
                std::thread::sleep(wait);
                n += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles() {
        let r = Retry {
            base: Duration::from_millis(10),
            ..Retry::default()
        };
        assert_eq!(r.backoff(1), Duration::from_millis(10));
        assert_eq!(r.backoff(3), Duration::from_millis(40));
    }

    #[test]
    fn a_refused_connection_is_retried_then_reported_without_the_url() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let r = Retry {
            attempts: 2,
            base: Duration::from_millis(1),
            ..Retry::default()
        };
        let url = format!("http://127.0.0.1:{port}/hooks/SECRET-TOKEN");
        let e = post(&agent(r.timeout), &url, &[], "{}", &r).unwrap_err();
        assert!(e.contains("after 2 attempts"), "{e}");
        assert!(!e.contains("SECRET"), "{e}");
    }
}
