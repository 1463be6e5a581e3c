//! Many reports from one deployment: the dispatcher and the worker, each run
//! as a Lambda function through `cargo lambda watch`, against moto (SQS, S3,
//! SES, SSM) and the Moveo stand-in with two accounts.

use crate::helpers::*;
use crate::lambda::LambdaEmulator;
use serde_json::{json, Value};
use std::process::Command;

const SECOND_ACCOUNT: &str = "00000000-0000-4000-8000-000000000002";
const SECOND_KEY: &str = "key-two";
const DESK: &str = "d2be0283-9b53-4d7b-b77d-2650f3a1a99c";

fn reports_toml() -> String {
    format!(
        r#"
[[report]]
id = "brand-a"
title = "Brand A"
account_id = "{STANDIN_ACCOUNT}"
api_key_parameter = "/moveo-reports/one"
cadences = ["weekly", "monthly"]
timezone = "Europe/Berlin"
filters = {{ channels = ["web"] }}
audience = {{ to = ["a@acme.example"] }}

[[report]]
id = "brand-b"
account_id = "{STANDIN_ACCOUNT}"
api_key_parameter = "/moveo-reports/one"
cadences = ["weekly", "monthly"]
timezone = "Europe/Berlin"
filters = {{ desks = ["{DESK}"] }}
audience = {{ to = ["b@acme.example"] }}

[[report]]
id = "bot-team"
account_id = "{SECOND_ACCOUNT}"
api_key_parameter = "/moveo-reports/two"
cadences = ["weekly", "monthly"]
timezone = "America/New_York"
audience = {{ to = ["bots@agency.example"] }}
owners = ["owner@agency.example"]
"#
    )
}

async fn put_key(moto: &Moto, name: &str, value: &str) {
    let ssm = aws_sdk_ssm::Client::new(&moto.sdk().await);
    ssm.put_parameter()
        .name(name)
        .value(value)
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .unwrap();
}

/// Every message on the queue (up to `n`), as SQS's event source would hand them over.
async fn receive(moto: &Moto, queue_url: &str, n: usize) -> Vec<aws_sdk_sqs::types::Message> {
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk().await);
    let mut messages = Vec::new();
    for _ in 0..10 {
        let out = sqs.receive_message().queue_url(queue_url).max_number_of_messages(10).send().await.unwrap();
        messages.extend(out.messages.unwrap_or_default());
        if messages.len() >= n {
            break;
        }
    }
    messages
}

/// The SQS event Lambda's event source mapping sends for `messages`.
fn sqs_event(messages: &[aws_sdk_sqs::types::Message]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({
                "messageId": m.message_id(),
                "receiptHandle": m.receipt_handle(),
                "body": m.body(),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764000000000"},
                "messageAttributes": {},
                "md5OfBody": m.md5_of_body(),
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:report-jobs",
                "awsRegion": "us-east-1",
            })
        })
        .collect();
    json!({ "Records": records })
}

fn report_of(messages: &[aws_sdk_sqs::types::Message], id: &str) -> String {
    let m = messages
        .iter()
        .find(|m| serde_json::from_str::<Value>(m.body().unwrap()).unwrap()["report"] == id)
        .unwrap_or_else(|| panic!("no job for {id}"));
    m.message_id().unwrap().to_string()
}

