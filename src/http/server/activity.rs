//! What one connection is doing, as the connection's watchdog needs to know it: requests in
//! flight, when the bytes of a new request head began to arrive, and since when it has been
//! idle. The reads themselves report here through [`Watched`], the requests through
//! [`Activity::request_started`]. Nothing here wakes the watchdog: it looks at least once per
//! the shorter timeout, and every deadline lies at least that far after the moment it began,
//! so it is never missed (see [`Activity::verdict`]).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// How long a connection may take over one thing before it is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// From the first byte of a request head to its last (slowloris).
    pub head: Duration,
    /// With no request in flight and no byte of a new one.
    pub idle: Duration,
}

/// What the watchdog should do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing yet; look again at this instant.
    WaitUntil(Instant),
    /// A request head has been arriving for longer than the head timeout.
    HeadTooSlow,
    /// Nothing has happened for longer than the idle timeout.
    Idle,
}

struct State {
    in_flight: u32,
    head_since: Option<Instant>,
    idle_since: Instant,
}

/// The shared record of one connection.
pub struct Activity {
    state: Mutex<State>,
}

impl Activity {
    /// A connection that has just been accepted: idle, nothing read.
    pub fn new() -> Arc<Self> {
        Arc::new(Activity {
            state: Mutex::new(State { in_flight: 0, head_since: None, idle_since: Instant::now() }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn bytes_read(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.head_since.is_none() {
            state.head_since = Some(Instant::now());
        }
    }

    /// Records a request handed to the application; the guard records its end.
    pub fn request_started(self: &Arc<Self>) -> InFlight {
        let mut state = self.state();
        state.in_flight += 1;
        state.head_since = None;
        InFlight(self.clone())
    }

    /// Whether part of a request head has arrived and nothing is in flight: such a
    /// connection has nothing to finish.
    pub fn head_pending(&self) -> bool {
        let state = self.state();
        state.in_flight == 0 && state.head_since.is_some()
    }

    /// Requests handed to the application and not yet answered.
    pub fn in_flight(&self) -> u32 {
        self.state().in_flight
    }

    /// What to do at `now` under `timeouts`. The instant to look again is the deadline in
    /// force, but never later than the shorter timeout from now: a head that begins, or a
    /// request that ends, after this look has a deadline at least that far away.
    pub fn verdict(&self, now: Instant, timeouts: Timeouts) -> Verdict {
        let next_look = now + timeouts.head.min(timeouts.idle);
        let state = self.state();
        if state.in_flight > 0 {
            return Verdict::WaitUntil(next_look);
        }
        let (deadline, expired) = match state.head_since {
            Some(since) => (since + timeouts.head, Verdict::HeadTooSlow),
            None => (state.idle_since + timeouts.idle, Verdict::Idle),
        };
        if now >= deadline { expired } else { Verdict::WaitUntil(deadline.min(next_look)) }
    }
}

/// A request in flight; dropping it marks the request answered.
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight -= 1;
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
        }
    }
}

/// A connection's byte stream that reports its reads to an [`Activity`].
pub struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.bytes_read();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts { head: Duration::from_secs(10), idle: Duration::from_secs(60) };

    #[tokio::test(start_paused = true)]
    async fn an_untouched_connection_expires_after_the_idle_timeout() {
        let activity = Activity::new();
        let start = Instant::now();
        assert_eq!(
            activity.verdict(start, TIMEOUTS),
            Verdict::WaitUntil(start + TIMEOUTS.head),
            "looks again"
        );
        let later = start + TIMEOUTS.head;
        assert_eq!(
            activity.verdict(later, TIMEOUTS),
            Verdict::WaitUntil((start + TIMEOUTS.idle).min(later + TIMEOUTS.head))
        );
        assert_eq!(activity.verdict(start + TIMEOUTS.idle, TIMEOUTS), Verdict::Idle);
    }

    #[test]
    fn no_deadline_is_missed_between_two_looks() {
        // Whatever happens after a look, the next look comes no later than the deadline it sets.
        let timeouts = Timeouts { head: Duration::from_secs(3), idle: Duration::from_secs(7) };
        let activity = Activity::new();
        let look = Instant::now();
        let Verdict::WaitUntil(next) = activity.verdict(look, timeouts) else { panic!() };
        activity.bytes_read();
        assert!(next <= Instant::now() + timeouts.head, "a head begun after the look");
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_that_began_must_end_within_the_head_timeout() {
        let activity = Activity::new();
        let start = Instant::now();
        activity.bytes_read();
        assert_eq!(activity.verdict(start, TIMEOUTS), Verdict::WaitUntil(start + TIMEOUTS.head));
        activity.bytes_read();
        assert_eq!(
            activity.verdict(start + TIMEOUTS.head, TIMEOUTS),
            Verdict::HeadTooSlow,
            "more bytes of the same head do not restart the clock"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_never_timed_out_and_its_end_starts_the_idle_clock() {
        let activity = Activity::new();
        activity.bytes_read();
        let request = activity.request_started();
        activity.bytes_read();
        let much_later = Instant::now() + TIMEOUTS.idle * 10;
        assert_eq!(activity.verdict(much_later, TIMEOUTS), Verdict::WaitUntil(much_later + TIMEOUTS.head));
        tokio::time::advance(Duration::from_secs(5)).await;
        drop(request);
        let ended = Instant::now();
        assert_eq!(activity.in_flight(), 0);
        let look = ended + Duration::from_secs(50);
        assert_eq!(
            activity.verdict(look, TIMEOUTS),
            Verdict::WaitUntil(ended + TIMEOUTS.idle),
            "the idle clock started at the end"
        );
    }
}
