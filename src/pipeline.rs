//! The whole run, in the order data flows: period → fetch → model → render → deliver.
//!
//! Generic over the three side effects, so the CLI, the Lambda handler, the
//! tests and the benchmark run the same code and only choose adapters.

use crate::analytics::{AnalyticsSource, FetchError, Interval, Scope, Window};
use crate::deliver::{
    delivery_key, sha256_hex, Artifact, Delivery, DeliveryRecord, MailError, Mailer, Manifest, ManifestEntry,
    OutgoingEmail, ReportStore, StoreError,
};
use crate::period::{Period, PeriodError, PeriodRequest};
use crate::render::email::{compose, EmailParts, Recipients};
use crate::render::{RenderError, Renderer};
use crate::report::coverage::GapNote;
use crate::report::Report;
use crate::spec::ReportSpec;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{info, info_span, Instrument};

/// One report to make, as the CLI or an event asks for it, with every
/// override already applied (`crate::request::resolve`).
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Which report: its account, filters and title.
    pub spec: Arc<ReportSpec>,
    pub period: PeriodRequest,
    pub tz: Tz,
    /// The instant periods are relative to: now, or the schedule's time.
    pub now: DateTime<Utc>,
    pub recipients: Recipients,
    pub dry_run: bool,
    pub resend: bool,
    pub request_id: String,
}

/// Who the mail is from; fixed per deployment.
#[derive(Debug, Clone)]
pub struct Sender {
    pub from: String,
    pub reply_to: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error("report {report}, fetching analytics for {period}: {source}")]
    Fetch { report: String, period: String, source: FetchError },
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{source}. The report is archived at {archived}; {next}")]
    Mail {
        source: MailError,
        archived: String,
        /// What happens on the next try, which depends on whether the claim was released.
        next: String,
        /// The claim was released and the mail certainly not sent: trying again is safe.
        released: bool,
    },
}

impl RunError {
    /// Whether running the same request again later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            RunError::Period(_) | RunError::Render(_) => false,
            RunError::Fetch { source, .. } => source.is_retryable(),
            RunError::Store(e) => e.is_retryable(),
            RunError::Mail { source, released, .. } => *released && matches!(source, MailError::Unavailable(_)),
        }
    }

    /// A stable name for the kind of failure, used as Lambda's `errorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            RunError::Period(_) => "InvalidRequest",
            RunError::Fetch { source: FetchError::Unauthorized { .. }, .. } => "MoveoUnauthorized",
            RunError::Fetch { .. } if self.is_retryable() => "MoveoUnavailable",
            RunError::Fetch { .. } => "MoveoQueryFailed",
            RunError::Render(_) => "RenderFailed",
            RunError::Store(_) if self.is_retryable() => "StoreUnavailable",
            RunError::Store(_) => "StoreRejected",
            RunError::Mail { .. } if self.is_retryable() => "MailUnavailable",
            RunError::Mail { source: MailError::Uncertain(_), .. } => "MailUncertain",
            RunError::Mail { .. } => "MailRejected",
        }
    }
}

/// Wall time of each phase, for logs and the benchmark.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub fetch: Duration,
    pub model: Duration,
    pub charts: Duration,
    pub html: Duration,
    pub pdf: Duration,
    pub archive: Duration,
    pub mail: Duration,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.fetch + self.model + self.charts + self.html + self.pdf + self.archive + self.mail
    }
}

/// Whether the report has every section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completeness {
    Complete,
    /// Sections were left out because Moveo rejected their queries; `left_out` says which.
    Partial,
}

