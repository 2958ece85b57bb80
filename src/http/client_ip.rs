//! The client's address: the socket's, unless the socket is a proxy named in configuration,
//! in which case the right-most address of `X-Forwarded-For` that is not itself such a proxy.
//! Anyone can send `X-Forwarded-For`, so it is believed only from the proxies we trust.

use std::net::IpAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use super::peer::PeerAddr;
use crate::domain::access_list::{AccessEntry, canonical};

/// The address a request came from, as far as this server can trust it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Works out the client's address of a request.
pub fn client_ip(parts: &Parts, trusted_proxies: &[AccessEntry]) -> Option<IpAddr> {
    let socket = canonical(parts.extensions.get::<ConnectInfo<PeerAddr>>()?.0.0.ip());
    Some(resolve(socket, forwarded_chain(parts).as_deref(), trusted_proxies))
}

fn forwarded_chain(parts: &Parts) -> Option<Vec<IpAddr>> {
    let mut chain = Vec::new();
    for value in parts.headers.get_all("x-forwarded-for") {
        for hop in value.to_str().ok()?.split(',') {
            chain.push(canonical(hop.trim().parse().ok()?));
        }
    }
    Some(chain)
}

fn resolve(socket: IpAddr, chain: Option<&[IpAddr]>, trusted: &[AccessEntry]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|proxy| proxy.contains(address));
    if !is_trusted(socket) {
        return socket;
    }
    // A malformed header from a trusted proxy tells nothing: fall back on the proxy itself.
    let Some(chain) = chain else { return socket };
    chain
        .iter()
        .rev()
        .copied()
        .find(|address| !is_trusted(*address))
        .or(chain.first().copied())
        .unwrap_or(socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<AccessEntry> = vec!["10.0.0.0/8".parse().unwrap()];
        let chain = [ip("198.51.100.7"), ip("10.0.0.2")];
        assert_eq!(resolve(ip("10.0.0.1"), Some(&chain), &trusted), ip("198.51.100.7"));
        assert_eq!(
            resolve(ip("203.0.113.9"), Some(&chain), &trusted),
            ip("203.0.113.9"),
            "spoofed by a client"
        );
        assert_eq!(resolve(ip("10.0.0.1"), None, &trusted), ip("10.0.0.1"));
        assert_eq!(resolve(ip("10.0.0.1"), Some(&[]), &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn a_client_cannot_prepend_its_way_past_the_proxy() {
        let trusted: Vec<AccessEntry> = vec!["10.0.0.1".parse().unwrap()];
        // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
        let chain = [ip("1.2.3.4"), ip("198.51.100.7")];
        assert_eq!(resolve(ip("10.0.0.1"), Some(&chain), &trusted), ip("198.51.100.7"));
    }
}
