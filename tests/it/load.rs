//! Load: the weekly fan-out of many reports (`LOAD_REPORTS`, 500 by default) through
//! the dispatcher and the worker, each a Lambda function on `cargo lambda`'s Runtime
//! API, with moto's SQS, S3 and SES, and the Moveo stand-in behind a proxy that answers
//! a share of the queries with 429 or 503 at random (seeded, so a failure replays).
//! SQS's event source mapping is played by the test: batches of 5 (the template's
//! BatchSize), failed items made visible again, and a redrive policy of 3 receives.
//! 3% of SES sends and 1% of S3 uploads answer 503 as well. One report in 50 has a revoked
//! key, so "failed with a notice" is met too.
//!
//! Checked: every report is mailed exactly once, or its job ends in the dead-letter
//! queue and its owners got one notice; nothing is lost; the worker's peak memory is
//! printed and bounded.

use crate::chaos::{Chaos, Fault, Head};
use crate::helpers::*;
use crate::lambda::LambdaEmulator;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const OWNER: &str = "owner@load.example";

fn reports_toml(n: usize) -> String {
    let mut toml = String::new();
    for i in 0..n {
        // One report in fifty reads a key Moveo refuses.
        let key = if i % 50 == 49 { "REVOKED_KEY" } else { "CX_KEY" };
        toml.push_str(&format!(
            "[[report]]\nid = \"r{i:03}\"\naccount_id = \"{STANDIN_ACCOUNT}\"\napi_key_env = \"{key}\"\n\
             cadences = [\"weekly\"]\ntimezone = \"UTC\"\naudience = {{ to = [\"r{i:03}@load.example\"] }}\n\
             owners = [\"{OWNER}\"]\n\n"
        ));
    }
    toml
}

/// A deterministic coin: `true` with probability `share`, from a shared xorshift state.
fn coin(state: &AtomicU64, share: f64) -> bool {
    let mut x = state.load(Ordering::Relaxed);
    loop {
        let mut next = x;
        next ^= next << 13;
        next ^= next >> 7;
        next ^= next << 17;
        match state.compare_exchange(x, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return (next % 10_000) as f64 / 10_000.0 < share,
            Err(now) => x = now,
        }
    }
}

/// The SQS event the event source mapping sends, with each message's real receive count.
fn sqs_event(messages: &[Message]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            let count = m
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .cloned()
                .unwrap_or_else(|| "1".into());
            json!({
                "messageId": m.message_id(), "receiptHandle": m.receipt_handle(), "body": m.body(),
                "attributes": {"ApproximateReceiveCount": count, "SentTimestamp": "1764000000000"},
                "messageAttributes": {}, "md5OfBody": m.md5_of_body(), "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:report-jobs", "awsRegion": "us-east-1",
            })
        })
        .collect();
    json!({ "Records": records })
}

/// SQS's event source mapping, played: batches of five (the template's BatchSize) to the
/// worker until the queue is empty; failed items are made visible again at once instead
/// of after the visibility timeout. Returns (batches, failed items).
async fn drain(worker: &LambdaEmulator, sqs: &aws_sdk_sqs::Client, queue: &str) -> (usize, usize) {
    let batch_file = tempfile::NamedTempFile::new().unwrap();
    let (mut batches, mut item_failures, mut idle) = (0, 0, 0);
    while idle < 3 {
        let received = sqs
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(5)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .unwrap();
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            idle += 1;
            continue;
        }
        idle = 0;
        batches += 1;
        std::fs::write(batch_file.path(), sqs_event(&messages).to_string()).unwrap();
        let answer = worker.invoke_path(batch_file.path()).unwrap_or_else(|e| panic!("batch {batches}: {e}"));
        let failed: Vec<&str> = answer["batchItemFailures"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer}"))
            .iter()
            .filter_map(|f| f["itemIdentifier"].as_str())
            .collect();
        item_failures += failed.len();
        for m in &messages {
            if failed.contains(&m.message_id().unwrap()) {
                // Back on the queue at once, instead of after the visibility timeout.
                sqs.change_message_visibility()
                    .queue_url(queue)
                    .receipt_handle(m.receipt_handle().unwrap())
                    .visibility_timeout(0)
                    .send()
                    .await
                    .unwrap();
            } else {
                sqs.delete_message().queue_url(queue).receipt_handle(m.receipt_handle().unwrap()).send().await.unwrap();
            }
        }
    }
    (batches, item_failures)
}