impl Completeness {
    pub fn of(left_out: &[GapNote]) -> Completeness {
        if left_out.is_empty() {
            Completeness::Complete
        } else {
            Completeness::Partial
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub title: String,
    pub period: String,
    pub prefix: String,
    pub location: String,
    pub keys: Vec<String>,
    pub delivery: Delivery,
    /// "moveo", or "demo" for built-in demo data.
    pub source: &'static str,
    pub outcome: Completeness,
    /// Each query left out, the sections it cost and the server's reason.
    pub left_out: Vec<GapNote>,
    #[serde(skip)]
    pub timings: Timings,
}

pub struct Pipeline<S, R, M> {
    pub source: S,
    pub store: R,
    pub mailer: M,
    pub renderer: Renderer,
    pub sender: Sender,
}

fn window(period: &Period) -> Window {
    Window { start: period.start, end: period.end, interval: Interval::for_days(period.day_count()) }
}

/// Times a phase and gives it a tracing span, so one log line per step says where time went.
async fn phase<T, F: std::future::Future<Output = T>>(name: &'static str, slot: &mut Duration, f: F) -> T {
    let started = Instant::now();
    let out = f.instrument(info_span!("phase", name)).await;
    *slot = started.elapsed();
    info!(phase = name, ms = slot.as_secs_f64() * 1000.0, "phase done");
    out
}

fn timed<T>(name: &'static str, slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let _span = info_span!("phase", name).entered();
    let started = Instant::now();
    let out = f();
    *slot = started.elapsed();
    info!(phase = name, ms = slot.as_secs_f64() * 1000.0, "phase done");
    out
}

impl<S: AnalyticsSource, R: ReportStore, M: Mailer> Pipeline<S, R, M> {
    /// The storage prefix of a report's period: `reports/{report id}/{kind}/{start}_{end}`.
    pub fn prefix(&self, spec: &ReportSpec, period: &Period) -> String {
        format!("reports/{}/{}/{}", spec.id, period.kind.as_str(), period.slug())
    }

    pub async fn run(&self, request: &ReportRequest) -> Result<Outcome, RunError> {
        let period = Period::resolve(request.period, request.tz, request.now)?;
        let previous = period.previous();
        let spec = &*request.spec;
        let prefix = self.prefix(spec, &period);
        let record_key = delivery_key(&prefix, &request.recipients);
        let mut t = Timings::default();
        info!(report = %spec.id, %period, source = self.source.name(), "report requested");

        // A report already delivered to these people is not rebuilt, re-archived or re-sent.
        if !request.dry_run && !request.resend && !request.recipients.is_empty() {
            if let Some(delivered) = self.already_delivered(&record_key).await? {
                return Ok(self.outcome_without_work(spec, &period, &prefix, &record_key, delivered, t));
            }
        }

        let (current, before) = phase("fetch", &mut t.fetch, async {
            tokio::try_join!(
                self.source.fetch(spec, window(&period), Scope::Full),
                self.source.fetch(spec, window(&previous), Scope::Totals)
            )
        })
        .await
        .map_err(|source| RunError::Fetch { report: spec.id.clone(), period: period.to_string(), source })?;

        let report = timed("model", &mut t.model, || {
            Report::build(&period, &current, &before, spec, self.source.name(), Utc::now())
        });
        let left_out = report.coverage.gaps.clone();
        for gap in &left_out {
            tracing::warn!(query = %gap.query, file = %gap.file, reason = %gap.reason, left_out = %gap.left_out, "section left out");
        }
        let charts = timed("charts", &mut t.charts, || self.renderer.charts(&report))?;
        let (email_html, email_text, report_html) =
            timed("html", &mut t.html, || self.renderer.html(&report, &charts))?;
        let pdf = timed("pdf", &mut t.pdf, || self.renderer.pdf(&report, &charts))?;
        let csv = self.renderer.csv(&report)?;

        let pdf_name = format!("moveo-{}-{}.pdf", period.kind.as_str(), period.slug());
        let message_id = format!(
            "{}.{}@moveo-reports",
            period.slug(),
            // Stable for a report and its recipients, so a mail client can fold an accidental
            // duplicate into one; a deliberate resend is a new message.
            &sha256_hex(
                format!("{record_key}/{}", if request.resend { request.request_id.as_str() } else { "" }).as_bytes()
            )[..12]
        );
        let raw = compose(&EmailParts {
            subject: &report.subject(),
            from: &self.sender.from,
            reply_to: self.sender.reply_to.as_deref(),
            recipients: &request.recipients,
            html: &email_html,
            text: &email_text,
            charts: &charts,
            pdf: &pdf,
            pdf_name: &pdf_name,
            message_id: &message_id,
            date: Utc::now(),
        })
        .map_err(RenderError::from)?;

        let mut artifacts = vec![
            Artifact::new("report.html", "text/html; charset=utf-8", report_html.into_bytes()),
            Artifact::new("report.pdf", "application/pdf", pdf),
            Artifact::new("email.html", "text/html; charset=utf-8", email_html.into_bytes()),
            Artifact::new("email.txt", "text/plain; charset=utf-8", email_text.into_bytes()),
            Artifact::new("email.eml", "message/rfc822", raw.clone()),
            Artifact::new("data.csv", "text/csv; charset=utf-8", csv),
        ];
        artifacts
            .extend(charts.into_iter().map(|c| Artifact::new(format!("charts/{}", c.file_name()), "image/png", c.png)));

        let keys =
            phase("archive", &mut t.archive, self.archive(&period, &prefix, request, artifacts, &left_out)).await?;

        let delivery = if request.dry_run {
            Delivery::DryRun
        } else if request.recipients.is_empty() {
            Delivery::NoRecipients
        } else {
            let email = OutgoingEmail {
                from: &self.sender.from,
                recipients: &request.recipients,
                raw: &raw,
                slug: &period.slug(),
            };
            phase("mail", &mut t.mail, self.send_once(&record_key, &prefix, request, &email, &left_out)).await?
        };
        let outcome = Completeness::of(&left_out);
        info!(%delivery, ?outcome, left_out = left_out.len(), "report done");
        Ok(Outcome {
            title: report.meta.title.clone(),
            period: period.to_string(),
            location: self.store.locate(&prefix),
            prefix,
            keys,
            delivery,
            source: self.source.name(),
            outcome,
            left_out,
            timings: t,
        })
    }

    async fn already_delivered(&self, record_key: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        let Some(bytes) = self.store.get(record_key).await? else {
            return Ok(None);
        };
        // An unreadable record still proves a claim was made; never send on doubt.
        Ok(Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| DeliveryRecord {
            status: "unknown".into(),
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

    fn outcome_without_work(
        &self,
        spec: &ReportSpec,
        period: &Period,
        prefix: &str,
        record_key: &str,
        record: DeliveryRecord,
        timings: Timings,
    ) -> Outcome {
        let left_out = record.left_out;
        let outcome = record.outcome.unwrap_or(Completeness::of(&left_out));
        let title = format!("{} · {}", period.kind.title(), period.label());
        let delivery = Delivery::AlreadyDelivered {
            state: record.status,
            claimed_at: record.claimed_at,
            at: record.sent_at,
            message_id: record.message_id,
            record: self.store.locate(record_key),
        };
        info!(%delivery, "nothing to do");
        Outcome {
            title: match &spec.title {
                Some(name) => format!("{name} · {title}"),
                None => title,
            },
            period: period.to_string(),
            prefix: prefix.to_string(),
            location: self.store.locate(prefix),
            keys: vec![],
            delivery,
            source: self.source.name(),
            outcome,
            left_out,
            timings,
        }
    }

    async fn archive(
        &self,
        period: &Period,
        prefix: &str,
        request: &ReportRequest,
        artifacts: Vec<Artifact>,
        left_out: &[GapNote],
    ) -> Result<Vec<String>, StoreError> {
        let mut entries = Vec::with_capacity(artifacts.len());
        for artifact in &artifacts {
            let key = format!("{prefix}/{}", artifact.name);
            self.store.put(&key, artifact.content_type, &artifact.bytes).await?;
            entries.push(ManifestEntry {
                key,
                content_type: artifact.content_type.to_string(),
                size: artifact.bytes.len(),
                sha256: sha256_hex(&artifact.bytes),
            });
        }
        let manifest = Manifest {
            report: request.spec.id.clone(),
            account: request.spec.account.as_ref().map_or_else(|| "demo".to_string(), |a| a.id.clone()),
            kind: period.kind.as_str().to_string(),
            first_day: period.first_day.to_string(),
            last_day: period.last_day.to_string(),
            timezone: period.tz.name().to_string(),
            source: self.source.name().to_string(),
            generator: concat!("moveo-reports ", env!("CARGO_PKG_VERSION")).to_string(),
            request_id: request.request_id.clone(),
            generated_at: Utc::now(),
            outcome: Completeness::of(left_out),
            left_out: left_out.to_vec(),
            artifacts: entries,
        };
        let manifest_key = format!("{prefix}/manifest.json");
        let json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
        self.store.put(&manifest_key, "application/json", &json).await?;
        let mut keys: Vec<String> = manifest.artifacts.into_iter().map(|e| e.key).collect();
        keys.push(manifest_key);
        Ok(keys)
    }

    /// A refused send releases the claim so a retry can send; an uncertain one keeps
    /// it (marked `unknown`), because a retry could send the report twice.
    async fn after_failed_send(
        &self,
        source: MailError,
        key: &str,
        mut record: DeliveryRecord,
        prefix: &str,
    ) -> RunError {
        let archived = self.store.locate(prefix);
        let record_at = self.store.locate(key);
        if !source.certainly_not_sent() {
            record.status = "unknown".into();
            let json = serde_json::to_vec_pretty(&record).expect("a record always serialises");
            if let Err(e) = self.store.put(key, "application/json", &json).await {
                tracing::warn!(error = %e, key, "could not mark the delivery claim as unknown; it still blocks a resend");
            }
            let next = format!(
                "the claim {record_at} is kept, so no retry sends a duplicate. If the mail did not arrive, send it \
                 with --resend (or \"resend\": true in the event)"
            );
            return RunError::Mail { source, archived, next, released: false };
        }
        match self.store.delete(key).await {
            Ok(()) => {
                let next = match source {
                    MailError::Unavailable(_) => "the next try sends it".to_string(),
                    _ => "once that is fixed, the next run sends it".to_string(),
                };
                RunError::Mail { source, archived, next, released: true }
            }
            Err(e) => {
                tracing::error!(error = %e, key, "could not release the delivery claim after a failed send");
                let next = format!(
                    "the delivery claim {record_at} could not be removed ({e}), so a retry will report it as claimed; \
                     remove that record or use --resend"
                );
                RunError::Mail { source, archived, next, released: false }
            }
        }
    }

    /// Claim → send → record. A failed send releases the claim so a retry can send;
    /// a process that dies after sending leaves the claim, so the report is never
    /// sent twice (see the README on this trade-off).
    async fn send_once(
        &self,
        record_key: &str,
        prefix: &str,
        request: &ReportRequest,
        email: &OutgoingEmail<'_>,
        left_out: &[GapNote],
    ) -> Result<Delivery, RunError> {
        let claimed_at = Utc::now();
        let mut record = DeliveryRecord {
            status: "sending".into(),
            recipients: request.recipients.all().cloned().collect(),
            claimed_at,
            sent_at: None,
            message_id: None,
            request_id: request.request_id.clone(),
            resend: request.resend,
            outcome: Some(Completeness::of(left_out)),
            left_out: left_out.to_vec(),
        };
        // A resend keeps the original record and leaves one of its own beside it.
        let key = if request.resend {
            record_key.replace(".json", &format!("-resend-{}.json", claimed_at.format("%Y%m%dT%H%M%S%.3fZ")))
        } else {
            record_key.to_string()
        };
        let json = |r: &DeliveryRecord| serde_json::to_vec_pretty(r).expect("a record always serialises");
        if !self.store.put_if_absent(&key, "application/json", &json(&record)).await? {
            let holder = self.already_delivered(&key).await?.unwrap_or_else(|| record.clone());
            // The claim can be our own: the write succeeded, its answer was lost, and
            // the SDK's retry found the object. Then we hold it and go on.
            let ours = holder.request_id == record.request_id && holder.claimed_at == record.claimed_at;
            if !ours {
                return Ok(Delivery::AlreadyDelivered {
                    state: holder.status,
                    claimed_at: holder.claimed_at,
                    at: holder.sent_at,
                    message_id: holder.message_id,
                    record: self.store.locate(&key),
                });
            }
        }
        let message_id = match self.mailer.send(email).await {
            Ok(id) => id,
            Err(source) => return Err(self.after_failed_send(source, &key, record, prefix).await),
        };
        record.status = "sent".into();
        record.sent_at = Some(Utc::now());
        record.message_id = Some(message_id.clone());
        // The mail is out; failing to record it must not make the run look failed and retried.
        if let Err(e) = self.store.put(&key, "application/json", &json(&record)).await {
            tracing::warn!(error = %e, key, "sent, but could not record the delivery; the claim still prevents a resend");
        }
        Ok(Delivery::Sent { message_id, resend: request.resend, via: self.mailer.name() })
    }
}