#[tokio::test]
async fn three_reports_on_two_accounts_fan_out_through_sqs_and_each_is_mailed_once() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let server = StandIn::start_with_accounts(&[(SECOND_ACCOUNT, SECOND_KEY)]);
    put_key(&moto, "/moveo-reports/one", STANDIN_KEY).await;
    put_key(&moto, "/moveo-reports/two", SECOND_KEY).await;
    let sdk = moto.sdk().await;
    let queue_url = aws_sdk_sqs::Client::new(&sdk)
        .create_queue()
        .queue_name("report-jobs")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    moto.s3()
        .await
        .put_object()
        .bucket(BUCKET)
        .key("config/reports.toml")
        .body(reports_toml().into_bytes().into())
        .send()
        .await
        .unwrap();
    let deployment = |cmd: &mut Command| {
        // As the template sets them: the single-report key parameter is there (and absent
        // from SSM), and must not be read when a reports file defines the reports.
        cmd.env_remove("MOVEO_DEMO")
            .env_remove("REPORT_RECIPIENTS")
            .env("MOVEO_API_KEY_PARAMETER", "/moveo-reports/api-key")
            .env("MOVEO_ACCOUNT_ID", "")
            .env("REPORTS_CONFIG", format!("s3://{BUCKET}/config/reports.toml"))
            .env("MOVEO_API_URL", server.url());
    };
    let dispatcher = LambdaEmulator::start_with(&moto, |cmd| {
        deployment(cmd);
        cmd.env("MOVEO_REPORTS_ROLE", "dispatcher").env("REPORT_QUEUE_URL", &queue_url);
    });

    // The weekly schedule fires: one job per weekly report.
    let dispatched = dispatcher.invoke("weekly_event.json").unwrap();
    assert_eq!(dispatched["enqueued"], 3, "{dispatched}");
    let jobs = receive(&moto, &queue_url, 3).await;
    assert_eq!(jobs.len(), 3);
    let batch = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(batch.path(), sqs_event(&jobs).to_string()).unwrap();

    let worker = LambdaEmulator::start_with(&moto, deployment);
    let answer = worker.invoke_path(batch.path()).unwrap();
    assert_eq!(answer, json!({"batchItemFailures": []}));
    let sent: Vec<ReadEmail> = moto.sent().await.iter().map(|raw| read_email(raw)).collect();
    let mut to: Vec<String> = sent.iter().flat_map(|e| e.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["a@acme.example", "b@acme.example", "bots@agency.example"]);
    assert!(
        sent.iter().any(|e| e.subject.starts_with("Brand A · Weekly report · 16–22 Nov 2026")),
        "titles and Berlin weeks"
    );

    // Each report's filters and account reached Moveo, and only its own.
    let log = server.log().await;
    let of = |account: &str| log.iter().filter(move |e| e["account"] == account).collect::<Vec<_>>();
    let first = of(STANDIN_ACCOUNT);
    assert!(first.iter().any(|e| e["variables"]["channels"] == r#"{"web"}"#), "brand-a is filtered by channel");
    assert!(first.iter().any(|e| e["variables"]["deskIds"] == format!(r#"{{"{DESK}"}}"#)), "brand-b by desk");
    let second = of(SECOND_ACCOUNT);
    assert_eq!(second.len(), 37, "one report, 37 queries, on the second account");
    assert!(second.iter().all(|e| e["variables"].get("channels").is_none() && e["variables"].get("deskIds").is_none()));
    assert!(log.iter().all(|e| e["status"] == 200));

    // SQS redelivers the same batch: nothing is sent twice.
    let again = worker.invoke_path(batch.path()).unwrap();
    assert_eq!(again, json!({"batchItemFailures": []}));
    // The schedule's retry runs the dispatcher twice: the new jobs end in no email either.
    assert_eq!(dispatcher.invoke("weekly_event.json").unwrap()["enqueued"], 3);
    let twice = receive(&moto, &queue_url, 3).await;
    std::fs::write(batch.path(), sqs_event(&twice).to_string()).unwrap();
    assert_eq!(worker.invoke_path(batch.path()).unwrap(), json!({"batchItemFailures": []}));
    assert_eq!(moto.sent().await.len(), 3);
    drop(worker);

    // The second account's key is revoked: its report fails alone, the other two go out.
    put_key(&moto, "/moveo-reports/two", "revoked").await;
    let worker = LambdaEmulator::start_with(&moto, deployment);
    assert_eq!(dispatcher.invoke("monthly_event.json").unwrap()["enqueued"], 3);
    let monthly = receive(&moto, &queue_url, 3).await;
    std::fs::write(batch.path(), sqs_event(&monthly).to_string()).unwrap();
    let answer = worker.invoke_path(batch.path()).unwrap();
    assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": report_of(&monthly, "bot-team")}]}));
    // Its owner is told once, in a short notice; its audience gets nothing.
    let sent: Vec<ReadEmail> = moto.sent().await.iter().map(|raw| read_email(raw)).collect();
    assert_eq!(sent.len(), 6);
    let notices: Vec<&ReadEmail> = sent.iter().filter(|e| e.to == ["owner@agency.example"]).collect();
    assert_eq!(notices.len(), 1);
    let notice = notices[0];
    assert_eq!(notice.subject, "[moveo-reports] bot-team: the monthly report for October 2026 failed");
    for said in [
        "MoveoUnauthorized",
        "Moveo refused the API key",
        "--report bot-team --period monthly --as-of 2026-11-01T00:00:00-04:00",
    ] {
        assert!(notice.text.contains(said), "{said} in\n{}", notice.text);
    }
    assert!(!notice.text.contains("revoked"), "the key itself is never written");
    assert_eq!(sent.iter().filter(|e| e.to == ["bots@agency.example"]).count(), 1, "only the weekly report");
    // SQS hands the job over again: it fails again, and nobody is told twice.
    let again = worker.invoke_path(batch.path()).unwrap();
    assert_eq!(again, json!({"batchItemFailures": [{"itemIdentifier": report_of(&monthly, "bot-team")}]}));
    assert_eq!(moto.sent().await.len(), 6);
    // Each attempt is in the run history, as failed.
    let listed = moto.s3().await.list_objects_v2().bucket(BUCKET).prefix("runs/bot-team/").send().await.unwrap();
    let mut failed = 0;
    for object in listed.contents() {
        let body = moto.s3().await.get_object().bucket(BUCKET).key(object.key().unwrap()).send().await.unwrap();
        let record: Value = serde_json::from_slice(&body.body.collect().await.unwrap().into_bytes()).unwrap();
        if record["status"] == "failed" {
            assert_eq!(record["error"]["kind"], "MoveoUnauthorized", "{record}");
            failed += 1;
        }
    }
    assert_eq!(failed, 2, "two failed attempts recorded");
}

#[test]
fn reports_validate_lists_every_problem_and_reports_list_shows_each_report() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("reports.toml");
    std::fs::write(&good, reports_toml()).unwrap();
    let list = run(cli().args(["reports", "list", "--config"]).arg(&good));
    assert!(list.status.success(), "{}", stderr(&list));
    let lines = stdout(&list);
    assert!(
        lines.contains("bot-team") && lines.contains("America/New_York") && lines.contains("weekly,monthly"),
        "{lines}"
    );
    let ok = run(cli().args(["reports", "validate", "--config"]).arg(&good));
    assert!(ok.status.success() && stdout(&ok).contains("3 reports valid"), "{}", stdout(&ok));

    let bad = dir.path().join("bad.toml");
    let text = reports_toml()
        .replace("timezone = \"America/New_York\"", "timezone = \"America/New_Yrok\"")
        .replace("id = \"brand-b\"", "id = \"brand-a\"")
        .replace("b@acme.example", "b-at-acme");
    std::fs::write(&bad, text).unwrap();
    let out = run(cli().args(["reports", "validate", "--config"]).arg(&bad));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("report 'bot-team', field `timezone`: 'America/New_Yrok' is not an IANA time zone"), "{err}");
    assert!(err.contains("report 'brand-a', field `audience.to`: 'b-at-acme' is not an email address"), "{err}");
    // A report with a problem is not also counted as a duplicate; fix it and the duplicate shows.
    let dup = reports_toml().replace("id = \"brand-b\"", "id = \"brand-a\"");
    std::fs::write(&bad, dup).unwrap();
    let err = stderr(&run(cli().args(["reports", "validate", "--config"]).arg(&bad)));
    assert!(err.contains("report 'brand-a', field `id`: 'brand-a' is used by another report"), "{err}");

    // `report` needs to know which one when there are several.
    let out = run(cli().args(["report", "--dry-run", "--config"]).arg(&good).arg("--out").arg(dir.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has 3 reports (brand-a, brand-b, bot-team): name one with --report ID"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn a_report_whose_key_is_missing_fails_alone_naming_the_report_and_the_parameter() {
    let moto = Moto::start();
    let server = StandIn::start_with_accounts(&[(SECOND_ACCOUNT, SECOND_KEY)]);
    put_key(&moto, "/moveo-reports/one", STANDIN_KEY).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports.toml");
    std::fs::write(&file, reports_toml()).unwrap();
    let out = run(cli()
        .args(["report", "--all", "--period", "weekly", "--config"])
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .env("MOVEO_API_URL", server.url())
        .envs(moto.env()));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "report bot-team: its Moveo API key (SSM parameter /moveo-reports/two) cannot be read: no such parameter"
        ),
        "{err}"
    );
    // The two reports on the first account went out.
    assert_eq!(stdout(&out).matches("written to").count(), 2, "{}", stdout(&out));
}

#[tokio::test]
async fn a_job_waiting_for_data_is_put_back_on_the_queue_not_failed() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let server = StandIn::start();
    put_key(&moto, "/moveo-reports/one", STANDIN_KEY).await;
    let sdk = moto.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue_url = sqs.create_queue().queue_name("report-jobs").send().await.unwrap().queue_url.unwrap();
    let toml = format!(
        r#"
[[report]]
id = "cx"
account_id = "{STANDIN_ACCOUNT}"
api_key_parameter = "/moveo-reports/one"
cadences = ["weekly"]
timezone = "UTC"
data_wait_hours = 72
audience = {{ to = ["a@acme.example"] }}
owners = ["owner@acme.example"]
"#
    );
    let s3 = moto.s3().await;
    s3.put_object().bucket(BUCKET).key("config/reports.toml").body(toml.into_bytes().into()).send().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let (from, to) = ((today - chrono::Days::new(7)).to_string(), (today - chrono::Days::new(1)).to_string());
    server.scenario(json!({"spike": {"date": to, "factor": 0}})).await;
    let worker = LambdaEmulator::start_with(&moto, |cmd| {
        cmd.env_remove("MOVEO_DEMO")
            .env_remove("REPORT_RECIPIENTS")
            .env("MOVEO_ACCOUNT_ID", "")
            .env("REPORTS_CONFIG", format!("s3://{BUCKET}/config/reports.toml"))
            .env("MOVEO_API_URL", server.url())
            .env("REPORT_QUEUE_URL", &queue_url);
    });
    let body = json!({"report": "cx", "from": from, "to": to, "timezone": "UTC"}).to_string();
    let event = json!({"Records": [{
        "messageId": "m-1", "receiptHandle": "h", "body": body,
        "attributes": {"ApproximateReceiveCount": "3", "SentTimestamp": "1764000000000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:report-jobs", "awsRegion": "us-east-1",
    }]});
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), event.to_string()).unwrap();
    // Even on its last receive the job is not failed: it waits on the queue, delayed, as a new message.
    assert_eq!(worker.invoke_path(file.path()).unwrap(), json!({"batchItemFailures": []}));
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .unwrap();
    let delayed = attributes.attributes().unwrap()
        [&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesDelayed]
        .clone();
    assert_eq!(delayed, "1");
    assert!(moto.sent().await.is_empty(), "no report and no failure notice while waiting");
}
