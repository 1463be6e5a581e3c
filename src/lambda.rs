//! The Lambda entry point: the same pipeline, driven by a JSON event.
//!
//! Configuration, SDK clients, fonts and templates are built once per cold
//! start. One binary plays three roles, chosen by the event's shape and
//! `MOVEO_REPORTS_ROLE`: an SQS batch (`Records`) is always worked as a
//! *worker*; a report event is enqueued per report by a *dispatcher*
//! (`MOVEO_REPORTS_ROLE=dispatcher`, with `REPORT_QUEUE_URL`), or made right
//! away otherwise. Errors carry an `errorType` that says whether trying again
//! can help (`Retryable.*`) or not (`Invalid.*`, `Failed.*`).

use crate::analytics::AnalyticsSource;
use crate::app::{self, Deployment};
use crate::config::{parse_addresses, Config};
use crate::fanout::{BatchResponse, ItemFailure, Job, JobQueue, SqsQueue};
use crate::period::parse_zone;
use crate::pipeline::{Outcome, RunError};
use crate::request::{resolve, Overrides, PeriodChoice, Selection};
use crate::spec::Cadence;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Reports a worker makes at once: a whole batch (the template's BatchSize), so a
/// batch takes about as long as its slowest report, well inside the timeout.
const WORKER_CONCURRENCY: usize = 5;

/// What Scheduler's `Input`, a person's direct invocation or a queued job sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportEvent {
    /// One report by id; without it, every report (of the period's cadence).
    report: Option<String>,
    period: Option<Cadence>,
    from: Option<String>,
    to: Option<String>,
    timezone: Option<String>,
    /// `<aws.scheduler.scheduled-time>`: periods are taken relative to it, so a
    /// retried or delayed run reports the same period.
    scheduled_time: Option<String>,
    recipients: Option<Vec<String>>,
    /// "de", "es", "pt-BR": the report's language for this run.
    locale: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    resend: bool,
    /// Only these targets: "email", "slack", "slack:cx-weekly" (with `resend`, one target again).
    #[serde(default)]
    only: Vec<String>,
}

const EXAMPLE: &str = r#"{"period":"weekly","timezone":"Europe/Berlin","scheduled_time":"<aws.scheduler.scheduled-time>"} or {"from":"2026-10-01","to":"2026-10-15"}"#;

/// A request that can never succeed as sent.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct InvalidEvent(String);

fn invalid(message: impl Into<String>) -> InvalidEvent {
    InvalidEvent(message.into())
}

/// Turns an event into overrides of the report specs, or says exactly what is wrong with it.
pub fn parse_event(value: Value, request_id: &str, now: DateTime<Utc>) -> Result<Overrides, InvalidEvent> {
    if value.get("detail-type").is_some() || value.get("source").is_some_and(|s| s.as_str() == Some("aws.events")) {
        return Err(invalid(format!(
            "this is an EventBridge envelope, not a report request: give the schedule's target an Input such as {EXAMPLE}"
        )));
    }
    let event: ReportEvent = serde_json::from_value(value)
        .map_err(|e| invalid(format!("not a report request ({e}); expected {EXAMPLE}")))?;
    let date = |field: &str, value: &str| {
        value
            .parse::<NaiveDate>()
            .map_err(|_| invalid(format!("`{field}` must be a date like 2026-10-01, got '{value}'")))
    };
    let period = match (event.period, event.from.as_deref(), event.to.as_deref()) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(invalid("give either `period` or `from`/`to`, not both"))
        }
        (Some(cadence), None, None) => PeriodChoice::Cadence(cadence),
        (None, Some(from), Some(to)) => PeriodChoice::Range { from: date("from", from)?, to: date("to", to)? },
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(invalid("a custom range needs both `from` and `to` (inclusive dates)"))
        }
        (None, None, None) => return Err(invalid(format!("the event names no period; expected {EXAMPLE}"))),
    };
    let tz = match &event.timezone {
        Some(zone) => {
            Some(parse_zone(zone).map_err(|_| invalid(format!("`timezone` '{zone}' is not an IANA time zone")))?)
        }
        None => None,
    };
    let now = match event.scheduled_time.as_deref() {
        Some(t) if t.starts_with('<') => {
            return Err(invalid(format!(
            "`scheduled_time` is '{t}': only EventBridge Scheduler fills that in; leave it out when invoking directly"
        )))
        }
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| invalid(format!("`scheduled_time` must be an RFC 3339 time, got '{t}'")))?,
        None => now,
    };
    let to = match &event.recipients {
        Some(list) => Some(parse_addresses("recipients", &list.join(",")).map_err(|e| invalid(e.to_string()))?),
        None => None,
    };
    let locale = match event.locale.as_deref() {
        Some(tag) => Some(
            crate::locale::Locale::parse(tag)
                .ok_or_else(|| invalid(format!("`locale` '{tag}' is not one of en, de, es, pt-BR")))?,
        ),
        None => None,
    };
    Ok(Overrides {
        selection: match event.report {
            Some(id) => Selection::One(id),
            // A schedule makes every report of its cadence; a person invoking directly names
            // one (unless the deployment has only one), so a test never mails every audience.
            None if event.scheduled_time.is_some() => Selection::All,
            None => Selection::Only,
        },
        period,
        tz,
        locale,
        to,
        only: event.only,
        test_to: None,
        dry_run: event.dry_run,
        resend: event.resend,
        now,
        request_id: request_id.to_string(),
    })
}

