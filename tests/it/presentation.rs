//! What the email weighs, how it carries a customer's brand, and the workbook.

use crate::helpers::*;
use std::path::Path;

fn report_with(dir: &Path, reports_toml: &str, extra: &[&str]) -> std::process::Output {
    let file = dir.join("reports.toml");
    std::fs::write(&file, reports_toml).unwrap();
    let mut cmd = cli();
    cmd.env("MOVEO_DEMO", "true")
        .env("REPORTS_CONFIG", &file)
        .env("BRAND_A_KEY", "unused-with-demo-data")
        .args(["report", "--period", "weekly", "--out"])
        .arg(dir.join("out"))
        .args(extra);
    run(&mut cmd)
}

const BRANDED: &str = r##"
[[report]]
id = "brand-a"
title = "Brand A"
account_id = "00000000-0000-4000-8000-000000000001"
api_key_env = "BRAND_A_KEY"
cadences = ["weekly"]
audience = { to = ["cx@brand-a.example"] }
attachments = ["pdf", "xlsx", "csv"]

[report.brand]
logo = "logo.png"
primary_color = "#0F766E"
sender_name = "Brand A Insights"
reply_to = "cx-team@brand-a.example"
footer = "Brand A GmbH · Torstraße 1 · Berlin"
subject = "{report} weekly · {period}"
"##;

/// A small PNG logo, 240×60, a flat teal bar.
fn logo_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 240, 60);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[0x0F, 0x76, 0x6E].repeat(240 * 60)).unwrap();
    writer.finish().unwrap();
    out
}

fn only_eml(dir: &Path) -> Vec<u8> {
    let emls = files_under(&dir.join("out/outbox"));
    assert_eq!(emls.len(), 1, "{emls:?}");
    std::fs::read(&emls[0]).unwrap()
}

#[test]
fn a_weekly_email_with_every_chart_and_the_pdf_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli().args(["report", "--period", "weekly", "--out"]).arg(dir.path().join("out")));
    assert!(out.status.success(), "{}", stderr(&out));
    let raw = only_eml(dir.path());
    let email = read_email(&raw);
    assert!(raw.len() <= 450 * 1024, "the whole message is {} KB; at most 450 KB", raw.len() / 1024);
    assert!(email.html.len() < 100 * 1024, "the HTML part is {} KB; Gmail clips at ~102 KB", email.html.len() / 1024);
    assert!(email.inline.len() >= 13, "seven charts and six sparklines inline");
    for (cid, _, png) in &email.inline {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let info = decoder.read_info().unwrap();
        assert_eq!(info.info().color_type, png::ColorType::Indexed, "{cid} is a palette PNG");
    }
}

#[test]
fn a_branded_report_carries_its_logo_colour_sender_reply_to_footer_and_subject() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("logo.png"), logo_png()).unwrap();
    let out = report_with(dir.path(), BRANDED, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let raw = only_eml(dir.path());
    let email = read_email(&raw);
    let head = String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()]).to_string();
    assert!(head.contains("From: \"Brand A Insights\" <moveo-reports@example.com>"), "{head}");
    assert!(head.contains("Reply-To: <cx-team@brand-a.example>"), "{head}");
    assert!(email.subject.starts_with("[Demo data] Brand A weekly · "), "{}", email.subject);
    // The logo travels inline and heads the email, with the brand's name as its alt text.
    let (_, _, logo) = email.inline.iter().find(|(cid, _, _)| cid == "logo@moveo-reports").expect("an inline logo");
    assert_eq!(logo, &logo_png());
    assert!(email.html.contains(r#"src="cid:logo@moveo-reports" width="200" height="50" alt="Brand A Insights""#));
    assert!(email.html.contains("color:#0F766E"), "the primary colour accents the email");
    assert!(email.text.contains("Brand A GmbH · Torstraße 1 · Berlin"));
    // Every attachment asked for: PDF, workbook, CSV.
    let names: Vec<&str> = email.attachments.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".xlsx")) && names.iter().any(|n| n.ends_with(".csv")));
    let (_, _, pdf) = email.attachments.iter().find(|(n, _, _)| n.ends_with(".pdf")).unwrap();
    assert!(pdf_text(pdf).contains("Brand A GmbH · Torstraße 1 · Berlin"), "the footer closes the PDF too");
}

#[test]
fn a_brand_that_cannot_be_read_or_would_inject_headers_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    let bad = BRANDED
        .replace("logo = \"logo.png\"", "logo = \"logo.svg\"")
        .replace("#0F766E", "#FFD700")
        .replace("sender_name = \"Brand A Insights\"", "sender_name = \"Brand A\\r\\nBcc: everyone@example.com\"")
        .replace("{report} weekly · {period}", "{report} · {week}");
    let out = report_with(dir.path(), &bad, &[]);
    assert_eq!(out.status.code(), Some(2), "a configuration error: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("field `brand.primary_color`: '#FFD700' has a contrast of 1.4:1 on white"), "{err}");
    assert!(err.contains("field `brand.sender_name`: must be one line"), "{err}");
    assert!(err.contains("field `brand.subject`: uses {week}"), "{err}");
    assert!(!dir.path().join("out/outbox").exists(), "nothing sent");

    let svg = BRANDED.replace("logo = \"logo.png\"", "logo = \"logo.svg\"");
    let out = report_with(dir.path(), &svg, &[]);
    let err = stderr(&out);
    assert!(err.contains("field `brand.logo`: logo.svg is not a PNG image"), "{err}");
}

