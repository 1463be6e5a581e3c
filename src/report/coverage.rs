//! What the report could not show, and where it says so.
//!
//! A figure whose query Moveo rejected costs the sections built from it: they
//! are left out, and a note names the section, the query, its file and the
//! server's reason. A figure that could not apply every configured filter is
//! shown with a note under each section that shows it, so filtered and
//! unfiltered numbers are never mixed silently.

use crate::analytics::{Dataset, Field, Gap, Unfiltered};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What one figure feeds: whole sections, KPI cards, day-table columns.
struct Uses {
    sections: &'static [&'static str],
    kpis: &'static [&'static str],
    columns: &'static [&'static str],
}

fn uses(field: Field) -> Uses {
    let u = |sections, kpis, columns| Uses { sections, kpis, columns };
    match field {
        Field::SessionsTotal => u(&[], &["sessions", "messages_per_session"], &[]),
        Field::UsersTotal => u(&[], &["users"], &[]),
        Field::MessagesTotal => u(&[], &["messages", "messages_per_session"], &[]),
        Field::Sessions => u(&["activity"], &[], &["sessions"]),
        Field::Users => u(&["activity"], &[], &["users"]),
        Field::Messages => u(&["activity"], &[], &["messages"]),
        Field::AgentReplies => u(&["agent_replies"], &["agent_replies"], &["agent_replies"]),
        Field::OpenClosed => u(&[], &["closed_sessions"], &["closed"]),
        Field::ResponseTimes => u(&["response_times"], &[], &["avg_response"]),
        Field::ResponseOverall => u(&[], &["avg_response", "median_response", "first_response"], &[]),
        Field::Ratings => {
            u(&["ratings_summary"], &["ratings", "avg_rating", "share_above_3"], &["ratings", "avg_rating"])
        }
        Field::Feedback => u(&["ratings", "quotes"], &[], &[]),
        Field::TopIntents => u(&["intents"], &[], &[]),
        Field::Hourly => u(&["messages_per_hour"], &[], &[]),
        Field::Agents => u(&["agents"], &[], &[]),
        Field::AiAgents => u(&["ai_agents"], &["containment", "coverage"], &[]),
        Field::AiCounts => u(&["ai_agents"], &[], &[]),
        Field::AiDuration => u(&["ai_duration"], &[], &[]),
        Field::AiMessages => u(&["ai_messages"], &[], &[]),
        Field::AiDistribution => u(&["ai_distribution"], &[], &[]),
    }
}

/// Every section key a template may look up notes for.
pub const SECTIONS: &[&str] = &[
    "kpis",
    "activity",
    "intents",
    "response_times",
    "agent_replies",
    "ratings",
    "ratings_summary",
    "quotes",
    "messages_per_hour",
    "daily",
    "agents",
    "ai_agents",
    "ai_duration",
    "ai_messages",
    "ai_distribution",
];

/// A reader's name for a section key.
pub fn section_title(key: &str) -> &'static str {
    match key {
        "kpis" => "Key figures",
        "activity" => "Sessions, users and messages chart",
        "intents" => "Top intents",
        "response_times" => "Response times chart",
        "agent_replies" => "Agent replies chart",
        "ratings" => "Ratings chart",
        "ratings_summary" => "Ratings summary",
        "quotes" => "Feedback quotes",
        "messages_per_hour" => "Messages per hour",
        "daily" => "Day-by-day table",
        "agents" => "Human agents",
        "ai_agents" => "AI agents: containment and coverage",
        "ai_duration" => "AI-agent session duration",
        "ai_messages" => "AI-agent messages per session",
        "ai_distribution" => "User messages per AI-agent session",
        _ => "Report",
    }
}

fn kpi_label(key: &str) -> &'static str {
    match key {
        "sessions" => "Sessions",
        "users" => "Users",
        "messages" => "User messages",
        "messages_per_session" => "Messages per session",
        "avg_response" => "Avg response time",
        "median_response" => "Median response time",
        "first_response" => "Avg first response",
        "agent_replies" => "Agent replies",
        "closed_sessions" => "Closed by agents",
        "ratings" => "Ratings",
        "avg_rating" => "Avg rating",
        "share_above_3" => "Ratings above 3",
        "containment" => "Containment",
        "coverage" => "Coverage",
        _ => "",
    }
}

