//! Which `Host` and `Origin` headers the preview server answers.
//!
//! A page on any web site can make a browser send requests to `127.0.0.1:1111`, and a
//! DNS-rebinding page (`attacker.example` re-pointed at 127.0.0.1) can even read the
//! answers, drafts included. Such requests carry the attacker's name in `Host` (and
//! `Origin`), so only names that mean "this server" are answered: `localhost` on a
//! loopback or wildcard bind, and IP literals of the bound address, each with the bound
//! port. Everything else gets 403.

use std::net::{IpAddr, SocketAddr};

/// Why a request was refused; shown in the 403 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingHost,
    ForeignHost,
    ForeignOrigin,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::MissingHost => "forbidden: the request has no Host header\n",
            Refusal::ForeignHost => {
                "forbidden: the Host header does not name this server; open it as http://localhost:PORT/ or by the address it listens on\n"
            }
            Refusal::ForeignOrigin => {
                "forbidden: requests from pages of other sites are not answered\n"
            }
        }
    }
}

/// The names this server answers to, from the address it is bound to.
#[derive(Debug, Clone, Copy)]
pub struct HostGuard {
    bound: SocketAddr,
}

impl HostGuard {
    pub fn new(bound: SocketAddr) -> HostGuard {
        HostGuard { bound }
    }

    /// Checks a request's `Host` and (when present) `Origin` headers, raw bytes.
    pub fn check(&self, host: Option<&[u8]>, origin: Option<&[u8]>) -> Result<(), Refusal> {
        let host = host.ok_or(Refusal::MissingHost)?;
        if !self.names_us(host) {
            return Err(Refusal::ForeignHost);
        }
        if let Some(origin) = origin {
            let ok = origin
                .strip_prefix(b"http://")
                .is_some_and(|authority| self.names_us(authority));
            if !ok {
                return Err(Refusal::ForeignOrigin);
            }
        }
        Ok(())
    }

    /// Whether `authority` (`host[:port]`) is this server.
    fn names_us(&self, authority: &[u8]) -> bool {
        let Ok(authority) = std::str::from_utf8(authority) else {
            return false;
        };
        let Some((name, port)) = split_authority(authority) else {
            return false;
        };
        let port_ok = match port {
            Some(p) => p == self.bound.port(),
            None => self.bound.port() == 80,
        };
        port_ok && self.name_ok(name)
    }

    fn name_ok(&self, name: &str) -> bool {
        let bound = self.bound.ip();
        if name.eq_ignore_ascii_case("localhost") {
            return bound.is_loopback() || bound.is_unspecified();
        }
        let Ok(ip) = name.parse::<IpAddr>() else {
            return false;
        };
        ip == bound || bound.is_unspecified() || (bound.is_loopback() && ip.is_loopback())
    }
}

/// Splits `host[:port]`, `[v6][:port]`; `None` when malformed. IPv6 literals come back
/// without their brackets.
fn split_authority(a: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if let Some(rest) = a.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return None;
        }
        match after {
            "" => (v6, None),
            p => (v6, Some(p.strip_prefix(':')?)),
        }
    } else {
        match a.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (a, None),
        }
    };
    if name.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((name, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(addr: &str) -> HostGuard {
        HostGuard::new(addr.parse().unwrap())
    }

    fn host(g: &HostGuard, h: &str) -> Result<(), Refusal> {
        g.check(Some(h.as_bytes()), None)
    }

    #[test]
    fn loopback_bind_answers_its_own_names_only() {
        let g = guard("127.0.0.1:1111");
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LocalHost:1111",
            "[::1]:1111",
        ] {
            assert_eq!(host(&g, ok), Ok(()), "{ok}");
        }
        for bad in [
            "attacker.example:1111",
            "localhost.attacker.example:1111",
            "127.0.0.1:1112",
            "127.0.0.1",
            "localhost",
            "10.0.0.1:1111",
            "127.0.0.1:1111:1111",
            "127.0.0.1:",
            ":1111",
            "[::1:1111",
            "[zz]:1111",
            "127.0.0.1:99999",
            "",
        ] {
            assert_eq!(host(&g, bad), Err(Refusal::ForeignHost), "{bad}");
        }
        assert_eq!(g.check(None, None), Err(Refusal::MissingHost));
        assert_eq!(
            g.check(Some(b"127.0.0.1:1111\xff"), None),
            Err(Refusal::ForeignHost)
        );
    }

    #[test]
    fn origins_must_be_this_server_too() {
        let g = guard("127.0.0.1:1111");
        let h = Some(&b"localhost:1111"[..]);
        assert_eq!(g.check(h, Some(b"http://localhost:1111")), Ok(()));
        assert_eq!(g.check(h, Some(b"http://127.0.0.1:1111")), Ok(()));
        for bad in [
            &b"https://attacker.example"[..],
            b"http://attacker.example:1111",
            b"null",
            b"http://localhost:1112",
            b"https://localhost:1111",
        ] {
            assert_eq!(g.check(h, Some(bad)), Err(Refusal::ForeignOrigin));
        }
    }

    #[test]
    fn wildcard_and_specific_binds() {
        let g = guard("0.0.0.0:8080");
        assert_eq!(host(&g, "192.168.1.20:8080"), Ok(()));
        assert_eq!(host(&g, "localhost:8080"), Ok(()));
        assert!(host(&g, "myhost.lan:8080").is_err());
        let g = guard("192.168.1.20:80");
        assert_eq!(host(&g, "192.168.1.20"), Ok(()));
        assert_eq!(host(&g, "192.168.1.20:80"), Ok(()));
        assert!(host(&g, "localhost:80").is_err());
        assert!(host(&g, "192.168.1.21:80").is_err());
    }
}
