//! The peer address of a connection, put in each request's extensions by the server loop.

use std::net::SocketAddr;

/// The socket address of the connection's other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);
