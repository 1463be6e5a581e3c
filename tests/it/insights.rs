//! Highlights, trends and the AI-agent view against the Moveo stand-in: every
//! number in them is checked against what the stand-in answered.

use crate::helpers::*;
use chrono::NaiveDate;
use moveo_reports::moveo::RetryPolicy;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

fn retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        total: Duration::from_secs(10),
        timeout: Duration::from_secs(10),
    }
}

fn as_u64(v: &Value) -> u64 {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

/// Every row the stand-in answered for `operation` from `start` with `interval` (if any).
fn rows<'a>(log: &'a [Value], operation: &str, start: &str, interval: Option<&str>) -> &'a Vec<Value> {
    log.iter()
        .find(|e| {
            e["operationName"] == operation
                && e["variables"]["startDate"] == start
                && interval.is_none_or(|i| e["variables"]["intervalInDays"] == i)
        })
        .unwrap_or_else(|| panic!("no {operation} from {start} ({interval:?})"))["response"]["data"]["rows"]
        .as_array()
        .unwrap()
}

fn csv_rows(csv: &str, chart: &str, series: &str) -> Vec<(String, String)> {
    csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == chart && &r[1] == series)
        .map(|r| (r[2].to_string(), r[3].to_string()))
        .collect()
}

#[tokio::test]
async fn highlights_trends_and_ai_numbers_are_the_stand_ins_number_for_number() {
    let server = StandIn::start();
    // A planted anomaly: Wednesday 18 Nov with twelve times its sessions.
    server.scenario(json!({ "spike": { "date": "2026-11-18", "factor": 12 } })).await;
    let dir = tempfile::tempdir().unwrap();
    let now = "2026-11-25T09:00:00Z".parse().unwrap();
    let request = weekly_request(server.spec(STANDIN_KEY), chrono_tz::UTC, now, "team@example.com");
    let outcome = local_pipeline(server.api(retries()), dir.path()).run(&request).await.unwrap();
    let log = server.log().await;
    assert_eq!(log.len(), 37, "20 queries for the week, 10 for the one before, 6 for the trend, 1 for the days");
    let folder = dir.path().join(&outcome.prefix);
    let csv = std::fs::read_to_string(folder.join("data.csv")).unwrap();
    let text = std::fs::read_to_string(folder.join("email.txt")).unwrap();

    // The trend: the stand-in's weekly buckets over 8 weeks, in the CSV and behind the sparkline.
    let weekly = rows(&log, "LogsSessionsIntervalV2", "2026-09-28T00:00:00", Some("1 week"));
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let monday = NaiveDate::from_ymd_opt(2026, 9, 28).unwrap();
    for w in 0..8u64 {
        expected.insert((monday + chrono::Days::new(7 * w)).format("%-d %b").to_string(), 0);
    }
    for row in weekly {
        let date = NaiveDate::parse_from_str(&row["date"].as_str().unwrap()[..10], "%Y-%m-%d").unwrap();
        *expected.get_mut(&date.format("%-d %b").to_string()).unwrap() += as_u64(&row["counts"]);
    }
    let trend = csv_rows(&csv, "trend", "sessions");
    assert_eq!(trend.len(), 8);
    for (label, value) in &trend {
        assert_eq!(value.parse::<f64>().unwrap() as u64, expected[label], "week of {label}");
    }
    let email = read_email(&std::fs::read(folder.join("email.eml")).unwrap());
    let spark = email.html.split("alt=\"Sessions over the last 8 periods: ").nth(1).expect("a sessions sparkline");
    let spark = &spark[..spark.find('"').unwrap()];
    for (label, value) in &trend {
        assert!(spark.contains(&format!("{label} {:.1}", value.parse::<f64>().unwrap())), "{label} in {spark}");
    }

    // The AI-agent view: sessions per agent, containment weighted by them, the distribution.
    let counts = rows(&log, "CountsPerBrain", "2026-11-16T00:00:00", None);
    let perf = rows(&log, "BrainsPerformance", "2026-11-16T00:00:00", None);
    let sessions: BTreeMap<&str, u64> =
        counts.iter().map(|r| (r["brain_parent_id"].as_str().unwrap(), as_u64(&r["num_sessions"]))).collect();
    let csv_sessions: BTreeMap<String, u64> =
        csv_rows(&csv, "ai_agents", "sessions").into_iter().map(|(id, n)| (id, n.parse().unwrap())).collect();
    assert_eq!(csv_sessions.len(), sessions.len());
    for (id, n) in &sessions {
        assert_eq!(csv_sessions[*id], *n, "{id}");
    }
    let (mut weighted, mut total) = (0.0, 0.0);
    for row in perf {
        let w = sessions[row["brain_parent_id"].as_str().unwrap()] as f64;
        weighted += row["containment"].as_f64().unwrap() * w;
        total += w;
    }
    let containment = weighted / total * 100.0;
    let kpi = csv_rows(&csv, "kpis", "containment");
    assert!((kpi[0].1.parse::<f64>().unwrap() - containment).abs() < 1e-3, "{kpi:?} vs {containment}");
    assert!(text.contains(&format!("Containment {containment:.1}%")), "{text}");
    let distribution = &rows(&log, "BrainSessionMessageDistribution", "2026-11-16T00:00:00", None)[0];
    let bars = csv_rows(&csv, "ai_distribution", "sessions");
    assert_eq!(bars[0], ("1".to_string(), as_u64(&distribution["one_message"]).to_string()));
    assert_eq!(bars[9], ("10+".to_string(), as_u64(&distribution["ten_plus_messages"]).to_string()));
    let duration = &rows(&log, "BrainSessionDuration", "2026-11-16T00:00:00", None)[0];
    let minutes = duration["average_duration"].as_f64().unwrap();
    let shown = if minutes < 1.0 { format!("{} s", (minutes * 60.0).round()) } else { format!("{minutes:.1} min") };
    assert!(text.contains(&format!("- All sessions: Avg duration {shown},")), "{shown} in {text}");

    // The planted Wednesday, with the stand-in's own numbers: its sessions, and the median of the
    // four Wednesdays before (a day the stand-in's sparse series left out counts as none).
    let daily: BTreeMap<String, u64> = [
        rows(&log, "LogsSessionsIntervalV2", "2026-10-19T00:00:00", Some("1 day")),
        rows(&log, "LogsSessionsIntervalV2", "2026-11-16T00:00:00", Some("1 day")),
    ]
    .into_iter()
    .flatten()
    .map(|r| (r["date"].as_str().unwrap()[..10].to_string(), as_u64(&r["counts"])))
    .collect();
    let day = |d: &str| daily.get(d).copied().unwrap_or(0);
    let spike = day("2026-11-18");
    let mut before = [day("2026-11-11"), day("2026-11-04"), day("2026-10-28"), day("2026-10-21")];
    before.sort();
    let median = (before[1] + before[2]) as f64 / 2.0;
    let highlight = format!(
        "Wed 18 Nov had {} sessions, {:.1}× a usual Wednesday (median {} over the 4 Wednesdays before).",
        group(spike),
        spike as f64 / median,
        group(median.round() as u64)
    );
    let highlights: Vec<&str> =
        text.split("HIGHLIGHTS\n").nth(1).unwrap().split("\n\n").next().unwrap().lines().collect();
    assert!(highlights.contains(&format!("- {highlight}").as_str()), "{highlight} not in {highlights:#?}");
    let pdf = pdf_text(&std::fs::read(folder.join("report.pdf")).unwrap());
    assert!(pdf.contains("Highlights") && pdf.contains("Wed 18 Nov had"), "the PDF leads with them too");
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
