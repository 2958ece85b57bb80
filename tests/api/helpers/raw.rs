//! A raw HTTP/1.1 connection, for what a client library would hide: bytes sent in pieces and
//! late, a connection reused after an early answer, a server closing under the client.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off the socket.
#[derive(Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body (by `Content-Length`).
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether the server said it will close the connection.
    pub fn closes(&self) -> bool {
        self.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// One TCP connection to the server.
pub struct RawConnection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl RawConnection {
    /// Connects to `base` (`http://host:port`).
    pub async fn open(base: &str) -> RawConnection {
        let stream = TcpStream::connect(base.trim_start_matches("http://")).await.expect("connects");
        RawConnection { stream, buffer: Vec::new() }
    }

    /// Connects to `base`, or `None` when nothing listens there.
    pub async fn try_open(base: &str) -> Option<RawConnection> {
        let stream = TcpStream::connect(base.trim_start_matches("http://")).await.ok()?;
        Some(RawConnection { stream, buffer: Vec::new() })
    }

    /// The `host:port` of `base`.
    pub fn authority(base: &str) -> &str {
        base.trim_start_matches("http://")
    }

    /// The head of a JSON PUT to `path` announcing `length` bytes of body, with `extra`
    /// header lines (each ending in `\r\n`).
    pub fn put_head(base: &str, path: &str, length: usize, extra: &str) -> String {
        format!(
            "PUT {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n{extra}\r\n",
            Self::authority(base)
        )
    }

    /// Writes `bytes` now.
    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("the server takes the bytes");
    }

    /// Writes `bytes`, or says that the server closed the connection.
    pub async fn try_send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes).await
    }

    /// Reads one answer within `limit`; `None` if the connection closed first.
    pub async fn read_response(&mut self, limit: Duration) -> Option<RawResponse> {
        tokio::time::timeout(limit, self.read_one()).await.expect("an answer or a close within the limit")
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn read_one(&mut self) -> Option<RawResponse> {
        let head_end = loop {
            if let Some(at) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8(self.buffer[..head_end].to_vec()).expect("a text head");
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let length: usize =
            headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
        self.buffer.drain(..head_end + 4);
        while self.buffer.len() < length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buffer.drain(..length).collect();
        Some(RawResponse { status, headers, body })
    }

    /// Whether the server closes the connection within `limit` (reading and discarding
    /// anything it still sends).
    pub async fn closed_within(&mut self, limit: Duration) -> bool {
        let wait = async { while self.fill().await {} };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}
