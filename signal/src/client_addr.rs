//! Who is on the other end of a request, for throttling and logs.
//!
//! Behind a reverse proxy every request comes from the proxy, so the real
//! address is taken from `X-Forwarded-For`, but only when the admin said a
//! proxy is there (`--trust-proxy-headers`), and only from a peer inside the
//! trusted proxy networks (`--trusted-proxy`, loopback if none is named):
//! otherwise anyone could claim any address and dodge the throttle.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;

use crate::config::Config;

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

/// The peers whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Proxy networks; empty means no proxy is trusted at all.
    nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// The proxies `config` trusts: none without `trust_proxy_headers`; the
    /// listed networks with it, or the loopback ones if none are listed (a
    /// proxy on the same machine is the usual set-up).
    pub fn of(config: &Config) -> Self {
        if !config.trust_proxy_headers {
            Self::default()
        } else if config.trusted_proxies.is_empty() {
            Self::loopback()
        } else {
            Self {
                nets: config.trusted_proxies.clone(),
            }
        }
    }

    /// 127.0.0.0/8 and ::1.
    pub fn loopback() -> Self {
        Self {
            nets: vec![
                IpNet::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8).expect("valid prefix"),
                IpNet::from(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            ],
        }
    }

    /// Exactly these networks.
    pub fn new(nets: Vec<IpNet>) -> Self {
        Self { nets }
    }

    /// Is `ip` one of ours? IPv4-mapped IPv6 (a dual-stack socket's view of
    /// an IPv4 peer) counts as the IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }
}

/// `--trusted-proxy`: a network (`10.0.0.0/8`, `fd00::/8`) or one address
/// (`192.0.2.7`, taken as /32 or /128).
pub fn parse_proxy_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .map(|net| net.trunc())
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| {
            format!(
                "`{text}` is not an address or a network; write it like 10.0.0.0/8, fd00::/8 or 192.0.2.7"
            )
        })
}

