//! The Lambda entry point: the same pipeline, driven by a JSON event.
//!
//! Configuration, SDK clients, fonts and templates are built once per cold
//! start; each event becomes a `ReportRequest`. Errors carry an `errorType`
//! that says whether trying again can help (`Retryable.*`) or not (`Invalid.*`,
//! `Failed.*`).

use crate::analytics::AnalyticsSource;
use crate::app::{self, App};
use crate::config::{parse_addresses, Config};
use crate::period::{parse_zone, PeriodRequest};
use crate::pipeline::{Outcome, ReportRequest, RunError};
use crate::render::email::Recipients;
use chrono::{DateTime, NaiveDate, Utc};
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// What Scheduler's `Input` or a person's direct invocation sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportEvent {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    timezone: Option<String>,
    /// `<aws.scheduler.scheduled-time>`: periods are taken relative to it, so a
    /// retried or delayed run reports the same period.
    scheduled_time: Option<String>,
    recipients: Option<Vec<String>>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    resend: bool,
}

const EXAMPLE: &str = r#"{"period":"weekly","timezone":"Europe/Berlin","scheduled_time":"<aws.scheduler.scheduled-time>"} or {"from":"2026-10-01","to":"2026-10-15"}"#;

/// A request that can never succeed as sent.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct InvalidEvent(String);

fn invalid(message: impl Into<String>) -> InvalidEvent {
    InvalidEvent(message.into())
}

/// Turns an event into a request, or says exactly what is wrong with it.
pub fn parse_event(
    value: Value,
    config: &Config,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<ReportRequest, InvalidEvent> {
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
    let period = match (event.period.as_deref(), event.from.as_deref(), event.to.as_deref()) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(invalid("give either `period` or `from`/`to`, not both"))
        }
        (Some("weekly"), None, None) => PeriodRequest::Weekly,
        (Some("monthly"), None, None) => PeriodRequest::Monthly,
        (Some(other), None, None) => {
            return Err(invalid(format!("`period` must be \"weekly\" or \"monthly\", got '{other}'")))
        }
        (None, Some(from), Some(to)) => PeriodRequest::Range { from: date("from", from)?, to: date("to", to)? },
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(invalid("a custom range needs both `from` and `to` (inclusive dates)"))
        }
        (None, None, None) => return Err(invalid(format!("the event names no period; expected {EXAMPLE}"))),
    };
    let tz = match &event.timezone {
        Some(zone) => parse_zone(zone).map_err(|_| invalid(format!("`timezone` '{zone}' is not an IANA time zone")))?,
        None => config.timezone,
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
    let recipients = match &event.recipients {
        Some(list) => Recipients {
            to: parse_addresses("recipients", &list.join(",")).map_err(|e| invalid(e.to_string()))?,
            ..config.recipients.clone()
        },
        None => config.recipients.clone(),
    };
    Ok(ReportRequest {
        period,
        tz,
        now,
        recipients,
        dry_run: event.dry_run,
        resend: event.resend,
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
    value["status"] = value["delivery"]["status"].clone();
    value["message"] = outcome.delivery.to_string().into();
    value
}

async fn handle(app: &App, config: &Config, event: LambdaEvent<Value>) -> Result<Value, Diagnostic> {
    let request = parse_event(event.payload, config, &event.context.request_id, Utc::now()).map_err(|e| {
        tracing::warn!(error = %e, "invalid event");
        Diagnostic { error_type: "Invalid.Event".into(), error_message: e.0 }
    })?;
    match app.run(&request).await {
        Ok(outcome) => Ok(response(&outcome)),
        Err(e) => {
            tracing::error!(error = %e, retryable = e.is_retryable(), "report failed");
            Err(diagnostic(&e))
        }
    }
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
    if vars.get("MOVEO_DEMO").is_some_and(|v| v.trim() == "true") {
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
    let url = format!("http://{api}/2018-06-01/runtime/init/error");
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
    let (app, config) = match cold_start(&aws).await {
        Ok(ready) => ready,
        Err((error_type, message)) => {
            report_init_error(error_type, &message).await;
            return Err(message.into());
        }
    };
    tracing::info!(source = app.source.name(), account = %config.account(), "ready");
    let (app, config) = (&app, &config);
    lambda_runtime::run(service_fn(move |event| handle(app, config, event))).await
}

/// Configuration, clients, query set, templates: everything built once. Every
/// setting is required here: no demo data, no local folder, no `.eml` files in
/// production, unless `MOVEO_DEMO=true` asks for demo data explicitly.
async fn cold_start(aws: &aws_config::SdkConfig) -> Result<(App, Config), (&'static str, String)> {
    let vars = with_api_key(std::env::vars().collect(), aws).await.map_err(|e| ("Failed.ApiKey", e))?;
    let config = Config::for_lambda(&vars).map_err(|e| ("Invalid.Configuration", e.to_string()))?;
    // The Lambda configuration always names a bucket and a sender, so no local folder is used.
    let unused = std::path::Path::new("/nonexistent");
    let app = app::build(&config, Some(aws), unused).await.map_err(|e| ("Invalid.Setup", e.to_string()))?;
    if app.source.name() == "demo" {
        tracing::warn!("MOVEO_DEMO=true: every report is made from built-in demo data and says so");
    }
    Ok((app, config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> Config {
        Config::from_vars(&HashMap::from([("REPORT_RECIPIENTS".to_string(), "team@example.com".to_string())])).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    #[test]
    fn a_scheduled_event_reports_relative_to_its_scheduled_time() {
        let event = json!({"period":"weekly","timezone":"Europe/Berlin","scheduled_time":"2026-11-23T06:00:00Z"});
        let request = parse_event(event, &config(), "r1", now()).unwrap();
        assert_eq!(request.period, PeriodRequest::Weekly);
        assert_eq!(request.now.to_rfc3339(), "2026-11-23T06:00:00+00:00");
        assert_eq!(request.tz, chrono_tz::Europe::Berlin);
        assert_eq!(request.recipients.to, ["team@example.com"]);
    }

    #[test]
    fn a_direct_invocation_can_set_a_range_recipients_and_dry_run() {
        let event = json!({"from":"2026-10-01","to":"2026-10-15","recipients":["a@x.com"],"dry_run":true});
        let request = parse_event(event, &config(), "r1", now()).unwrap();
        assert!(request.dry_run);
        assert_eq!(request.recipients.to, ["a@x.com"]);
        assert!(matches!(request.period, PeriodRequest::Range { .. }));
    }

    #[test]
    fn malformed_events_say_what_is_wrong() {
        let cases = [
            (
                json!({"version":"0","detail-type":"Scheduled Event","source":"aws.events","detail":{}}),
                "EventBridge envelope",
            ),
            (json!({"period":"weekly","colour":"blue"}), "unknown field `colour`"),
            (json!({"period":"daily"}), "must be \"weekly\" or \"monthly\""),
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
            let err = parse_event(event.clone(), &config(), "r", now()).unwrap_err();
            assert!(err.0.contains(message), "{event}: {err}");
        }
    }
}
