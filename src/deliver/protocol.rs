//! The delivery protocol, on top of the store: check → archive → claim → send
//! → record, so each (report, period, channel, target) gets the report at most
//! once whatever retries, redeliveries or concurrent runs do.
//!
//! It knows nothing of rendering or of any channel: it gets finished artefacts
//! and a send to make, so it can be tested with `DirStore` and any future.

use super::audience::ChatTarget;
use super::{
    sha256_hex, Artifact, ChannelError, ClaimStatus, Delivery, DeliveryRecord, Manifest, ManifestEntry, Recipients,
    ReportStore, StoreError,
};
use crate::period::Period;
use crate::pipeline::Completeness;
use crate::report::coverage::GapNote;
use chrono::Utc;
use std::future::Future;

/// Where one report's period lives in the store, and its delivery records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// `reports/{report id}/{kind}/{start}_{end}`.
    pub fn new(report_id: &str, period: &Period) -> Keys {
        Keys { prefix: format!("reports/{report_id}/{}/{}", period.kind.as_str(), period.slug()) }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// An archived file: `report.pdf`, `charts/activity.png`.
    pub fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.prefix)
    }

    pub fn manifest(&self) -> String {
        self.file("manifest.json")
    }

    /// The record of an email to these recipients: the same people get a report
    /// once, a different list is a different delivery. (Email records keep the
    /// name they had before other channels, so old claims still hold.)
    pub fn record(&self, recipients: &Recipients) -> String {
        let mut all: Vec<String> = recipients.all().map(|a| a.trim().to_ascii_lowercase()).collect();
        all.sort();
        all.dedup();
        let digest = sha256_hex(all.join(",").as_bytes());
        self.file(&format!("deliveries/{}.json", &digest[..16]))
    }

    /// The record of a post to a chat target: `deliveries/slack-{hash}.json`.
    pub fn chat_record(&self, target: &ChatTarget) -> String {
        let digest = sha256_hex(target.identity().as_bytes());
        self.file(&format!("deliveries/{}-{}.json", target.kind.as_str(), &digest[..16]))
    }

    /// A deliberate resend keeps the original record and leaves one of its own beside it,
    /// keyed by the request: a retried or redelivered resend (same Lambda request or SQS
    /// message id) finds its own record and does not send a third copy.
    pub fn resend_record(record: &str, request_id: &str) -> String {
        let id: String =
            request_id.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        record.replace(".json", &format!("-resend-{id}.json"))
    }
}

/// What a manifest says besides its files.
pub struct ManifestHead {
    pub report: String,
    pub account: String,
    pub source: String,
    pub request_id: String,
    pub left_out: Vec<GapNote>,
}

/// Who is claiming a delivery to one channel target, and what it is.
pub struct Claim<'a> {
    /// The target's record (`Keys::record`, `Keys::chat_record`), before a resend's suffix.
    pub record: String,
    /// "email", "slack", …
    pub channel: &'static str,
    /// The addresses, or the chat target's label.
    pub recipients: Vec<String>,
    pub request_id: &'a str,
    pub resend: bool,
    pub left_out: &'a [GapNote],
}

impl Claim<'_> {
    /// Where this claim is written: the target's record, or a resend's own beside it.
    pub fn key(&self) -> String {
        if self.resend {
            Keys::resend_record(&self.record, self.request_id)
        } else {
            self.record.clone()
        }
    }
}

/// A send that failed, with what happens on the next try.
#[derive(Debug, thiserror::Error)]
#[error("{source}. The report is archived at {archived}; {next}")]
pub struct SendError {
    pub source: ChannelError,
    pub archived: String,
    /// What happens on the next try, which depends on whether the claim was released.
    pub next: String,
    /// The claim was released and the mail certainly not sent: trying again is safe.
    pub released: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Send(#[from] SendError),
}

/// The protocol over one store.
pub struct Protocol<'a, R> {
    pub store: &'a R,
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("records and manifests always serialise")
}

