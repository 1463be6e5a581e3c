//! `MoveoApi`: the production `AnalyticsSource`, Moveo's GraphQL Analytics API.
//!
//! Every query of a window runs concurrently over one pooled HTTPS client, so
//! fetching costs about one round trip. A query the server rejects as not
//! fitting its schema (or whose rows cannot be read) costs only its figure,
//! listed in `Dataset::gaps`; anything transient, or a wrong key, fails the
//! whole fetch. The headline figures (sessions, user messages) have no gap:
//! without them there is no report.

pub mod client;
pub mod keys;
pub mod queries;
pub mod rows;
pub mod schema;
pub mod variables;

use crate::analytics::{
    AgentPerformance, AiAgentCount, AiAgentStats, AiAverages, AnalyticsSource, Bucket, Dataset, Feedback, FetchError,
    Field, Gap, HourCell, IntentCount, OpenClosedBucket, RatingBucket, ResponseTimeBucket, ResponseTimes, Scope,
    Unfiltered, Window,
};
use crate::spec::ReportSpec;
pub use client::{Credentials, GraphqlClient, Limits, RetryPolicy};
pub use keys::KeyCache;
use queries::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};
pub use variables::Filters;

/// How many intents to ask for: the table shows ten, the rest tell the previous rank.
const INTENT_LIMIT: u32 = 50;
/// How many feedback rows to read per period; more adds cost, not insight.
const FEEDBACK_LIMIT: u32 = 5_000;

/// Where the sessions figure can come from, in order: the assumed query of the
/// overview, then its documented neighbours (moveo-api.md §3.6).
const SESSIONS_SOURCES: &[&Spec] = &[&SESSIONS_COUNTS, &SESSIONS_COUNTS_FAST, &GET_SESSIONS_COUNT];

/// Moveo's API for every report of a deployment: one pooled client, the
/// queries in force and the keys read so far. The account, key and filters
/// come with each fetch, from the report's spec.
pub struct MoveoApi {
    client: GraphqlClient,
    queries: QuerySet,
    keys: KeyCache,
}

/// One fetch's account, key and variables.
struct Call<'a> {
    credentials: Credentials,
    spec: &'a ReportSpec,
}

impl MoveoApi {
    pub fn new(
        url: &str,
        queries: QuerySet,
        keys: KeyCache,
        retry: RetryPolicy,
        limits: Limits,
    ) -> Result<MoveoApi, FetchError> {
        Ok(MoveoApi { client: GraphqlClient::new(url, retry, limits)?, queries, keys })
    }

    pub fn queries(&self) -> &QuerySet {
        &self.queries
    }

