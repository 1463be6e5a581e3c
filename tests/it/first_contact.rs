//! First contact with a real account: the stand-in answers with a schema whose
//! names differ from our guesses (`"schema": "drifted"`: `top_intents_v2` is
//! called `top_intents`, `sessions_counts` does not exist, and
//! `agent_replies_interval_counts` takes no `channels` argument), as a new
//! customer's account might.

use crate::helpers::*;
use moveo_reports::deliver::{DeliveryRecord, Manifest};
use moveo_reports::moveo::RetryPolicy;
use moveo_reports::pipeline::Completeness;
use serde_json::json;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// `report --period weekly` against the stand-in, filtered by channel so the
/// assumed AgentRepliesInterval sends an argument the drifted schema lacks.
fn weekly_report(server: &StandIn, out: &Path, queries_dir: Option<&Path>) -> Output {
    let mut cmd = cli();
    cmd.args(["report", "--period", "weekly", "--tz", "Europe/Berlin", "--out"])
        .arg(out)
        .env("MOVEO_API_URL", server.url())
        .env("MOVEO_API_KEY", STANDIN_KEY)
        .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT)
        .env("MOVEO_CHANNELS", "web");
    if let Some(dir) = queries_dir {
        cmd.env("MOVEO_QUERIES_DIR", dir);
    }
    run(&mut cmd)
}

fn only_eml(out: &Path) -> Vec<u8> {
    let emls = files_under(&out.join("outbox"));
    assert_eq!(emls.len(), 1, "exactly one .eml: {emls:?}");
    std::fs::read(&emls[0]).unwrap()
}

fn report_dir(out: &Path) -> std::path::PathBuf {
    let manifest = files_under(out)
        .into_iter()
        .find(|p| p.ends_with("manifest.json"))
        .unwrap_or_else(|| panic!("no manifest under {}", out.display()));
    manifest.parent().unwrap().to_path_buf()
}

#[tokio::test]
async fn a_wrong_guess_costs_its_sections_and_the_report_still_goes_out_saying_so() {
    let server = StandIn::start();
    server.scenario(json!({"schema": "drifted"})).await;
    let dir = tempfile::tempdir().unwrap();
    let out = weekly_report(&server, dir.path(), None);

    // The CLI: a documented exit code and the list of what was left out.
    assert_eq!(out.status.code(), Some(3), "partial is exit code 3\n{}\n{}", stdout(&out), stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("partial: 2 queries were left out"), "{printed}");
    assert!(printed.contains("TopIntentsV2 (top_intents_v2.graphql)"), "{printed}");
    assert!(printed.contains("AgentRepliesInterval (agent_replies_interval.graphql)"), "{printed}");

    // The email's plain-text part names the section, the query, the reason and what to do.
    let email = read_email(&only_eml(dir.path()));
    let text = &email.text;
    assert!(text.contains("PART OF THIS REPORT IS MISSING"), "{text}");
    assert!(
        text.contains("Top intents: left out because Moveo rejected the query TopIntentsV2 (top_intents_v2.graphql): Cannot query field 'top_intents_v2'"),
        "{text}"
    );
    assert!(text.contains("Field 'channels' is not defined"), "the server's own reason: {text}");
    assert!(text.contains("The report's owner can run `moveo-reports check`"), "{text}");
    assert!(!text.contains("TOP INTENTS"), "the section is left out, not shown empty: {text}");
    assert!(!text.contains("No intents were recognised"), "a rejected query is not an empty period: {text}");
    assert!(!text.contains("- Agent replies:"), "the KPI built from the rejected query is left out: {text}");
    // Sessions still come, from the documented neighbour of the missing sessions_counts.
    assert!(text.contains("- Sessions: "), "{text}");

    // The HTML part says the same, and shows one chart fewer for each chart lost.
    let html = email.html.replace("&#x27;", "'");
    assert!(html.contains("Part of this report is missing."), "HTML part lacks the note");
    assert!(html.contains("top_intents_v2.graphql") && html.contains("moveo-reports check"));
    let charts = cids(&email.html).into_iter().filter(|c| !c.starts_with("trend_")).count();
    assert_eq!(charts, 5, "intents and agent-reply charts left out of seven");
    assert!(!email.html.contains("cid:trend_agent_replies"), "nor the sparkline of the KPI left out");

    // The PDF, as a reader copies its text.
    let (_, _, pdf) = email.attachments.iter().find(|(_, ct, _)| ct == "application/pdf").unwrap();
    let pdf = pdf_text(pdf);
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Part of this report is missing."), "{flat}");
    assert!(flat.contains("TopIntentsV2 (top_intents_v2.graphql)"), "{flat}");
    assert!(flat.contains("moveo-reports check"), "{flat}");
    assert!(!flat.contains("No intents were recognised"), "{flat}");

    // The archive records it: manifest and delivery record say partial and list the queries.
    let prefix = report_dir(dir.path());
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(prefix.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.outcome, Completeness::Partial);
    let queries: Vec<&str> = manifest.left_out.iter().map(|g| g.query.as_str()).collect();
    assert_eq!(queries, ["AgentRepliesInterval", "TopIntentsV2"]);
    let record = files_under(&prefix.join("deliveries")).pop().unwrap();
    let record: DeliveryRecord = serde_json::from_slice(&std::fs::read(record).unwrap()).unwrap();
    assert_eq!(record.outcome, Some(Completeness::Partial));
    assert_eq!(record.left_out.len(), 2);
    let html = std::fs::read_to_string(prefix.join("report.html")).unwrap();
    assert!(html.contains("Part of this report is missing."));
    let csv = std::fs::read_to_string(prefix.join("data.csv")).unwrap();
    assert!(!csv.lines().any(|l| l.starts_with("intents,") || l.starts_with("agent_replies,")), "no zeros as data");
}

