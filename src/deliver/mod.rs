//! The last step: archive the artefacts, then deliver them exactly once on
//! every channel of the audience.
//!
//! Narrow capabilities (`ReportStore`, `Mailer`, `ChatPoster`) and one protocol
//! on top of them (`protocol`): check → archive → claim → send → record, per
//! channel target. The claim is a create-if-absent write of a delivery record,
//! so of two runs for the same report and target only one sends, and a channel
//! that failed is retried without repeating the ones that did not.
//!
//! A new channel is a module here that formats a `Digest` or `Parcel`, a
//! `ChatKind` variant, and its key in the reports file (`spec.rs`).

pub mod audience;
pub mod channels;
pub mod chat;
pub mod digest;
pub mod dir;
pub mod eml;
pub mod protocol;
pub mod s3;
pub mod ses;
pub mod slack;
pub mod teams;
pub mod webhook;

pub use audience::{Audience, ChatKind, ChatTarget, Recipients};
pub use chat::ChatPoster;
pub use digest::Parcel;
pub use dir::DirStore;
pub use eml::EmlOutbox;
pub use s3::S3Store;
pub use ses::SesMailer;

use crate::pipeline::Completeness;
use crate::report::coverage::GapNote;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::Future;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or refused for a passing reason; the next try can succeed.
    #[error("{action}: {detail}")]
    Unavailable { action: String, detail: String },
    /// A lasting problem (permissions, a missing bucket) that a retry will not fix.
    #[error("{action}: {detail}")]
    Rejected { action: String, detail: String },
}

impl StoreError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// Where artefacts and delivery records live: a folder locally, S3 in production.
pub trait ReportStore: Send + Sync {
    /// Writes `bytes` at `key`, replacing what was there.
    fn put(&self, key: &str, content_type: &str, bytes: &[u8]) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes `bytes` at `key` only if nothing is there yet, atomically.
    /// `Ok(false)` means another writer got there first.
    fn put_if_absent(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Reads `key`; `Ok(None)` if it does not exist.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// Removes `key`; removing what is not there is not an error.
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Where a key lives, for people: `s3://bucket/key` or a path.
    fn locate(&self, key: &str) -> String;

    /// Every key under `prefix`, in no particular order (a store that cannot list has none).
    fn list(&self, _prefix: &str) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        async { Ok(Vec::new()) }
    }

    /// A web link a reader can open, when the store has one: a presigned GET or a
    /// public base URL for S3. The archive is the single source; nothing is uploaded
    /// elsewhere to be linked.
    fn link(&self, _key: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send {
        async { Ok(None) }
    }
}

/// Why a channel did not take a report.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// Refused and not delivered: a lasting problem (an unverified sender, a webhook
    /// that is gone, a malformed payload) that trying again will not fix.
    #[error("{0}")]
    Rejected(String),
    /// Not delivered, for a passing reason (throttling, a 5xx, no connection).
    #[error("{0}")]
    Unavailable(String),
    /// The request may have reached the service before it failed (a timeout, a
    /// lost response): the report may or may not be out.
    #[error("{0}; it may or may not have been delivered")]
    Uncertain(String),
}

impl ChannelError {
    /// Whether the report certainly did not go out, so trying again cannot duplicate it.
    pub fn certainly_not_sent(&self) -> bool {
        !matches!(self, ChannelError::Uncertain(_))
    }
}

/// The email channel's errors are channel errors.
pub type MailError = ChannelError;

/// A finished MIME message and its envelope.
pub struct OutgoingEmail<'a> {
    pub from: &'a str,
    pub recipients: &'a Recipients,
    pub raw: &'a [u8],
    /// Used to name the message where the mailer keeps a copy.
    pub slug: &'a str,
}

