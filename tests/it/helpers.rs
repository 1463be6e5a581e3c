//! Shared test helpers: run the CLI, read what users get (MIME, PDF text, PNG).

#![allow(dead_code)]

use mail_parser::{MessageParser, MimeHeaders, PartType};
use moveo_reports::spec::{Account, KeySource, ReportSpec};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

pub const BIN: &str = env!("CARGO_BIN_EXE_moveo-reports");

/// The CLI with a clean environment: no Moveo, AWS or report variables leak in
/// from the machine running the tests.
pub fn cli() -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("MOVEO_") || key.starts_with("REPORT_") || key.starts_with("AWS_") || key == "SENDER_ADDRESS"
        {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "warn");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "the binary panicked:\n{stderr}");
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Text of a PDF as poppler's `pdftotext` sees it, i.e. what a reader can copy.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test.sh");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Decodes a PNG and returns its size.
/// What a run archived or sent: every file but the run records (`runs/`), which every run writes.
pub fn report_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir).into_iter().filter(|p| !p.strip_prefix(dir).is_ok_and(|r| r.starts_with("runs"))).collect()
}

pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG pixel data decodes");
    (info.width, info.height)
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What a reader's mail client shows of a message.
pub struct ReadEmail {
    pub subject: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub html: String,
    pub text: String,
    /// (content id, content type, bytes) of inline parts.
    pub inline: Vec<(String, String, Vec<u8>)>,
    /// (file name, content type, bytes) of attachments.
    pub attachments: Vec<(String, String, Vec<u8>)>,
    /// The content types of the tree, depth-first: "multipart/mixed", …
    pub structure: Vec<String>,
}

pub fn read_email(raw: &[u8]) -> ReadEmail {
    let message = MessageParser::default().parse(raw).expect("a parseable MIME message");
    let addresses = |a: Option<&mail_parser::Address>| -> Vec<String> {
        a.map(|a| a.iter().filter_map(|x| x.address().map(str::to_string)).collect()).unwrap_or_default()
    };
    let mut inline = Vec::new();
    let mut attachments = Vec::new();
    let mut structure = Vec::new();
    for part in &message.parts {
        let ct =
            part.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_default();
        structure.push(ct.clone());
        if let PartType::Binary(bytes) | PartType::InlineBinary(bytes) = &part.body {
            if let Some(cid) = part.content_id() {
                inline.push((cid.to_string(), ct.clone(), bytes.to_vec()));
            } else {
                attachments.push((part.attachment_name().unwrap_or("").to_string(), ct.clone(), bytes.to_vec()));
            }
        } else if let (PartType::Text(text), Some(name)) = (&part.body, part.attachment_name()) {
            // A text attachment (the CSV) arrives as text, not bytes.
            attachments.push((name.to_string(), ct.clone(), text.as_bytes().to_vec()));
        }
    }
    ReadEmail {
        subject: message.subject().unwrap_or("").to_string(),
        from: addresses(message.from()),
        to: addresses(message.to()),
        html: message.body_html(0).map(|s| s.into_owned()).unwrap_or_default(),
        text: message.body_text(0).map(|s| s.into_owned()).unwrap_or_default(),
        inline,
        attachments,
        structure,
    }
}

/// Every `cid:` an HTML body refers to.
pub fn cids(html: &str) -> Vec<String> {
    html.split("cid:").skip(1).map(|rest| rest.split(['"', '\'', ')']).next().unwrap_or("").to_string()).collect()
}

