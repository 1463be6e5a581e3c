//! Many reports, fanned out on AWS's own services: a *dispatcher* turns a
//! schedule's event into one queue message per due (report, period); a
//! *worker* makes the reports of an SQS batch and answers with the messages
//! that failed (`ReportBatchItemFailures`), so one bad report never blocks or
//! repeats the others. SQS redelivers the failed ones and, after its retries,
//! moves them to the dead-letter queue.
//!
//! Each message is a report event naming one report and a fixed
//! `scheduled_time`, so a redelivered message, a dispatcher run twice or two
//! workers on the same message all resolve to the same period and storage
//! prefix, and the delivery claim lets one email out.

use crate::pipeline::ReportRequest;
use serde::Serialize;
use std::future::Future;

/// A queue of report jobs: SQS in production.
pub trait JobQueue: Send + Sync {
    /// Enqueues every body; all or an error (the dispatcher is then retried, and
    /// the messages already sent are harmless: delivery is claimed once).
    fn send_all(&self, bodies: Vec<String>) -> impl Future<Output = Result<(), QueueError>> + Send;
}

#[derive(Debug, thiserror::Error)]
#[error("enqueuing report jobs on {queue}: {detail}")]
pub struct QueueError {
    pub queue: String,
    pub detail: String,
}

/// The event a worker gets for one report: the request, pinned.
#[derive(Debug, Serialize, PartialEq)]
pub struct Job {
    pub report: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub timezone: String,
    /// The dispatcher's instant, so every retry reports the same period.
    pub scheduled_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<String>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resend: bool,
    /// `--only` / `"only"`: the targets this job delivers to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<String>,
}

impl Job {
    /// The message for a resolved request. `to_overridden` keeps an explicit
    /// recipient override; otherwise the worker uses the spec's audience.
    pub fn of(request: &ReportRequest, to_overridden: bool, only: &[String]) -> Job {
        use crate::period::PeriodRequest;
        let (period, from, to) = match request.period {
            PeriodRequest::Weekly => (Some("weekly"), None, None),
            PeriodRequest::Monthly => (Some("monthly"), None, None),
            PeriodRequest::Range { from, to } => (None, Some(from.to_string()), Some(to.to_string())),
        };
        Job {
            report: request.spec.id.clone(),
            period,
            from,
            to,
            timezone: request.tz.name().to_string(),
            scheduled_time: request.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            recipients: to_overridden.then(|| request.audience.email.to.clone()),
            dry_run: request.dry_run,
            resend: request.resend,
            only: only.to_vec(),
        }
    }
}

/// SQS, through the AWS SDK.
pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsQueue {
    pub fn new(config: &aws_config::SdkConfig, url: String) -> SqsQueue {
        SqsQueue { client: aws_sdk_sqs::Client::new(config), url }
    }
}

impl SqsQueue {
    /// Puts `body` back on the queue, invisible for `delay` (SQS allows at most 15 minutes):
    /// a job that is waiting for data is asked again later, as a new message with its own
    /// receive count.
    pub async fn send_later(&self, body: &str, delay: std::time::Duration) -> Result<(), QueueError> {
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay.as_secs().min(900) as i32)
            .send()
            .await
            .map_err(|e| QueueError { queue: self.url.clone(), detail: crate::deliver::describe_sdk_error(&e) })?;
        Ok(())
    }
}

impl JobQueue for SqsQueue {
    async fn send_all(&self, bodies: Vec<String>) -> Result<(), QueueError> {
        use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
        let fail = |detail: String| QueueError { queue: self.url.clone(), detail };
        // SQS takes ten messages per batch call.
        for chunk in bodies.chunks(10) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, body)| SendMessageBatchRequestEntry::builder().id(i.to_string()).message_body(body).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fail(e.to_string()))?;
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| fail(crate::deliver::describe_sdk_error(&e)))?;
            if let Some(failed) = out.failed().first() {
                return Err(fail(format!(
                    "{} of {} messages refused, e.g. {}: {}",
                    out.failed().len(),
                    chunk.len(),
                    failed.code(),
                    failed.message().unwrap_or("no message")
                )));
            }
        }
        Ok(())
    }
}

/// The answer SQS's event source mapping reads: the messages to redeliver.
#[derive(Debug, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFailure {
    pub item_identifier: String,
}
