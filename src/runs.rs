//! The run history: one record per run under `runs/{report}/` in the store, failed
//! runs included, so a report that stopped going out is seen, not guessed at.
//! A run writes its record when it starts (`running`) and again when it ends, so a
//! process that was killed, ran out of memory or timed out leaves a record with no
//! end, and `history` shows what that run claimed and how to finish it.
//! `moveo-reports history` reads them back, newest first.

use crate::deliver::protocol::Keys;
use crate::deliver::{ClaimStatus, DeliveryRecord, ReportStore, StoreError};
use crate::period::{Period, PeriodKind};
use crate::pipeline::{Outcome, RunError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const PREFIX: &str = "runs/";

/// What one run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub report: String,
    /// `weekly 2026-11-16_2026-11-22 (Europe/Berlin)`, or what was asked when no period could be made.
    pub period: String,
    pub started_at: DateTime<Utc>,
    /// None while the run goes on, and for good when it was stopped from outside.
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// `running` (no end recorded), `sent`, `already_delivered`, `no_recipients`, `test` or `failed`.
    pub status: String,
    /// `complete` or `partial` (sections left out); none when the run failed.
    pub outcome: Option<String>,
    /// What each channel target did, as the CLI prints it.
    pub channels: Vec<ChannelLine>,
    /// Milliseconds per phase (fetch, model, charts, html, pdf, archive, mail).
    pub timings_ms: std::collections::BTreeMap<String, u64>,
    pub request_id: String,
    pub error: Option<Failure>,
    /// Where the period is archived and its delivery claims live (`reports/{id}/{kind}/{slug}`).
    #[serde(default)]
    pub archive: Option<String>,
    /// `--report ID --from DATE --to DATE --tz ZONE`: the same period again.
    #[serde(default)]
    pub rerun: Option<String>,
}

/// Where a run's period lives, known once its period is.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub archive: Option<String>,
    pub rerun: Option<String>,
}

impl Place {
    pub fn of(report: &str, period: &Period) -> Place {
        Place { archive: Some(Keys::new(report, period).prefix().to_string()), rerun: Some(rerun_args(report, period)) }
    }
}

/// The CLI arguments that make this very period again: a week or month as of its end
/// (`--period weekly --as-of …`), a custom range by its dates. (`--from/--to` for a week
/// would be a custom range, archived and claimed apart from the weekly report.)
pub fn rerun_args(report: &str, period: &Period) -> String {
    let tz = period.tz.name();
    match period.kind {
        PeriodKind::Custom => {
            format!("--report {report} --from {} --to {} --tz {tz}", period.first_day, period.last_day)
        }
        kind => format!("--report {report} --period {} --as-of {} --tz {tz}", kind.as_str(), as_of(period)),
    }
}

