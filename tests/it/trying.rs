//! Trying a report before it goes out: a preview, a test send that never counts as
//! the real one, and a report paused in the reports file.

use crate::helpers::*;
use std::path::Path;

const TWO_REPORTS: &str = r#"
[[report]]
id = "cx"
account_id = "00000000-0000-4000-8000-000000000001"
api_key_env = "CX_KEY"
cadences = ["weekly"]
audience = { to = ["team@acme.example"] }

[[report]]
id = "paused"
account_id = "00000000-0000-4000-8000-000000000002"
api_key_env = "CX_KEY"
cadences = ["weekly"]
enabled = false
audience = { to = ["others@acme.example"] }
"#;

fn with_reports(dir: &Path, args: &[&str]) -> std::process::Output {
    let file = dir.join("reports.toml");
    std::fs::write(&file, TWO_REPORTS).unwrap();
    let mut cmd = cli();
    cmd.env("MOVEO_DEMO", "true").env("REPORTS_CONFIG", &file).env("CX_KEY", "unused-with-demo-data").args(args);
    if args[0] == "report" {
        cmd.arg("--out").arg(dir.join("out"));
    }
    run(&mut cmd)
}

fn sent(dir: &Path) -> Vec<ReadEmail> {
    let mut emls = files_under(&dir.join("out/outbox"));
    emls.sort();
    emls.iter().map(|p| read_email(&std::fs::read(p).unwrap())).collect()
}

#[test]
fn a_preview_renders_and_says_where_to_open_it_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = with_reports(dir.path(), &["report", "--report", "cx", "--period", "weekly", "--preview"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let link = |what: &str| -> std::path::PathBuf {
        let line = said.lines().find(|l| l.trim_start().starts_with(what)).unwrap_or_else(|| panic!("{what}: {said}"));
        let path = line.split_whitespace().last().unwrap();
        path.strip_prefix("file://").unwrap_or(path).into()
    };
    assert!(std::fs::read_to_string(link("report")).unwrap().contains("<h1>"));
    assert!(pdf_text(&std::fs::read(link("PDF")).unwrap()).contains("Weekly report"));
    // The browser copy of the email shows its charts: every image is a file beside it.
    let email = link("email");
    let html = std::fs::read_to_string(&email).unwrap();
    assert!(!html.contains("cid:"), "a browser cannot resolve cid: images");
    let images: Vec<&str> = html.split("src=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    assert!(images.len() >= 7, "{images:?}");
    for image in images {
        assert!(email.parent().unwrap().join(image).is_file(), "{image} is not beside the preview");
    }
    assert!(sent(dir.path()).is_empty(), "a preview sends nothing");
}

#[test]
fn a_test_send_goes_to_one_address_marked_and_never_counts_as_the_real_send() {
    let dir = tempfile::tempdir().unwrap();
    let weekly = ["report", "--report", "cx", "--period", "weekly"];
    let test = with_reports(dir.path(), &[&weekly[..], &["--test-to", "me@acme.example"]].concat());
    assert!(test.status.success(), "{}", stderr(&test));
    let mails = sent(dir.path());
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject.starts_with("[TEST] "), "{}", mails[0].subject);
    assert_eq!(mails[0].to, ["me@acme.example"]);
    assert!(!files_under(&dir.path().join("out")).iter().any(|p| p.to_string_lossy().contains("deliveries")));

    // The real run still sends its one email, to the audience; a rerun sends nothing.
    let real = with_reports(dir.path(), &weekly);
    assert!(real.status.success(), "{}", stderr(&real));
    let again = with_reports(dir.path(), &weekly);
    assert!(stdout(&again).contains("already"), "{}", stdout(&again));
    let mails = sent(dir.path());
    let real: Vec<_> = mails.iter().filter(|m| !m.subject.starts_with("[TEST]")).collect();
    assert_eq!(real.len(), 1, "{:?}", mails.iter().map(|m| &m.subject).collect::<Vec<_>>());
    assert_eq!(real[0].to, ["team@acme.example"]);

    // And a test after the real send is not blocked by it.
    let later = with_reports(dir.path(), &[&weekly[..], &["--test-to", "me@acme.example"]].concat());
    assert!(later.status.success(), "{}", stderr(&later));
    assert_eq!(sent(dir.path()).len(), 3);
}

#[test]
fn a_paused_report_is_listed_as_paused_and_skipped_by_all() {
    let dir = tempfile::tempdir().unwrap();
    let list = with_reports(dir.path(), &["reports", "list"]);
    let said = stdout(&list);
    let line =
        |id: &str| said.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id}: {said}")).to_string();
    assert!(line("paused").contains("paused"), "{said}");
    assert!(line("cx").contains("active"), "{said}");
    let all = with_reports(dir.path(), &["report", "--all", "--period", "weekly"]);
    assert!(all.status.success(), "{}", stderr(&all));
    let mails = sent(dir.path());
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["team@acme.example"], "only the active report went out");
}

#[test]
fn history_lists_sent_already_delivered_and_failed_runs_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let weekly = ["report", "--report", "cx", "--period", "weekly"];
    assert!(with_reports(dir.path(), &weekly).status.success());
    assert!(with_reports(dir.path(), &weekly).status.success());
    // A dry run records nothing.
    assert!(with_reports(dir.path(), &[&weekly[..], &["--dry-run"]].concat()).status.success());
    // The archive cannot be written (a file where its folder should be): the run fails.
    std::fs::remove_dir_all(dir.path().join("out/reports/cx")).unwrap();
    std::fs::write(dir.path().join("out/reports/cx"), b"in the way").unwrap();
    let monthly = ["report", "--report", "cx", "--period", "monthly"];
    let failed = with_reports(dir.path(), &monthly);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));

    let history = |extra: &[&str]| {
        let mut cmd = cli();
        cmd.args(["history", "--out"]).arg(dir.path().join("out")).args(extra);
        let out = run(&mut cmd);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let table = history(&["--report", "cx"]);
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{table}");
    let status = |row: &str| {
        ["failed", "already_delivered", "sent"].into_iter().find(|s| row.contains(&format!(" {s} "))).unwrap_or("?")
    };
    assert_eq!(rows.iter().map(|r| status(r)).collect::<Vec<_>>(), ["failed", "already_delivered", "sent"], "{table}");
    assert!(rows[0].contains("Store") && rows[0].contains("monthly"), "{}", rows[0]);
    assert!(rows[2].contains("email: written to"), "{}", rows[2]);
    assert_eq!(history(&["--last", "1"]).lines().count(), 2);
    // Each record is a JSON document under runs/, for machines.
    let records = files_under(&dir.path().join("out/runs/cx"));
    assert_eq!(records.len(), 3);
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(&records[0]).unwrap()).unwrap();
    assert!(record["request_id"].as_str().unwrap().starts_with("cli-"), "{record}");
}