/// Sends mail: an `.eml` folder locally, SES in production.
pub trait Mailer: Send + Sync {
    /// Sends the message; returns the transport's message id.
    fn send(&self, email: &OutgoingEmail<'_>) -> impl Future<Output = Result<String, MailError>> + Send;

    /// A short name for logs ("ses", "eml").
    fn name(&self) -> &'static str;
}

/// One archived file.
pub struct Artifact {
    /// Path under the report's prefix: `report.pdf`, `charts/activity.png`.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Artifact {
    pub fn new(name: impl Into<String>, content_type: &'static str, bytes: Vec<u8>) -> Artifact {
        Artifact { name: name.into(), content_type, bytes }
    }
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    pub key: String,
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// The report spec's id.
    #[serde(default)]
    pub report: String,
    pub account: String,
    pub kind: String,
    pub first_day: String,
    pub last_day: String,
    pub timezone: String,
    pub source: String,
    pub generator: String,
    pub request_id: String,
    pub generated_at: DateTime<Utc>,
    /// `partial` when sections were left out; `left_out` says which and why.
    pub outcome: Completeness,
    pub left_out: Vec<GapNote>,
    pub artifacts: Vec<ManifestEntry>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where a delivery claim stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ClaimStatus {
    /// Claimed; the send has not been confirmed (yet, or ever, if the process died).
    Sending,
    /// Sent, with the transport's message id.
    Sent,
    /// The send may or may not have gone out (a timeout, a lost answer, an unreadable record).
    Unknown,
}

impl std::fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ClaimStatus::Sending => "sending",
            ClaimStatus::Sent => "sent",
            ClaimStatus::Unknown => "unknown",
        })
    }
}

/// What a delivery record says. Written at claim time as `sending`, then as `sent`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeliveryRecord {
    pub status: ClaimStatus,
    /// "email", "slack", "teams" or "webhook"; records from before channels are email.
    #[serde(default = "email")]
    pub channel: String,
    /// The email addresses, or a chat target's label (never its URL).
    pub recipients: Vec<String>,
    pub claimed_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    pub request_id: String,
    pub resend: bool,
    /// Absent in records written before reports could be partial.
    #[serde(default)]
    pub outcome: Option<Completeness>,
    #[serde(default)]
    pub left_out: Vec<GapNote>,
}

fn email() -> String {
    "email".into()
}

/// How one channel target fared.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChannelDelivery {
    /// "email", or a chat target's label: "slack 'cx-weekly'".
    pub channel: String,
    #[serde(flatten)]
    pub delivery: Delivery,
}

impl std::fmt::Display for ChannelDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.channel, self.delivery)
    }
}

/// The outcome of delivery, for the CLI's last line and the Lambda response.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Delivery {
    Sent {
        message_id: String,
        resend: bool,
        /// What took it: "ses", "eml" for a local file, or a chat kind ("slack").
        via: &'static str,
    },
    AlreadyDelivered {
        /// `sent`, or `sending`/`unknown` for a claim whose send was never confirmed.
        state: ClaimStatus,
        claimed_at: DateTime<Utc>,
        at: Option<DateTime<Utc>>,
        message_id: Option<String>,
        record: String,
    },
    DryRun,
    NoRecipients,
}

impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivery::Sent { message_id, resend, via } => {
                let again = if *resend { " again on request" } else { "" };
                if *via == "eml" {
                    write!(f, "written{again} to {message_id} (the message exactly as SES would get it)")
                } else if *via != "ses" {
                    write!(f, "posted{again} ({message_id})")
                } else {
                    write!(f, "sent{again} (message id {message_id})")
                }
            }
            Delivery::AlreadyDelivered { state: ClaimStatus::Sent, at: Some(at), message_id, record, .. } => write!(
                f,
                "already delivered on {} (message id {}); nothing sent. To send it again: --resend, or \"resend\": true in the event. Record: {record}",
                at.format("%Y-%m-%d %H:%M UTC"),
                message_id.as_deref().unwrap_or("unknown"),
            ),
            Delivery::AlreadyDelivered { state, claimed_at, record, .. } => write!(
                f,
                "claimed for delivery at {} by an earlier run that never confirmed sending (state: {state}); it may not \
                 have gone out, and nothing is sent automatically (`moveo-reports history` shows the run). If it did \
                 not arrive: --resend --only this target, or \"resend\": true and \"only\" in the event. Record: {record}",
                claimed_at.format("%Y-%m-%d %H:%M UTC"),
            ),
            Delivery::DryRun => write!(f, "dry run: nothing sent"),
            Delivery::NoRecipients => write!(f, "no audience configured: nothing sent (set REPORT_RECIPIENTS or --recipients, or an audience in the reports file)"),
        }
    }
}

/// An AWS SDK error in one readable line: `NoSuchBucket (HTTP 404): The specified
/// bucket does not exist`, or the chain of causes of a connection failure.
/// (The SDK's own Display either hides the cause or dumps the raw response.)
pub(crate) fn describe_sdk_error<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_s3::error::SdkError;
    match e {
        SdkError::ServiceError(service) => format!(
            "{} (HTTP {}): {}",
            service.err().code().unwrap_or("error"),
            service.raw().status().as_u16(),
            service.err().message().unwrap_or("no message")
        ),
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
    }
}
