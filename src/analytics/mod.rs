//! The second step: what the analytics source says about one window of time.
//!
//! `Dataset` mirrors the shape of Moveo's Analytics API (interval buckets
//! labelled by their UTC start, sparse hour cells, one-row aggregates), so the
//! demo data and the real API go through exactly the same modelling code.

pub mod demo;

use crate::spec::ReportSpec;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use std::future::Future;

pub use demo::DemoData;

/// The bucket size of interval series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Interval {
    Day,
    Week,
    /// Calendar months, for the monthly trend.
    Month,
}

impl Interval {
    /// Daily buckets up to a quarter; beyond that a daily chart is unreadable.
    pub fn for_days(days: usize) -> Interval {
        if days <= 92 {
            Interval::Day
        } else {
            Interval::Week
        }
    }

    /// The Postgres interval literal the API takes as `interval_span`.
    pub fn as_pg(self) -> &'static str {
        match self {
            Interval::Day => "1 day",
            Interval::Week => "1 week",
            Interval::Month => "1 month",
        }
    }

    /// The length of a day or week bucket; a month's is its first (28–31 days).
    pub fn seconds(self) -> i64 {
        match self {
            Interval::Day => 86_400,
            Interval::Week => 7 * 86_400,
            Interval::Month => 30 * 86_400,
        }
    }

    /// The start of the bucket after the one starting at `t`, as Postgres steps it.
    pub fn next(self, t: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Interval::Month => t.checked_add_months(chrono::Months::new(1)).unwrap_or(t + chrono::Duration::days(30)),
            _ => t + chrono::Duration::seconds(self.seconds()),
        }
    }
}

/// A time window to fetch: UTC bounds, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub interval: Interval,
}

/// How much of a window to fetch. The comparison period only shows totals and
/// rankings, so fetching its daily series would be work nobody sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything the report shows for its own period.
    Full,
    /// Totals, response times, ratings, handled sessions, top intents and the AI-agent figures.
    Totals,
    /// These interval series only, with no totals: the trend and the day history.
    Series(&'static [Field]),
}

/// The series each headline trend is drawn from, one interval query each.
pub const TREND_SERIES: &[Field] =
    &[Field::Sessions, Field::Users, Field::Messages, Field::AgentReplies, Field::ResponseTimes, Field::Ratings];

impl Scope {
    /// Whether `field` is fetched in this scope.
    pub fn wants(self, field: Field) -> bool {
        use Field::*;
        match self {
            Scope::Full => true,
            Scope::Totals => matches!(
                field,
                SessionsTotal
                    | UsersTotal
                    | MessagesTotal
                    | AgentReplies
                    | OpenClosed
                    | ResponseOverall
                    | Ratings
                    | TopIntents
                    | AiAgents
                    | AiCounts
            ),
            Scope::Series(fields) => fields.contains(&field),
        }
    }

    /// Whether the headline totals (sessions, user messages) are fetched.
    pub fn headline(self) -> bool {
        !matches!(self, Scope::Series(_))
    }
}

/// One bucket of a counted series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// Start of the bucket, UTC, as the API labels it.
    pub start: NaiveDateTime,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenClosedBucket {
    pub start: NaiveDateTime,
    pub open: u64,
    pub closed: u64,
}

/// Response times in minutes; `None` where there was nothing to average.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseTimes {
    pub avg: Option<f64>,
    pub median: Option<f64>,
    pub avg_first: Option<f64>,
    pub median_first: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseTimeBucket {
    pub start: NaiveDateTime,
    pub times: ResponseTimes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingBucket {
    pub start: NaiveDateTime,
    pub avg: Option<f64>,
    pub count: u64,
    pub above_3: u64,
}

/// One rating left by an end user, with the feedback text if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feedback {
    pub rating: u8,
    pub text: Option<String>,
    pub agent_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntentCount {
    pub intent: String,
    pub count: u64,
}

/// User messages in one hour of the week. `weekday` is 1 = Monday … 7 = Sunday, UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourCell {
    pub weekday: u8,
    pub hour: u8,
    pub count: u64,
}

/// One AI agent's containment and coverage (ratios 0–1) and sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AiAgentStats {
    pub id: String,
    pub containment: Option<f64>,
    pub coverage: Option<f64>,
    pub sessions: u64,
}

/// One AI agent's counted traffic (Counts Per AI Agent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AiAgentCount {
    pub id: String,
    pub sessions: u64,
    pub messages: u64,
}

/// An average over all AI-agent sessions and over the contained and covered ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AiAverages {
    pub all: Option<f64>,
    pub contained: Option<f64>,
    pub non_contained: Option<f64>,
    pub covered: Option<f64>,
    pub non_covered: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentPerformance {
    pub name: String,
    pub replies: u64,
    pub sessions: u64,
    pub closed: u64,
    pub avg_response: Option<f64>,
    pub avg_first_response: Option<f64>,
    pub avg_rating: Option<f64>,
    pub ratings: u64,
}

/// One figure or series of a `Dataset`, named so a report can say which of its
/// sections a missing one costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    SessionsTotal,
    UsersTotal,
    MessagesTotal,
    Sessions,
    Users,
    Messages,
    AgentReplies,
    OpenClosed,
    ResponseTimes,
    ResponseOverall,
    Ratings,
    Feedback,
    TopIntents,
    Hourly,
    Agents,
    /// Containment and coverage per AI agent.
    AiAgents,
    /// Sessions per AI agent.
    AiCounts,
    AiDuration,
    AiMessages,
    AiDistribution,
}

