//! `ChatPoster`: Slack, Teams and webhooks, each an HTTPS POST of its own format
//! to a URL kept as a secret. The URL never reaches a log line or an error:
//! targets are named by their label, and reqwest's errors are stripped of it.

use super::audience::{ChatKind, ChatTarget};
use super::digest::{Digest, Parcel};
use super::{slack, teams, webhook, ChannelError};
use crate::analytics::FetchError;
use crate::moveo::KeyCache;
use crate::spec::KeySource;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Tries per delivery when the target is busy (429, 5xx) or unreachable.
const ATTEMPTS: u32 = 3;
/// The longest `Retry-After` honoured within a run; longer waits are the queue's job.
const MAX_WAIT: Duration = Duration::from_secs(10);
/// All tries of one post together, so a slow target cannot hold the run to Lambda's timeout.
const DEADLINE: Duration = Duration::from_secs(30);

pub struct ChatPoster {
    http: reqwest::Client,
    secrets: KeyCache,
    /// The first pause between tries; doubled after each.
    backoff: Duration,
}

impl ChatPoster {
    pub fn new(secrets: KeyCache) -> ChatPoster {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            // A redirected POST turns into a GET whose 200 would look like a delivery,
            // and could lead off https: a webhook answers where it is, or not at all.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("moveo-reports/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a client with a rustls TLS backend always builds");
        ChatPoster { http, secrets, backoff: Duration::from_millis(500) }
    }

    /// Without AWS: URLs from environment variables only (the CLI, tests).
    pub fn local() -> ChatPoster {
        ChatPoster::new(KeyCache::new(None))
    }

    /// Posts the report to `target` and returns what the target answered
    /// ("HTTP 200"). `delivery_id` is the same for every try of this delivery.
    pub async fn post(
        &self,
        report_id: &str,
        target: &ChatTarget,
        parcel: &Parcel<'_>,
        delivery_id: &str,
    ) -> Result<String, ChannelError> {
        let url = self.url(report_id, target).await?;
        let secret = match &target.signing_secret {
            Some(source) => Some(self.secret(report_id, source, "signing secret").await?),
            None if target.kind.is_signed() => {
                return Err(ChannelError::Rejected("no signing secret is configured".into()))
            }
            None => None,
        };
        let digest = Digest::of(parcel);
        let body = serde_json::to_vec(&match target.kind {
            ChatKind::Slack => slack::message(&digest),
            ChatKind::Teams => teams::message(&digest),
            ChatKind::Webhook => webhook::document(parcel, &digest, delivery_id),
        })
        .expect("a message always serialises");
        let started = std::time::Instant::now();
        let mut attempt = 1;
        loop {
            let mut request = self
                .http
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(webhook::DELIVERY_HEADER, delivery_id)
                .body(body.clone());
            if let Some(secret) = &secret {
                let signature =
                    webhook::signature(secret.expose_secret().trim().as_bytes(), chrono::Utc::now().timestamp(), &body);
                request = request.header(webhook::SIGNATURE_HEADER, signature);
            }
            let (error, wait) = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    return Ok(format!("HTTP {}", response.status().as_u16()))
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let answer = refused(target.kind, response).await;
                    if matches!(status, 401 | 403 | 404 | 410) {
                        // A replaced URL (or secret) is read again on the next run of this process.
                        self.secrets.forget(&target.url).await;
                        if let Some(secret) = &target.signing_secret {
                            self.secrets.forget(secret).await;
                        }
                    }
                    answer
                }
                Err(e) => (unanswered(target.kind, e), None),
            };
            if !matches!(error, ChannelError::Unavailable(_)) || attempt == ATTEMPTS {
                return Err(error);
            }
            let pause = wait.unwrap_or(self.backoff * 2u32.pow(attempt - 1));
            if pause > MAX_WAIT || started.elapsed() + pause > DEADLINE {
                return Err(error);
            }
            tracing::warn!(channel = %target.label(), attempt, error = %error, wait_ms = pause.as_millis() as u64, "busy, trying again");
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn secret(&self, report_id: &str, source: &KeySource, what: &str) -> Result<SecretString, ChannelError> {
        self.secrets.key(report_id, source).await.map_err(|e| match e {
            FetchError::MissingKey { location, detail, .. } => {
                ChannelError::Rejected(format!("the {what} ({location}) cannot be read: {detail}"))
            }
            other => ChannelError::Unavailable(format!("reading the {what}: {other}")),
        })
    }

    /// The target's URL, which must be https (plain http only on this machine, for tests).
    async fn url(&self, report_id: &str, target: &ChatTarget) -> Result<reqwest::Url, ChannelError> {
        let value = self.secret(report_id, &target.url, "URL").await?;
        let where_ = target.url.describe();
        let url = reqwest::Url::parse(value.expose_secret().trim())
            .map_err(|_| ChannelError::Rejected(format!("the URL in {where_} is not a valid URL")))?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match url.scheme() {
            "https" => Ok(url),
            "http" if loopback => Ok(url),
            _ => Err(ChannelError::Rejected(format!("the URL in {where_} must be https"))),
        }
    }
}

/// A non-2xx answer, classified: busy (429, 5xx) is worth another try, the rest is not.
async fn refused(kind: ChatKind, response: reqwest::Response) -> (ChannelError, Option<Duration>) {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    // Slack answers with a reason code ("no_service", "invalid_payload"); anything
    // else a receiver says may echo the request path, i.e. the URL's secret part.
    let said = response.text().await.unwrap_or_default();
    let said = said.trim();
    let code = !said.is_empty() && said.len() <= 40 && said.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let said = if code { format!(": {said}") } else { String::new() };
    let name = kind.as_str();
    let error = match status {
        408 | 429 | 500..=599 => ChannelError::Unavailable(format!("{name} answered HTTP {status}{said}")),
        300..=399 => ChannelError::Rejected(format!(
            "{name} answered with a redirect (HTTP {status}), which is not followed: use the URL it redirects to"
        )),
        404 | 410 => ChannelError::Rejected(format!(
            "{name} answered HTTP {status}{said}; the webhook is gone (deleted or revoked): put a new URL where this target's URL is kept"
        )),
        401 | 403 => ChannelError::Rejected(format!(
            "{name} refused the post with HTTP {status}{said}; the webhook is not allowed to post (an archived channel, a removed app or flow)"
        )),
        413 => ChannelError::Rejected(format!("{name} found the message too large (HTTP 413){said}")),
        _ => ChannelError::Rejected(format!("{name} refused the message with HTTP {status}{said}")),
    };
    (error, retry_after)
}

/// No answer. Not connected means certainly not posted; an answer lost after the
/// request went out may or may not have been posted. Webhook receivers get a
/// delivery id to drop a repeat with, so for them trying again is safe.
fn unanswered(kind: ChatKind, e: reqwest::Error) -> ChannelError {
    let name = kind.as_str();
    let connect = e.is_connect();
    let e = e.without_url();
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    if connect || kind == ChatKind::Webhook {
        ChannelError::Unavailable(format!("{name} could not be reached: {detail}"))
    } else {
        ChannelError::Uncertain(format!("{name} did not answer: {detail}"))
    }
}
