//! The Moveo client against the stand-in server, which validates every request
//! against a GraphQL schema of the documented and assumed API.

use crate::helpers::*;
use chrono::{DateTime, Utc};
use moveo_reports::analytics::{AnalyticsSource, FetchError, Interval, Scope, Window};
use moveo_reports::deliver::{DirStore, EmlOutbox};
use moveo_reports::moveo::queries::QuerySet;
use moveo_reports::moveo::{KeyCache, Limits, MoveoApi, RetryPolicy};
use moveo_reports::period::{Period, PeriodRequest};
use moveo_reports::pipeline::{Pipeline, ReportRequest, RunError};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(2),
        total: Duration::from_secs(10),
        timeout: Duration::from_secs(5),
    }
}

fn api(server: &StandIn) -> MoveoApi {
    server.api(quick_retries())
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().with_timezone(&Utc)
}

fn week() -> Period {
    Period::resolve(PeriodRequest::Weekly, chrono_tz::Europe::Berlin, now()).unwrap()
}

fn window(p: &Period) -> Window {
    Window { start: p.start, end: p.end, interval: Interval::Day }
}

fn request(server: &StandIn) -> ReportRequest {
    weekly_request(server.spec(STANDIN_KEY), chrono_tz::Europe::Berlin, now(), "team@example.com")
}

fn pipeline(api: MoveoApi, dir: &std::path::Path) -> Pipeline<MoveoApi, DirStore, EmlOutbox> {
    local_pipeline(api, dir)
}

#[tokio::test]
async fn every_query_validates_against_a_schema_of_exactly_the_documented_arguments() {
    // The stand-in's documented roots take exactly the arguments moveo-api.md §3/§4 show,
    // so a query declaring one more would fail validation here, as on Hasura.
    let server = StandIn::start();
    let lines = api(&server).check(&server.spec(STANDIN_KEY), window(&week())).await.unwrap();
    assert_eq!(lines.len(), 24, "the 21 of the overview and 3 documented neighbours");
    for line in &lines {
        let err = line.result.as_ref().err().map(ToString::to_string);
        assert!(line.result.is_ok(), "{}: {err:?}", line.query.spec.title);
    }
    let log = server.log().await;
    let operations: std::collections::HashSet<&str> = log.iter().filter_map(|e| e["operationName"].as_str()).collect();
    assert_eq!(operations.len(), 24, "{operations:?}");
}

/// The server's answer for an operation over a window, from its own log.
fn answer<'a>(log: &'a [Value], operation: &str, start: &str) -> &'a Vec<Value> {
    log.iter()
        .find(|e| e["operationName"] == operation && e["variables"]["startDate"] == start)
        .unwrap_or_else(|| panic!("no {operation} from {start}"))["response"]["data"]["rows"]
        .as_array()
        .unwrap()
}