/// The failure a Lambda caller sees.
pub fn diagnostic(error: &RunError) -> Diagnostic {
    let class = if error.is_retryable() {
        "Retryable"
    } else if matches!(error, RunError::Period(_)) {
        "Invalid"
    } else {
        "Failed"
    };
    Diagnostic { error_type: format!("{class}.{}", error.error_type()), error_message: error.to_string() }
}

/// What the invocation returns: what was produced and where.
pub fn response(outcome: &Outcome) -> Value {
    let mut value = serde_json::to_value(outcome).expect("an outcome always serialises");
    value["message"] = outcome.deliveries.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n").into();
    value
}

fn invalid_event(e: impl std::fmt::Display) -> Diagnostic {
    tracing::warn!(error = %e, "invalid event");
    Diagnostic { error_type: "Invalid.Event".into(), error_message: e.to_string() }
}

async fn handle(deployment: &Deployment, queues: &Queues, event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request_id = event.context.request_id.clone();
    if let Some(records) = event.payload.get("Records").and_then(Value::as_array) {
        let response = work(deployment, queues.retry.as_ref(), records).await;
        return Ok(serde_json::to_value(response).expect("a batch response always serialises"));
    }
    let queue = queues.dispatch.as_ref();
    let overrides = parse_event(event.payload, &request_id, Utc::now()).map_err(|e| invalid_event(e.0))?;
    let requests = resolve(&deployment.specs, &overrides).map_err(invalid_event)?;
    if let Some(queue) = queue {
        let jobs: Vec<Job> = requests.iter().map(|r| Job::of(r, overrides.to.is_some(), &overrides.only)).collect();
        let bodies = jobs.iter().map(|j| serde_json::to_string(j).expect("a job always serialises")).collect();
        queue.send_all(bodies).await.map_err(|e| {
            tracing::error!(error = %e, "could not enqueue");
            Diagnostic { error_type: "Retryable.QueueUnavailable".into(), error_message: e.to_string() }
        })?;
        let reports: Vec<&str> = jobs.iter().map(|j| j.report.as_str()).collect();
        tracing::info!(enqueued = jobs.len(), ?reports, "dispatched");
        return Ok(json!({"status": "dispatched", "enqueued": jobs.len(), "reports": reports}));
    }
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for request in &requests {
        match deployment.app.run(request).await {
            Ok(outcome) => outcomes.push(response(&outcome)),
            Err(e) => {
                tracing::error!(report = %request.spec.id, error = %e, retryable = e.is_retryable(), "report failed");
                failures.push(e);
            }
        }
    }
    match (outcomes.len(), failures.len()) {
        (1, 0) => Ok(outcomes.remove(0)),
        (_, 0) => Ok(json!({"status": "done", "reports": outcomes})),
        // A retry is safe: the reports already delivered are not sent again.
        _ if failures.len() == 1 && outcomes.is_empty() => Err(diagnostic(&failures[0])),
        _ => {
            let retryable = failures.iter().any(RunError::is_retryable);
            let message = failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            let class = if retryable { "Retryable" } else { "Failed" };
            Err(Diagnostic {
                error_type: format!("{class}.SomeReportsFailed"),
                error_message: format!("{} of {} reports failed: {message}", failures.len(), requests.len()),
            })
        }
    }
}

