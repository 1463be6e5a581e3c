//! The Lambda path through a real Runtime API emulator (`cargo lambda watch`),
//! invoked with `cargo lambda invoke` and the fixture events, against moto.

use crate::helpers::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `cargo-lambda` from PATH (scripts/test.sh puts the venv there) or the repo's venv.
fn cargo_lambda() -> PathBuf {
    let local = repo().join(".venv/bin/cargo-lambda");
    if local.exists() {
        local
    } else {
        PathBuf::from("cargo-lambda")
    }
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

pub struct LambdaEmulator {
    watch: Child,
    function: Child,
    port: u16,
}

/// `cargo lambda watch`'s Runtime API alone, on a free port.
fn runtime_api() -> (Child, u16) {
    let port = closed_port();
    let watch = Command::new(cargo_lambda())
        .args(["lambda", "watch", "--only-lambda-apis", "-A", "127.0.0.1", "-P", &port.to_string()])
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cargo-lambda (scripts/test.sh installs it)");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "cargo lambda watch did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (watch, port)
}

/// Our binary as the function against the emulator's Runtime API, with a
/// complete production configuration (demo data asked for explicitly, as a
/// smoke-test deployment does) and AWS pointing at moto.
fn function(port: u16, moto: &Moto) -> Command {
    let mut function = cli();
    function
        .env("AWS_LAMBDA_RUNTIME_API", format!("http://127.0.0.1:{port}/.rt"))
        .env("AWS_LAMBDA_FUNCTION_NAME", "_")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("MOVEO_DEMO", "true")
        .env("REPORT_BUCKET", BUCKET)
        .env("SENDER_ADDRESS", SENDER)
        .env("REPORT_RECIPIENTS", "team@acme.example")
        .env("REPORT_TIMEZONE", "Europe/Berlin")
        .envs(moto.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // TEST_FUNCTION_LOGS=1 shows the function's own logs when a test needs a look.
    if std::env::var_os("TEST_FUNCTION_LOGS").is_some() {
        function.env("RUST_LOG", "info");
    } else {
        function.stderr(Stdio::null());
    }
    function
}

impl LambdaEmulator {
    /// The emulator's Runtime API, and our binary running as the function against it.
    fn start(moto: &Moto) -> LambdaEmulator {
        LambdaEmulator::start_with(moto, |_| {})
    }

    /// The same, with the function's environment changed by `configure`.
    pub fn start_with(moto: &Moto, configure: impl FnOnce(&mut Command)) -> LambdaEmulator {
        let (watch, port) = runtime_api();
        let mut function = function(port, moto);
        configure(&mut function);
        let function = function.spawn().unwrap();
        LambdaEmulator { watch, function, port }
    }

    /// The function's process id (for its peak memory in /proc).
    pub fn pid(&self) -> u32 {
        self.function.id()
    }

    /// Invokes with a fixture; `Ok(response)` or `Err(what the caller sees)`.
    pub fn invoke(&self, event: &str) -> Result<Value, String> {
        self.invoke_path(&fixture(event))
    }

    /// Invokes with the event in `path`. A function that died never answers, so
    /// the wait is bounded and a hang becomes a failure that says so.
    pub fn invoke_path(&self, path: &std::path::Path) -> Result<Value, String> {
        let mut child = Command::new(cargo_lambda())
            .args(["lambda", "invoke", "-A", "127.0.0.1", "-P", &self.port.to_string(), "--data-file"])
            .arg(path)
            .env("CARGO_LAMBDA_COLOR", "never")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("cargo lambda invoke got no answer in 90 s: did the function die? (TEST_FUNCTION_LOGS=1 shows its logs)");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            Ok(serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out))))
        } else {
            Err(format!("{}{}", stdout(&out), stderr(&out)))
        }
    }
}

impl Drop for LambdaEmulator {
    fn drop(&mut self) {
        for child in [&mut self.function, &mut self.watch] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn scheduled_and_direct_invocations_archive_and_mail_once() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let lambda = LambdaEmulator::start(&moto);

    let weekly = lambda.invoke("weekly_event.json").unwrap();
    assert_eq!(weekly["status"], "sent", "{weekly}");
    // Scheduled at Monday 23 Nov 07:00 Berlin: the week before, whenever the run happens.
    assert_eq!(weekly["prefix"], "reports/demo/weekly/2026-11-16_2026-11-22");
    assert!(weekly["keys"].as_array().unwrap().iter().any(|k| k.as_str().unwrap().ends_with("/report.pdf")));
    assert!(moto.keys("reports/demo/weekly/2026-11-16_2026-11-22/report.pdf").await.len() == 1);
    assert_eq!(moto.sent().await.len(), 1);

    let monthly = lambda.invoke("monthly_event.json").unwrap();
    assert_eq!(monthly["prefix"], "reports/demo/monthly/2026-10-01_2026-10-31", "{monthly}");
    assert_eq!(moto.sent().await.len(), 2);
    let email = read_email(moto.sent().await.last().unwrap());
    // Demo data in production only when asked for, and then every output says so.
    assert_eq!(email.subject, "[Demo data] Monthly report · October 2026");
    assert!(email.text.contains("DEMO DATA. These numbers come from moveo-reports' built-in demo source"));
    assert_eq!(monthly["source"], "demo");

    let custom = lambda.invoke("custom_event.json").unwrap();
    assert_eq!(custom["status"], "dry_run", "{custom}");
    assert_eq!(moto.keys("reports/demo/custom/2026-10-01_2026-10-15/report.pdf").await.len(), 1);
    assert_eq!(moto.sent().await.len(), 2, "a dry run sends nothing");

    // Scheduler retries, or a person presses run again: no second email.
    let again = lambda.invoke("weekly_event.json").unwrap();
    assert_eq!(again["status"], "already_delivered", "{again}");
    assert_eq!(moto.sent().await.len(), 2);
}

#[tokio::test]
async fn a_malformed_event_is_a_non_retryable_error() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let lambda = LambdaEmulator::start(&moto);
    let err = lambda.invoke("malformed_event.json").unwrap_err();
    assert!(err.contains("Invalid.Event"), "{err}");
    assert!(err.contains("EventBridge envelope"), "{err}");
    assert!(moto.sent().await.is_empty());
    // The function is still serving after a bad event.
    assert_eq!(lambda.invoke("weekly_event.json").unwrap()["status"], "sent");
}

