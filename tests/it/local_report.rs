//! The embedded default, end to end: what a newcomer gets from one command.

use crate::helpers::*;
use chrono::Utc;
use moveo_reports::analytics::{
    AnalyticsSource, Dataset, DemoData, Feedback, FetchError, IntentCount, Interval, Scope, Window,
};
use moveo_reports::deliver::Manifest;
use moveo_reports::period::{Period, PeriodRequest};
use moveo_reports::report::Report;
use moveo_reports::spec::ReportSpec;
use std::path::Path;

fn expected_weekly_report(tz: chrono_tz::Tz) -> Report {
    let period = Period::resolve(PeriodRequest::Weekly, tz, Utc::now()).unwrap();
    let window = |p: &Period| Window { start: p.start, end: p.end, interval: Interval::for_days(p.day_count()) };
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let demo = DemoData::default();
    let spec = ReportSpec::demo("demo");
    let cur = rt.block_on(demo.fetch(&spec, window(&period), Scope::Full)).unwrap();
    let prev = rt.block_on(demo.fetch(&spec, window(&period.previous()), Scope::Totals)).unwrap();
    Report::build(&period, &cur, &prev, &Default::default(), &spec, "demo", Utc::now())
}

fn only_eml(out: &Path) -> Vec<u8> {
    let emls = files_under(&out.join("outbox"));
    assert_eq!(emls.len(), 1, "exactly one .eml: {emls:?}");
    std::fs::read(&emls[0]).unwrap()
}

#[test]
fn a_weekly_report_on_the_embedded_default_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli().args(["report", "--period", "weekly", "--tz", "Europe/Berlin", "--out"]).arg(dir.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = expected_weekly_report(chrono_tz::Europe::Berlin);

    // The email, as a mail client reads it.
    let email = read_email(&only_eml(dir.path()));
    assert_eq!(email.subject, expected.subject());
    assert!(email.subject.starts_with("[Demo data] Weekly report · "), "{}", email.subject);
    assert!(email.text.contains("DEMO DATA"), "the embedded default says its numbers are made up");
    assert_eq!(email.to, ["reports@example.com"]);
    assert_eq!(
        email.structure[..4],
        ["multipart/mixed", "multipart/related", "multipart/alternative", "text/plain"].map(String::from)
    );
    let cids = cids(&email.html);
    let (sparks, charts): (Vec<&String>, Vec<&String>) = cids.iter().partition(|c| c.starts_with("trend_"));
    assert_eq!(charts.len(), 7, "seven charts in the email");
    assert_eq!(sparks.len(), 6, "and a sparkline for each KPI with a series");
    for cid in &cids {
        let (_, ct, png) =
            email.inline.iter().find(|(id, _, _)| id == cid).unwrap_or_else(|| panic!("no part for cid:{cid}"));
        assert_eq!(ct, "image/png");
        let (w, h) = png_size(png);
        if cid.starts_with("trend_") {
            assert_eq!((w, h), (240, 64), "2× the 120 px a KPI card shows");
        } else {
            assert_eq!(w, 1200, "2× the 600 px the email shows");
            assert!(h >= 500, "{cid} is {w}×{h}");
        }
    }
    assert!(email.html.contains(r#"width="600""#));
    assert!(email.html.len() < 100_000, "the body stays under Gmail's clipping size: {} bytes", email.html.len());
    // Tera escapes "/" as an entity; a reader sees the character.
    let html_text = email.html.replace("&#x2F;", "/");
    for kpi in &expected.kpis {
        assert!(email.text.contains(&format!("{}: {}", kpi.label, kpi.display)), "text part lacks {}", kpi.label);
        assert!(html_text.contains(&kpi.display), "HTML lacks {} {}", kpi.label, kpi.display);
    }

    // The PDF attached to it, as a reader can copy its text.
    let (name, ct, pdf) =
        &email.attachments.iter().find(|(_, ct, _)| ct == "application/pdf").expect("a PDF attachment");
    assert!(name.ends_with(".pdf"));
    assert_eq!(ct, "application/pdf");
    let text = pdf_text(pdf);
    assert!(text.contains(&expected.meta.period_label), "PDF names the period");
    for kpi in &expected.kpis {
        assert!(text.contains(&kpi.display), "PDF lacks {} = {}", kpi.label, kpi.display);
    }
    assert!(text.contains(&expected.intents[0].name));

    // The archive, with a manifest that matches every file.
    let prefix =
        dir.path().join("reports/demo/weekly").join(format!("{}_{}", expected.meta.first_day, expected.meta.last_day));
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(prefix.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&str> = manifest.artifacts.iter().map(|a| a.key.rsplit_once('/').unwrap().1).collect();
    for needed in ["report.html", "report.pdf", "email.html", "data.csv", "activity.png", "messages_per_hour.png"] {
        assert!(names.contains(&needed), "manifest lacks {needed}: {names:?}");
    }
    for entry in &manifest.artifacts {
        let bytes = std::fs::read(dir.path().join(&entry.key)).unwrap();
        assert_eq!(bytes.len(), entry.size, "{}", entry.key);
        assert_eq!(moveo_reports::deliver::sha256_hex(&bytes), entry.sha256, "{}", entry.key);
    }
    assert_eq!(manifest.timezone, "Europe/Berlin");
    let csv = std::fs::read_to_string(prefix.join("data.csv")).unwrap();
    assert!(csv.starts_with("chart,series,label,value"));
    assert_eq!(csv.lines().filter(|l| l.starts_with("activity,sessions,")).count(), 7);
}

#[test]
fn a_second_run_does_not_send_again_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["report", "--period", "monthly", "--recipients", "ops@example.com", "--out"];
    assert!(run(cli().args(args).arg(dir.path())).status.success());
    let again = run(cli().args(args).arg(dir.path()));
    assert!(again.status.success());
    assert!(stdout(&again).contains("already delivered"), "{}", stdout(&again));
    assert_eq!(files_under(&dir.path().join("outbox")).len(), 1);

    let resend = run(cli().args(args).arg(dir.path()).arg("--resend"));
    assert!(stdout(&resend).contains("written again on request"), "{}", stdout(&resend));
    assert_eq!(files_under(&dir.path().join("outbox")).len(), 2);
}

#[test]
fn a_dry_run_renders_and_archives_but_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        run(cli().args(["report", "--from", "2026-10-01", "--to", "2026-10-15", "--dry-run", "--out"]).arg(dir.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("dry run"));
    assert!(files_under(&dir.path().join("outbox")).is_empty());
    assert!(dir.path().join("reports/demo/custom/2026-10-01_2026-10-15/report.pdf").exists());
}

#[test]
fn impossible_requests_are_clear_errors_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["--from", "2026-11-10", "--to", "2026-11-01"], "--to 2026-11-01 is before --from 2026-11-10"),
        (&["--from", "2026-11-01", "--to", "2099-01-01"], "is not over yet"),
        (&["--from", "2024-01-01", "--to", "2025-06-01"], "the longest range is 366 days"),
        (&["--tz", "Europe/Berln"], "not an IANA time zone"),
    ];
    for (args, message) in cases {
        let out = run(cli().arg("report").args(args).arg("--out").arg(dir.path()));
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(files_under(dir.path()).is_empty(), "nothing written for a bad request");
}

