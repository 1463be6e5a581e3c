//! `data.csv`: every number behind every chart, in one long table a
//! spreadsheet can pivot (`chart,series,label,value`).

use crate::report::Report;

pub fn data_csv(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["chart", "series", "label", "value"])?;
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    for row in &report.rows {
        let label = row.label.as_str();
        for (chart, series, value) in [
            ("activity", "messages", row.messages.to_string()),
            ("activity", "sessions", row.sessions.to_string()),
            ("activity", "users", row.users.to_string()),
            ("response_times", "avg_minutes", opt(row.avg_response)),
            ("response_times", "median_minutes", opt(row.median_response)),
            ("response_times", "first_response_minutes", opt(row.first_response)),
            ("agent_replies", "replies", row.agent_replies.to_string()),
            ("sessions_handled", "open", row.open.to_string()),
            ("sessions_handled", "closed", row.closed.to_string()),
            ("ratings_per_day", "ratings", row.ratings.to_string()),
            ("ratings_per_day", "avg_rating", opt(row.avg_rating)),
        ] {
            out.write_record([chart, series, label, &value])?;
        }
    }
    for intent in &report.intents {
        out.write_record(["intents", "messages", &intent.name, &intent.count.to_string()])?;
    }
    for (rating, count, _) in &report.ratings.distribution {
        out.write_record(["ratings", "count", &format!("{rating} stars"), &count.to_string()])?;
    }
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (d, hours) in report.heatmap.cells.iter().enumerate() {
        for (h, count) in hours.iter().enumerate() {
            out.write_record(["messages_per_hour", DAYS[d], &format!("{h:02}:00"), &count.to_string()])?;
        }
    }
    for kpi in &report.kpis {
        out.write_record(["kpis", kpi.key, "current", &opt(kpi.value)])?;
        out.write_record(["kpis", kpi.key, "previous", &opt(kpi.previous)])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
