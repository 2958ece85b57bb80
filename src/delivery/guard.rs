//! No server-side request forgery: user-given URLs (webhooks, Teams, a notification's
//! `webhookUrl`) are resolved when a notification is sent, and the connection goes only to a
//! public address, the very one that was checked (the HTTP client connects to what this
//! resolver answers). Loopback, private, link-local, carrier-grade NAT, unique-local,
//! multicast, documentation and unspecified addresses are refused, in IPv4-mapped and
//! IPv4-compatible IPv6 forms too, and in the transition forms that carry an IPv4 address
//! inside (6to4 with a private one; Teredo and NAT64 always). `--allow-private-targets` lifts
//! this.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether a connection to `ip` may go out.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped().or_else(|| embedded_v4(v6)).or_else(|| six_to_four(v6)) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

/// The IPv4 address of the deprecated IPv4-compatible form `::a.b.c.d` (not `::` or `::1`).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = v6.segments();
    (segments[..6] == [0; 6] && (segments[6] != 0 || segments[7] > 1)).then(|| {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    })
}

/// The IPv4 address a 6to4 address (`2002:aabb:ccdd::/48`) routes to.
fn six_to_four(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = v6.segments();
    (segments[0] == 0x2002).then(|| {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    })
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0/24
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18/15
        || a >= 240) // reserved, 240/4
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation, 2001:db8::/32
        || first == 0x2001 && ip.segments()[1] == 0x0000 // Teredo, 2001::/32: carries IPv4 inside
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64, 64:ff9b::/96 and 64:ff9b:1::/48
}

/// Why a target was refused.
pub fn refusal(host: &str) -> String {
    GuardRefusal { host: host.to_owned() }.to_string()
}

/// A target the guard refused: sending again would be refused again.
#[derive(Debug, thiserror::Error)]
#[error(
    "{host} resolves to no public address; this server sends only to public addresses \
     (start it with --allow-private-targets to send to private networks)"
)]
pub struct GuardRefusal {
    /// The host as the URL names it.
    pub host: String,
}

/// The HTTP client's resolver: the system's answers, filtered by the guard.
#[derive(Clone)]
pub struct GuardedResolver {
    /// Whether private targets are allowed.
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|addr| allow_private || is_public(addr.ip())).collect();
            if allowed.is_empty() {
                return Err(Box::new(GuardRefusal { host }) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

impl GuardedResolver {
    /// The resolver, shared.
    pub fn shared(self) -> Arc<Self> {
        Arc::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn only_public_addresses_pass_in_every_form() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::ffff:10.0.0.1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
            "2002:c0a8:0101::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b::7f00:1",
            "64:ff9b:1::a00:1",
        ] {
            assert!(!public(refused), "{refused} must be refused");
        }
        for allowed in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"] {
            assert!(public(allowed), "{allowed} is public");
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_only_to_loopback_is_refused_unless_private_targets_are_allowed() {
        let guarded = GuardedResolver { allow_private: false };
        let name = || "localhost".parse::<Name>().unwrap();
        let refused = guarded.resolve(name()).await.err().expect("refused");
        assert!(refused.to_string().contains("no public address"));
        let open = GuardedResolver { allow_private: true };
        assert!(open.resolve(name()).await.is_ok());
    }
}
