//! API access lists: the addresses a key may be used from. An empty list allows any address,
//! as Atlas does; otherwise the client's address must fall in one of the entries.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// One entry: an address or a CIDR block, IPv4 or IPv6, kept in its network form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessEntry(IpNet);

impl AccessEntry {
    /// The one address this entry holds, if it is a single address (`/32` or `/128`).
    pub fn single_address(&self) -> Option<IpAddr> {
        (self.0.prefix_len() == self.0.max_prefix_len()).then(|| self.0.addr())
    }

    /// Whether `address` falls in this entry.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&canonical(address))
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it is.
pub fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for AccessEntry {
    type Err = String;

    /// `203.0.113.7`, `203.0.113.0/24`, `2001:db8::1` or `2001:db8::/32`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(address) = IpAddr::from_str(text) {
            return Ok(AccessEntry(IpNet::from(canonical(address))));
        }
        IpNet::from_str(text)
            .map(|net| AccessEntry(net.trunc()))
            .map_err(|_| format!("{text:?} is not an IP address or CIDR block (e.g. 203.0.113.0/24)"))
    }
}

impl fmt::Display for AccessEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether a key with `entries` may be used from `address`.
pub fn allows(entries: &[AccessEntry], address: IpAddr) -> bool {
    entries.is_empty() || entries.iter().any(|entry| entry.contains(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_empty_list_allows_every_address() {
        assert!(allows(&[], ip("198.51.100.1")));
    }

    #[test]
    fn addresses_and_blocks_of_both_families_match() {
        let entries: Vec<AccessEntry> =
            ["203.0.113.7", "10.1.0.0/16", "2001:db8::/32"].iter().map(|e| e.parse().unwrap()).collect();
        assert!(allows(&entries, ip("203.0.113.7")));
        assert!(!allows(&entries, ip("203.0.113.8")));
        assert!(allows(&entries, ip("10.1.200.3")));
        assert!(allows(&entries, ip("::ffff:10.1.0.9")), "IPv4-mapped IPv6 counts as IPv4");
        assert!(allows(&entries, ip("2001:db8:1::5")));
        assert!(!allows(&entries, ip("2001:db9::5")));
    }

    #[test]
    fn blocks_are_kept_in_network_form_and_garbage_is_refused() {
        assert_eq!("10.1.2.3/16".parse::<AccessEntry>().unwrap().to_string(), "10.1.0.0/16");
        assert_eq!("203.0.113.7".parse::<AccessEntry>().unwrap().to_string(), "203.0.113.7/32");
        assert!("not-an-ip".parse::<AccessEntry>().is_err());
        assert!("10.0.0.0/33".parse::<AccessEntry>().is_err());
    }
}