impl<R: ReportStore> Protocol<'_, R> {
    /// The record at `key`, if a claim was ever made there.
    pub async fn already_delivered(&self, key: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        let Some(bytes) = self.store.get(key).await? else {
            return Ok(None);
        };
        // An unreadable record still proves a claim was made; never send on doubt.
        Ok(Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| DeliveryRecord {
            status: ClaimStatus::Unknown,
            channel: String::new(),
            recipients: vec![],
            claimed_at: Utc::now(),
            sent_at: None,
            message_id: None,
            request_id: String::new(),
            resend: false,
            outcome: None,
            left_out: Vec::new(),
        })))
    }

    /// What a found record means for the caller.
    pub fn delivered(&self, key: &str, record: DeliveryRecord) -> Delivery {
        Delivery::AlreadyDelivered {
            state: record.status,
            claimed_at: record.claimed_at,
            at: record.sent_at,
            message_id: record.message_id,
            record: self.store.locate(key),
        }
    }

    /// Every artefact, then `manifest.json` (sizes, sha256, period, outcome). No
    /// mail goes out unless this succeeded. Returns the keys written.
    pub async fn archive(
        &self,
        keys: &Keys,
        period: &Period,
        head: ManifestHead,
        artifacts: Vec<Artifact>,
    ) -> Result<Vec<String>, StoreError> {
        let mut entries = Vec::with_capacity(artifacts.len());
        for artifact in &artifacts {
            let key = keys.file(&artifact.name);
            self.store.put(&key, artifact.content_type, &artifact.bytes).await?;
            entries.push(ManifestEntry {
                key,
                content_type: artifact.content_type.to_string(),
                size: artifact.bytes.len(),
                sha256: sha256_hex(&artifact.bytes),
            });
        }
        let manifest = Manifest {
            report: head.report,
            account: head.account,
            kind: period.kind.as_str().to_string(),
            first_day: period.first_day.to_string(),
            last_day: period.last_day.to_string(),
            timezone: period.tz.name().to_string(),
            source: head.source,
            generator: concat!("moveo-reports ", env!("CARGO_PKG_VERSION")).to_string(),
            request_id: head.request_id,
            generated_at: Utc::now(),
            outcome: Completeness::of(&head.left_out),
            left_out: head.left_out,
            artifacts: entries,
        };
        let manifest_key = keys.manifest();
        self.store.put(&manifest_key, "application/json", &json(&manifest)).await?;
        let mut written: Vec<String> = manifest.artifacts.into_iter().map(|e| e.key).collect();
        written.push(manifest_key);
        Ok(written)
    }

    /// Claim → send → record. A failed send releases the claim so a retry can send;
    /// a process that dies after sending leaves the claim, so the report is never
    /// sent twice (see the README on this trade-off).
    /// `send` is not started unless the claim is ours; `via` names what sends it.
    pub async fn send_once<F>(
        &self,
        keys: &Keys,
        claim: Claim<'_>,
        via: &'static str,
        send: F,
    ) -> Result<Delivery, DeliverError>
    where
        F: Future<Output = Result<String, ChannelError>>,
    {
        let claimed_at = Utc::now();
        let key = claim.key();
        let mut record = DeliveryRecord {
            status: ClaimStatus::Sending,
            channel: claim.channel.to_string(),
            recipients: claim.recipients.clone(),
            claimed_at,
            sent_at: None,
            message_id: None,
            request_id: claim.request_id.to_string(),
            resend: claim.resend,
            outcome: Some(Completeness::of(claim.left_out)),
            left_out: claim.left_out.to_vec(),
        };
        let ours = |holder: &DeliveryRecord| holder.request_id == claim.request_id && holder.claimed_at == claimed_at;
        let mut tries = 0;
        loop {
            let written = match self.store.put_if_absent(&key, "application/json", &json(&record)).await {
                Ok(written) => written,
                // No answer: the claim may have been written. If it was ours, we hold it;
                // if nothing is there, nothing was claimed and trying later is safe.
                Err(e) => match self.already_delivered(&key).await {
                    Ok(Some(holder)) if ours(&holder) => {
                        tracing::info!(key, "the claim was written although its answer was lost");
                        true
                    }
                    Ok(Some(holder)) => return Ok(self.delivered(&key, holder)),
                    Ok(None) | Err(_) => return Err(e.into()),
                },
            };
            if written {
                break;
            }
            match self.already_delivered(&key).await? {
                // Our own claim: the write succeeded, its answer was lost, and the
                // SDK's retry found the object. Then we hold it and go on.
                Some(holder) if ours(&holder) => break,
                Some(holder) => return Ok(self.delivered(&key, holder)),
                // Another run's write in flight (S3 409), or a claim released just now:
                // never assume it is ours; claim again, and give up as retryable.
                None if tries < 3 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200 * tries)).await;
                }
                None => {
                    return Err(StoreError::Unavailable {
                        action: format!("claiming {}", self.store.locate(&key)),
                        detail: "another run is claiming the same delivery".into(),
                    }
                    .into())
                }
            }
        }
        let message_id = match send.await {
            Ok(id) => id,
            Err(source) => return Err(self.after_failed_send(source, &key, record, keys).await.into()),
        };
        record.status = ClaimStatus::Sent;
        record.sent_at = Some(Utc::now());
        record.message_id = Some(message_id.clone());
        // The mail is out; failing to record it must not make the run look failed and retried.
        if let Err(e) = self.store.put(&key, "application/json", &json(&record)).await {
            tracing::warn!(error = %e, key, "sent, but could not record the delivery; the claim still prevents a resend");
        }
        Ok(Delivery::Sent { message_id, resend: claim.resend, via })
    }

    /// A refused send releases the claim so a retry can send; an uncertain one keeps
    /// it (marked `unknown`), because a retry could send the report twice.
    async fn after_failed_send(
        &self,
        source: ChannelError,
        key: &str,
        mut record: DeliveryRecord,
        keys: &Keys,
    ) -> SendError {
        let archived = self.store.locate(keys.prefix());
        let record_at = self.store.locate(key);
        if !source.certainly_not_sent() {
            record.status = ClaimStatus::Unknown;
            if let Err(e) = self.store.put(key, "application/json", &json(&record)).await {
                tracing::warn!(error = %e, key, "could not mark the delivery claim as unknown; it still blocks a resend");
            }
            let next = format!(
                "the claim {record_at} is kept, so no retry sends a duplicate. If it did not arrive, send it \
                 with --resend (or \"resend\": true in the event)"
            );
            return SendError { source, archived, next, released: false };
        }
        match self.store.delete(key).await {
            Ok(()) => {
                let next = match source {
                    ChannelError::Unavailable(_) => "the next try sends it".to_string(),
                    _ => "once that is fixed, the next run sends it".to_string(),
                };
                SendError { source, archived, next, released: true }
            }
            Err(e) => {
                tracing::error!(error = %e, key, "could not release the delivery claim after a failed send");
                let next = format!(
                    "the delivery claim {record_at} could not be removed ({e}), so a retry will report it as claimed; \
                     remove that record or use --resend"
                );
                SendError { source, archived, next, released: false }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::DirStore;
    use crate::period::PeriodRequest;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn keys() -> Keys {
        let now = "2026-11-25T08:00:00Z".parse().unwrap();
        Keys::new("brand-a", &Period::resolve(PeriodRequest::Weekly, chrono_tz::UTC, now).unwrap())
    }

    fn team() -> Recipients {
        Recipients { to: vec!["team@x.com".into()], ..Default::default() }
    }

    fn claim(request_id: &str, resend: bool) -> Claim<'_> {
        Claim {
            record: keys().record(&team()),
            channel: "email",
            recipients: vec!["team@x.com".into()],
            request_id,
            resend,
            left_out: &[],
        }
    }

    /// A channel that counts its sends and answers `result`.
    async fn send(count: &AtomicUsize, result: Result<&str, ChannelError>) -> Result<String, ChannelError> {
        count.fetch_add(1, Ordering::SeqCst);
        result.map(str::to_string)
    }

    #[test]
    fn keys_name_the_report_and_period_and_hash_the_recipients_in_any_order() {
        let k = keys();
        assert_eq!(k.prefix(), "reports/brand-a/weekly/2026-11-16_2026-11-22");
        let a = Recipients { to: vec!["A@x.com".into(), "b@x.com".into()], ..Default::default() };
        let b = Recipients { to: vec!["b@x.com".into()], bcc: vec!["a@x.com".into()], ..Default::default() };
        assert_eq!(k.record(&a), k.record(&b));
        assert!(k.record(&a).starts_with("reports/brand-a/weekly/2026-11-16_2026-11-22/deliveries/"));
    }

    #[test]
    fn a_chat_record_is_per_kind_and_target_and_never_holds_the_url() {
        use crate::deliver::{ChatKind, ChatTarget};
        use crate::spec::KeySource;
        let target = |kind, param: &str| ChatTarget {
            kind,
            name: "cx".into(),
            url: KeySource::Parameter(param.into()),
            signing_secret: None,
        };
        let slack = keys().chat_record(&target(ChatKind::Slack, "/moveo-reports/slack/cx"));
        assert!(slack.contains("/deliveries/slack-"), "{slack}");
        assert_ne!(slack, keys().chat_record(&target(ChatKind::Teams, "/moveo-reports/slack/cx")));
        assert_ne!(slack, keys().chat_record(&target(ChatKind::Slack, "/moveo-reports/slack/other")));
        assert!(!slack.contains("moveo-reports/slack"));
    }

    /// A store where another run always holds the claim but its record cannot be read yet
    /// (S3's 409 for a conditional write in flight, or a claim released just now).
    struct Contended(DirStore);

    impl ReportStore for Contended {
        async fn put(&self, key: &str, ct: &str, bytes: &[u8]) -> Result<(), StoreError> {
            self.0.put(key, ct, bytes).await
        }
        async fn put_if_absent(&self, _: &str, _: &str, _: &[u8]) -> Result<bool, StoreError> {
            Ok(false)
        }
        async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
            Ok(None)
        }
        async fn delete(&self, key: &str) -> Result<(), StoreError> {
            self.0.delete(key).await
        }
        fn locate(&self, key: &str) -> String {
            self.0.locate(key)
        }
    }

    #[tokio::test]
    async fn a_claim_that_cannot_be_read_is_never_taken_for_ours() {
        let dir = tempfile::tempdir().unwrap();
        let store = Contended(DirStore::new(dir.path()));
        let sent = AtomicUsize::new(0);
        let err = Protocol { store: &store }
            .send_once(&keys(), claim("r1", false), "eml", send(&sent, Ok("id")))
            .await
            .unwrap_err();
        assert!(matches!(err, DeliverError::Store(ref e) if e.is_retryable()), "{err}");
        assert_eq!(sent.load(Ordering::SeqCst), 0, "nothing sent on doubt");
    }

    #[tokio::test]
    async fn a_retried_resend_finds_its_own_record_and_sends_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::new(dir.path());
        let protocol = Protocol { store: &store };
        let sent = AtomicUsize::new(0);
        let first = protocol.send_once(&keys(), claim("lambda-req-7", true), "eml", send(&sent, Ok("a"))).await;
        assert!(matches!(first.unwrap(), Delivery::Sent { resend: true, .. }));
        let retry = protocol.send_once(&keys(), claim("lambda-req-7", true), "eml", send(&sent, Ok("b"))).await;
        assert!(matches!(retry.unwrap(), Delivery::AlreadyDelivered { .. }));
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_claim_is_sent_once_and_its_record_says_sent() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::new(dir.path());
        let protocol = Protocol { store: &store };
        let sent = AtomicUsize::new(0);
        let first = protocol.send_once(&keys(), claim("r1", false), "ses", send(&sent, Ok("m-1"))).await.unwrap();
        assert!(matches!(first, Delivery::Sent { ref message_id, .. } if message_id == "m-1"));
        let second = protocol.send_once(&keys(), claim("r2", false), "ses", send(&sent, Ok("m-2"))).await.unwrap();
        assert!(matches!(second, Delivery::AlreadyDelivered { state: ClaimStatus::Sent, .. }), "{second:?}");
        let record = protocol.already_delivered(&keys().record(&team())).await.unwrap().unwrap();
        assert_eq!((record.status, record.channel.as_str()), (ClaimStatus::Sent, "email"));
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_busy_channel_releases_its_claim_and_an_uncertain_one_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::new(dir.path());
        let protocol = Protocol { store: &store };
        let sent = AtomicUsize::new(0);
        let busy = ChannelError::Unavailable("slack answered HTTP 503".into());
        let err = protocol.send_once(&keys(), claim("r1", false), "slack", send(&sent, Err(busy))).await.unwrap_err();
        let DeliverError::Send(e) = err else { panic!("{err}") };
        assert!(e.released && e.to_string().starts_with("slack answered HTTP 503."), "{e}");
        assert!(protocol.already_delivered(&keys().record(&team())).await.unwrap().is_none(), "released");

        let lost = ChannelError::Uncertain("no answer".into());
        let err = protocol.send_once(&keys(), claim("r2", false), "slack", send(&sent, Err(lost))).await.unwrap_err();
        assert!(matches!(err, DeliverError::Send(SendError { released: false, .. })), "{err}");
        let kept = protocol.already_delivered(&keys().record(&team())).await.unwrap().unwrap();
        assert_eq!(kept.status, ClaimStatus::Unknown);
        let third = protocol.send_once(&keys(), claim("r3", false), "slack", send(&sent, Ok("x"))).await.unwrap();
        assert!(matches!(third, Delivery::AlreadyDelivered { state: ClaimStatus::Unknown, .. }));
        assert_eq!(sent.load(Ordering::SeqCst), 2, "never a third send on doubt");
    }
}
