//! `data.csv`: every number behind every chart, in one long table a
//! spreadsheet can pivot (`chart,series,label,value`).
//! A series whose query Moveo rejected is left out, never written as zeros.
//! The header and the labels are in the report's language; keys and values stay
//! machine-readable (a full stop before decimals) so a script reads every locale alike.

use crate::analytics::Field;
use crate::report::Report;

pub fn data_csv(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let l = report.meta.locale;
    out.write_record([l.text("csv_chart"), l.text("csv_series"), l.text("csv_label"), l.text("csv_value")])?;
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    let has = |field| report.coverage.has(field);
    for row in &report.rows {
        let label = row.label.as_str();
        for (field, chart, series, value) in [
            (Field::Messages, "activity", "messages", row.messages.to_string()),
            (Field::Sessions, "activity", "sessions", row.sessions.to_string()),
            (Field::Users, "activity", "users", row.users.to_string()),
            (Field::ResponseTimes, "response_times", "avg_minutes", opt(row.avg_response)),
            (Field::ResponseTimes, "response_times", "median_minutes", opt(row.median_response)),
            (Field::ResponseTimes, "response_times", "first_response_minutes", opt(row.first_response)),
            (Field::AgentReplies, "agent_replies", "replies", row.agent_replies.to_string()),
            (Field::OpenClosed, "sessions_handled", "open", row.open.to_string()),
            (Field::OpenClosed, "sessions_handled", "closed", row.closed.to_string()),
            (Field::Ratings, "ratings_per_day", "ratings", row.ratings.to_string()),
            (Field::Ratings, "ratings_per_day", "avg_rating", opt(row.avg_rating)),
        ] {
            if has(field) {
                out.write_record([chart, series, label, &value])?;
            }
        }
    }
    for intent in report.intents.iter().filter(|_| has(Field::TopIntents)) {
        out.write_record(["intents", "messages", &intent.name, &intent.count.to_string()])?;
    }
    for (rating, count, _) in report.ratings.distribution.iter().filter(|_| has(Field::Feedback)) {
        let stars = l.fmt("axis_stars", &[("stars", (*rating).into())]);
        out.write_record(["ratings", "count", &stars, &count.to_string()])?;
    }
    for (d, hours) in report.heatmap.cells.iter().enumerate().filter(|_| has(Field::Hourly)) {
        let day = l.weekday_short(d as u32 + 1);
        for (h, count) in hours.iter().enumerate() {
            out.write_record(["messages_per_hour", &day, &format!("{h:02}:00"), &count.to_string()])?;
        }
    }
    // The sparklines' numbers: one row per KPI and week or month, oldest first.
    for trend in &report.trends {
        for point in &trend.points {
            out.write_record(["trend", trend.key, &point.label, &opt(point.value)])?;
        }
    }
    if let Some(ai) = &report.ai {
        for agent in &ai.agents {
            out.write_record(["ai_agents", "sessions", &agent.id, &agent.sessions.to_string()])?;
        }
        for bar in &ai.distribution {
            out.write_record(["ai_distribution", "sessions", bar.label, &bar.count.to_string()])?;
        }
    }
    for kpi in &report.kpis {
        out.write_record(["kpis", kpi.key, "current", &opt(kpi.value)])?;
        out.write_record(["kpis", kpi.key, "previous", &opt(kpi.previous)])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
