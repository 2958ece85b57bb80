//! How delivery runs: which processes deliver, where they may send, how many notifications
//! are in flight and how they are shared out, and the timeouts and retries. One struct that
//! the command line fills and both the worker and the HTTP client read.

use std::time::Duration;

use super::endpoints::Endpoints;
use super::mail::SmtpSettings;
use super::retry::RetryPolicy;

/// How the worker runs.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// Whether this process runs a delivery worker (a replica may serve the API alone).
    pub run_worker: bool,
    /// Whether notifications may go to private, loopback and link-local addresses.
    pub allow_private_targets: bool,
    /// How long a claim holds before another worker may take the notification again.
    pub lease: Duration,
    /// How long the worker waits when nothing is due.
    pub idle_wait: Duration,
    /// How often repeats are planned.
    pub repeat_sweep: Duration,
    /// Most notifications this worker sends at once.
    pub concurrency: u32,
    /// Most notifications in flight to one destination (a URL's origin, or a service's API
    /// and region), counted across every worker on the database.
    pub per_destination: u32,
    /// Most notifications of one project in flight, counted across every worker.
    pub per_project: u32,
    /// When failed attempts are repeated.
    pub retry: RetryPolicy,
    /// How long a connection may take.
    pub connect_timeout: Duration,
    /// How long an attempt may take in all.
    pub attempt_timeout: Duration,
    /// Where the services' APIs are reached.
    pub endpoints: Endpoints,
    /// The SMTP server EMAIL notifications go through, if there is one.
    pub smtp: Option<SmtpSettings>,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            run_worker: true,
            allow_private_targets: false,
            lease: Duration::from_secs(60),
            idle_wait: Duration::from_millis(250),
            repeat_sweep: Duration::from_secs(10),
            concurrency: 256,
            per_destination: 64,
            per_project: 128,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(15),
            endpoints: Endpoints::default(),
            smtp: None,
        }
    }
}
