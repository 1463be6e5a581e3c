//! Shared test helpers: run the CLI, read what users get (MIME, PDF text, PNG).

#![allow(dead_code)]

use mail_parser::{MessageParser, MimeHeaders, PartType};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_moveo-reports");

/// The CLI with a clean environment: no Moveo, AWS or report variables leak in
/// from the machine running the tests.
pub fn cli() -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("MOVEO_")
            || key.starts_with("REPORT_")
            || key.starts_with("AWS_")
            || key == "SENDER_ADDRESS"
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
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked:\n{stderr}"
    );
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
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Decodes a PNG and returns its size.
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
    let message = MessageParser::default()
        .parse(raw)
        .expect("a parseable MIME message");
    let addresses = |a: Option<&mail_parser::Address>| -> Vec<String> {
        a.map(|a| {
            a.iter()
                .filter_map(|x| x.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    };
    let mut inline = Vec::new();
    let mut attachments = Vec::new();
    let mut structure = Vec::new();
    for part in &message.parts {
        let ct = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
            .unwrap_or_default();
        structure.push(ct.clone());
        if let PartType::Binary(bytes) | PartType::InlineBinary(bytes) = &part.body {
            if let Some(cid) = part.content_id() {
                inline.push((cid.to_string(), ct.clone(), bytes.to_vec()));
            } else {
                attachments.push((
                    part.attachment_name().unwrap_or("").to_string(),
                    ct.clone(),
                    bytes.to_vec(),
                ));
            }
        }
    }
    ReadEmail {
        subject: message.subject().unwrap_or("").to_string(),
        from: addresses(message.from()),
        to: addresses(message.to()),
        html: message
            .body_html(0)
            .map(|s| s.into_owned())
            .unwrap_or_default(),
        text: message
            .body_text(0)
            .map(|s| s.into_owned())
            .unwrap_or_default(),
        inline,
        attachments,
        structure,
    }
}

/// Every `cid:` an HTML body refers to.
pub fn cids(html: &str) -> Vec<String> {
    html.split("cid:")
        .skip(1)
        .map(|rest| {
            rest.split(['"', '\'', ')'])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The Python interpreter with the test tools (set by scripts/test.sh), or the system one.
pub fn python() -> String {
    std::env::var("MOVEO_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn repo() -> PathBuf {
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
        use std::io::BufRead;
        use std::process::Stdio;
        let mut child = Command::new(python())
            .arg(repo().join("tests/standin/moveo_server.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with graphql-core (scripts/test.sh installs it)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT=")
            .unwrap_or_else(|| panic!("stand-in said {line:?}"))
            .parse()
            .unwrap();
        StandIn {
            child,
            port,
            http: reqwest::Client::new(),
        }
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
        assert!(
            r.status().is_success(),
            "scenario rejected: {}",
            r.text().await.unwrap()
        );
    }

    /// Every GraphQL request so far: operationName, variables, status, response.
    pub async fn log(&self) -> Vec<serde_json::Value> {
        let r = self
            .http
            .get(format!("http://127.0.0.1:{}/_control/log", self.port))
            .send()
            .await
            .unwrap();
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
    }

    pub fn settings(&self, key: &str) -> moveo_reports::config::MoveoSettings {
        moveo_reports::config::MoveoSettings {
            api_key: secrecy::SecretString::from(key.to_string()),
            account_id: STANDIN_ACCOUNT.into(),
            url: self.url(),
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
