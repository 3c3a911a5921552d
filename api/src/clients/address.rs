//! The client's address. Directly connected clients are who they are; behind the load balancer
//! every connection comes from the proxy, and the client is the last `X-Forwarded-For` entry
//! that no trusted proxy added. Only proxies named in `TRUSTED_PROXIES` are believed: anyone
//! else could write any `X-Forwarded-For` to pass as many clients.

use std::net::IpAddr;

/// Addresses or CIDR ranges (`10.0.0.0/8`, `172.16.0.0/12`, `::1`) of the proxies in front.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    ranges: Vec<(IpAddr, u8)>,
}

impl TrustedProxies {
    /// Parses `TRUSTED_PROXIES` (comma-separated); a bad entry is an error naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = match entry.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (entry, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| format!("TRUSTED_PROXIES: '{entry}' is not an address"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max),
                None => Some(max),
            }
            .ok_or_else(|| format!("TRUSTED_PROXIES: '{entry}' has a bad prefix length"))?;
            ranges.push((addr, bits));
        }
        Ok(Self { ranges })
    }

    pub fn trusts(&self, addr: IpAddr) -> bool {
        self.ranges.iter().any(|(net, bits)| within(addr, *net, *bits))
    }
}

fn within(addr: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (addr, net, width) = match (canonical(addr), canonical(net)) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u32::from(a) as u128, u32::from(n) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    shift >= width || (addr >> shift) == (net >> shift)
}

/// `::ffff:10.0.0.1` is `10.0.0.1`.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client behind `peer` given the request's `X-Forwarded-For` value(s).
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    if !trusted.trusts(peer) {
        return Some(peer);
    }
    // Right to left: each trusted proxy appended the address it saw.
    let hops: Vec<&str> = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(addr) => {
                client = canonical(addr);
                if !trusted.trusts(client) {
                    break;
                }
            }
            // Garbage in the chain: nothing left of it can be believed.
            Err(_) => break,
        }
    }
    Some(client)
}

/// The client of `req`: its peer, or who a trusted proxy says it forwarded.
pub fn request_client(req: &poem::Request, trusted: &TrustedProxies) -> Option<IpAddr> {
    let forwarded: Vec<&str> =
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    client_address(req.remote_addr().as_socket_addr().map(|a| a.ip()), &forwarded, trusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        // a direct client's own header is ignored
        assert_eq!(client_address(Some(ip("203.0.113.9")), &["1.2.3.4"], &trusted), Some(ip("203.0.113.9")));
        // through the proxy: the last address it did not add itself
        assert_eq!(
            client_address(Some(ip("10.1.2.3")), &["6.6.6.6, 198.51.100.7"], &trusted),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_address(Some(ip("10.1.2.3")), &["198.51.100.7, 10.9.9.9"], &trusted),
            Some(ip("198.51.100.7")),
            "chained trusted proxies are skipped"
        );
        assert_eq!(client_address(Some(ip("::1")), &[], &trusted), Some(ip("::1")), "no header: the proxy itself");
        assert_eq!(client_address(Some(ip("10.1.2.3")), &["junk"], &trusted), Some(ip("10.1.2.3")));
        assert_eq!(client_address(Some(ip("::ffff:10.0.0.1")), &["192.0.2.1"], &trusted), Some(ip("192.0.2.1")));
    }

    #[test]
    fn ranges_parse_and_match_by_prefix() {
        let t = TrustedProxies::parse("172.16.0.0/12,127.0.0.1").unwrap();
        assert!(t.trusts(ip("172.31.255.1")) && !t.trusts(ip("172.32.0.1")));
        assert!(t.trusts(ip("127.0.0.1")) && !t.trusts(ip("127.0.0.2")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("nonsense").is_err());
        assert!(!TrustedProxies::default().trusts(ip("127.0.0.1")), "nobody is trusted by default");
    }
}
