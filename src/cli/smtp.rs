//! The SMTP options `serve` and `alert test-email` share: the server's URL, the sender, and
//! a private certificate authority to trust.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::delivery::mail::SmtpSettings;

/// Where EMAIL notifications are sent from.
#[derive(Debug, Clone, Args)]
pub struct SmtpArgs {
    /// The SMTP server: `smtp://[user:password@]host[:port]` (STARTTLS when offered; add
    /// `?tls=required` to refuse without it; credentials require it) or `smtps://…` (TLS from
    /// the first byte). Without it, EMAIL notifications are logged as skipped.
    #[arg(long, env = "ATLAS_INTEGRATIONS_SMTP_URL", requires = "smtp_from", value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The sender of alert emails, `alerts@example.com` or `Atlas alerts <alerts@example.com>`.
    #[arg(long, env = "ATLAS_INTEGRATIONS_SMTP_FROM", value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// Certificate authorities (PEM) to trust for the SMTP server, besides the system's.
    #[arg(long, env = "ATLAS_INTEGRATIONS_SMTP_CA_FILE", value_name = "PATH")]
    pub smtp_ca_file: Option<PathBuf>,
}

impl SmtpArgs {
    /// The settings, if an SMTP server is given.
    pub fn settings(&self) -> anyhow::Result<Option<SmtpSettings>> {
        let Some(url) = &self.smtp_url else { return Ok(None) };
        let from = self.smtp_from.clone().context("--smtp-url needs --smtp-from, the sender's address")?;
        let ca_pem = match &self.smtp_ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read --smtp-ca-file {}", path.display()))?,
            ),
            None => None,
        };
        Ok(Some(SmtpSettings { url: url.clone(), from, ca_pem }))
    }
}