    async fn call<'a>(&self, spec: &'a ReportSpec) -> Result<Call<'a>, FetchError> {
        let Some(account) = &spec.account else {
            return Err(FetchError::Setup(format!("report {} names no Moveo account", spec.id)));
        };
        let api_key = self.keys.key(&spec.id, &account.key).await?;
        Ok(Call { credentials: Credentials { account_id: account.id.clone(), api_key }, spec })
    }

    fn vars(call: &Call, window: &Window, limit: Option<u32>) -> Map<String, Value> {
        variables::candidates(window, &call.credentials.account_id, &call.spec.filters, limit)
    }

    /// The endpoint's schema as SDL, by introspection (`check --schema`).
    pub async fn schema_sdl(&self, spec: &ReportSpec) -> Result<String, FetchError> {
        let call = self.call(spec).await?;
        let query = Query::builtin(&schema::INTROSPECTION);
        let data = self.client.data(&query, &call.credentials).await?;
        schema::sdl_from_introspection(&Value::Object(data)).map_err(|detail| FetchError::Shape {
            operation: schema::INTROSPECTION.operation.to_string(),
            field: "__schema".into(),
            detail,
        })
    }

    /// Runs every operation once over `window`, for `moveo-reports check`: the
    /// 21 of the overview, then the documented neighbours that stand in for them.
    pub async fn check(&self, spec: &ReportSpec, window: Window) -> Result<Vec<CheckLine>, FetchError> {
        let call = self.call(spec).await?;
        let call = &call;
        let vars = Self::vars(call, &window, Some(5));
        let runs = all_specs().filter(|s| s.shape != Shape::Session).map(|s| self.check_one(call, s, vars.clone()));
        let mut lines = futures_util::future::join_all(runs).await;
        // Session content needs a session id: the first one the preview returned, if any.
        let preview: Result<Vec<Value>, _> =
            self.client.rows(self.queries.get(&SESSIONS_PREVIEW), &call.credentials, &vars).await;
        let session = preview.ok().and_then(|rows| {
            rows.first().and_then(|r| r.get("session_id")).and_then(Value::as_str).map(str::to_string)
        });
        let mut content_vars = vars.clone();
        content_vars.insert("sessionId".into(), session.map(Value::from).unwrap_or(Value::Null));
        lines.insert(1, self.check_one(call, &SESSION_CONTENT, content_vars).await);
        Ok(lines)
    }

    async fn check_one(&self, call: &Call<'_>, spec: &'static Spec, vars: Map<String, Value>) -> CheckLine {
        let query = self.queries.get(spec).clone();
        let started = Instant::now();
        let result = self.client.rows::<Value>(&query, &call.credentials, &vars).await;
        CheckLine {
            unfiltered: query.unapplied_filters(&vars),
            query,
            elapsed: started.elapsed(),
            result: result.map(|rows| rows.len()),
        }
    }

    /// One figure's rows, or the gap its rejection leaves. Errors that are not
    /// about the query (transient, a wrong key) fail the fetch.
    async fn part<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        spec: &'static Spec,
        field: Field,
        vars: &Map<String, Value>,
        notes: &Notes,
    ) -> Result<Vec<T>, FetchError> {
        let query = self.queries.get(spec);
        match self.client.rows(query, &call.credentials, vars).await {
            Ok(rows) => {
                notes.unfiltered(field, query, vars);
                Ok(rows)
            }
            Err(e) if e.is_mismatch() => {
                tracing::warn!(operation = spec.operation, file = spec.file, error = %e, "query left out of the report");
                notes.gap(field, spec, &e);
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
    }

    /// What the comparison period does not show is not fetched for it.
    async fn part_if<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
        wanted: bool,
        spec: &'static Spec,
        field: Field,
        vars: &Map<String, Value>,
        notes: &Notes,
    ) -> Result<Vec<T>, FetchError> {
        if wanted {
            self.part(call, spec, field, vars, notes).await
        } else {
            Ok(Vec::new())
        }
    }

    /// The number of sessions from the first source that fits the server's schema.
    async fn sessions_total(
        &self,
        call: &Call<'_>,
        vars: &Map<String, Value>,
        notes: &Notes,
    ) -> Result<u64, FetchError> {
        let mut rejected = Vec::new();
        for spec in SESSIONS_SOURCES {
            let query = self.queries.get(spec);
            let answer = if spec.operation == GET_SESSIONS_COUNT.operation {
                self.client
                    .rows::<rows::SessionsCount>(query, &call.credentials, vars)
                    .await
                    .map(|r| r.first().map_or(0, |r| r.total_sessions))
            } else {
                let rows = self.client.rows::<rows::Count>(query, &call.credentials, vars).await;
                rows.map(|r| r.first().map_or(0, |r| r.counts))
            };
            match answer {
                Ok(count) => {
                    if !rejected.is_empty() {
                        tracing::warn!(operation = spec.operation, rejected = ?rejected, "sessions counted by a documented neighbour");
                    }
                    notes.unfiltered(Field::SessionsTotal, query, vars);
                    return Ok(count);
                }
                Err(e) if e.is_mismatch() => {
                    rejected.push(format!("{} ({}): {}", spec.operation, spec.file, e.reason()))
                }
                Err(e) => return Err(e),
            }
        }
        Err(FetchError::Headline { figure: "number of sessions", detail: rejected.join("; ") })
    }

    /// The number of user messages; `RequestsCounts` is documented and has no neighbour.
    async fn messages_total(
        &self,
        call: &Call<'_>,
        vars: &Map<String, Value>,
        notes: &Notes,
    ) -> Result<u64, FetchError> {
        let query = self.queries.get(&REQUESTS_COUNTS);
        match self.client.rows::<rows::Count>(query, &call.credentials, vars).await {
            Ok(rows) => {
                notes.unfiltered(Field::MessagesTotal, query, vars);
                Ok(rows.first().map_or(0, |r| r.counts))
            }
            Err(e) if e.is_mismatch() => Err(FetchError::Headline {
                figure: "number of user messages",
                detail: format!("{} ({}): {}", REQUESTS_COUNTS.operation, REQUESTS_COUNTS.file, e.reason()),
            }),
            Err(e) => Err(e),
        }
    }
}

/// Gaps and unfiltered figures, collected while the queries run concurrently.
#[derive(Default)]
struct Notes {
    gaps: Mutex<Vec<Gap>>,
    unfiltered: Mutex<Vec<Unfiltered>>,
}