#[tokio::test]
async fn on_lambda_a_query_fix_in_the_bucket_brings_its_section_back() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let server = StandIn::start();
    server.scenario(serde_json::json!({"schema": "drifted"})).await;
    let moveo = |cmd: &mut Command| {
        cmd.env_remove("MOVEO_DEMO")
            .env("MOVEO_API_URL", server.url())
            .env("MOVEO_API_KEY", STANDIN_KEY)
            .env("MOVEO_ACCOUNT_ID", STANDIN_ACCOUNT);
    };

    // The account's schema differs from two guesses: the report goes out, partial, and says which.
    let lambda = LambdaEmulator::start_with(&moto, moveo);
    let partial = lambda.invoke("custom_event.json").unwrap();
    assert_eq!(partial["outcome"], "partial", "{partial}");
    let left_out: Vec<&str> =
        partial["left_out"].as_array().unwrap().iter().map(|g| g["query"].as_str().unwrap()).collect();
    assert_eq!(left_out, ["AgentRepliesInterval", "TopIntentsV2"]);
    drop(lambda);

    // The owner uploads corrected files under queries/; the next cold start reads them.
    let s3 = moto.s3().await;
    let builtin = |file: &str| std::fs::read_to_string(repo().join("src/moveo/queries").join(file)).unwrap();
    let fixes = [
        (
            "top_intents_v2.graphql",
            builtin("top_intents_v2.graphql").replace("rows: top_intents_v2(", "rows: top_intents("),
        ),
        (
            "agent_replies_interval.graphql",
            builtin("agent_replies_interval.graphql")
                .replace("  $channels: _text\n", "")
                .replace("      channels: $channels\n", ""),
        ),
    ];
    for (file, text) in fixes {
        s3.put_object()
            .bucket(BUCKET)
            .key(format!("queries/{file}"))
            .body(text.into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    let lambda = LambdaEmulator::start_with(&moto, moveo);
    let complete = lambda.invoke("custom_event.json").unwrap();
    assert_eq!(complete["outcome"], "complete", "{complete}");
    assert_eq!(complete["left_out"], serde_json::json!([]));
    let log = server.log().await;
    assert!(log.iter().any(|e| e["query"].as_str().is_some_and(|q| q.contains("rows: top_intents("))));
}

/// Starts the function with `configure` applied and waits for it to give up.
fn failed_cold_start(moto: &Moto, configure: impl FnOnce(&mut Command)) -> (String, Vec<std::path::PathBuf>) {
    let (mut watch, port) = runtime_api();
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = function(port, moto);
    configure(&mut cmd);
    let mut child = cmd.env("TMPDIR", tmp.path()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "the function kept running without its configuration");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = watch.kill();
    let _ = watch.wait();
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (err, files_under(tmp.path()))
}

#[tokio::test]
async fn a_deployment_without_a_bucket_or_a_key_fails_its_cold_start_naming_the_variable() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let (err, tmp) = failed_cold_start(&moto, |cmd| {
        cmd.env_remove("REPORT_BUCKET");
    });
    assert!(err.contains("REPORT_BUCKET: the S3 bucket"), "{err}");
    assert!(tmp.is_empty(), "nothing written under /tmp: {tmp:?}");

    // A real deployment (no MOVEO_DEMO) with no key: named, and no demo data.
    let (err, tmp) = failed_cold_start(&moto, |cmd| {
        cmd.env_remove("MOVEO_DEMO").env("MOVEO_ACCOUNT_ID", "acc");
    });
    assert!(err.contains("MOVEO_API_KEY: the Moveo Analytics API key"), "{err}");
    assert!(!err.contains("REPORT_BUCKET"), "only what is missing is named: {err}");
    assert!(tmp.is_empty(), "nothing written under /tmp: {tmp:?}");
    assert!(moto.keys("reports/").await.is_empty() && moto.sent().await.is_empty());
}

#[test]
fn the_fixtures_are_the_templates_schedule_inputs() {
    let template = std::fs::read_to_string(repo().join("infra/template.yaml")).unwrap();
    for (kind, scheduled) in [("weekly", "2026-11-23T06:00:00Z"), ("monthly", "2026-11-01T06:00:00Z")] {
        let needle = format!(r#"Input: '{{"period":"{kind}""#);
        let line =
            template.lines().find(|l| l.trim_start().starts_with(&needle)).unwrap_or_else(|| panic!("no {kind} Input"));
        let input = line.trim().trim_start_matches("Input:").trim().trim_matches('\'');
        let expected = input.replace("<aws.scheduler.scheduled-time>", scheduled);
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{kind}_event.json"))).unwrap()).unwrap();
        assert_eq!(fixture, serde_json::from_str::<Value>(&expected).unwrap(), "{kind}");
    }
}
