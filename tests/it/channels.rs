//! Delivery channels against real HTTP receivers: Slack (Block Kit), Teams
//! (Adaptive Card) and a signed webhook, each exactly once beside the email.

use crate::helpers::*;
use moveo_reports::analytics::DemoData;
use moveo_reports::deliver::{Audience, ChatKind, ChatTarget, Delivery, Recipients};
use moveo_reports::pipeline::{ReportRequest, RunError};
use moveo_reports::spec::{KeySource, ReportSpec};
use secrecy::SecretString;
use serde_json::Value;
use std::sync::Arc;

const SECRET: &str = "whsec-test-4f1c";

fn target(kind: ChatKind, name: &str, url: String) -> ChatTarget {
    ChatTarget {
        kind,
        name: name.into(),
        url: KeySource::Inline(SecretString::from(url)),
        signing_secret: kind.is_signed().then(|| KeySource::Inline(SecretString::from(SECRET.to_string()))),
    }
}

fn request(chats: Vec<ChatTarget>, request_id: &str) -> ReportRequest {
    let mut request = weekly_request(
        Arc::new(ReportSpec::demo("brand-a")),
        chrono_tz::UTC,
        "2026-11-25T08:00:00Z".parse().unwrap(),
        "team@acme.example",
    );
    request.audience =
        Audience { email: Recipients { to: vec!["team@acme.example".into()], ..Default::default() }, chats };
    request.request_id = request_id.into();
    request
}

fn outbox(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("outbox")).map_or(0, |d| d.count())
}

/// What Slack's Block Kit allows in one incoming-webhook message.
fn assert_block_kit(message: &Value) {
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(!blocks.is_empty() && blocks.len() <= 50, "1..=50 blocks");
    assert!(message["text"].as_str().is_some_and(|t| !t.is_empty()), "a notification text");
    for block in blocks {
        match block["type"].as_str().unwrap() {
            "header" => {
                assert_eq!(block["text"]["type"], "plain_text");
                assert!(block["text"]["text"].as_str().unwrap().chars().count() <= 150);
            }
            "section" => {
                if let Some(text) = block.get("text") {
                    assert!(text["text"].as_str().unwrap().chars().count() <= 3000);
                }
                if let Some(fields) = block.get("fields").and_then(Value::as_array) {
                    assert!(fields.len() <= 10);
                    assert!(fields.iter().all(|f| f["text"].as_str().unwrap().chars().count() <= 2000));
                }
                assert!(block.get("text").is_some() || block.get("fields").is_some());
            }
            "context" => assert!(block["elements"].as_array().unwrap().len() <= 10),
            "actions" => {
                for e in block["elements"].as_array().unwrap() {
                    assert!(e["text"]["text"].as_str().unwrap().chars().count() <= 75);
                    assert!(e["url"].as_str().unwrap().len() <= 3000);
                }
            }
            "divider" => {}
            other => panic!("unexpected block type {other}"),
        }
    }
}

