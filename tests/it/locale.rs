//! A report in the reader's language: every word from that language's catalogue,
//! numbers and dates in its format, in the email, its text part, the PDF, the CSV
//! and the workbook.

use crate::helpers::*;
use std::collections::BTreeSet;
use std::path::Path;

fn report_in(dir: &Path, locale: &str) -> ReadEmail {
    let file = dir.join("reports.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[[report]]
id = "cx-{locale}"
account_id = "00000000-0000-4000-8000-000000000001"
api_key_env = "CX_KEY"
cadences = ["weekly"]
locale = "{locale}"
audience = {{ to = ["cx@example.com"] }}
attachments = ["pdf", "csv", "xlsx"]

[report.goals]
containment_min = 90
avg_rating_min = 3.5
"#
        ),
    )
    .unwrap();
    let out = run(cli()
        .env("MOVEO_DEMO", "true")
        .env("REPORTS_CONFIG", &file)
        .env("CX_KEY", "unused-with-demo-data")
        .args(["report", "--from", "2026-11-16", "--to", "2026-11-22", "--tz", "Europe/Berlin", "--out"])
        .arg(dir.join("out")));
    assert!(out.status.success(), "{}", stderr(&out));
    let emls = files_under(&dir.join("out/outbox"));
    assert_eq!(emls.len(), 1, "{emls:?}");
    read_email(&std::fs::read(&emls[0]).unwrap())
}

fn attachment<'a>(email: &'a ReadEmail, suffix: &str) -> &'a [u8] {
    &email.attachments.iter().find(|(name, _, _)| name.ends_with(suffix)).expect(suffix).2
}

/// Lower-case words of four letters or more.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphabetic() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

/// The visible words of a catalogue: message values, not keys, variables or comments.
fn catalogue_words(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("locales").join(file)).unwrap();
    let values: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| {
            let value = l.split_once(" = ").map_or(l, |(_, v)| v);
            // Placeables and variant keys are syntax, not words a reader sees.
            let mut out = String::new();
            let mut depth = 0;
            for c in value.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            let out = out.trim_start();
            let out = if out.starts_with('[') || out.starts_with("*[") {
                out.split_once(']').map_or("", |(_, rest)| rest)
            } else {
                out
            };
            format!("{out}\n")
        })
        .collect();
    words(&values)
}

/// Words of the demo data itself (intent names, agents, feedback): data, not interface.
fn demo_data_words() -> BTreeSet<String> {
    let source = std::fs::read_to_string(repo().join("src/analytics/demo.rs")).unwrap();
    let literals: Vec<&str> = source.split('"').skip(1).step_by(2).collect();
    words(&literals.join(" "))
}

fn html_text(html: &str) -> String {
    let body = html.split("</style>").last().unwrap_or(html);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn a_german_report_has_no_english_word_left_in_the_email_the_text_part_or_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let email = report_in(dir.path(), "de");
    // English words a reader would notice: the English catalogue's, but for the few German
    // shares (loanwords, names, month names) and the demo data's own (intent names, feedback).
    const SHARED: &[&str] = &[
        "agent",
        "agents",
        "intent",
        "intents",
        "median",
        "moveo",
        "reports",
        "online",
        "unknown",
        "demo",
        "check",
        "queries",
        "bucket",
        "april",
        "august",
        "september",
        "november",
        "person",
        "moveo_queries_dir",
    ];
    let data = demo_data_words();
    let english: BTreeSet<String> =
        catalogue_words("en.ftl").into_iter().filter(|w| !SHARED.contains(&w.as_str()) && !data.contains(w)).collect();
    assert!(english.len() > 150, "the check must have words to look for: {}", english.len());
    let pdf = pdf_text(attachment(&email, ".pdf"));
    for (what, text) in [("PDF", pdf.as_str()), ("text part", &email.text), ("HTML", &html_text(&email.html))] {
        let left: Vec<_> = words(text).intersection(&english).cloned().collect();
        assert!(left.is_empty(), "English words in the German {what}: {left:?}\n{text}");
    }
    assert!(email.html.contains(r#"<html lang="de" dir="ltr">"#));
    assert!(email.subject.starts_with("[Demodaten] Bericht · 16.–22. Nov. 2026"), "{}", email.subject);
    assert!(pdf.contains("16.–22. Nov. 2026"), "{pdf}");
    // The CSV's header and the workbook's sheets are German too.
    let csv = String::from_utf8(attachment(&email, ".csv").to_vec()).unwrap();
    assert_eq!(csv.lines().next(), Some("Diagramm,Reihe,Beschriftung,Wert"));
    assert!(csv.contains("Mo., 16. Nov."), "row labels are German");
}

/// The number of sessions as the text part prints it: "- Sessions: 3,583 (…".
fn kpi_line<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("- {label}: ")))
        .unwrap_or_else(|| panic!("no {label} line in\n{text}"))
        .split(" (")
        .next()
        .unwrap()
}

#[test]
fn numbers_percentages_and_dates_follow_each_language() {
    let cases = [
        // locale, sessions label, grouping, decimal sign, percent suffix, period
        ("en", "Sessions", ',', '.', "%", "16–22 Nov 2026"),
        ("de", "Sitzungen", '.', ',', "\u{a0}%", "16.–22. Nov. 2026"),
        ("es", "Sesiones", '.', ',', "\u{a0}%", "16–22 nov 2026"),
        ("pt-BR", "Sessões", '.', ',', "%", "16–22 de nov. de 2026"),
    ];
    for (locale, sessions, group, decimal, percent, period) in cases {
        let dir = tempfile::tempdir().unwrap();
        let email = report_in(dir.path(), locale);
        let text = email.text.replace("\r\n", "\n");
        assert!(email.subject.contains(period), "{locale}: {}", email.subject);
        let count = kpi_line(&text, sessions);
        let digits: String = count.chars().filter(char::is_ascii_digit).collect();
        let n: u64 = digits.parse().unwrap();
        // CLDR: Spanish groups from five digits on (3583, but 35.830).
        let grouped = !(locale == "es" && n < 10_000) && n >= 1000;
        assert_eq!(count.contains(group), grouped, "{locale}: sessions printed as {count}");
        let containment = text
            .lines()
            .find(|l| l.contains(percent) && l.chars().any(|c| c == decimal))
            .unwrap_or_else(|| panic!("{locale}: no percentage with '{decimal}' and '{percent}' in\n{text}"));
        assert!(!containment.is_empty());
    }
}