/// The functions' environment, as the template sets it, with the reports file in moto's bucket.
fn deployment(cmd: &mut std::process::Command, moveo_url: &str, queue: &str) {
    cmd.env_remove("MOVEO_DEMO")
        .env_remove("REPORT_RECIPIENTS")
        .env("MOVEO_ACCOUNT_ID", "")
        .env("REPORTS_CONFIG", format!("s3://{BUCKET}/config/reports.toml"))
        .env("MOVEO_API_URL", moveo_url)
        .env("CX_KEY", STANDIN_KEY)
        .env("REVOKED_KEY", "revoked-key")
        .env("REPORT_QUEUE_URL", queue)
        .env("JOB_MAX_RECEIVES", "3");
}

async fn put_reports(moto: &Moto, n: usize) {
    let s3 = moto.s3().await;
    s3.put_object()
        .bucket(BUCKET)
        .key("config/reports.toml")
        .body(reports_toml(n).into_bytes().into())
        .send()
        .await
        .unwrap();
}

/// How often each report was mailed, and how many notices its owners got, by report id.
async fn mailed_and_noticed(moto: &Moto) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut mailed: HashMap<String, usize> = HashMap::new();
    let mut noticed: HashMap<String, usize> = HashMap::new();
    for raw in moto.sent().await {
        let email = read_email(&raw);
        if email.to == [OWNER] {
            let id = email.subject.split(':').next().unwrap().trim_start_matches("[moveo-reports] ").to_string();
            *noticed.entry(id).or_default() += 1;
        } else {
            for to in email.to {
                *mailed.entry(to.trim_end_matches("@load.example").to_string()).or_default() += 1;
            }
        }
    }
    (mailed, noticed)
}

