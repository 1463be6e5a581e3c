//! `MoveoApi`: the production `AnalyticsSource`, Moveo's GraphQL Analytics API.
//!
//! Every query of a window runs concurrently over one pooled HTTPS client, so
//! fetching costs about one round trip. Any failed query fails the whole fetch.

pub mod client;
pub mod queries;
pub mod rows;
pub mod variables;

use crate::analytics::{
    AgentPerformance, AnalyticsSource, Bucket, Dataset, Feedback, FetchError, HourCell, IntentCount, OpenClosedBucket,
    RatingBucket, ResponseTimeBucket, ResponseTimes, Scope, Window,
};
use crate::config::MoveoSettings;
pub use client::{GraphqlClient, RetryPolicy};
use queries::*;
use serde_json::{Map, Value};
use std::time::{Duration, Instant};
pub use variables::Filters;

/// How many intents to ask for: the table shows ten, the rest tell the previous rank.
const INTENT_LIMIT: u32 = 50;
/// How many feedback rows to read per period; more adds cost, not insight.
const FEEDBACK_LIMIT: u32 = 5_000;

pub struct MoveoApi {
    client: GraphqlClient,
    account_id: String,
    filters: Filters,
}

impl MoveoApi {
    pub fn new(settings: &MoveoSettings, filters: Filters, retry: RetryPolicy) -> Result<MoveoApi, FetchError> {
        Ok(MoveoApi {
            client: GraphqlClient::new(&settings.url, &settings.account_id, &settings.api_key, retry)?,
            account_id: settings.account_id.clone(),
            filters,
        })
    }

    fn vars(&self, window: &Window, limit: Option<u32>) -> Map<String, Value> {
        variables::candidates(window, &self.account_id, &self.filters, limit)
    }

    /// Runs each of the 21 queries once over `window`, for `moveo-reports check`.
    pub async fn check(&self, window: Window) -> Vec<CheckLine> {
        let vars = self.vars(&window, Some(5));
        let runs =
            ALL.iter().filter(|q| q.operation != SESSION_CONTENT.operation).map(|q| self.check_one(q, vars.clone()));
        let mut lines = futures_util::future::join_all(runs).await;
        // Session content needs a session id: the first one the preview returned, if any.
        let preview: Result<Vec<Value>, _> = self.client.rows(&SESSIONS_PREVIEW, &vars).await;
        let session = preview.ok().and_then(|rows| {
            rows.first().and_then(|r| r.get("session_id")).and_then(Value::as_str).map(str::to_string)
        });
        let mut content_vars = vars.clone();
        content_vars.insert("sessionId".into(), session.map(Value::from).unwrap_or(Value::Null));
        lines.insert(1, self.check_one(&SESSION_CONTENT, content_vars).await);
        lines
    }

    async fn check_one(&self, query: &'static Query, vars: Map<String, Value>) -> CheckLine {
        let started = Instant::now();
        let result = self.client.rows::<Value>(query, &vars).await;
        CheckLine { query, elapsed: started.elapsed(), result: result.map(|rows| rows.len()) }
    }
}

/// One line of `moveo-reports check`.
pub struct CheckLine {
    pub query: &'static Query,
    pub elapsed: Duration,
    pub result: Result<usize, FetchError>,
}

/// What the comparison period does not show is not fetched for it.
async fn rows_if<T: serde::de::DeserializeOwned>(
    client: &GraphqlClient,
    wanted: bool,
    query: &Query,
    vars: &Map<String, Value>,
) -> Result<Vec<T>, FetchError> {
    if wanted {
        client.rows(query, vars).await
    } else {
        Ok(Vec::new())
    }
}

fn buckets(rows: Vec<rows::IntervalCount>) -> Vec<Bucket> {
    rows.into_iter().map(|r| Bucket { start: r.date, count: r.counts }).collect()
}

fn times(t: rows::Times) -> ResponseTimes {
    ResponseTimes {
        avg: t.avg_response_time,
        median: t.median_response_time,
        avg_first: t.avg_first_response_time,
        median_first: t.median_first_response_time,
    }
}

