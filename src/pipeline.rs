//! The whole run, in the order data flows: period → fetch → model → render → deliver.
//!
//! Generic over the three side effects, so the CLI, the Lambda handler, the
//! tests and the benchmark run the same code and only choose adapters.

use crate::analytics::Dataset;
use crate::analytics::{AnalyticsSource, FetchError, Field, Interval, Scope, Window, TREND_SERIES};
use crate::deliver::channels::{self, Shipment, Undelivered};
use crate::deliver::protocol::{DeliverError, Keys, ManifestHead, Protocol, SendError};
use crate::deliver::{
    sha256_hex, Artifact, Audience, ChannelDelivery, ChatPoster, Delivery, Mailer, OutgoingEmail, Parcel, ReportStore,
    StoreError,
};
use crate::period::{Period, PeriodError, PeriodRequest};
use crate::render::email::{compose, Attachment, EmailParts};
use crate::render::{RenderError, Renderer};
use crate::report::coverage::GapNote;
use crate::report::{trend, History, Report};
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
    /// Who gets it, on which channels: the spec's audience, or an override.
    pub audience: Audience,
    pub dry_run: bool,
    pub resend: bool,
    /// A test send (`--test-to`): "[TEST]" in the subject, mailed to the audience outside the
    /// exactly-once records and without touching the archive, so the real run is unaffected.
    pub test: bool,
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
    #[error(transparent)]
    Deliver(#[from] Undelivered),
    #[error(
        "report {report}: Moveo has no sessions yet for {day} (a usual one has {usual}); the data is not complete \
         yet, so it is tried again until {until} UTC and then sent marked as partial data"
    )]
    DataIncomplete { report: String, day: chrono::NaiveDate, usual: u64, until: chrono::DateTime<Utc> },
}

impl RunError {
    /// Whether running the same request again later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            RunError::Period(_) | RunError::Render(_) => false,
            RunError::Fetch { source, .. } => source.is_retryable(),
            RunError::Store(e) => e.is_retryable(),
            RunError::Deliver(e) => e.is_retryable(),
            RunError::DataIncomplete { .. } => true,
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
            RunError::Deliver(_) if self.is_retryable() => "DeliveryUnavailable",
            RunError::Deliver(e) if e.is_uncertain() => "DeliveryUncertain",
            RunError::Deliver(_) => "DeliveryRejected",
            RunError::DataIncomplete { .. } => "DataIncomplete",
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
    /// `sent`, `already_delivered`, `dry_run` or `no_recipients`, over all targets.
    pub status: &'static str,
    /// What each channel target did.
    pub deliveries: Vec<ChannelDelivery>,
    /// "moveo", or "demo" for built-in demo data.
    pub source: &'static str,
    pub outcome: Completeness,
    /// Each query left out, the sections it cost and the server's reason.
    pub left_out: Vec<GapNote>,
    /// Where a reader can open the archived PDF (a presigned or public URL), if the store has links.
    pub link: Option<String>,
    #[serde(skip)]
    pub timings: Timings,
    /// What the reader downloads, in bytes (zero when nothing was rendered).
    #[serde(skip)]
    pub sizes: Sizes,
}

/// Bytes of what a reader downloads.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Sizes {
    /// The whole MIME message, as SES sends it.
    pub message: usize,
    /// The email's HTML part (Gmail clips above about 102 KB).
    pub html: usize,
    pub pdf: usize,
}

pub struct Pipeline<S, R, M> {
    pub source: S,
    pub store: R,
    pub mailer: M,
    pub chats: ChatPoster,
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

/// What rendering produced: the files to archive and the message to send.
struct Rendered {
    artifacts: Vec<Artifact>,
    raw: Vec<u8>,
    sizes: Sizes,
}

impl<S: AnalyticsSource, R: ReportStore, M: Mailer> Pipeline<S, R, M> {
    fn protocol(&self) -> Protocol<'_, R> {
        Protocol { store: &self.store }
    }