fn as_u64(v: &Value) -> u64 {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

#[tokio::test]
async fn the_weekly_report_matches_what_the_server_returned_number_for_number() {
    let server = StandIn::start();
    let dir = tempfile::tempdir().unwrap();
    let outcome = pipeline(api(&server), dir.path()).run(&request(&server)).await.unwrap();
    let log = server.log().await;
    assert_eq!(log.len(), 37, "20 queries for the week, 10 for the one before, 6 for the trend, 1 for the days");
    assert!(log.iter().all(|e| e["status"] == 200));
    // Berlin midnight on Monday 16 Nov is 23:00 UTC on Sunday.
    let start = "2026-11-15T23:00:00";
    let prev_start = "2026-11-08T23:00:00";

    let csv = std::fs::read_to_string(dir.path().join(&outcome.prefix).join("data.csv")).unwrap();
    let cell = |chart: &str, series: &str, label: &str| -> String {
        csv.lines()
            .find(|l| l.starts_with(&format!("{chart},{series},{label},")))
            .unwrap_or_else(|| panic!("{chart},{series},{label} not in data.csv"))
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    let kpi = |key: &str, which: &str| cell("kpis", key, which).parse::<f64>().unwrap();

    let count = |op: &str, from: &str| as_u64(&answer(&log, op, from)[0]["counts"]) as f64;
    assert_eq!(kpi("sessions", "current"), count("SessionsCounts", start));
    assert_eq!(kpi("sessions", "previous"), count("SessionsCounts", prev_start));
    assert_eq!(kpi("messages", "current"), count("RequestsCounts", start));
    // Unique users of the period from UsersCounts (§4.1), not a sum over AI agents that counts a user twice.
    assert_eq!(kpi("users", "current"), count("UsersCounts", start));
    let replies: u64 = answer(&log, "AgentRepliesInterval", start).iter().map(|r| as_u64(&r["counts"])).sum();
    assert_eq!(kpi("agent_replies", "current"), replies as f64);

    // Each day of the series, with the buckets the server left out shown as zero.
    let buckets: HashMap<String, u64> = answer(&log, "LogsSessionsIntervalV2", start)
        .iter()
        .map(|r| (r["date"].as_str().unwrap().to_string(), as_u64(&r["counts"])))
        .collect();
    let period = week();
    let mut zeros = 0;
    for (i, day) in period.days().enumerate() {
        let bucket_start =
            (period.start + chrono::Duration::days(i as i64)).naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
        let expected = buckets.get(&bucket_start).copied().unwrap_or(0);
        zeros += usize::from(expected == 0);
        let label = day.format("%a %-d %b").to_string();
        assert_eq!(cell("activity", "sessions", &label), expected.to_string(), "sessions on {label}");
    }
    assert!(zeros > 0 || buckets.len() == 7, "the stand-in leaves buckets out; they must read as zero");

    let top = &answer(&log, "TopIntentsV2", start)[0];
    assert_eq!(cell("intents", "messages", top["intent"].as_str().unwrap()), as_u64(&top["counts"]).to_string());
}

#[tokio::test]
async fn a_wrong_key_says_which_variables_to_check_and_never_shows_the_key() {
    let server = StandIn::start();
    let dir = tempfile::tempdir().unwrap();
    let secret = "sk-live-do-not-log-4242";
    let out = run(cli()
        .args(["report", "--period", "weekly", "--out"])
        .arg(dir.path())
        .env("MOVEO_API_URL", server.url())
        .env("MOVEO_API_KEY", secret)
        .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT)
        .env("RUST_LOG", "trace"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("check MOVEO_API_KEY and MOVEO_ACCOUNT_ID"), "{err}");
    assert!(!err.contains(secret) && !stdout(&out).contains(secret), "the key leaked into the output");
    assert!(report_files(dir.path()).is_empty(), "nothing rendered or delivered");
    // The failed run is on record, without the key.
    let records = files_under(&dir.path().join("runs"));
    assert_eq!(records.len(), 1, "{records:?}");
    let record = std::fs::read_to_string(&records[0]).unwrap();
    assert!(record.contains("\"status\": \"failed\"") && record.contains("MoveoUnauthorized"), "{record}");
    assert!(!record.contains(secret), "the key leaked into the run record");
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_the_server_asks() {
    let server = StandIn::start();
    server.scenario(json!({"mode": "rate_limited", "retry_after": 1, "fail_times": 2})).await;
    let started = Instant::now();
    let data = api(&server).fetch(&server.spec(STANDIN_KEY), window(&week()), Scope::Totals).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert!(data.sessions_total > 0);
    let statuses: Vec<u64> = server.log().await.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 2);
}

#[tokio::test]
async fn an_outage_retries_with_backoff_then_fails_the_run_as_retryable() {
    let server = StandIn::start();
    server.scenario(json!({"mode": "unavailable"})).await;
    let dir = tempfile::tempdir().unwrap();
    let err = pipeline(api(&server), dir.path()).run(&request(&server)).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.error_type(), "MoveoUnavailable");
    assert!(err.to_string().contains("unavailable after 3 attempts"), "{err}");
    assert!(report_files(dir.path()).is_empty(), "no report with missing numbers");

    // A passing outage: the same request succeeds once the server is back.
    server.scenario(json!({"mode": "unavailable", "fail_times": 3})).await;
    let data = api(&server).fetch(&server.spec(STANDIN_KEY), window(&week()), Scope::Totals).await;
    assert!(data.is_ok(), "{:?}", data.err());
}

#[tokio::test]
async fn a_database_error_on_a_valid_query_is_retried_then_fails_the_run_as_retryable() {
    let server = StandIn::start();
    server.scenario(json!({"mode": "errors"})).await;
    let err = api(&server).fetch(&server.spec(STANDIN_KEY), window(&week()), Scope::Totals).await.unwrap_err();
    assert!(matches!(err, FetchError::Server { attempts: 3, .. }), "{err:?}");
    assert!(err.is_retryable(), "a blip must never produce a degraded report");
    let text = err.to_string();
    assert!(text.contains("failed to answer after 3 attempts: database query error in operation"), "{text}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_retryable_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let server = StandIn::start();
    let api = MoveoApi::new(
        &format!("http://127.0.0.1:{port}/v1/graphql"),
        QuerySet::default(),
        KeyCache::new(None),
        quick_retries(),
        Limits::default(),
    )
    .unwrap();
    let err = api.fetch(&server.spec(STANDIN_KEY), window(&week()), Scope::Totals).await.unwrap_err();
    assert!(matches!(err, FetchError::Unavailable { .. }) && err.is_retryable(), "{err}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

#[tokio::test]
async fn empty_results_make_a_report_of_zeros() {
    let server = StandIn::start();
    server.scenario(json!({"mode": "empty"})).await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = pipeline(api(&server), dir.path()).run(&request(&server)).await.unwrap();
    let text = pdf_text(&std::fs::read(dir.path().join(&outcome.prefix).join("report.pdf")).unwrap());
    assert!(text.contains("No intents were recognised in this period."), "{text}");
}

#[tokio::test]
async fn hostile_strings_from_the_server_reach_the_reader_as_text() {
    let server = StandIn::start();
    server.scenario(json!({"mode": "hostile"})).await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = pipeline(api(&server), dir.path()).run(&request(&server)).await.unwrap();
    let html = std::fs::read_to_string(dir.path().join(&outcome.prefix).join("email.html")).unwrap();
    assert!(!html.contains("<script>"), "markup from the server must be escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(pdf_text(&std::fs::read(dir.path().join(&outcome.prefix).join("report.pdf")).unwrap()).contains("<script>"));
}

#[tokio::test]
async fn the_period_and_its_comparison_fetch_their_30_queries_concurrently() {
    let server = StandIn::start();
    server.scenario(json!({"latency_ms": 200})).await;
    let api = api(&server);
    let spec = server.spec(STANDIN_KEY);
    let period = week();
    let started = Instant::now();
    let (current, previous) = tokio::try_join!(
        api.fetch(&spec, window(&period), Scope::Full),
        api.fetch(&spec, window(&period.previous()), Scope::Totals)
    )
    .unwrap();
    let elapsed = started.elapsed();
    assert!(current.sessions_total > 0 && previous.sessions_total > 0);
    assert_eq!(server.log().await.len(), 30);
    // One after another, 30 calls at 200 ms take 6 s.
    assert!(elapsed < Duration::from_secs(2), "fetch took {elapsed:?}");
}

#[tokio::test]
async fn a_run_error_from_moveo_maps_to_a_lambda_error_type() {
    let server = StandIn::start();
    let dir = tempfile::tempdir().unwrap();
    let wrong = ReportRequest { spec: server.spec("wrong"), ..request(&server) };
    let err: RunError = pipeline(api(&server), dir.path()).run(&wrong).await.unwrap_err();
    assert_eq!(err.error_type(), "MoveoUnauthorized");
    assert!(!err.is_retryable());
}
