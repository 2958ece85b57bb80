//! Early answers that never break a client. An answer given before the request body was
//! read (a Digest challenge, a 429, a 404 of an unknown group) leaves the rest of the body
//! on the connection; HTTP/1.1 can only go on once it is gone. So the rest is read and
//! thrown away before answering, up to the body limit and within a short deadline; when
//! that is not possible (too large, too slow, or `Expect: 100-continue` that was never
//! granted) the answer says `Connection: close`, so that the client opens a new connection
//! instead of finding this one closed under it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Version, header};
use axum::response::Response;
use http_body_util::BodyExt;
use hyper::body::{Body as _, Frame, SizeHint};

use crate::http::error::BODY_LIMIT;

/// How long the unread rest of a body may take to arrive before the connection is closed.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(1);

/// Answers `request` with `answer`, then reads and discards what was left of its body, or
/// says `Connection: close`. The server loop calls it around the whole application.
pub async fn answer_draining<F, Fut>(request: Request, answer: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let http1 = matches!(request.version(), Version::HTTP_10 | Version::HTTP_11);
    if !http1 || request.body().is_end_stream() {
        return answer(request).await;
    }
    let expects_continue = request
        .headers()
        .get(header::EXPECT)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = request.into_parts();
    let shared = Shared::new(body);
    let mut response = answer(Request::from_parts(parts, Body::new(shared.reader()))).await;
    let Some(rest) = shared.take_unfinished() else {
        return response;
    };
    // Reading a body the client was told to hold back would ask for it (100 Continue); a
    // body announced larger than the limit is not waited for at all.
    let may_read = (rest.polled || !expects_continue) && rest.body.size_hint().lower() <= BODY_LIMIT as u64;
    let drained = may_read && drain(rest.body, BODY_LIMIT).await;
    if !drained {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Reads `body` to its end within [`DRAIN_DEADLINE`] and `limit` bytes; `true` if it ended.
async fn drain(mut body: Body, limit: usize) -> bool {
    let read_all = async {
        let mut read = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return false };
            read += frame.data_ref().map_or(0, Bytes::len);
            if read > limit {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_DEADLINE, read_all).await.unwrap_or(false)
}

struct Slot {
    body: Body,
    polled: bool,
    finished: bool,
}

/// The request body, shared between the handler's reader and this middleware.
#[derive(Clone)]
struct Shared(Arc<Mutex<Slot>>);

/// What the handler left unread.
struct Unfinished {
    body: Body,
    polled: bool,
}

impl Shared {
    fn new(body: Body) -> Self {
        Shared(Arc::new(Mutex::new(Slot { body, polled: false, finished: false })))
    }

    fn reader(&self) -> Reader {
        Reader(self.clone())
    }

    fn take_unfinished(self) -> Option<Unfinished> {
        let mut slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.finished || slot.body.is_end_stream() {
            return None;
        }
        Some(Unfinished { body: std::mem::take(&mut slot.body), polled: slot.polled })
    }
}

/// The body as the handler sees it.
struct Reader(Shared);

impl hyper::body::Body for Reader {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut slot = self.0.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.polled = true;
        let polled = Pin::new(&mut slot.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            slot.finished = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.0.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_within_the_limit_drains_and_one_over_it_does_not() {
        assert!(drain(Body::from(vec![0u8; 1000]), 1000).await);
        assert!(!drain(Body::from(vec![0u8; 1001]), 1000).await);
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_is_given_up_at_the_deadline() {
        let (_sender, body) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, axum::Error>>(1);
        let stalled = http_body_util::StreamBody::new(tokio_stream_from(body));
        tokio::time::pause();
        assert!(!drain(Body::new(stalled), 1000).await);
    }

    fn tokio_stream_from<T>(
        mut receiver: tokio::sync::mpsc::Receiver<T>,
    ) -> impl futures_util::Stream<Item = T> {
        futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
    }
}