/// The period's end in its own zone, as RFC 3339: the instant a schedule would have run it.
pub fn as_of(period: &Period) -> String {
    period.end.with_timezone(&period.tz).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelLine {
    pub channel: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Lambda's `errorType`: `MoveoUnauthorized`, `StoreUnavailable`, …
    pub kind: String,
    pub retryable: bool,
    pub message: String,
}

impl RunRecord {
    /// The record of a run that has just started.
    pub fn started(
        report: &str,
        period: String,
        request_id: &str,
        started_at: DateTime<Utc>,
        place: Place,
    ) -> RunRecord {
        RunRecord {
            report: report.to_string(),
            period,
            started_at,
            finished_at: None,
            status: "running".into(),
            outcome: None,
            channels: Vec::new(),
            timings_ms: Default::default(),
            request_id: request_id.to_string(),
            error: None,
            archive: place.archive,
            rerun: place.rerun,
        }
    }

    /// The record of a run that ended with `result`; it replaces the started one (same key).
    pub fn new(
        report: &str,
        period: String,
        request_id: &str,
        started_at: DateTime<Utc>,
        result: &Result<Outcome, RunError>,
        test: bool,
        place: Place,
    ) -> RunRecord {
        let line = |d: &crate::deliver::ChannelDelivery| ChannelLine {
            channel: d.channel.clone(),
            result: d.delivery.to_string(),
        };
        let (status, outcome, channels, timings_ms, error) = match result {
            Ok(o) => {
                let t = &o.timings;
                let ms = |d: std::time::Duration| d.as_millis() as u64;
                let timings = [
                    ("fetch", t.fetch),
                    ("model", t.model),
                    ("charts", t.charts),
                    ("html", t.html),
                    ("pdf", t.pdf),
                    ("archive", t.archive),
                    ("mail", t.mail),
                ]
                .into_iter()
                .map(|(name, d)| (name.to_string(), ms(d)))
                .collect();
                let status = if test { "test" } else { o.status };
                let outcome = serde_json::to_value(o.outcome).ok().and_then(|v| v.as_str().map(str::to_string));
                (status.to_string(), outcome, o.deliveries.iter().map(line).collect(), timings, None)
            }
            Err(e) => {
                let channels = match e {
                    RunError::Deliver(u) => u
                        .delivered
                        .iter()
                        .map(line)
                        .chain(u.failed.iter().map(|(channel, why)| ChannelLine {
                            channel: channel.clone(),
                            result: format!("failed: {why}"),
                        }))
                        .collect(),
                    _ => Vec::new(),
                };
                let failure =
                    Failure { kind: e.error_type().to_string(), retryable: e.is_retryable(), message: e.to_string() };
                ("failed".to_string(), None, channels, Default::default(), Some(failure))
            }
        };
        RunRecord {
            report: report.to_string(),
            period,
            started_at,
            finished_at: Some(Utc::now()),
            status,
            outcome,
            channels,
            timings_ms,
            request_id: request_id.to_string(),
            error,
            archive: place.archive,
            rerun: place.rerun,
        }
    }

    /// Whether the run never recorded an end. Lambda stops a function at 15 minutes, so an
    /// older record without an end was stopped from outside.
    pub fn unfinished(&self) -> Option<&'static str> {
        match self.finished_at {
            Some(_) => None,
            None if Utc::now() - self.started_at > chrono::Duration::minutes(15) => {
                Some("stopped before it ended (killed, out of memory or timed out)")
            }
            None => Some("no end recorded yet: still running, or stopped (killed, out of memory or timed out)"),
        }
    }

    /// `runs/{report}/{started}-{request}.json`: names sort by time within a report.
    pub fn key(&self) -> String {
        let request = crate::deliver::sha256_hex(self.request_id.as_bytes());
        format!("{PREFIX}{}/{}-{}.json", self.report, self.started_at.format("%Y%m%dT%H%M%S%.3fZ"), &request[..8])
    }
}

/// Writes the record; a store that cannot take it costs the record, never the run's result.
pub async fn write<S: ReportStore>(store: &S, record: &RunRecord) {
    let key = record.key();
    let body = serde_json::to_vec_pretty(record).unwrap_or_default();
    if let Err(e) = store.put(&key, "application/json", &body).await {
        tracing::warn!(error = %e, key, "the run record could not be written");
    }
}

/// The newest `last` records, of one report or all, newest first.
pub async fn newest<S: ReportStore>(
    store: &S,
    report: Option<&str>,
    last: usize,
) -> Result<Vec<RunRecord>, crate::deliver::StoreError> {
    let prefix = match report {
        Some(id) => format!("{PREFIX}{id}/"),
        None => PREFIX.to_string(),
    };
    let mut keys: Vec<String> = store.list(&prefix).await?.into_iter().filter(|k| k.ends_with(".json")).collect();
    // The file name starts with the UTC start time, so it orders runs across reports too.
    keys.sort_by(|a, b| file_name(b).cmp(file_name(a)));
    let mut out = Vec::new();
    for key in keys.into_iter().take(last) {
        if let Some(bytes) = store.get(&key).await? {
            match serde_json::from_slice(&bytes) {
                Ok(record) => out.push(record),
                Err(e) => tracing::warn!(key, error = %e, "not a run record"),
            }
        }
    }
    Ok(out)
}

fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The delivery claims a run made, when they need explaining: all of them for a run
/// with no end, the unconfirmed ones (`sending`, `unknown`) for any other.
pub async fn claims_of<S: ReportStore>(store: &S, record: &RunRecord) -> Result<Vec<DeliveryRecord>, StoreError> {
    let Some(archive) = &record.archive else { return Ok(Vec::new()) };
    if record.status == "already_delivered" || record.status == "test" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for key in store.list(&format!("{archive}/deliveries/")).await? {
        let Some(bytes) = store.get(&key).await? else { continue };
        let Ok(claim) = serde_json::from_slice::<DeliveryRecord>(&bytes) else { continue };
        let open = claim.status != ClaimStatus::Sent;
        if claim.request_id == record.request_id && (open || record.finished_at.is_none()) {
            out.push(claim);
        }
    }
    out.sort_by_key(|c| c.claimed_at);
    Ok(out)
}

/// One claim in words, with the command that finishes it when it is unconfirmed.
pub fn explain(claim: &DeliveryRecord, rerun: Option<&str>) -> String {
    let target = match claim.channel.as_str() {
        "email" | "" => format!("email to {}", claim.recipients.join(", ")),
        _ => claim.recipients.join(", "),
    };
    let selector = match claim.channel.as_str() {
        "email" | "" => "email".to_string(),
        kind => {
            let name = claim.recipients.first().and_then(|l| l.split('\'').nth(1)).unwrap_or("");
            format!("{kind}:{name}")
        }
    };
    match (claim.status, claim.sent_at) {
        (ClaimStatus::Sent, Some(at)) => format!(
            "{target}: sent {} (id {})",
            at.format("%Y-%m-%d %H:%M:%S"),
            claim.message_id.as_deref().unwrap_or("-")
        ),
        (status, _) => {
            let how = match rerun {
                Some(args) => format!("moveo-reports report {args} --resend --only {selector}"),
                None => format!("--resend --only {selector}"),
            };
            format!(
                "{target}: claimed {}, never confirmed ({status}); it may or may not have gone out, and no retry \
                 sends it. If it did not arrive: {how}",
                claim.claimed_at.format("%Y-%m-%d %H:%M:%S"),
            )
        }
    }
}

