//! The AI-agent view: how much the AI agents handled on their own.
//!
//! *Containment*: the share of AI-agent sessions that ended without a hand-over
//! to a person. *Coverage*: the share of its answers that did not come from the
//! fallback (Unknown) flow. Both come per AI agent from AI Agents Performance and
//! are combined weighted by each agent's sessions (Counts Per AI Agent).

use super::kpi::{format_value, Unit};
use crate::analytics::{AiAverages, Dataset, Field};
use crate::locale::Locale;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AgentRow {
    pub id: String,
    /// The first block of the id, as the console shows it.
    pub short_id: String,
    pub sessions: u64,
    pub sessions_display: String,
    /// Ratios 0–1, for spreadsheets.
    pub containment: Option<f64>,
    pub coverage: Option<f64>,
    pub containment_display: String,
    pub coverage_display: String,
}

/// One average over a kind of session: "All sessions", "Contained", …
#[derive(Debug, Clone, Serialize)]
pub struct AverageRow {
    pub label: String,
    pub duration: String,
    pub messages: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: &'static str,
    pub count: u64,
    pub count_display: String,
    /// Share of all sessions in the distribution, percent.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AiView {
    /// Percent, weighted by sessions; `None` with no AI-agent sessions.
    pub containment: Option<f64>,
    pub coverage: Option<f64>,
    /// "66.7%", or `None` where there is no figure (a real 0.0% is shown).
    pub containment_display: Option<String>,
    pub coverage_display: Option<String>,
    pub agents: Vec<AgentRow>,
    /// Empty when neither duration nor messages could be had.
    pub averages: Vec<AverageRow>,
    /// Sessions by number of user messages: 1 … 9, 10+.
    pub distribution: Vec<Bar>,
    /// What containment and coverage mean, printed under the section.
    pub explained: String,
}

/// Containment and coverage over all AI agents, in percent, weighted by sessions.
pub fn overall(data: &Dataset) -> (Option<f64>, Option<f64>) {
    let weight =
        |id: &str, fallback: u64| data.ai_counts.iter().find(|c| c.id == id).map_or(fallback, |c| c.sessions) as f64;
    let combine = |value: fn(&crate::analytics::AiAgentStats) -> Option<f64>| {
        let (mut sum, mut total) = (0.0, 0.0);
        for agent in &data.ai_agents {
            if let Some(v) = value(agent) {
                let w = weight(&agent.id, agent.sessions);
                sum += v * w;
                total += w;
            }
        }
        (total > 0.0).then(|| sum / total * 100.0)
    };
    (combine(|a| a.containment), combine(|a| a.coverage))
}

/// The view, or `None` when the account has no AI-agent figures at all.
pub fn build(l: Locale, data: &Dataset) -> Option<AiView> {
    let percent = |ratio: Option<f64>| format_value(l, ratio.map(|r| r * 100.0), Unit::Percent);
    let (containment, coverage) = overall(data);
    let mut agents: Vec<AgentRow> = data
        .ai_agents
        .iter()
        .map(|a| {
            let sessions = data.ai_counts.iter().find(|c| c.id == a.id).map_or(a.sessions, |c| c.sessions);
            AgentRow {
                short_id: a.id.split('-').next().unwrap_or(&a.id).to_string(),
                id: a.id.clone(),
                sessions,
                sessions_display: l.count(sessions as i64),
                containment: a.containment,
                coverage: a.coverage,
                containment_display: percent(a.containment),
                coverage_display: percent(a.coverage),
            }
        })
        .collect();
    agents.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.id.cmp(&b.id)));
    let minutes = |v: Option<f64>| format_value(l, v, Unit::Minutes);
    let decimal = |v: Option<f64>| format_value(l, v, Unit::Decimal);
    let (d, m): (&AiAverages, &AiAverages) = (&data.ai_duration, &data.ai_messages);
    let has_averages = data.has(Field::AiDuration) || data.has(Field::AiMessages);
    let averages = if has_averages && (d.all.is_some() || m.all.is_some()) {
        vec![
            AverageRow { label: l.text("ai_all_sessions"), duration: minutes(d.all), messages: decimal(m.all) },
            AverageRow {
                label: l.text("ai_contained"),
                duration: minutes(d.contained),
                messages: decimal(m.contained),
            },
            AverageRow {
                label: l.text("ai_not_contained"),
                duration: minutes(d.non_contained),
                messages: decimal(m.non_contained),
            },
            AverageRow { label: l.text("ai_covered"), duration: minutes(d.covered), messages: decimal(m.covered) },
            AverageRow {
                label: l.text("ai_not_covered"),
                duration: minutes(d.non_covered),
                messages: decimal(m.non_covered),
            },
        ]
    } else {
        Vec::new()
    };
    const LABELS: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10+"];
    let total: u64 = data.ai_distribution.iter().sum();
    let distribution = if total > 0 {
        data.ai_distribution
            .iter()
            .zip(LABELS)
            .map(|(&count, label)| Bar {
                label,
                count,
                count_display: l.count(count as i64),
                share: count as f64 * 100.0 / total as f64,
            })
            .collect()
    } else {
        Vec::new()
    };
    if agents.is_empty() && averages.is_empty() && distribution.is_empty() {
        return None;
    }
    let shown = |v: Option<f64>| v.map(|v| format_value(l, Some(v), Unit::Percent));
    Some(AiView {
        containment_display: shown(containment),
        coverage_display: shown(coverage),
        containment,
        coverage,
        agents,
        averages,
        distribution,
        explained: l.text("ai_explained"),
    })
}