impl Notes {
    fn gap(&self, field: Field, spec: &Spec, error: &FetchError) {
        let gap = Gap { field, query: spec.operation.into(), file: spec.file.into(), reason: error.reason() };
        self.gaps.lock().expect("never poisoned: no panics while held").push(gap);
    }

    fn unfiltered(&self, field: Field, query: &Query, vars: &Map<String, Value>) {
        let filters = query.unapplied_filters(vars);
        if !filters.is_empty() {
            let note = Unfiltered {
                field,
                query: query.operation().into(),
                filters: filters.into_iter().map(String::from).collect(),
            };
            self.unfiltered.lock().expect("never poisoned: no panics while held").push(note);
        }
    }

    fn into_parts(self) -> (Vec<Gap>, Vec<Unfiltered>) {
        let mut gaps = self.gaps.into_inner().unwrap_or_default();
        let mut unfiltered = self.unfiltered.into_inner().unwrap_or_default();
        gaps.sort_by_key(|g| g.field);
        unfiltered.sort_by_key(|u| u.field);
        (gaps, unfiltered)
    }
}

/// One line of `moveo-reports check`.
pub struct CheckLine {
    pub query: Query,
    pub elapsed: Duration,
    pub result: Result<usize, FetchError>,
    /// Configured filters this operation cannot apply.
    pub unfiltered: Vec<&'static str>,
}

/// What to divide containment and coverage by to get ratios: the API's unit is not
/// documented (§3.19), so one answer with any value above 1 is read as percentages,
/// all of its values alike (an agent at 0.8 % is not 80 %).
fn ratio_scale(rows: &[rows::AiAgentPerformance]) -> f64 {
    let percent = rows.iter().flat_map(|r| [r.containment, r.coverage]).flatten().any(|v| v > 1.0);
    if percent {
        100.0
    } else {
        1.0
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
    async fn fetch(&self, spec: &ReportSpec, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        let result = self.fetch_with_key(spec, window, scope).await;
        if let (Err(FetchError::Unauthorized { .. }), Some(account)) = (&result, &spec.account) {
            self.keys.forget(&account.key).await;
        }
        result
    }

    fn name(&self) -> &'static str {
        "moveo"
    }
}

