//! A report made before Moveo has its last day: tried again while the report's
//! `data_wait_hours` last, then sent with a visible "partial data" banner.

use crate::helpers::*;
use std::path::Path;

fn report(server: &StandIn, dir: &Path, wait_hours: u32, from: &str, to: &str) -> std::process::Output {
    let file = dir.join("reports.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[[report]]
id = "cx"
account_id = "{STANDIN_ACCOUNT}"
api_key_env = "CX_KEY"
cadences = ["weekly"]
timezone = "UTC"
data_wait_hours = {wait_hours}
audience = {{ to = ["team@acme.example"] }}
"#
        ),
    )
    .unwrap();
    run(cli()
        .env("REPORTS_CONFIG", &file)
        .env("CX_KEY", STANDIN_KEY)
        .env("MOVEO_API_URL", server.url())
        .args(["report", "--from", from, "--to", to, "--out"])
        .arg(dir.join("out")))
}

#[tokio::test]
async fn an_empty_last_day_is_waited_for_then_sent_marked_as_partial_data() {
    let server = StandIn::start();
    let today = chrono::Utc::now().date_naive();
    let (first, last) = (today - chrono::Days::new(7), today - chrono::Days::new(1));
    let (from, to) = (first.to_string(), last.to_string());
    // Moveo has nothing yet for yesterday, where that weekday usually has traffic.
    server.scenario(serde_json::json!({"spike": {"date": to, "factor": 0}})).await;

    // Within the wait: a retryable error saying which day, and nothing archived or sent.
    let dir = tempfile::tempdir().unwrap();
    let early = report(&server, dir.path(), 72, &from, &to);
    assert_eq!(early.status.code(), Some(1), "{}", stdout(&early));
    let err = stderr(&early);
    assert!(err.contains("not complete yet") && err.contains("running the same command again can succeed"), "{err}");
    assert!(report_files(&dir.path().join("out")).is_empty(), "nothing archived or sent");

    // Past the wait: the report goes out, and says the day is incomplete wherever it is read.
    let late = report(&server, dir.path(), 0, &from, &to);
    assert!(late.status.success(), "{}", stderr(&late));
    let emls = files_under(&dir.path().join("out/outbox"));
    let email = read_email(&std::fs::read(&emls[0]).unwrap());
    let day = last.format("%-d").to_string();
    let text = email.text.replace("\r\n", "\n");
    let banner = text.lines().find(|l| l.starts_with("PARTIAL DATA.")).unwrap_or_else(|| panic!("{text}"));
    assert!(banner.contains("no sessions yet") && banner.contains(&day), "{banner}");
    assert!(email.html.contains("Partial data."));
    let pdf = email.attachments.iter().find(|a| a.0.ends_with(".pdf")).unwrap();
    assert!(pdf_text(&pdf.2).contains("Partial data."), "the PDF says it too");

    // A complete last day is not waited for.
    server.scenario(serde_json::json!({})).await;
    let other = tempfile::tempdir().unwrap();
    let complete = report(&server, other.path(), 72, &from, &to);
    assert!(complete.status.success(), "{}", stderr(&complete));
    let email = read_email(&std::fs::read(&files_under(&other.path().join("out/outbox"))[0]).unwrap());
    assert!(!email.text.contains("PARTIAL DATA"));
}
