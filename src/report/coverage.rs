//! What the report could not show, and where it says so.
//!
//! A figure whose query Moveo rejected costs the sections built from it: they
//! are left out, and a note names the section, the query, its file and the
//! server's reason. A figure that could not apply every configured filter is
//! shown with a note under each section that shows it, so filtered and
//! unfiltered numbers are never mixed silently.

use crate::analytics::{Dataset, Field, Gap, Unfiltered};
use crate::locale::Locale;
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
pub fn section_title(l: Locale, key: &str) -> String {
    l.text(match key {
        "kpis" => "section_kpis",
        "activity" => "section_activity",
        "intents" => "section_intents",
        "response_times" => "section_response_times",
        "agent_replies" => "section_agent_replies",
        "ratings" => "section_ratings",
        "ratings_summary" => "section_ratings_summary",
        "quotes" => "section_quotes",
        "messages_per_hour" => "section_messages_per_hour",
        "daily" => "section_daily",
        "agents" => "section_agents",
        "ai_agents" => "section_ai_agents",
        "ai_duration" => "section_ai_duration",
        "ai_messages" => "section_ai_messages",
        "ai_distribution" => "section_ai_distribution",
        _ => "kind_custom",
    })
}

fn kpi_label(l: Locale, key: &str) -> String {
    l.text(match key {
        "sessions" => "kpi_sessions",
        "users" => "kpi_users",
        "messages" => "kpi_messages",
        "messages_per_session" => "kpi_messages_per_session",
        "avg_response" => "kpi_avg_response",
        "median_response" => "kpi_median_response",
        "first_response" => "kpi_first_response",
        "agent_replies" => "kpi_agent_replies",
        "closed_sessions" => "kpi_closed_sessions",
        "ratings" => "kpi_ratings",
        "avg_rating" => "kpi_avg_rating",
        "share_above_3" => "kpi_share_above_3",
        "containment" => "kpi_containment",
        "coverage" => "kpi_coverage",
        _ => "kpi_unknown",
    })
}

fn field_title(l: Locale, field: Field) -> String {
    l.text(match field {
        Field::SessionsTotal => "field_sessions_total",
        Field::UsersTotal => "field_users_total",
        Field::MessagesTotal => "field_messages_total",
        Field::Sessions => "field_sessions",
        Field::Users => "field_users",
        Field::Messages => "field_messages",
        Field::AgentReplies => "field_agent_replies",
        Field::OpenClosed => "field_open_closed",
        Field::ResponseTimes => "field_response_times",
        Field::ResponseOverall => "field_response_overall",
        Field::Ratings => "field_ratings",
        Field::Feedback => "field_feedback",
        Field::TopIntents => "field_top_intents",
        Field::Hourly => "field_hourly",
        Field::Agents => "field_agents",
        Field::AiAgents => "field_ai_agents",
        Field::AiCounts => "field_ai_counts",
        Field::AiDuration => "field_ai_duration",
        Field::AiMessages => "field_ai_messages",
        Field::AiDistribution => "field_ai_distribution",
    })
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
    /// "Moveo rejected 2 queries, so these sections are left out:"; empty without gaps.
    pub intro: String,
    /// Notes shown under a section, by section key.
    pub notes: BTreeMap<&'static str, Vec<String>>,
}

impl Coverage {
    pub fn build(l: Locale, current: &Dataset, previous: &Dataset) -> Coverage {
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
        coverage.gaps = gaps.iter().map(|g| gap_note(l, g)).collect();
        if !gaps.is_empty() {
            coverage.intro = l.fmt("gaps_intro", &[("n", gaps.len().into())]);
        }
        for gap in &gaps {
            let u = uses(gap.field);
            let mut lost: Vec<String> = u.kpis.iter().map(|k| kpi_label(l, k)).collect();
            lost.extend(u.columns.iter().map(|c| l.fmt("coverage_column", &[("column", column_title(l, c).into())])));
            if lost.is_empty() {
                continue;
            }
            let note =
                l.fmt("coverage_left_out", &[("list", lost.join(", ").into()), ("query", gap.query.as_str().into())]);
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
            let note = l.fmt(
                "coverage_unfiltered",
                &[
                    ("figure", field_title(l, u.field).into()),
                    ("filters", u.filters.join(", ").into()),
                    ("query", u.query.as_str().into()),
                ],
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

fn column_title(l: Locale, key: &str) -> String {
    super::column_titles(l).into_iter().find(|(k, _)| *k == key).map_or_else(|| key.replace('_', " "), |(_, t)| t)
}

fn gap_note(l: Locale, gap: &Gap) -> GapNote {
    let u = uses(gap.field);
    let mut parts: Vec<String> = u.sections.iter().map(|s| section_title(l, s)).collect();
    if !u.kpis.is_empty() {
        let kpis: Vec<String> = u.kpis.iter().map(|k| kpi_label(l, k)).collect();
        parts.push(l.fmt("coverage_key_figures", &[("list", kpis.join(", ").into())]));
    }
    if !u.columns.is_empty() {
        let columns: Vec<String> = u.columns.iter().map(|c| column_title(l, c)).collect();
        parts.push(l.fmt("coverage_day_columns", &[("list", columns.join("/").into())]));
    }
    let left_out = parts.join("; ");
    let args = [
        ("sections", left_out.as_str().into()),
        ("query", gap.query.as_str().into()),
        ("file", gap.file.as_str().into()),
        ("reason", gap.reason.as_str().into()),
    ];
    let text = if gap.reason.starts_with("unexpected response") {
        l.fmt("coverage_gap_unreadable", &args)
    } else {
        l.fmt("coverage_gap_rejected", &args)
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
        let c = Coverage::build(Locale::En, &cur, &prev);
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
        let c = Coverage::build(Locale::En, &cur, &Dataset::default());
        assert!(!c.is_partial());
        assert_eq!(
            c.notes["messages_per_hour"],
            ["Messages per hour: not filtered by tags (MessagesPerHourV2 takes no such argument)."]
        );
    }

    #[test]
    fn every_section_figure_and_kpi_has_a_name_in_every_language() {
        let fields = [
            Field::SessionsTotal,
            Field::UsersTotal,
            Field::MessagesTotal,
            Field::Sessions,
            Field::Users,
            Field::Messages,
            Field::AgentReplies,
            Field::OpenClosed,
            Field::ResponseTimes,
            Field::ResponseOverall,
            Field::Ratings,
            Field::Feedback,
            Field::TopIntents,
            Field::Hourly,
            Field::Agents,
            Field::AiAgents,
            Field::AiCounts,
            Field::AiDuration,
            Field::AiMessages,
            Field::AiDistribution,
        ];
        for l in Locale::ALL {
            for key in SECTIONS {
                assert!(!section_title(l, key).starts_with("section_"), "{l:?} {key}");
            }
            for field in fields {
                assert!(!field_title(l, field).starts_with("field_"), "{l:?} {field:?}");
                for kpi in uses(field).kpis {
                    assert!(!kpi_label(l, kpi).starts_with("kpi_"), "{l:?} {kpi}");
                }
            }
        }
    }
}