/// A figure the source could not give because the server rejected its query as
/// not fitting its schema, or answered with rows that could not be read. Such a
/// gap costs the sections built from it, not the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub field: Field,
    /// The operation name, e.g. `TopIntentsV2`.
    pub query: String,
    /// The file that holds it, e.g. `top_intents_v2.graphql`.
    pub file: String,
    /// The server's reason, one line.
    pub reason: String,
}

/// A figure computed without some of the configured filters, because its query
/// takes no such argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unfiltered {
    pub field: Field,
    pub query: String,
    /// In a reader's words: "tags", "AI agents".
    pub filters: Vec<String>,
}

/// Everything the report needs about one window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dataset {
    pub sessions_total: u64,
    pub messages_total: u64,
    /// Unique users over the whole window (`UsersCounts`, moveo-api.md §4.1).
    pub users_total: u64,
    pub sessions: Vec<Bucket>,
    pub users: Vec<Bucket>,
    pub messages: Vec<Bucket>,
    pub agent_replies: Vec<Bucket>,
    pub open_closed: Vec<OpenClosedBucket>,
    pub response_times: Vec<ResponseTimeBucket>,
    pub response_overall: ResponseTimes,
    pub ratings: Vec<RatingBucket>,
    pub feedback: Vec<Feedback>,
    pub top_intents: Vec<IntentCount>,
    pub hourly: Vec<HourCell>,
    pub agents: Vec<AgentPerformance>,
    pub ai_agents: Vec<AiAgentStats>,
    pub ai_counts: Vec<AiAgentCount>,
    /// Session duration in minutes.
    pub ai_duration: AiAverages,
    /// User messages per session.
    pub ai_messages: AiAverages,
    /// Sessions with 1, 2, … 9 and 10+ user messages; empty when not fetched.
    pub ai_distribution: Vec<u64>,
    /// Figures left out, each with the query and the server's reason. Their
    /// values above are zero or empty and must not be shown as data.
    pub gaps: Vec<Gap>,
    /// Figures that could not apply every configured filter.
    pub unfiltered: Vec<Unfiltered>,
}

impl Dataset {
    pub fn has(&self, field: Field) -> bool {
        !self.gaps.iter().any(|g| g.field == field)
    }
}

/// Why a fetch failed. Each message says what to check, never a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("Moveo rejected the credentials for account {account} (HTTP {status}): check MOVEO_API_KEY and MOVEO_ACCOUNT_ID, or the report's api_key_parameter and account_id")]
    Unauthorized { account: String, status: u16 },
    #[error("{operation}: Moveo is still rate limiting (HTTP 429) after {attempts} attempts")]
    RateLimited { operation: String, attempts: u32 },
    #[error("{operation}: Moveo is unavailable after {attempts} attempts: {detail}")]
    Unavailable { operation: String, attempts: u32, detail: String },
    /// The server failed to run a valid query (a database error): a retry can succeed.
    #[error("{operation}: Moveo failed to answer after {attempts} attempts: {message}")]
    Server { operation: String, attempts: u32, message: String },
    /// The server could not run the query with the values sent (e.g. a filter id that is not a UUID).
    #[error("{operation}: Moveo could not use the values sent, check the report's filters: {message}")]
    BadValue { operation: String, message: String },
    /// The server says the query does not fit its schema (an unknown field, argument or type).
    #[error("{operation}: Moveo rejected the query as not fitting its schema: {message}")]
    Rejected { operation: String, message: String },
    #[error("{operation}: unexpected response at `{field}`: {detail}")]
    Shape { operation: String, field: String, detail: String },
    /// A figure the report cannot do without could not be had from any query that gives it.
    #[error("the {figure} could not be fetched, so no report is made: {detail}; the report's owner can run `moveo-reports check`")]
    Headline { figure: &'static str, detail: String },
    #[error("setting up the Moveo client: {0}")]
    Setup(String),
    #[error("report {report}: its Moveo API key ({location}) cannot be read: {detail}")]
    MissingKey { report: String, location: String, detail: String },
}

impl FetchError {
    /// Whether trying the whole run again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, FetchError::RateLimited { .. } | FetchError::Unavailable { .. } | FetchError::Server { .. })
    }

    /// Whether the query itself is wrong for this server (a wrong guess of its
    /// schema or of its rows), so only what is built from it is lost.
    pub fn is_mismatch(&self) -> bool {
        matches!(self, FetchError::Rejected { .. } | FetchError::Shape { .. })
    }

    /// The server's reason in one short line, for a note in the report.
    pub fn reason(&self) -> String {
        let text = match self {
            FetchError::Rejected { message, .. } => message.clone(),
            FetchError::Shape { field, detail, .. } => format!("unexpected response at `{field}`: {detail}"),
            other => other.to_string(),
        };
        let line = text.lines().next().unwrap_or("").trim();
        let mut short: String = line.chars().take(200).collect();
        if short.len() < line.len() {
            short.push('…');
        }
        short
    }
}

/// Where analytics come from: Moveo's API in production, demo data locally.
/// One source serves every report of a deployment: the spec says which
/// account, key and filters a fetch is for.
pub trait AnalyticsSource: Send + Sync {
    /// Everything about one window, or an error. A figure whose query does not
    /// fit the server's schema is listed in `Dataset::gaps`, never silently zero;
    /// anything transient (or a wrong key) fails the whole fetch, so a passing
    /// blip never produces a degraded report.
    fn fetch(
        &self,
        spec: &ReportSpec,
        window: Window,
        scope: Scope,
    ) -> impl Future<Output = Result<Dataset, FetchError>> + Send;

    /// A short name for logs and the manifest ("demo", "moveo").
    fn name(&self) -> &'static str;
}