fn field_title(field: Field) -> &'static str {
    match field {
        Field::SessionsTotal => "Sessions",
        Field::UsersTotal => "Users",
        Field::MessagesTotal => "User messages",
        Field::Sessions => "Sessions per day",
        Field::Users => "Users per day",
        Field::Messages => "Messages per day",
        Field::AgentReplies => "Agent replies",
        Field::OpenClosed => "Closed sessions",
        Field::ResponseTimes => "Response times per day",
        Field::ResponseOverall => "Response times",
        Field::Ratings => "Ratings",
        Field::Feedback => "Rating feedback",
        Field::TopIntents => "Top intents",
        Field::Hourly => "Messages per hour",
        Field::Agents => "Human agents",
        Field::AiAgents => "AI agents performance",
        Field::AiCounts => "Sessions per AI agent",
        Field::AiDuration => "AI-agent session duration",
        Field::AiMessages => "AI-agent messages per session",
        Field::AiDistribution => "AI-agent message distribution",
    }
}

/// One query left out, as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GapNote {
    /// "Top intents, Key figures: Agent replies".
    pub left_out: String,
    pub query: String,
    pub file: String,
    pub reason: String,
    /// The whole sentence, for plain text.
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Figures missing in the period or its comparison.
    pub missing: Vec<Field>,
    /// Section keys left out whole.
    pub omitted: Vec<&'static str>,
    /// KPI cards left out.
    pub omitted_kpis: Vec<&'static str>,
    /// Day-table columns left out.
    pub omitted_columns: Vec<&'static str>,
    pub gaps: Vec<GapNote>,
    /// Notes shown under a section, by section key.
    pub notes: BTreeMap<&'static str, Vec<String>>,
}

/// Where the fix starts; printed once under the list of gaps.
pub const CHECK_HINT: &str = "The report's owner can run `moveo-reports check` to see which queries fit this account; \
     a corrected query file (in MOVEO_QUERIES_DIR, or under queries/ in the report bucket on AWS) brings a section \
     back without a rebuild.";

impl Coverage {
    pub fn build(current: &Dataset, previous: &Dataset) -> Coverage {
        let mut gaps: Vec<&Gap> = Vec::new();
        for gap in current.gaps.iter().chain(&previous.gaps) {
            if !gaps.iter().any(|g| g.field == gap.field) {
                gaps.push(gap);
            }
        }
        gaps.sort_by_key(|g| g.field);
        let missing: BTreeSet<Field> = gaps.iter().map(|g| g.field).collect();
        let mut coverage = Coverage {
            missing: missing.iter().copied().collect(),
            // Every key present, so a template can look one up without checking first.
            notes: SECTIONS.iter().map(|k| (*k, Vec::new())).collect(),
            ..Coverage::default()
        };
        for field in &missing {
            let u = uses(*field);
            coverage.omitted.extend(u.sections);
            coverage.omitted_kpis.extend(u.kpis);
            coverage.omitted_columns.extend(u.columns);
        }
        for list in [&mut coverage.omitted, &mut coverage.omitted_kpis, &mut coverage.omitted_columns] {
            list.sort_unstable();
            list.dedup();
        }
        coverage.gaps = gaps.iter().map(|g| gap_note(g)).collect();
        for gap in &gaps {
            let u = uses(gap.field);
            let mut lost: Vec<String> = u.kpis.iter().map(|k| kpi_label(k).to_string()).collect();
            lost.extend(u.columns.iter().map(|c| format!("the {c} column").replace('_', " ")));
            if lost.is_empty() {
                continue;
            }
            let note = format!("Left out: {} ({} was rejected; see the note at the top).", lost.join(", "), gap.query);
            for key in [(!u.kpis.is_empty()).then_some("kpis"), (!u.columns.is_empty()).then_some("daily")]
                .into_iter()
                .flatten()
            {
                coverage.note(key, note.clone());
            }
        }
        let mut unfiltered: Vec<&Unfiltered> = Vec::new();
        for u in current.unfiltered.iter().chain(&previous.unfiltered) {
            if !unfiltered.iter().any(|x| x.field == u.field) && !missing.contains(&u.field) {
                unfiltered.push(u);
            }
        }
        for u in unfiltered {
            let note = format!(
                "{}: not filtered by {} ({} takes no such argument).",
                field_title(u.field),
                u.filters.join(", "),
                u.query
            );
            let used = uses(u.field);
            let mut keys: Vec<&'static str> = used.sections.to_vec();
            if !used.kpis.is_empty() {
                keys.push("kpis");
            }
            if !used.columns.is_empty() {
                keys.push("daily");
            }
            for key in keys {
                coverage.note(key, note.clone());
            }
        }
        coverage
    }