/// The client's address. The TCP peer's, unless the peer is a trusted proxy
/// and says otherwise in `X-Forwarded-For` (all of the request's such
/// headers, joined with commas in order).
///
/// The list is read from the right, the end our own proxies append to:
/// entries that are themselves trusted proxies are skipped, and the first
/// one that is not is the client ("rightmost untrusted"). Everything left of
/// it was written by the client and is never looked at. If every entry is a
/// trusted proxy, the leftmost is the client; if an entry cannot be read
/// before an untrusted one is found, the last address read is used (the
/// peer, if none was).
pub fn client_ip(
    peer: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let mut client = peer
        .map(|a| a.ip().to_canonical())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let Some(forwarded_for) = forwarded_for else {
        return client;
    };
    if !trusted.contains(client) {
        return client;
    }
    for entry in forwarded_for.rsplit(',') {
        let Some(hop) = parse_hop(entry) else {
            break;
        };
        client = hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, with a port if some proxy added
/// one (`192.0.2.1:5000`, `[2001:db8::1]:5000`).
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
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

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(
            list.iter()
                .map(|n| parse_proxy_network(n).unwrap())
                .collect(),
        )
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let header = Some("6.6.6.6, 203.0.113.7");
        let none = TrustedProxies::default();
        let proxies = nets(&["10.0.0.0/8"]);
        assert_eq!(client_ip(Some(peer), header, &none), peer.ip());
        assert_eq!(client_ip(Some(peer), header, &proxies), ip("203.0.113.7"));
        assert_eq!(client_ip(Some(peer), Some("garbage"), &proxies), peer.ip());
        assert_eq!(client_ip(Some(peer), None, &proxies), peer.ip());
        assert_eq!(client_ip(None, header, &proxies), ip("0.0.0.0"));
    }

    #[test]
    fn a_peer_outside_the_trusted_networks_cannot_choose_its_address() {
        let proxies = nets(&["10.0.0.0/8"]);
        let outsider: SocketAddr = "198.51.100.9:4000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        for peer in [outsider, local] {
            assert_eq!(
                client_ip(Some(peer), Some("203.0.113.7"), &proxies),
                peer.ip()
            );
            assert_eq!(
                client_ip(Some(peer), Some("203.0.113.7, 10.0.0.1"), &proxies),
                peer.ip()
            );
        }
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let proxies = nets(&["10.0.0.0/8", "192.0.2.7"]);
        let peer: SocketAddr = "10.1.1.1:80".parse().unwrap();
        let cases = [
            // Our proxies' own hops are skipped; what the client wrote
            // (left of its real address) is never read.
            ("1.1.1.1, 203.0.113.7, 10.9.9.9, 192.0.2.7", "203.0.113.7"),
            ("spoofed, 203.0.113.7", "203.0.113.7"),
            ("203.0.113.7,10.2.2.2", "203.0.113.7"),
            ("  203.0.113.7  ", "203.0.113.7"),
            // Ports and IPv6, as some proxies write them.
            ("203.0.113.7:5555", "203.0.113.7"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]:5555, 10.0.0.2", "2001:db8::1"),
            ("::ffff:203.0.113.7", "203.0.113.7"),
            // Only trusted hops: the one furthest from us.
            ("10.3.3.3, 10.4.4.4", "10.3.3.3"),
            // Unreadable before any untrusted entry: the last one read.
            ("203.0.113.7, unknown, 10.5.5.5", "10.5.5.5"),
            ("203.0.113.7, , 10.5.5.5", "10.5.5.5"),
            ("203.0.113.7, unknown", "10.1.1.1"),
            ("", "10.1.1.1"),
        ];
        for (header, expected) in cases {
            assert_eq!(
                client_ip(Some(peer), Some(header), &proxies),
                ip(expected),
                "{header:?}"
            );
        }
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_networks() {
        let proxies = nets(&["10.0.0.0/8"]);
        let mapped: SocketAddr = "[::ffff:10.0.0.1]:80".parse().unwrap();
        assert_eq!(
            client_ip(Some(mapped), Some("203.0.113.7"), &proxies),
            ip("203.0.113.7")
        );
        let outsider: SocketAddr = "[::ffff:198.51.100.1]:80".parse().unwrap();
        assert_eq!(
            client_ip(Some(outsider), Some("203.0.113.7"), &proxies),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn trust_follows_the_config() {
        let mut config = Config::new("/tmp/x");
        assert_eq!(TrustedProxies::of(&config), TrustedProxies::default());
        config.trusted_proxies = vec![parse_proxy_network("10.0.0.0/8").unwrap()];
        // Listing proxies does not switch the headers on by itself at this
        // level; the command line does that (see `cli`).
        assert_eq!(TrustedProxies::of(&config), TrustedProxies::default());
        config.trust_proxy_headers = true;
        assert_eq!(TrustedProxies::of(&config), nets(&["10.0.0.0/8"]));
        config.trusted_proxies.clear();
        let loopback = TrustedProxies::of(&config);
        assert_eq!(loopback, TrustedProxies::loopback());
        assert!(loopback.contains(ip("127.0.0.1")));
        assert!(loopback.contains(ip("127.8.9.10")));
        assert!(loopback.contains(ip("::1")));
        assert!(loopback.contains(ip("::ffff:127.0.0.1")));
        assert!(!loopback.contains(ip("10.0.0.1")));
        assert!(!loopback.contains(ip("::2")));
    }

    #[test]
    fn proxy_networks_parse_leniently_and_explain_mistakes() {
        assert_eq!(
            parse_proxy_network("10.0.0.0/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            parse_proxy_network(" 10.1.2.3/8 ").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            parse_proxy_network("192.0.2.7").unwrap().to_string(),
            "192.0.2.7/32"
        );
        assert_eq!(
            parse_proxy_network("fd00::/8").unwrap().to_string(),
            "fd00::/8"
        );
        assert_eq!(parse_proxy_network("::1").unwrap().to_string(), "::1/128");
        for bad in ["", "10.0.0.0/33", "proxy.local", "10.0.0"] {
            let err = parse_proxy_network(bad).unwrap_err();
            assert!(err.contains("10.0.0.0/8"), "{bad}: {err}");
        }
    }
}