/// The Python interpreter with the test tools (set by scripts/test.sh), or the system one.
pub fn python() -> String {
    std::env::var("MOVEO_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Moveo stand-in server (tests/standin/moveo_server.py) on a free loopback port.
/// It exits when its stdin closes, i.e. when this value is dropped or the test dies.
pub struct StandIn {
    child: std::process::Child,
    pub port: u16,
    http: reqwest::Client,
}

pub const STANDIN_KEY: &str = "test-key-123";
pub const STANDIN_ACCOUNT: &str = "00000000-0000-4000-8000-000000000001";

impl StandIn {
    pub fn start() -> StandIn {
        StandIn::start_with_accounts(&[])
    }

    /// With more accounts beside the default one, each `(id, key)`.
    pub fn start_with_accounts(accounts: &[(&str, &str)]) -> StandIn {
        use std::io::BufRead;
        use std::process::Stdio;
        let accounts: Vec<String> = accounts.iter().map(|(id, key)| format!("{id}:{key}")).collect();
        let mut child = Command::new(python())
            .arg(repo().join("tests/standin/moveo_server.py"))
            .env("STANDIN_ACCOUNTS", accounts.join(","))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with graphql-core (scripts/test.sh installs it)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        let port =
            line.trim().strip_prefix("PORT=").unwrap_or_else(|| panic!("stand-in said {line:?}")).parse().unwrap();
        StandIn { child, port, http: reqwest::Client::new() }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1/graphql", self.port)
    }

    pub async fn scenario(&self, scenario: serde_json::Value) {
        let r = self
            .http
            .post(format!("http://127.0.0.1:{}/_control/scenario", self.port))
            .body(scenario.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "scenario rejected: {}", r.text().await.unwrap());
    }

    /// Every GraphQL request so far: operationName, variables, status, response.
    pub async fn log(&self) -> Vec<serde_json::Value> {
        let r = self.http.get(format!("http://127.0.0.1:{}/_control/log", self.port)).send().await.unwrap();
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
    }

    /// A report on the stand-in's account, with `key` as its API key.
    pub fn spec(&self, key: &str) -> Arc<ReportSpec> {
        Arc::new(ReportSpec {
            account: Some(Account {
                id: STANDIN_ACCOUNT.into(),
                key: KeySource::Inline(secrecy::SecretString::from(key.to_string())),
            }),
            ..ReportSpec::demo(STANDIN_ACCOUNT)
        })
    }

    /// The Moveo client pointed at the stand-in, with `retry`.
    pub fn api(&self, retry: moveo_reports::moveo::RetryPolicy) -> moveo_reports::moveo::MoveoApi {
        moveo_reports::moveo::MoveoApi::new(
            &self.url(),
            moveo_reports::moveo::queries::QuerySet::default(),
            moveo_reports::moveo::KeyCache::new(None),
            retry,
            moveo_reports::moveo::Limits::default(),
        )
        .unwrap()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A moto server (S3 and SES emulator from PyPI) on a free loopback port.
pub struct Moto {
    child: std::process::Child,
    pub port: u16,
}

pub const SENDER: &str = "reports@acme.example";

const MOTO_MAIN: &str = "import os, sys, threading\n\
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()\n\
from moto.server import main\n\
main(sys.argv[1:])\n";
pub const BUCKET: &str = "acme-reports";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Moto {
    pub fn start() -> Moto {
        use std::process::Stdio;
        let port = free_port();
        // moto exits when its stdin closes, i.e. with the test process, even one that
        // never drops it (a server shared by several tests).
        let child = Command::new(python())
            .args(["-c", MOTO_MAIN, "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python with moto[server] (scripts/test.sh installs it)");
        let moto = Moto { child, port };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "moto did not start on port {port}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// AWS variables that point the SDK (and the CLI) at this moto.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    pub async fn sdk(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(self.url())
            .credentials_provider(aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "tests"))
            .load()
            .await
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.sdk().await).force_path_style(true).build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// A bucket, and the sender verified in SES.
    pub async fn prepare(&self, verify_sender: bool) {
        self.s3().await.create_bucket().bucket(BUCKET).send().await.unwrap();
        if verify_sender {
            self.verify(SENDER).await;
        }
    }

    pub async fn verify(&self, address: &str) {
        let ses = aws_sdk_ses::Client::new(&self.sdk().await);
        ses.verify_email_identity().email_address(address).send().await.unwrap();
    }

    /// Every raw message moto's SES accepted, as sent.
    pub async fn sent(&self) -> Vec<Vec<u8>> {
        let body = reqwest::get(format!("{}/moto-api/data.json", self.url())).await.unwrap().bytes().await.unwrap();
        let data: serde_json::Value = serde_json::from_slice(&body).unwrap();
        data["ses"]["RawMessage"]
            .as_array()
            .map(|list| list.iter().map(|m| m["raw_data"].as_str().unwrap_or("").as_bytes().to_vec()).collect())
            .unwrap_or_default()
    }

    /// Every key in the bucket under `prefix`.
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let out = self.s3().await.list_objects_v2().bucket(BUCKET).prefix(prefix).send().await.unwrap();
        out.contents().iter().filter_map(|o| o.key().map(str::to_string)).collect()
    }

    pub async fn object(&self, key: &str) -> Vec<u8> {
        let out = self.s3().await.get_object().bucket(BUCKET).key(key).send().await.unwrap();
        out.body.collect().await.unwrap().into_bytes().to_vec()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on, for outage tests.
pub fn closed_port() -> u16 {
    free_port()
}

/// The pipeline on `source`, archiving in `dir` and writing `.eml` files to `dir/outbox`.
pub fn local_pipeline<S: moveo_reports::analytics::AnalyticsSource>(
    source: S,
    dir: &Path,
) -> moveo_reports::pipeline::Pipeline<S, moveo_reports::deliver::DirStore, moveo_reports::deliver::EmlOutbox> {
    moveo_reports::pipeline::Pipeline {
        source,
        store: moveo_reports::deliver::DirStore::new(dir),
        mailer: moveo_reports::deliver::EmlOutbox::new(dir.join("outbox")),
        chats: moveo_reports::deliver::ChatPoster::local(),
        renderer: moveo_reports::render::Renderer::new().unwrap(),
        sender: moveo_reports::pipeline::Sender { from: "reports@example.com".into(), reply_to: None },
    }
}

/// A weekly request for `spec` to `to`, relative to `now`.
pub fn weekly_request(
    spec: Arc<ReportSpec>,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
    to: &str,
) -> moveo_reports::pipeline::ReportRequest {
    moveo_reports::pipeline::ReportRequest {
        spec,
        period: moveo_reports::period::PeriodRequest::Weekly,
        tz,
        now,
        audience: moveo_reports::deliver::Audience::email(moveo_reports::deliver::Recipients {
            to: vec![to.into()],
            ..Default::default()
        }),
        dry_run: false,
        resend: false,
        test: false,
        request_id: "test".into(),
    }
}

/// A webhook receiver (tests/standin/receiver.py) on a free loopback port, standing in
/// for Slack, Teams and webhook endpoints: it records every post and answers as planned.
pub struct Receiver {
    child: std::process::Child,
    pub port: u16,
}

/// One request the receiver got.
#[derive(Debug, serde::Deserialize)]
pub struct Received {
    pub path: String,
    pub status: u16,
    pub headers: std::collections::HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the post is JSON")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Receiver {
    pub fn start() -> Receiver {
        use std::io::BufRead;
        use std::process::Stdio;
        let mut child = Command::new(python())
            .arg(repo().join("tests/standin/receiver.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port =
            line.trim().strip_prefix("PORT=").unwrap_or_else(|| panic!("receiver said {line:?}")).parse().unwrap();
        Receiver { child, port }
    }

    /// The URL of one endpoint; the path stands for the secret part of a real webhook URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next answers for `path`, then 200 again.
    pub async fn plan(&self, path: &str, statuses: &[u16], retry_after: Option<u64>) {
        let body = serde_json::json!({ "path": path, "statuses": statuses, "retry_after": retry_after });
        let r = reqwest::Client::new().post(self.url("/_control/plan")).body(body.to_string()).send().await.unwrap();
        assert!(r.status().is_success());
    }

    /// Every post so far to `path`.
    pub async fn received(&self, path: &str) -> Vec<Received> {
        let r = reqwest::get(self.url("/_control/received")).await.unwrap();
        let all: Vec<Received> = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        all.into_iter().filter(|r| r.path == path).collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
