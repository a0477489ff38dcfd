//! Who is on the other end of a request, for throttling and logs.
//!
//! Behind a reverse proxy every request comes from the proxy, so the real
//! address is taken from `X-Forwarded-For`, but only when the admin said a
//! proxy is there (`--trust-proxy-headers`): otherwise anyone could claim any
//! address and dodge the throttle.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The unit a throttle counts in. IPv4 addresses are cheap to have one of,
/// but a single IPv6 customer line usually owns a whole /64, so IPv6 is
/// counted per /64 or a guesser could rotate through 2^64 addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddrKey(IpAddr);

impl AddrKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => AddrKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddrKey(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    AddrKey(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
        }
    }
}

/// The client's address: the peer's, or the last `X-Forwarded-For` entry
/// when proxy headers are trusted (the last one is the one our proxy added;
/// earlier entries are whatever the client sent).
pub fn client_ip(
    peer: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trust_proxy: bool,
) -> IpAddr {
    let peer_ip = peer
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !trust_proxy {
        return peer_ip;
    }
    forwarded_for
        .and_then(|h| h.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer_ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(AddrKey::of(a), AddrKey::of(b));
        assert_ne!(AddrKey::of(a), AddrKey::of(c));
    }

    #[test]
    fn ipv4_is_counted_per_address_even_when_mapped() {
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(AddrKey::of(a), AddrKey::of(mapped));
        assert_ne!(AddrKey::of(a), AddrKey::of(b));
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let header = Some("6.6.6.6, 203.0.113.7");
        assert_eq!(client_ip(Some(peer), header, false), peer.ip());
        assert_eq!(
            client_ip(Some(peer), header, true),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(Some(peer), Some("garbage"), true), peer.ip());
        assert_eq!(client_ip(Some(peer), None, true), peer.ip());
    }
}