impl AnalyticsSource for MoveoApi {
    async fn fetch(&self, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        let c = &self.client;
        let vars = self.vars(&window, None);
        let intents_vars = self.vars(&window, Some(INTENT_LIMIT));
        let feedback_vars = self.vars(&window, Some(FEEDBACK_LIMIT));
        let full = scope == Scope::Full;

        let (totals, (series, details)) = tokio::try_join!(
            async {
                tokio::try_join!(
                    c.rows::<rows::Count>(&SESSIONS_COUNTS, &vars),
                    c.rows::<rows::Count>(&REQUESTS_COUNTS, &vars),
                    c.rows::<rows::BrainCounts>(&COUNTS_PER_AI_AGENT, &vars),
                    c.rows::<rows::TopIntent>(&TOP_INTENTS, &intents_vars),
                    c.rows::<rows::Times>(&RESPONSE_TIMES, &vars),
                    c.rows::<rows::IntervalCount>(&AGENT_REPLIES_INTERVAL, &vars),
                    c.rows::<rows::OpenClosed>(&OPEN_CLOSED_INTERVAL, &vars),
                    c.rows::<rows::RatingsInterval>(&RATINGS_INTERVAL, &vars),
                )
            },
            async {
                tokio::try_join!(
                    async {
                        tokio::try_join!(
                            rows_if::<rows::IntervalCount>(c, full, &SESSIONS_INTERVAL, &vars),
                            rows_if::<rows::IntervalCount>(c, full, &USERS_INTERVAL, &vars),
                            rows_if::<rows::IntervalCount>(c, full, &REQUESTS_INTERVAL, &vars),
                            rows_if::<rows::TimesInterval>(c, full, &RESPONSE_TIMES_INTERVAL, &vars),
                        )
                    },
                    async {
                        tokio::try_join!(
                            rows_if::<rows::HourCount>(c, full, &MESSAGES_PER_HOUR, &vars),
                            rows_if::<rows::AgentPerformance>(c, full, &AGENTS_PERFORMANCE, &vars),
                            rows_if::<rows::RatingFeedback>(c, full, &RATINGS_FEEDBACKS, &feedback_vars),
                        )
                    },
                )
            },
        )?;
        let (sessions_total, messages_total, brains, intents, overall, replies, open_closed, ratings) = totals;
        let (sessions, users, messages, times_interval) = series;
        let (hourly, agents, feedback) = details;
        let one = |rows: Vec<rows::Count>| rows.first().map_or(0, |r| r.counts);

        Ok(Dataset {
            sessions_total: one(sessions_total),
            messages_total: one(messages_total),
            users_total: brains.iter().map(|b| b.num_users).sum(),
            sessions: buckets(sessions),
            users: buckets(users),
            messages: buckets(messages),
            agent_replies: buckets(replies),
            open_closed: open_closed
                .into_iter()
                .map(|r| OpenClosedBucket { start: r.date, open: r.open_sessions, closed: r.closed_sessions })
                .collect(),
            response_times: times_interval
                .into_iter()
                .map(|r: rows::TimesInterval| ResponseTimeBucket { start: r.date, times: times(r.times) })
                .collect(),
            response_overall: overall.into_iter().next().map(times).unwrap_or_default(),
            ratings: ratings
                .into_iter()
                .map(|r| RatingBucket {
                    start: r.date,
                    avg: r.avg_rating,
                    count: r.num_ratings,
                    above_3: r.num_more_than_3,
                })
                .collect(),
            feedback: feedback
                .into_iter()
                .filter(|r: &rows::RatingFeedback| (1..=5).contains(&r.rating))
                .map(|r| Feedback { rating: r.rating as u8, text: r.feedback, agent_name: r.agent_name })
                .collect(),
            top_intents: intents
                .into_iter()
                .map(|r| IntentCount { intent: r.intent.unwrap_or_else(|| "(no intent)".into()), count: r.counts })
                .collect(),
            hourly: hourly
                .into_iter()
                .filter(|r: &rows::HourCount| (1..=7).contains(&r.weekday) && r.hour < 24)
                .map(|r| HourCell { weekday: r.weekday as u8, hour: r.hour as u8, count: r.counts })
                .collect(),
            agents: agents
                .into_iter()
                .map(|r: rows::AgentPerformance| AgentPerformance {
                    name: r.agent_name.or(r.agent_id).unwrap_or_else(|| "(unknown agent)".into()),
                    replies: r.replies,
                    sessions: r.participated_sessions,
                    closed: r.closed_conversations,
                    avg_response: r.avg_response_time,
                    avg_first_response: r.avg_first_response_time,
                    avg_rating: r.avg_rating,
                    ratings: r.ratings,
                })
                .collect(),
        })
    }

    fn name(&self) -> &'static str {
        "moveo"
    }
}