#[test]
fn the_workbook_opens_with_the_numbers_of_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("logo.png"), logo_png()).unwrap();
    let out = report_with(dir.path(), BRANDED, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = files_under(&dir.path().join("out"))
        .into_iter()
        .find(|p| p.ends_with("data.xlsx"))
        .expect("the archive has data.xlsx")
        .parent()
        .unwrap()
        .to_path_buf();
    // openpyxl (requirements-test.txt) reads it as Excel would: sheet names, types and values.
    let script = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {}
for sheet in book.worksheets:
    rows = list(sheet.iter_rows(values_only=True))
    out[sheet.title] = [[c.isoformat() if hasattr(c, "isoformat") else c for c in row] for row in rows]
formats = {sheet.title: sheet.cell(row=2, column=2).number_format for sheet in book.worksheets}
print(json.dumps({"sheets": out, "formats": formats}))
"#;
    let read = std::process::Command::new(python())
        .args(["-c", script])
        .arg(folder.join("data.xlsx"))
        .output()
        .expect("python with openpyxl");
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let book: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let sheets = &book["sheets"];
    let names: Vec<&str> = sheets.as_object().unwrap().keys().map(String::as_str).collect();
    for name in ["Key figures", "By day", "Top intents", "Trends", "AI agents", "Ratings", "Messages per hour"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(book["formats"]["By day"], "#,##0", "counts are grouped numbers");
    let csv = std::fs::read_to_string(folder.join("data.csv")).unwrap();
    let csv_sessions: Vec<u64> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "activity" && &r[1] == "sessions")
        .map(|r| r[3].parse().unwrap())
        .collect();
    let days = sheets["By day"].as_array().unwrap();
    assert_eq!(days[0][1], "Sessions");
    assert!(days[1][0].as_str().unwrap().starts_with("20"), "a real date: {}", days[1][0]);
    let xlsx_sessions: Vec<u64> = days[1..].iter().map(|r| r[1].as_f64().unwrap() as u64).collect();
    assert_eq!(xlsx_sessions, csv_sessions);
    let intents = sheets["Top intents"].as_array().unwrap();
    let csv_intents: Vec<(String, u64)> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "intents")
        .map(|r| (r[2].to_string(), r[3].parse().unwrap()))
        .collect();
    let xlsx_intents: Vec<(String, u64)> =
        intents[1..].iter().map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_f64().unwrap() as u64)).collect();
    assert_eq!(xlsx_intents, csv_intents);
}

#[test]
fn the_email_uses_no_more_features_mail_clients_lack_than_an_mjml_email_of_the_same_content() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli().args(["report", "--period", "weekly", "--out"]).arg(dir.path().join("out")));
    assert!(out.status.success(), "{}", stderr(&out));
    let html = files_under(&dir.path().join("out")).into_iter().find(|p| p.ends_with("email.html")).unwrap();
    let check = repo().join("tests/email-clients/check.mjs");
    assert!(
        repo().join("tests/email-clients/node_modules/caniemail").exists(),
        "run `npm ci --prefix tests/email-clients` (scripts/test.sh does)"
    );
    let result = std::process::Command::new("node").arg(&check).arg(&html).output().expect("node (Node.js)");
    let said = String::from_utf8_lossy(&result.stdout);
    let counts: serde_json::Value = serde_json::from_str(&said)
        .unwrap_or_else(|_| panic!("check.mjs said: {said}\n{}", String::from_utf8_lossy(&result.stderr)));
    // Gmail, Outlook (Windows), Apple Mail and Yahoo: (client, feature) pairs caniemail marks unsupported.
    assert!(result.status.success(), "more unsupported features than the MJML anchor: {counts:#}");
    assert!(counts["ours"].as_u64().unwrap() <= counts["mjml"].as_u64().unwrap());
    eprintln!("caniemail, unsupported (client, feature) pairs: ours {} · MJML {}", counts["ours"], counts["mjml"]);
}

#[test]
fn the_email_is_accessible_language_direction_tables_and_alt_texts() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli().args(["report", "--period", "weekly", "--out"]).arg(dir.path().join("out")));
    assert!(out.status.success(), "{}", stderr(&out));
    let email = read_email(&only_eml(dir.path()));
    let html = &email.html;
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(html.contains(r#"<meta name="color-scheme" content="light dark">"#));
    // Layout tables say so; data tables keep their meaning, with column headers.
    for table in html.split("<table").skip(1) {
        let (tag, body) = table.split_once('>').unwrap();
        let data = body.split("</table>").next().unwrap().contains("<th");
        assert_eq!(tag.contains(r#"role="presentation""#), !data, "<table{tag}>");
        if data {
            assert!(body.contains(r#"<th scope="col""#), "headers name their columns");
        }
    }
    // Every image says what it shows, and each chart states its takeaway with numbers.
    let mut charts = 0;
    for img in html.split("<img").skip(1) {
        let tag = img.split('>').next().unwrap();
        let alt = tag.split(r#"alt=""#).nth(1).map(|a| &a[..a.find('"').unwrap()]).unwrap_or("");
        assert!(alt.len() > 10, "an image without a real alt text: <img{tag}>");
        if !tag.contains("cid:trend_") {
            charts += 1;
            assert!(alt.chars().any(|c| c.is_ascii_digit()), "a chart's alt text states numbers: {alt}");
        }
    }
    assert_eq!(charts, 7);
}