    /// The run, and its record under `runs/` (a dry run records nothing): written as
    /// `running` before anything is claimed and again at the end, so a run stopped from
    /// outside leaves a record that `history` can explain.
    pub async fn run(&self, request: &ReportRequest) -> Result<Outcome, RunError> {
        let started = Utc::now();
        // A request that names no real period (a range in the future) is a usage error shown
        // to whoever asked, not a run.
        let period = Period::resolve(request.period, request.tz, request.now).ok().filter(|_| !request.dry_run);
        let Some(period) = period else { return self.make(request).await };
        let (id, request_id) = (&request.spec.id, &request.request_id);
        let place = crate::runs::Place::of(id, &period);
        let record = crate::runs::RunRecord::started(id, period.to_string(), request_id, started, place.clone());
        crate::runs::write(&self.store, &record).await;
        let result = self.make(request).await;
        let record =
            crate::runs::RunRecord::new(id, period.to_string(), request_id, started, &result, request.test, place);
        crate::runs::write(&self.store, &record).await;
        result
    }

    /// Whether any target has a delivery record for this period (a store that cannot list says no).
    async fn served(&self, keys: &Keys) -> Result<bool, StoreError> {
        Ok(!self.store.list(&keys.file("deliveries/")).await?.is_empty())
    }

    /// check → fetch → model → render → archive → send once.
    async fn make(&self, request: &ReportRequest) -> Result<Outcome, RunError> {
        let period = Period::resolve(request.period, request.tz, request.now)?;
        let spec = &*request.spec;
        let keys = Keys::new(&spec.id, &period);
        let mut t = Timings::default();
        info!(report = %spec.id, %period, source = self.source.name(), "report requested");

        // A report already delivered on every channel is not rebuilt, re-archived or re-sent.
        // When only some are, it is rebuilt and only the others get it.
        let prior = if request.dry_run || request.resend || request.test {
            None
        } else {
            Some(channels::prior(&self.protocol(), &keys, &request.audience).await?)
        };
        if let Some(prior) = prior.as_ref().filter(|p| p.complete()) {
            let done = (prior.done.clone(), prior.left_out.clone());
            return Ok(self.outcome_without_work(spec, &period, &keys, done, t));
        }
        // Targets already served were sent links to this archive: it is not replaced, whoever
        // this run is for (the rest of the audience, one target with --only, a resend).
        let keep_archive = prior.as_ref().is_some_and(channels::Prior::started)
            || !request.dry_run && !request.test && self.served(&keys).await?;
        let (current, before, history) = phase("fetch", &mut t.fetch, self.fetch(spec, &period)).await?;
        // Moveo's data arrives late: an empty last day is waited for, then reported as such.
        let missing = crate::report::freshness::last_day_missing(&period, &current, &history);
        if let Some(m) = &missing {
            let until = period.end + chrono::Duration::hours(spec.data_wait_hours.into());
            if Utc::now() < until && !request.dry_run {
                return Err(RunError::DataIncomplete { report: spec.id.clone(), day: m.day, usual: m.usual, until });
            }
        }
        let mut report = timed("model", &mut t.model, || {
            Report::build(&period, &current, &before, &history, spec, self.source.name(), Utc::now())
        });
        if let Some(m) = missing {
            let l = spec.locale;
            report.meta.partial_data = Some(l.fmt(
                "partial_data",
                &[
                    ("day", l.weekday_date(m.day).into()),
                    ("weekday", l.weekday(m.day).into()),
                    ("usual", l.count(m.usual as i64).into()),
                ],
            ));
        }
        let left_out = report.coverage.gaps.clone();
        for gap in &left_out {
            tracing::warn!(query = %gap.query, file = %gap.file, reason = %gap.reason, left_out = %gap.left_out, "section left out");
        }
        // The archived PDF is the one self-contained file a link can point at.
        // A test send archives nothing, so it links to nothing.
        let link = if request.test { None } else { self.store.link(&keys.file("report.pdf")).await? };
        let rendered = self.render(&report, &period, &keys, request, link.as_deref(), &mut t)?;
        let rendered_sizes = rendered.sizes;
        let head = ManifestHead {
            report: spec.id.clone(),
            account: report.meta.account.clone(),
            source: self.source.name().to_string(),
            request_id: request.request_id.clone(),
            left_out: left_out.clone(),
        };
        let written = if request.test {
            Vec::new()
        } else if keep_archive {
            info!(archive = %self.store.locate(keys.prefix()), "kept: earlier targets were sent this archive");
            Vec::new()
        } else {
            phase("archive", &mut t.archive, self.protocol().archive(&keys, &period, head, rendered.artifacts)).await?
        };
        let deliveries = if request.dry_run {
            vec![ChannelDelivery { channel: "all".into(), delivery: Delivery::DryRun }]
        } else if request.audience.is_empty() {
            vec![ChannelDelivery { channel: "all".into(), delivery: Delivery::NoRecipients }]
        } else if request.test {
            vec![phase("mail", &mut t.mail, self.send_test(spec, &period, request, &rendered.raw)).await?]
        } else {
            let email = OutgoingEmail {
                from: &self.sender.from,
                recipients: &request.audience.email,
                raw: &rendered.raw,
                slug: &period.slug(),
            };
            let archive = self.store.locate(keys.prefix());
            let parcel = Parcel { report_id: &spec.id, report: &report, link: link.as_deref(), archive: &archive };
            let shipment = Shipment {
                keys: &keys,
                email: &email,
                parcel: &parcel,
                request_id: &request.request_id,
                resend: request.resend,
                left_out: &left_out,
            };
            let protocol = self.protocol();
            // Boxed: the SDK's and reqwest's futures are large, and two runs joined on one
            // (debug-build) test thread would otherwise overflow its stack.
            let all =
                Box::pin(channels::deliver_all(&protocol, &self.mailer, &self.chats, &request.audience, &shipment));
            phase("mail", &mut t.mail, all).await?
        };
        let outcome = Completeness::of(&left_out);
        let status = channels::summary(&deliveries);
        info!(status, ?outcome, left_out = left_out.len(), "report done");
        Ok(Outcome {
            title: report.meta.title.clone(),
            period: period.to_string(),
            location: self.store.locate(keys.prefix()),
            prefix: keys.prefix().to_string(),
            keys: written,
            status,
            deliveries,
            source: self.source.name(),
            outcome,
            left_out,
            link,
            timings: t,
            sizes: rendered_sizes,
        })
    }