/// Makes the report of each SQS record; answers with the records that failed,
/// which SQS redelivers (and, after its retries, moves to the dead-letter queue).
async fn work(deployment: &Deployment, retry: Option<&SqsQueue>, records: &[Value]) -> BatchResponse {
    let results: Vec<(String, Result<(), String>)> = futures_util::stream::iter(records)
        .map(|record| async move {
            let id = record["messageId"].as_str().unwrap_or_default().to_string();
            let result = work_one(deployment, retry, &id, record).await;
            if let Err(e) = &result {
                tracing::error!(message_id = %id, error = %e, "job failed; SQS will redeliver it");
            }
            (id, result)
        })
        .buffer_unordered(WORKER_CONCURRENCY)
        .collect()
        .await;
    BatchResponse {
        batch_item_failures: results
            .into_iter()
            .filter(|(_, r)| r.is_err())
            .map(|(item_identifier, _)| ItemFailure { item_identifier })
            .collect(),
    }
}

async fn work_one(
    deployment: &Deployment,
    retry: Option<&SqsQueue>,
    message_id: &str,
    record: &Value,
) -> Result<(), String> {
    let body = record["body"].as_str().ok_or("the record has no body")?;
    let value: Value = serde_json::from_str(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let overrides = parse_event(value, message_id, Utc::now()).map_err(|e| e.0)?;
    if !matches!(overrides.selection, Selection::One(_)) {
        return Err("a job must name its report".into());
    }
    let receives: u32 =
        record["attributes"]["ApproximateReceiveCount"].as_str().and_then(|n| n.parse().ok()).unwrap_or(1);
    for request in resolve(&deployment.specs, &overrides).map_err(|e| e.to_string())? {
        match deployment.app.run(&request).await {
            Ok(outcome) => {
                tracing::info!(report = %request.spec.id, status = outcome.status, outcome = ?outcome.outcome, "job done");
            }
            Err(e @ RunError::DataIncomplete { .. }) if retry.is_some() => {
                // Asked again in 15 minutes as a new job (SQS's three receives would be
                // spent in half an hour); past the report's deadline it goes out marked.
                tracing::info!(report = %request.spec.id, error = %e, "data not complete yet; job put back");
                let queue = retry.expect("matched above");
                queue
                    .send_later(body, DATA_RETRY_DELAY)
                    .await
                    .map_err(|q| format!("{e}; putting the job back: {q}"))?;
            }
            Err(e) => {
                // Told once, when nothing will try again; the job still fails, so SQS moves it to
                // the dead-letter queue in the end and the queue's alarm sees it.
                if crate::notice::is_final(&e, receives, max_receives()) {
                    let app = &deployment.app;
                    match crate::notice::send_once(&app.store, &app.mailer, &app.sender.from, &request, &e).await {
                        Ok(sent) => tracing::info!(report = %request.spec.id, sent, "failure notice"),
                        Err(n) => tracing::error!(report = %request.spec.id, error = %n, "failure notice not sent"),
                    }
                }
                return Err(e.to_string());
            }
        }
    }
    Ok(())
}

/// How long a job waiting for Moveo's data waits before it is tried again (SQS's maximum).
const DATA_RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(900);

/// How often SQS hands a job over before the dead-letter queue takes it (the template's
/// `maxReceiveCount`, passed as `JOB_MAX_RECEIVES`).
fn max_receives() -> u32 {
    std::env::var("JOB_MAX_RECEIVES").ok().and_then(|n| n.parse().ok()).unwrap_or(3)
}

/// Reads the API key from SSM Parameter Store when `MOVEO_API_KEY_PARAMETER`
/// names it, so the key never sits in the function's environment.
async fn with_api_key(
    mut vars: HashMap<String, String>,
    aws: &aws_config::SdkConfig,
) -> Result<HashMap<String, String>, String> {
    let Some(name) = vars.get("MOVEO_API_KEY_PARAMETER").filter(|n| !n.is_empty()).cloned() else {
        return Ok(vars);
    };
    // With a reports file each report names its own key (read when it is made); the
    // single-report parameter the template always sets is then not read.
    let set = |name: &str| vars.get(name).is_some_and(|v| !v.trim().is_empty());
    if crate::config::demo_requested(&vars) || set("REPORTS_CONFIG") {
        return Ok(vars);
    }
    if vars.get("MOVEO_API_KEY").is_some_and(|k| !k.is_empty()) {
        return Ok(vars);
    }
    let ssm = aws_sdk_ssm::Client::new(aws);
    let out = ssm.get_parameter().name(&name).with_decryption(true).send().await.map_err(|e| {
        format!("reading the Moveo API key from SSM parameter {name}: {}", crate::deliver::describe_sdk_error(&e))
    })?;
    let key = out.parameter.and_then(|p| p.value).ok_or_else(|| format!("SSM parameter {name} has no value"))?;
    vars.insert("MOVEO_API_KEY".into(), key);
    Ok(vars)
}

/// Tells the Lambda service why the cold start failed, so the invocation and the
/// function's logs show it as `Runtime.InitError` with our message. Best effort:
/// the caller still exits with the error.
async fn report_init_error(error_type: &str, message: &str) {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else { return };
    // Lambda gives `host:port`; emulators may give a whole URL.
    let base = if api.starts_with("http") { api } else { format!("http://{api}") };
    let url = format!("{}/2018-06-01/runtime/init/error", base.trim_end_matches('/'));
    let body = serde_json::json!({ "errorType": error_type, "errorMessage": message });
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(2)).build();
    if let Ok(client) = client {
        let sent = client
            .post(url)
            .header("Lambda-Runtime-Function-Error-Type", error_type)
            .body(body.to_string())
            .send()
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not report the init error to the Runtime API");
        }
    }
}