    fn note(&mut self, key: &'static str, note: String) {
        let notes = self.notes.entry(key).or_default();
        if !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// Whether anything was left out: the run's outcome is then `partial`.
    pub fn is_partial(&self) -> bool {
        !self.gaps.is_empty()
    }

    pub fn shows(&self, section: &str) -> bool {
        !self.omitted.contains(&section)
    }

    pub fn has(&self, field: Field) -> bool {
        !self.missing.contains(&field)
    }
}

fn gap_note(gap: &Gap) -> GapNote {
    let u = uses(gap.field);
    let mut parts: Vec<String> = u.sections.iter().map(|s| section_title(s).to_string()).collect();
    if !u.kpis.is_empty() {
        parts.push(format!("Key figures ({})", u.kpis.iter().map(|k| kpi_label(k)).collect::<Vec<_>>().join(", ")));
    }
    if !u.columns.is_empty() {
        parts.push(format!("the day-by-day {} column", u.columns.join("/").replace('_', " ")));
    }
    let left_out = parts.join("; ");
    let (query, file, reason) = (&gap.query, &gap.file, &gap.reason);
    let text = if reason.starts_with("unexpected response") {
        format!("{left_out}: left out because Moveo's answer to the query {query} ({file}) could not be read: {reason}")
    } else {
        format!("{left_out}: left out because Moveo rejected the query {query} ({file}): {reason}")
    };
    GapNote { left_out, query: gap.query.clone(), file: gap.file.clone(), reason: gap.reason.clone(), text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(field: Field, query: &str) -> Gap {
        Gap { field, query: query.into(), file: "f.graphql".into(), reason: "field 'x' not found".into() }
    }

    #[test]
    fn a_gap_omits_its_sections_and_notes_what_is_left_out() {
        let cur = Dataset {
            gaps: vec![gap(Field::TopIntents, "TopIntentsV2"), gap(Field::AgentReplies, "AgentRepliesInterval")],
            ..Dataset::default()
        };
        let prev = Dataset { gaps: vec![gap(Field::TopIntents, "TopIntentsV2")], ..Dataset::default() };
        let c = Coverage::build(&cur, &prev);
        assert!(c.is_partial());
        assert_eq!(c.gaps.len(), 2, "one note per query, not per period");
        assert!(!c.shows("intents") && !c.shows("agent_replies") && c.shows("activity"));
        assert_eq!(c.omitted_kpis, ["agent_replies"]);
        assert!(
            c.gaps[1].text.starts_with(
                "Top intents: left out because Moveo rejected the query TopIntentsV2 (f.graphql): field 'x' not found"
            ),
            "{}",
            c.gaps[1].text
        );
        assert!(c.notes["kpis"][0].contains("Agent replies"), "{:?}", c.notes);
    }

    #[test]
    fn a_filter_a_query_cannot_take_is_noted_under_each_section_showing_it() {
        let cur = Dataset {
            unfiltered: vec![Unfiltered {
                field: Field::Hourly,
                query: "MessagesPerHourV2".into(),
                filters: vec!["tags".into()],
            }],
            ..Dataset::default()
        };
        let c = Coverage::build(&cur, &Dataset::default());
        assert!(!c.is_partial());
        assert_eq!(
            c.notes["messages_per_hour"],
            ["Messages per hour: not filtered by tags (MessagesPerHourV2 takes no such argument)."]
        );
    }
}