#[tokio::test]
async fn a_corrected_query_file_brings_its_section_back_without_a_rebuild() {
    let server = StandIn::start();
    server.scenario(json!({"schema": "drifted"})).await;
    let fixes = tempfile::tempdir().unwrap();
    let builtin = |file: &str| std::fs::read_to_string(repo().join("src/moveo/queries").join(file)).unwrap();
    // What `check` pointed at, fixed the way its README section says.
    std::fs::write(
        fixes.path().join("top_intents_v2.graphql"),
        builtin("top_intents_v2.graphql").replace("rows: top_intents_v2(", "rows: top_intents("),
    )
    .unwrap();
    let replies = builtin("agent_replies_interval.graphql").replace("  $channels: _text\n", "");
    std::fs::write(
        fixes.path().join("agent_replies_interval.graphql"),
        replies.replace("      channels: $channels\n", ""),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let out = weekly_report(&server, dir.path(), Some(fixes.path()));
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout(&out), stderr(&out));
    let email = read_email(&only_eml(dir.path()));
    let text = email.text.replace("\r\n", "\n");
    assert!(!text.contains("MISSING"), "{text}");
    assert!(text.contains("TOP INTENTS\n1. "), "{text}");
    assert!(email.text.contains("- Agent replies: "), "{}", email.text);
    // Agent replies now come unfiltered by channel, and the report says so under the figures.
    assert!(
        email.text.contains("Agent replies: not filtered by channels (AgentRepliesInterval takes no such argument)"),
        "{}",
        email.text
    );
    let log = server.log().await;
    assert!(log.iter().any(|e| e["query"].as_str().is_some_and(|q| q.contains("rows: top_intents("))));

    // `check` marks the overridden files.
    let check = run(cli()
        .arg("check")
        .env("MOVEO_API_URL", server.url())
        .env("MOVEO_API_KEY", STANDIN_KEY)
        .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT)
        .env("MOVEO_QUERIES_DIR", fixes.path()));
    let lines = stdout(&check);
    let top = lines.lines().find(|l| l.contains("TopIntentsV2")).unwrap();
    assert!(top.trim_start().starts_with("ok") && top.contains("overridden by"), "{lines}");
    assert!(lines.contains("The report counts sessions with SessionsCountsFast"), "{lines}");
    assert!(lines.lines().any(|l| l.contains("FAIL") && l.contains("Sessions Counts")), "{lines}");
}

#[test]
fn an_override_that_breaks_the_rules_is_refused_naming_its_file() {
    let fixes = tempfile::tempdir().unwrap();
    std::fs::write(
        fixes.path().join("top_intents_v2.graphql"),
        "query TopIntentsV2($startDate: timestamp, $endDate: timestamp, $agentIds: _text) { rows: top_intents(args: {}) { intent counts } }",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli()
        .args(["report", "--out"])
        .arg(dir.path())
        .env("MOVEO_API_KEY", STANDIN_KEY)
        .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT)
        .env("MOVEO_API_URL", "http://127.0.0.1:9/v1/graphql")
        .env("MOVEO_QUERIES_DIR", fixes.path()));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("top_intents_v2.graphql: declares $agentIds, which the client never fills"), "{err}");
    assert!(files_under(dir.path()).is_empty(), "nothing fetched, rendered or sent");
}