    /// A test email: sent as it is, with no claim and no record, so it never blocks the real send.
    async fn send_test(
        &self,
        spec: &ReportSpec,
        period: &Period,
        request: &ReportRequest,
        raw: &[u8],
    ) -> Result<ChannelDelivery, RunError> {
        let email =
            OutgoingEmail { from: &self.sender.from, recipients: &request.audience.email, raw, slug: &period.slug() };
        match self.mailer.send(&email).await {
            Ok(message_id) => Ok(ChannelDelivery {
                channel: "test email".into(),
                delivery: Delivery::Sent { message_id, resend: false, via: self.mailer.name() },
            }),
            Err(source) => Err(RunError::Deliver(Undelivered {
                report: spec.id.clone(),
                failed: vec![(
                    "test email".into(),
                    DeliverError::Send(SendError {
                        released: true,
                        source,
                        archived: "nothing (a test send archives nothing)".into(),
                        next: "nothing was recorded: the test send can simply be run again".into(),
                    }),
                )],
                delivered: Vec::new(),
            })),
        }
    }

    /// The period, the one before it, the trend and the day history, at once: one round trip.
    async fn fetch(&self, spec: &ReportSpec, period: &Period) -> Result<(Dataset, Dataset, History), RunError> {
        let periods = trend::periods(period);
        let trend_window = trend::window(&periods);
        let daily = window(period).interval == Interval::Day;
        // Boxed: each fetch is a large future (dozens of joined queries), and four of them
        // inline would overflow a (debug-build) thread's stack.
        let (current, before, trend, days) = tokio::try_join!(
            Box::pin(self.source.fetch(spec, window(period), Scope::Full)),
            Box::pin(self.source.fetch(spec, window(&period.previous()), Scope::Totals)),
            Box::pin(async {
                match trend_window {
                    Some(w) => self.source.fetch(spec, w, Scope::Series(TREND_SERIES)).await,
                    None => Ok(Dataset::default()),
                }
            }),
            Box::pin(async {
                if daily {
                    let only_sessions = Scope::Series(&[Field::Sessions]);
                    self.source.fetch(spec, trend::day_history(period), only_sessions).await.map(Some)
                } else {
                    Ok(None)
                }
            }),
        )
        .map_err(|source| RunError::Fetch { report: spec.id.clone(), period: period.to_string(), source })?;
        for gap in trend.gaps.iter().chain(days.iter().flat_map(|d| &d.gaps)) {
            tracing::warn!(query = %gap.query, reason = %gap.reason, "a trend series is left out");
        }
        Ok((current, before, History { periods, trend, days }))
    }