/// Cold start, then one invocation after another until the runtime stops us.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let aws = app::load_aws().await;
    let (deployment, queue) = match cold_start(&aws).await {
        Ok(ready) => ready,
        Err((error_type, message)) => {
            report_init_error(error_type, &message).await;
            return Err(message.into());
        }
    };
    let dispatcher = queue.dispatch.is_some();
    tracing::info!(source = deployment.app.source.name(), reports = deployment.specs.len(), dispatcher, "ready");
    let (deployment, queue) = (&deployment, &queue);
    lambda_runtime::run(service_fn(move |event| handle(deployment, queue, event))).await
}

/// Configuration, clients, query set, templates: everything built once. Every
/// setting is required here: no demo data, no local folder, no `.eml` files in
/// production, unless `MOVEO_DEMO=true` asks for demo data explicitly.
/// The job queue, as each role uses it.
#[derive(Default)]
pub struct Queues {
    /// The dispatcher fills it.
    dispatch: Option<SqsQueue>,
    /// The worker puts back a job whose data is not complete yet.
    retry: Option<SqsQueue>,
}

async fn cold_start(aws: &aws_config::SdkConfig) -> Result<(Deployment, Queues), (&'static str, String)> {
    let vars = with_api_key(std::env::vars().collect(), aws).await.map_err(|e| ("Failed.ApiKey", e))?;
    let config = Config::for_lambda(&vars).map_err(|e| ("Invalid.Configuration", e.to_string()))?;
    let dispatcher = match vars.get("MOVEO_REPORTS_ROLE").map(|r| r.trim()) {
        Some("dispatcher") => true,
        Some("worker") | Some("") | None => false,
        Some(other) => {
            return Err((
                "Invalid.Configuration",
                format!("MOVEO_REPORTS_ROLE must be \"dispatcher\" or \"worker\", got '{other}'"),
            ))
        }
    };
    let queue = match (dispatcher, &config.queue_url) {
        (true, Some(url)) => Queues { dispatch: Some(SqsQueue::new(aws, url.clone())), retry: None },
        (true, None) => {
            return Err((
                "Invalid.Configuration",
                "REPORT_QUEUE_URL: the dispatcher needs the SQS queue it fills".to_string(),
            ))
        }
        (false, url) => Queues { dispatch: None, retry: url.as_ref().map(|u| SqsQueue::new(aws, u.clone())) },
    };
    // The Lambda configuration always names a bucket and a sender, so no local folder is used.
    let unused = std::path::Path::new("/nonexistent");
    let deployment = app::build(&config, Some(aws), unused).await.map_err(|e| ("Invalid.Setup", e.to_string()))?;
    if deployment.app.source.name() == "demo" {
        tracing::warn!("MOVEO_DEMO=true: every report is made from built-in demo data and says so");
    }
    Ok((deployment, queue))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn a_scheduled_event_reports_relative_to_its_scheduled_time() {
        let event = json!({"period":"weekly","timezone":"Europe/Berlin","scheduled_time":"2026-11-23T06:00:00Z"});
        let o = parse_event(event, "r1", now()).unwrap();
        assert_eq!(o.period, PeriodChoice::Cadence(Cadence::Weekly));
        assert_eq!(o.now.to_rfc3339(), "2026-11-23T06:00:00+00:00");
        assert_eq!(o.tz, Some(chrono_tz::Europe::Berlin));
        assert_eq!(o.selection, Selection::All, "a schedule makes every weekly report");
    }

    #[test]
    fn a_direct_invocation_can_name_a_report_a_range_recipients_and_dry_run() {
        let event =
            json!({"report":"brand-a","from":"2026-10-01","to":"2026-10-15","recipients":["a@x.com"],"dry_run":true});
        let o = parse_event(event, "r1", now()).unwrap();
        assert!(o.dry_run);
        assert_eq!(o.to, Some(vec!["a@x.com".to_string()]));
        assert_eq!(o.selection, Selection::One("brand-a".into()));
        assert!(matches!(o.period, PeriodChoice::Range { .. }));
        let resend = json!({"report":"brand-a","period":"weekly","resend":true,"only":["slack:cx"]});
        let o = parse_event(resend, "r1", now()).unwrap();
        assert!(o.resend && o.only == ["slack:cx"], "one target again");
    }

    #[test]
    fn malformed_events_say_what_is_wrong() {
        let cases = [
            (
                json!({"version":"0","detail-type":"Scheduled Event","source":"aws.events","detail":{}}),
                "EventBridge envelope",
            ),
            (json!({"period":"weekly","colour":"blue"}), "unknown field `colour`"),
            (json!({"period":"daily"}), "unknown variant `daily`"),
            (json!({"from":"2026-10-01"}), "needs both `from` and `to`"),
            (json!({"from":"2026-10-01","to":"15.10.2026"}), "`to` must be a date"),
            (
                json!({"period":"weekly","scheduled_time":"<aws.scheduler.scheduled-time>"}),
                "only EventBridge Scheduler fills that in",
            ),
            (json!({"period":"weekly","timezone":"Mars/Base"}), "not an IANA time zone"),
            (json!({}), "names no period"),
            (json!("weekly"), "not a report request"),
        ];
        for (event, message) in cases {
            let err = parse_event(event.clone(), "r", now()).unwrap_err();
            assert!(err.0.contains(message), "{event}: {err}");
        }
    }
}