/// Peak resident memory of a process, in MB (`VmHWM`).
fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_fan_out_under_random_429s_and_503s_delivers_each_report_once_or_tells_its_owners() {
    let n: usize = std::env::var("LOAD_REPORTS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let started = Instant::now();
    let moto = Moto::start();
    moto.prepare(true).await;
    let standin = StandIn::start();
    // 4% of queries are rate-limited, 3% fail with 503; a query is tried up to five times.
    let moveo = Chaos::start(standin.port);
    let dice = Arc::new(AtomicU64::new(0x9E37_79B9_7F4A_7C15));
    let d = dice.clone();
    moveo.inject(move |_: &Head| coin(&d, 0.04), Fault::Status(429));
    let d = dice.clone();
    moveo.inject(move |_: &Head| coin(&d, 0.03 / 0.96), Fault::Status(503));

    // And the worker's AWS: 3% of SES sends answer 503 (the job fails and SQS hands it over
    // again), 1% of S3 uploads too (the SDK tries again).
    let aws = Chaos::start(moto.port);
    let d = dice.clone();
    let ses_send =
        |h: &Head| h.method == "POST" && h.header("content-type").is_some_and(|c| c.contains("form-urlencoded"));
    aws.inject(move |h: &Head| ses_send(h) && coin(&d, 0.03), Fault::Status(503));
    let d = dice.clone();
    aws.inject(move |h: &Head| h.method == "PUT" && coin(&d, 0.01), Fault::Status(503));

    let sqs = aws_sdk_sqs::Client::new(&moto.sdk().await);
    let dlq = sqs.create_queue().queue_name("report-jobs-dlq").send().await.unwrap().queue_url.unwrap();
    let dlq_arn = "arn:aws:sqs:us-east-1:123456789012:report-jobs-dlq";
    let queue = sqs
        .create_queue()
        .queue_name("report-jobs")
        .attributes(QueueAttributeName::VisibilityTimeout, "600")
        .attributes(
            QueueAttributeName::RedrivePolicy,
            json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}).to_string(),
        )
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    put_reports(&moto, n).await;
    let moveo_url = format!("{}/v1/graphql", moveo.url());
    let configure = |cmd: &mut std::process::Command| deployment(cmd, &moveo_url, &queue);
    let dispatcher = LambdaEmulator::start_with(&moto, |cmd| {
        configure(cmd);
        cmd.env("MOVEO_REPORTS_ROLE", "dispatcher");
    });
    let dispatched = dispatcher.invoke("weekly_event.json").unwrap();
    assert_eq!(dispatched["enqueued"], n, "{dispatched}");
    drop(dispatcher);

    // The event source mapping: batches of five until the queue is empty.
    let worker = LambdaEmulator::start_with(&moto, |cmd| {
        configure(cmd);
        cmd.env("AWS_ENDPOINT_URL", aws.url());
    });
    let (batches, item_failures) = drain(&worker, &sqs, &queue).await;
    let peak = peak_rss_mb(worker.pid());
    drop(worker);

    let (mailed, noticed) = mailed_and_noticed(&moto).await;
    let mut dead = 0;
    loop {
        let out = sqs.receive_message().queue_url(&dlq).max_number_of_messages(10).send().await.unwrap();
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        for m in &messages {
            let job: Value = serde_json::from_str(m.body().unwrap()).unwrap();
            let id = job["report"].as_str().unwrap().to_string();
            assert_eq!(noticed.get(&id), Some(&1), "{id} ended in the DLQ: its owners were told once");
            dead += 1;
            sqs.delete_message().queue_url(&dlq).receipt_handle(m.receipt_handle().unwrap()).send().await.unwrap();
        }
    }
    for i in 0..n {
        let id = format!("r{i:03}");
        let (m, t) = (mailed.get(&id).copied().unwrap_or(0), noticed.get(&id).copied().unwrap_or(0));
        assert!(m <= 1 && t <= 1, "{id}: mailed {m} times, noticed {t} times");
        assert_eq!(m + t, 1, "{id}: mailed {m}, noticed {t}: none lost, none both");
        if i % 50 == 49 {
            assert_eq!(t, 1, "{id} has a revoked key");
        }
    }
    assert_eq!(dead, noticed.len(), "every notice is for a job that ended in the DLQ");
    let (faults, aws_faults) = (moveo.hits(), aws.hits());
    assert!(faults > 0 && aws_faults > 0, "the proxies injected faults");
    println!(
        "load: {n} reports in {:.0} s: {} mailed once, {} failed with a notice (DLQ {dead}); {batches} batches, \
         {item_failures} failed items redelivered; {faults} Moveo queries and {aws_faults} S3/SES calls answered \
         429/503; worker peak RSS {peak:.0} MB",
        started.elapsed().as_secs_f64(),
        mailed.len(),
        noticed.len(),
    );
    assert!(peak > 0.0 && peak < 400.0, "the worker's memory stays bounded: {peak:.0} MB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatch_that_fails_half_way_is_run_again_and_each_report_is_mailed_once() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let standin = StandIn::start();
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk().await);
    let queue = sqs.create_queue().queue_name("report-jobs").send().await.unwrap().queue_url.unwrap();
    put_reports(&moto, 12).await;
    let moveo_url = standin.url();
    // The first batch of ten jobs goes in; the second (and the SDK's retries of it) answers 503.
    let aws = Chaos::start(moto.port);
    let calls = AtomicUsize::new(0);
    let second_batch = move |h: &Head| {
        h.header("x-amz-target").is_some_and(|t| t.ends_with("SendMessageBatch"))
            && calls.fetch_add(1, Ordering::SeqCst) >= 1
    };
    aws.inject(second_batch, Fault::Status(503));
    let dispatcher = LambdaEmulator::start_with(&moto, |cmd| {
        deployment(cmd, &moveo_url, &queue);
        cmd.env("MOVEO_REPORTS_ROLE", "dispatcher").env("AWS_ENDPOINT_URL", aws.url());
    });
    let failed = dispatcher.invoke("weekly_event.json").unwrap_err();
    assert!(failed.contains("Retryable.QueueUnavailable"), "{failed}");
    // EventBridge Scheduler tries the dispatch again: every job again, the first ten twice.
    aws.heal();
    assert_eq!(dispatcher.invoke("weekly_event.json").unwrap()["enqueued"], 12);
    let worker = LambdaEmulator::start_with(&moto, |cmd| deployment(cmd, &moveo_url, &queue));
    let (batches, failures) = drain(&worker, &sqs, &queue).await;
    assert_eq!((batches, failures), (5, 0), "22 jobs in batches of five, none failed");
    let (mailed, noticed) = mailed_and_noticed(&moto).await;
    assert_eq!(mailed.len(), 12, "{mailed:?}");
    assert!(mailed.values().all(|&n| n == 1), "each report once: {mailed:?}");
    assert!(noticed.is_empty());
}