/// The records as a table, for people; `notes[i]` are printed in full under row `i`.
pub fn table(records: &[RunRecord], notes: &[Vec<String>]) -> String {
    let mut out = format!(
        "{:<20} {:<20} {:<36} {:<18} {:>8}  {}\n",
        "started (UTC)", "report", "period", "status", "seconds", "channels / error"
    );
    for (i, r) in records.iter().enumerate() {
        let seconds = r
            .finished_at
            .map_or("-".to_string(), |end| format!("{:.1}", (end - r.started_at).num_milliseconds() as f64 / 1000.0));
        let status = match (&r.status[..], r.outcome.as_deref()) {
            (s, Some("partial")) => format!("{s} (partial)"),
            (s, _) => s.to_string(),
        };
        let detail = match &r.error {
            _ if r.finished_at.is_none() => r.unfinished().unwrap_or_default().to_string(),
            Some(e) if r.channels.is_empty() => {
                format!("{}{}: {}", e.kind, if e.retryable { " (retryable)" } else { "" }, e.message)
            }
            _ => r.channels.iter().map(|c| format!("{}: {}", c.channel, c.result)).collect::<Vec<_>>().join("; "),
        };
        out.push_str(&format!(
            "{:<20} {:<20} {:<36} {:<18} {:>8}  {}\n",
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            r.report,
            r.period,
            status,
            seconds,
            crate::report::text::clip(&crate::report::text::one_line(&detail), 160)
        ));
        for note in notes.get(i).into_iter().flatten() {
            out.push_str(&format!("    {note}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(channel: &str, recipients: &[&str], status: ClaimStatus) -> DeliveryRecord {
        DeliveryRecord {
            status,
            channel: channel.into(),
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
            claimed_at: "2026-11-30T07:00:01Z".parse().unwrap(),
            sent_at: (status == ClaimStatus::Sent).then(|| "2026-11-30T07:00:02Z".parse().unwrap()),
            message_id: (status == ClaimStatus::Sent).then(|| "m-1".into()),
            request_id: "req-1".into(),
            resend: false,
            outcome: None,
            left_out: Vec::new(),
        }
    }

    #[test]
    fn an_unconfirmed_claim_says_what_it_means_and_the_command_that_finishes_it() {
        let rerun = Some("--report cx --period weekly --as-of 2026-11-30T00:00:00Z --tz UTC");
        let email = explain(&claim("email", &["a@x.com", "b@x.com"], ClaimStatus::Sending), rerun);
        assert_eq!(
            email,
            "email to a@x.com, b@x.com: claimed 2026-11-30 07:00:01, never confirmed (sending); it may or may not \
             have gone out, and no retry sends it. If it did not arrive: moveo-reports report --report cx --period \
             weekly --as-of 2026-11-30T00:00:00Z --tz UTC --resend --only email"
        );
        let slack = explain(&claim("slack", &["slack 'cx-weekly'"], ClaimStatus::Unknown), rerun);
        assert!(slack.starts_with("slack 'cx-weekly': claimed") && slack.ends_with("--resend --only slack:cx-weekly"));
        let sent = explain(&claim("teams", &["teams 'ops'"], ClaimStatus::Sent), rerun);
        assert_eq!(sent, "teams 'ops': sent 2026-11-30 07:00:02 (id m-1)");
    }

    #[test]
    fn the_rerun_command_makes_the_same_period_in_any_zone() {
        use crate::period::PeriodRequest;
        let now: DateTime<Utc> = "2026-11-25T08:00:00Z".parse().unwrap();
        for tz in
            [chrono_tz::UTC, chrono_tz::Europe::Berlin, chrono_tz::Pacific::Kiritimati, chrono_tz::Pacific::Pago_Pago]
        {
            for request in [PeriodRequest::Weekly, PeriodRequest::Monthly] {
                let period = Period::resolve(request, tz, now).unwrap();
                let args = rerun_args("cx", &period);
                let at = args.split("--as-of ").nth(1).unwrap().split(' ').next().unwrap();
                let at = DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc);
                assert_eq!(Period::resolve(request, tz, at).unwrap(), period, "{args}");
            }
        }
        let from = "2026-11-02".parse().unwrap();
        let to = "2026-11-10".parse().unwrap();
        let custom = Period::resolve(PeriodRequest::Range { from, to }, chrono_tz::UTC, now).unwrap();
        assert_eq!(rerun_args("cx", &custom), "--report cx --from 2026-11-02 --to 2026-11-10 --tz UTC");
    }

    #[test]
    fn a_record_without_an_end_reads_as_running_then_as_stopped() {
        let place = Place::default();
        let now = Utc::now();
        let fresh = RunRecord::started("cx", "weekly".into(), "r", now, place.clone());
        assert!(fresh.unfinished().unwrap().starts_with("no end recorded yet"));
        let old = RunRecord::started("cx", "weekly".into(), "r", now - chrono::Duration::minutes(20), place);
        assert!(old.unfinished().unwrap().starts_with("stopped before it ended"));
        // Records written before runs recorded their start still read.
        let legacy = r#"{"report":"cx","period":"p","started_at":"2026-11-30T07:00:00Z","finished_at":"2026-11-30T07:00:03Z",
            "status":"sent","outcome":"complete","channels":[],"timings_ms":{},"request_id":"r","error":null}"#;
        let legacy: RunRecord = serde_json::from_str(legacy).unwrap();
        assert!(legacy.unfinished().is_none() && legacy.archive.is_none());
    }
}