/// An Adaptive Card as a Teams Workflows webhook takes it.
fn assert_adaptive_card(message: &Value, max_bytes: usize) {
    assert_eq!(message["type"], "message");
    let attachment = &message["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["$schema"], "http://adaptivecards.io/schemas/adaptive-card.json");
    let version: f64 = card["version"].as_str().unwrap().parse().unwrap();
    assert!((1.0..=1.5).contains(&version), "Teams renders up to 1.5");
    for element in card["body"].as_array().unwrap() {
        match element["type"].as_str().unwrap() {
            "TextBlock" => assert!(element["text"].is_string()),
            "FactSet" => {
                for fact in element["facts"].as_array().unwrap() {
                    assert!(fact["title"].is_string() && fact["value"].is_string());
                }
            }
            other => panic!("unexpected element {other}"),
        }
    }
    for action in card["actions"].as_array().into_iter().flatten() {
        assert_eq!(action["type"], "Action.OpenUrl");
    }
    assert!(serde_json::to_vec(message).unwrap().len() <= max_bytes);
}

fn hmac_hex(secret: &str, timestamp: &str, body: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn email_slack_teams_and_webhook_each_get_it_once_and_a_rerun_sends_nothing() {
    let hooks = Receiver::start();
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(DemoData::default(), dir.path());
    let chats = || {
        vec![
            target(ChatKind::Slack, "cx", hooks.url("/services/T0/B0/slack-token")),
            target(ChatKind::Teams, "cx", hooks.url("/workflows/teams-token")),
            target(ChatKind::Webhook, "bi", hooks.url("/hooks/bi")),
        ]
    };
    let outcome = pipeline.run(&request(chats(), "run-1")).await.unwrap();
    assert_eq!(outcome.status, "sent");
    let channels: Vec<&str> = outcome.deliveries.iter().map(|d| d.channel.as_str()).collect();
    assert_eq!(channels, ["email", "slack 'cx'", "teams 'cx'", "webhook 'bi'"]);
    assert!(outcome.deliveries.iter().all(|d| matches!(d.delivery, Delivery::Sent { .. })), "{:?}", outcome.deliveries);
    assert_eq!(outbox(dir.path()), 1);

    // Slack: Block Kit within its limits, with the headline figures and the top intents.
    let slack = hooks.received("/services/T0/B0/slack-token").await;
    assert_eq!(slack.len(), 1);
    let message = slack[0].json();
    assert_block_kit(&message);
    let text = message.to_string();
    let csv = std::fs::read_to_string(dir.path().join(&outcome.prefix).join("data.csv")).unwrap();
    assert!(text.contains("Weekly report · 16–22 Nov 2026"), "{text}");
    assert!(text.contains("*Sessions*"), "{text}");
    assert!(text.contains("*Top intents*"), "{text}");

    // Teams: a valid Adaptive Card with the same figures.
    let teams = hooks.received("/workflows/teams-token").await;
    assert_eq!(teams.len(), 1);
    assert_adaptive_card(&teams[0].json(), moveo_reports::deliver::teams::CARD_MAX_BYTES);
    let card = teams[0].json();
    let facts = &card["attachments"][0]["content"]["body"][2]["facts"];
    assert_eq!(facts[0]["title"], "Sessions");

    // Webhook: the versioned document, signed over timestamp and body.
    let posts = hooks.received("/hooks/bi").await;
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    let doc = post.json();
    assert_eq!(doc["schema"], "moveo-reports.report.v1");
    assert_eq!(doc["report"]["id"], "brand-a");
    assert_eq!(doc["period"]["first_day"], "2026-11-16");
    assert_eq!(doc["period"]["last_day"], "2026-11-22");
    assert_eq!(doc["delivery_id"].as_str(), post.header("X-Moveo-Reports-Delivery"));
    // The model's day rows are the CSV's rows, number for number.
    let sessions: u64 = doc["model"]["rows"].as_array().unwrap().iter().map(|r| r["sessions"].as_u64().unwrap()).sum();
    let csv_sessions: u64 = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "activity" && &r[1] == "sessions")
        .map(|r| r[3].parse::<u64>().unwrap())
        .sum();
    assert!(csv_sessions > 0);
    assert_eq!(sessions, csv_sessions, "webhook rows and CSV agree");
    let signature = post.header("X-Moveo-Reports-Signature").expect("signed");
    let (t, v1) = signature.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    assert_eq!(v1, hmac_hex(SECRET, t, &post.body), "verifies with the shared secret");
    assert_ne!(v1, hmac_hex("not-the-secret", t, &post.body), "and not with another");
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    assert!((0..300).contains(&age), "a fresh timestamp, so receivers can refuse replays");

    // The rerun finds every target delivered and does nothing.
    let again = pipeline.run(&request(chats(), "run-2")).await.unwrap();
    assert_eq!(again.status, "already_delivered");
    assert_eq!(again.deliveries.len(), 4);
    assert!(again.keys.is_empty(), "not even rebuilt");
    assert_eq!(outbox(dir.path()), 1);
    for path in ["/services/T0/B0/slack-token", "/workflows/teams-token", "/hooks/bi"] {
        assert_eq!(hooks.received(path).await.len(), 1, "{path}");
    }
}

#[tokio::test]
async fn a_busy_slack_is_tried_again_within_the_run_and_posted_once() {
    let hooks = Receiver::start();
    hooks.plan("/slack", &[503], Some(0)).await;
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(DemoData::default(), dir.path());
    let outcome = pipeline.run(&request(vec![target(ChatKind::Slack, "cx", hooks.url("/slack"))], "r")).await.unwrap();
    assert_eq!(outcome.status, "sent");
    let tries = hooks.received("/slack").await;
    assert_eq!(tries.iter().map(|r| r.status).collect::<Vec<_>>(), [503, 200]);
    assert_eq!(outbox(dir.path()), 1);
}

#[tokio::test]
async fn slack_down_fails_the_run_as_retryable_and_the_rerun_posts_to_slack_only() {
    let hooks = Receiver::start();
    hooks.plan("/slack", &[503, 503, 503], Some(0)).await;
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(DemoData::default(), dir.path());
    let slack = || vec![target(ChatKind::Slack, "cx", hooks.url("/slack"))];
    let err = pipeline.run(&request(slack(), "r-1")).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    let text = err.to_string();
    assert!(text.contains("slack 'cx': slack answered HTTP 503"), "{text}");
    assert!(text.contains("email: written"), "says the email went out: {text}");
    assert!(!text.contains(&hooks.url("/slack")), "never the URL: {text}");
    assert_eq!(outbox(dir.path()), 1, "the email went out");

    let outcome = pipeline.run(&request(slack(), "r-2")).await.unwrap();
    let states: Vec<(&str, bool)> =
        outcome.deliveries.iter().map(|d| (d.channel.as_str(), matches!(d.delivery, Delivery::Sent { .. }))).collect();
    assert_eq!(states, [("email", false), ("slack 'cx'", true)]);
    assert_eq!(outbox(dir.path()), 1, "the email is not sent again");
    assert!(outcome.keys.is_empty(), "nothing re-archived");
    let manifest = std::fs::read(dir.path().join(&outcome.prefix).join("manifest.json")).unwrap();
    let manifest: moveo_reports::deliver::Manifest = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(manifest.request_id, "r-1", "the archive the email links to is kept");
    let posted: Vec<u16> = hooks.received("/slack").await.iter().map(|r| r.status).collect();
    assert_eq!(posted, [503, 503, 503, 200]);
}

#[tokio::test]
async fn a_gone_webhook_is_not_retried_and_the_error_names_the_channel_not_the_url() {
    let hooks = Receiver::start();
    hooks.plan("/services/T0/B0/s3cr3t", &[404], None).await;
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(DemoData::default(), dir.path());
    let chats = vec![target(ChatKind::Slack, "cx-weekly", hooks.url("/services/T0/B0/s3cr3t"))];
    let err = pipeline.run(&request(chats, "r-1")).await.unwrap_err();
    assert!(!err.is_retryable(), "{err}");
    assert!(matches!(err, RunError::Deliver(_)));
    let text = err.to_string();
    assert!(text.contains("report brand-a: 1 of 2 delivery targets failed"), "{text}");
    assert!(text.contains("slack 'cx-weekly': slack answered HTTP 404: no_service; the webhook is gone"), "{text}");
    assert!(!text.contains("s3cr3t"), "never the URL's secret part: {text}");
    assert_eq!(hooks.received("/services/T0/B0/s3cr3t").await.len(), 1, "a 404 is not tried again");
}

#[test]
fn the_cli_reads_chat_targets_from_the_reports_file_and_their_urls_from_the_environment() {
    let hooks = Receiver::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports.toml");
    std::fs::write(
        &file,
        r#"
[[report]]
id = "brand-a"
account_id = "00000000-0000-4000-8000-000000000001"
api_key_env = "BRAND_A_KEY"
cadences = ["weekly"]

[report.audience]
to = ["cx@brand-a.example"]

[[report.audience.slack]]
name = "cx-weekly"
url = "env:BRAND_A_SLACK_URL"

[[report.audience.webhook]]
name = "bi"
url = "env:BRAND_A_HOOK_URL"
secret = "env:BRAND_A_HOOK_SECRET"
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let report = |extra: &[&str]| {
        let mut cmd = cli();
        cmd.env("MOVEO_DEMO", "true")
            .env("REPORTS_CONFIG", &file)
            .env("BRAND_A_SLACK_URL", hooks.url("/slack/secret-part"))
            .env("BRAND_A_HOOK_URL", hooks.url("/hook"))
            .env("BRAND_A_HOOK_SECRET", SECRET)
            .args(["report", "--period", "weekly", "--out"])
            .arg(&out)
            .args(extra);
        run(&mut cmd)
    };
    let first = report(&[]);
    let said = stdout(&first);
    assert!(first.status.success(), "{said}\n{}", stderr(&first));
    assert!(said.contains("slack 'cx-weekly': posted (HTTP 200)"), "{said}");
    assert!(said.contains("webhook 'bi': posted (HTTP 200)"), "{said}");
    assert!(!said.contains("secret-part") && !stderr(&first).contains("secret-part"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(rt.block_on(hooks.received("/slack/secret-part")).len(), 1);
    assert_eq!(rt.block_on(hooks.received("/hook")).len(), 1);

    // `reports list` names the targets, never their URLs.
    let mut list = cli();
    list.env("REPORTS_CONFIG", &file).args(["reports", "list"]);
    let listed = stdout(&run(&mut list));
    assert!(listed.contains("cx@brand-a.example, slack 'cx-weekly', webhook 'bi'"), "{listed}");

    // A test send to one address reaches no channel.
    let test = report(&["--recipients", "me@x.example"]);
    assert!(test.status.success());
    assert_eq!(rt.block_on(hooks.received("/slack/secret-part")).len(), 1);
}

/// The API key, a webhook URL's secret part and a signing key appear nowhere: not in the
/// output at `RUST_LOG=trace`, not in the archive, the run records or the mail.
#[test]
fn secrets_appear_in_nothing_written_even_at_trace_level() {
    let hooks = Receiver::start();
    let server = StandIn::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[[report]]
id = "brand-a"
account_id = "{STANDIN_ACCOUNT}"
api_key_env = "BRAND_A_KEY"
cadences = ["weekly"]

[report.audience]
to = ["cx@brand-a.example"]

[[report.audience.slack]]
name = "cx-weekly"
url = "env:BRAND_A_SLACK_URL"

[[report.audience.webhook]]
name = "bi"
url = "env:BRAND_A_HOOK_URL"
secret = "env:BRAND_A_HOOK_SECRET"
"#
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut cmd = cli();
    cmd.env("RUST_LOG", "trace")
        .env("REPORTS_CONFIG", &file)
        .env("MOVEO_API_URL", server.url())
        .env("BRAND_A_KEY", STANDIN_KEY)
        .env("BRAND_A_SLACK_URL", hooks.url("/slack/T0-secret-part"))
        .env("BRAND_A_HOOK_URL", hooks.url("/hook/another-secret-part"))
        .env("BRAND_A_HOOK_SECRET", SECRET)
        .args(["report", "--period", "weekly", "--out"])
        .arg(&out);
    let done = run(&mut cmd);
    assert!(done.status.success(), "{}", stderr(&done));
    let mut written = vec![("stdout".to_string(), done.stdout.clone()), ("stderr".to_string(), done.stderr.clone())];
    assert!(done.stderr.len() > 10_000, "trace logging is on: {} bytes", done.stderr.len());
    for path in files_under(&out) {
        written.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    for secret in [STANDIN_KEY, "T0-secret-part", "another-secret-part", SECRET] {
        for (what, bytes) in &written {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(secret), "{secret} appears in {what}");
        }
    }
}