#[test]
fn without_the_headline_figures_there_is_no_report() {
    let server = StandIn::start();
    let fixes = tempfile::tempdir().unwrap();
    let wrong = std::fs::read_to_string(repo().join("src/moveo/queries/requests_counts.graphql"))
        .unwrap()
        .replace("rows: requests_counts(", "rows: request_counts(");
    std::fs::write(fixes.path().join("requests_counts.graphql"), wrong).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = weekly_report(&server, dir.path(), Some(fixes.path()));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("the number of user messages could not be fetched, so no report is made"), "{err}");
    assert!(err.contains("RequestsCounts (requests_counts.graphql)"), "{err}");
    assert!(!err.contains("running the same command again can succeed"), "a wrong query is not a blip: {err}");
    assert!(report_files(dir.path()).is_empty(), "nothing archived or sent");
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        total: Duration::from_secs(10),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn a_503_on_the_same_query_fails_the_run_as_retryable_with_nothing_sent() {
    // The query whose rejection cost a section above: when the server is down
    // instead, the run fails as retryable, and no report without its intents goes out.
    let server = StandIn::start();
    server.scenario(json!({"schema": "drifted", "mode": "unavailable", "operations": ["TopIntentsV2"]})).await;
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(server.api(quick_retries()), dir.path());
    let request =
        weekly_request(server.spec(STANDIN_KEY), chrono_tz::Europe::Berlin, chrono::Utc::now(), "team@example.com");
    let err = pipeline.run(&request).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.error_type(), "MoveoUnavailable");
    assert!(err.to_string().contains("TopIntentsV2: Moveo is unavailable after 3 attempts"), "{err}");
    assert!(report_files(dir.path()).is_empty(), "no degraded report from a blip");
}

fn check_schema(server: &StandIn, dir: &Path, queries_dir: Option<&Path>) -> Output {
    let mut cmd = cli();
    cmd.args(["check", "--schema", "--save"])
        .arg(dir.join("schema.graphql"))
        .env("MOVEO_API_URL", server.url())
        .env("MOVEO_API_KEY", STANDIN_KEY)
        .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT);
    if let Some(q) = queries_dir {
        cmd.env("MOVEO_QUERIES_DIR", q);
    }
    run(&mut cmd)
}

#[tokio::test]
async fn check_schema_validates_every_document_and_names_a_renamed_field_with_the_schemas_name() {
    let server = StandIn::start();
    let dir = tempfile::tempdir().unwrap();
    // Every document validates against the schema the stand-in serves, read by introspection.
    let all = check_schema(&server, dir.path(), None);
    let said = stdout(&all);
    assert!(all.status.success(), "{said}\n{}", stderr(&all));
    assert_eq!(said.lines().filter(|l| l.trim_start().starts_with("ok ")).count(), 24, "{said}");
    let sdl = std::fs::read_to_string(dir.path().join("schema.graphql")).unwrap();
    assert!(sdl.contains("top_intents_v2(") && sdl.contains("schema {"), "the SDL is saved");

    // A copy of one query with a field renamed: that field, and the name the schema has.
    let fixes = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(repo().join("src/moveo/queries/top_intents_v2.graphql")).unwrap();
    std::fs::write(fixes.path().join("top_intents_v2.graphql"), original.replace("    counts\n", "    count\n"))
        .unwrap();
    let wrong = check_schema(&server, dir.path(), Some(fixes.path()));
    let said = stdout(&wrong);
    assert_eq!(wrong.status.code(), Some(1), "{said}");
    let at = said
        .lines()
        .position(|l| l.contains("WRONG") && l.contains("TopIntentsV2"))
        .unwrap_or_else(|| panic!("{said}"));
    let problem = said.lines().nth(at + 1).unwrap();
    assert!(problem.contains("`count`") && problem.contains("the schema has `counts`"), "{problem}");
    assert_eq!(said.lines().filter(|l| l.contains("WRONG")).count(), 1, "{said}");

    // Without introspection, it says so and runs each query as `check` does.
    server.scenario(serde_json::json!({"introspection": false})).await;
    let fallback = check_schema(&server, dir.path(), None);
    let said = stdout(&fallback);
    assert!(said.contains("Introspection is disabled"), "{said}");
    assert!(said.contains("The report counts sessions with"), "{said}");
}