impl MoveoApi {
    async fn fetch_with_key(&self, spec: &ReportSpec, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        let call = self.call(spec).await?;
        let c = &call;
        let vars = Self::vars(c, &window, None);
        let intents_vars = Self::vars(c, &window, Some(INTENT_LIMIT));
        let feedback_vars = Self::vars(c, &window, Some(FEEDBACK_LIMIT));
        let w = |field| scope.wants(field);
        let notes = Notes::default();
        let n = &notes;

        let (headline, totals, (series, details), ai) = tokio::try_join!(
            async {
                if scope.headline() {
                    tokio::try_join!(self.sessions_total(c, &vars, n), self.messages_total(c, &vars, n))
                } else {
                    Ok((0, 0))
                }
            },
            async {
                tokio::try_join!(
                    self.part_if::<rows::Count>(c, w(Field::UsersTotal), &USERS_COUNTS, Field::UsersTotal, &vars, n),
                    self.part_if::<rows::TopIntent>(
                        c,
                        w(Field::TopIntents),
                        &TOP_INTENTS,
                        Field::TopIntents,
                        &intents_vars,
                        n
                    ),
                    self.part_if::<rows::Times>(
                        c,
                        w(Field::ResponseOverall),
                        &RESPONSE_TIMES,
                        Field::ResponseOverall,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::IntervalCount>(
                        c,
                        w(Field::AgentReplies),
                        &AGENT_REPLIES_INTERVAL,
                        Field::AgentReplies,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::OpenClosed>(
                        c,
                        w(Field::OpenClosed),
                        &OPEN_CLOSED_INTERVAL,
                        Field::OpenClosed,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::RatingsInterval>(
                        c,
                        w(Field::Ratings),
                        &RATINGS_INTERVAL,
                        Field::Ratings,
                        &vars,
                        n
                    ),
                )
            },
            async {
                tokio::try_join!(
                    async {
                        tokio::try_join!(
                            self.part_if::<rows::IntervalCount>(
                                c,
                                w(Field::Sessions),
                                &SESSIONS_INTERVAL,
                                Field::Sessions,
                                &vars,
                                n
                            ),
                            self.part_if::<rows::IntervalCount>(
                                c,
                                w(Field::Users),
                                &USERS_INTERVAL,
                                Field::Users,
                                &vars,
                                n
                            ),
                            self.part_if::<rows::IntervalCount>(
                                c,
                                w(Field::Messages),
                                &REQUESTS_INTERVAL,
                                Field::Messages,
                                &vars,
                                n
                            ),
                            self.part_if::<rows::TimesInterval>(
                                c,
                                w(Field::ResponseTimes),
                                &RESPONSE_TIMES_INTERVAL,
                                Field::ResponseTimes,
                                &vars,
                                n
                            ),
                        )
                    },
                    async {
                        tokio::try_join!(
                            self.part_if::<rows::HourCount>(
                                c,
                                w(Field::Hourly),
                                &MESSAGES_PER_HOUR,
                                Field::Hourly,
                                &vars,
                                n
                            ),
                            self.part_if::<rows::AgentPerformance>(
                                c,
                                w(Field::Agents),
                                &AGENTS_PERFORMANCE,
                                Field::Agents,
                                &vars,
                                n
                            ),
                            self.part_if::<rows::RatingFeedback>(
                                c,
                                w(Field::Feedback),
                                &RATINGS_FEEDBACKS,
                                Field::Feedback,
                                &feedback_vars,
                                n
                            ),
                        )
                    },
                )
            },
            async {
                tokio::try_join!(
                    self.part_if::<rows::AiAgentPerformance>(
                        c,
                        w(Field::AiAgents),
                        &AI_AGENTS_PERFORMANCE,
                        Field::AiAgents,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::AiAgentCount>(
                        c,
                        w(Field::AiCounts),
                        &COUNTS_PER_AI_AGENT,
                        Field::AiCounts,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::AiDuration>(
                        c,
                        w(Field::AiDuration),
                        &SESSION_DURATION,
                        Field::AiDuration,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::AiMessages>(
                        c,
                        w(Field::AiMessages),
                        &SESSION_NUMBER_MESSAGES,
                        Field::AiMessages,
                        &vars,
                        n
                    ),
                    self.part_if::<rows::AiDistribution>(
                        c,
                        w(Field::AiDistribution),
                        &SESSION_MESSAGE_DISTRIBUTION,
                        Field::AiDistribution,
                        &vars,
                        n
                    ),
                )
            },
        )?;
        let (sessions_total, messages_total) = headline;
        let (users, intents, overall, replies, open_closed, ratings) = totals;
        let (sessions, users_series, messages, times_interval) = series;
        let (hourly, agents, feedback) = details;
        let (ai_agents, ai_counts, ai_duration, ai_messages, ai_distribution) = ai;
        let (gaps, unfiltered) = notes.into_parts();

        Ok(Dataset {
            sessions_total,
            messages_total,
            users_total: users.first().map_or(0, |r| r.counts),
            sessions: buckets(sessions),
            users: buckets(users_series),
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
            ai_agents: {
                let scale = ratio_scale(&ai_agents);
                ai_agents
                    .into_iter()
                    .map(|r| AiAgentStats {
                        id: r.brain_parent_id.unwrap_or_else(|| "(unknown AI agent)".into()),
                        containment: r.containment.map(|v| v / scale),
                        coverage: r.coverage.map(|v| v / scale),
                        sessions: r.participated_sessions,
                    })
                    .collect()
            },
            ai_counts: ai_counts
                .into_iter()
                .map(|r| AiAgentCount {
                    id: r.brain_parent_id.unwrap_or_else(|| "(unknown AI agent)".into()),
                    sessions: r.num_sessions,
                    messages: r.num_requests,
                })
                .collect(),
            ai_duration: ai_duration
                .into_iter()
                .next()
                .map(|r| AiAverages {
                    all: r.average_duration,
                    contained: r.average_duration_contained,
                    non_contained: r.average_duration_non_contained,
                    covered: r.average_duration_covered,
                    non_covered: r.average_duration_non_covered,
                })
                .unwrap_or_default(),
            ai_messages: ai_messages
                .into_iter()
                .next()
                .map(|r| AiAverages {
                    all: r.average_messages,
                    contained: r.average_messages_contained,
                    non_contained: r.average_messages_non_contained,
                    covered: r.average_messages_covered,
                    non_covered: r.average_messages_non_covered,
                })
                .unwrap_or_default(),
            ai_distribution: ai_distribution.first().map(rows::AiDistribution::counts).unwrap_or_default(),
            gaps,
            unfiltered,
        })
    }
}