    /// Charts, HTML, PDF, CSV and the MIME message, each phase timed.
    fn render(
        &self,
        report: &Report,
        period: &Period,
        keys: &Keys,
        request: &ReportRequest,
        link: Option<&str>,
        t: &mut Timings,
    ) -> Result<Rendered, RenderError> {
        let charts = timed("charts", &mut t.charts, || self.renderer.charts(report))?;
        let (email_html, email_text, report_html) =
            timed("html", &mut t.html, || self.renderer.html(report, &charts, link))?;
        let logo = request.spec.brand.logo.as_ref().map(|l| l.png.as_slice());
        let pdf = timed("pdf", &mut t.pdf, || self.renderer.pdf(report, &charts, logo))?;
        let csv = self.renderer.csv(report)?;
        let xlsx = self.renderer.xlsx(report)?;
        let stem = format!("moveo-{}-{}", period.kind.as_str(), period.slug());
        let wanted = request.spec.attachments;
        let mut attachments = Vec::new();
        for (on, ext, content_type, bytes) in [
            (wanted.pdf, "pdf", "application/pdf", pdf.as_slice()),
            (wanted.xlsx, "xlsx", crate::render::xlsx::CONTENT_TYPE, xlsx.as_slice()),
            (wanted.csv, "csv", "text/csv; charset=utf-8", csv.as_slice()),
        ] {
            if on {
                attachments.push(Attachment { name: format!("{stem}.{ext}"), content_type, bytes });
            }
        }
        let brand = &request.spec.brand;
        let message_id = format!(
            "{}.{}@moveo-reports",
            period.slug(),
            // Stable for a report and its recipients, so a mail client can fold an accidental
            // duplicate into one; a deliberate resend is a new message.
            &sha256_hex(
                format!(
                    "{}/{}",
                    keys.record(&request.audience.email),
                    if request.resend || request.test { request.request_id.as_str() } else { "" }
                )
                .as_bytes()
            )[..12]
        );
        let subject = if request.test { format!("[TEST] {}", report.subject()) } else { report.subject() };
        let raw = compose(&EmailParts {
            subject: &subject,
            from: &self.sender.from,
            from_name: brand.sender_name.as_deref(),
            reply_to: brand.reply_to.as_deref().or(self.sender.reply_to.as_deref()),
            recipients: &request.audience.email,
            html: &email_html,
            text: &email_text,
            charts: &charts,
            logo,
            attachments,
            message_id: &message_id,
            date: Utc::now(),
        })?;
        let sizes = Sizes { message: raw.len(), html: email_html.len(), pdf: pdf.len() };
        let mut artifacts = vec![
            Artifact::new("report.html", "text/html; charset=utf-8", report_html.into_bytes()),
            Artifact::new("report.pdf", "application/pdf", pdf),
            Artifact::new("email.html", "text/html; charset=utf-8", email_html.into_bytes()),
            Artifact::new("email.txt", "text/plain; charset=utf-8", email_text.into_bytes()),
            Artifact::new("email.eml", "message/rfc822", raw.clone()),
            Artifact::new("data.csv", "text/csv; charset=utf-8", csv),
            Artifact::new("data.xlsx", crate::render::xlsx::CONTENT_TYPE, xlsx),
        ];
        if let Some(logo) = logo {
            artifacts.push(Artifact::new("logo.png", "image/png", logo.to_vec()));
        }
        artifacts
            .extend(charts.into_iter().map(|c| Artifact::new(format!("charts/{}", c.file_name()), "image/png", c.png)));
        Ok(Rendered { artifacts, raw, sizes })
    }

    fn outcome_without_work(
        &self,
        spec: &ReportSpec,
        period: &Period,
        keys: &Keys,
        (deliveries, left_out): (Vec<ChannelDelivery>, Vec<GapNote>),
        timings: Timings,
    ) -> Outcome {
        let outcome = Completeness::of(&left_out);
        let title = format!("{} · {}", period.kind.title(), period.label());
        info!(status = "already_delivered", "nothing to do");
        Outcome {
            title: match &spec.title {
                Some(name) => format!("{name} · {title}"),
                None => title,
            },
            period: period.to_string(),
            prefix: keys.prefix().to_string(),
            location: self.store.locate(keys.prefix()),
            keys: vec![],
            status: channels::summary(&deliveries),
            deliveries,
            source: self.source.name(),
            outcome,
            left_out,
            link: None,
            timings,
            sizes: Sizes::default(),
        }
    }
}