/// Data as hostile as real users make it: markup, quotes, emoji, RTL, very long names.
struct HostileSource;

const SCRIPT: &str = "<script>alert(1)</script>";

impl AnalyticsSource for HostileSource {
    async fn fetch(&self, spec: &ReportSpec, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        let mut data = DemoData::default().fetch(spec, window, scope).await?;
        data.top_intents.insert(0, IntentCount { intent: SCRIPT.into(), count: 1_000_000 });
        data.top_intents.insert(1, IntentCount { intent: "x".repeat(300), count: 999_999 });
        data.feedback.insert(
            0,
            Feedback {
                rating: 1,
                text: Some(format!("\"quoted\" 'single' {SCRIPT} 😡 שלום مرحبا")),
                agent_name: Some("<b>Eve</b>".into()),
            },
        );
        Ok(data)
    }

    fn name(&self) -> &'static str {
        "hostile"
    }
}

#[tokio::test]
async fn hostile_strings_are_shown_as_text_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let pipeline = local_pipeline(HostileSource, dir.path());
    let request =
        weekly_request(std::sync::Arc::new(ReportSpec::demo("acct")), chrono_tz::UTC, Utc::now(), "a@example.com");
    let outcome = pipeline.run(&request).await.unwrap();
    let read = |name: &str| std::fs::read(dir.path().join(&outcome.prefix).join(name)).unwrap();
    for page in ["email.html", "report.html"] {
        let html = String::from_utf8(read(page)).unwrap();
        assert!(!html.contains(SCRIPT), "{page} contains raw markup from data");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"), "{page} shows it as text");
        assert!(!html.contains("<b>Eve</b>"));
    }
    let text = pdf_text(&read("report.pdf"));
    assert!(text.contains(SCRIPT), "the PDF prints the intent name literally");
    assert!(text.contains("שלום") || text.contains("םולש"), "Hebrew survives in the PDF");
    assert!(
        text.contains("مرحبا") || text.contains("ابحرم") || text.contains("ﻣﺮﺣﺒﺎ"),
        "Arabic survives in the PDF: {text}"
    );
}
