//! The operations the client sends, one `.graphql` file each, embedded at build
//! time and replaceable at run time.
//!
//! Ten of Moveo's 21 operations follow an assumed contract (moveo-api.md §6);
//! each file says where it comes from. A wrong guess is fixed without a rebuild:
//! a file of the same name in `MOVEO_QUERIES_DIR` (or, on Lambda, under
//! `queries/` in the report bucket) replaces the built-in one, and is checked
//! here when it is loaded.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// What kind of rows an operation answers with; decides the variables it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One row over the whole window (`counts`, averages).
    Aggregate,
    /// One row per bucket (`date: per_interval`); needs `$intervalInDays`.
    Interval,
    /// A list over the window (intents, agents, feedback, hour cells).
    List,
    /// One session by id; needs `$sessionId`, no window.
    Session,
}

/// One operation as the project knows it: its names and its built-in text.
#[derive(Debug)]
pub struct Spec {
    /// The operation's name as Moveo's overview lists it.
    pub title: &'static str,
    /// The `query Name(...)` operation name inside the file.
    pub operation: &'static str,
    /// The file name, in `src/moveo/queries/` and in an overrides folder.
    pub file: &'static str,
    pub shape: Shape,
    /// Whether the public docs show this operation (moveo-api.md §3/§4) or the project assumes it (§6).
    pub documented: bool,
    pub builtin: &'static str,
}

/// Every variable the client can fill. A query may declare any of these and no
/// other: Hasura rejects a declared variable that nothing sends only when it is
/// non-null, but it rejects an argument its function lacks even when null.
pub const FILLED: &[&str] = &[
    "accountId",
    "startDate",
    "endDate",
    "intervalInDays",
    "isTest",
    "deskIds",
    "brainIds",
    "channels",
    "tags",
    "limit",
    "sessionId",
];

/// The report's filters, as variable name and what a reader calls them.
pub const FILTERS: &[(&str, &str)] = &[
    ("deskIds", "desks"),
    ("brainIds", "AI agents"),
    ("channels", "channels"),
    ("tags", "tags"),
    ("isTest", "test-session exclusion"),
];

macro_rules! specs {
    ($($konst:ident = $title:literal, $op:literal, $file:literal, $shape:ident, $documented:literal;)*) => {
        $(pub const $konst: Spec = Spec {
            title: $title,
            operation: $op,
            file: $file,
            shape: Shape::$shape,
            documented: $documented,
            builtin: include_str!(concat!("queries/", $file)),
        };)*
    };
}

specs! {
    SESSIONS_PREVIEW = "SessionsPreviewV2", "SessionsPreviewV2", "sessions_preview_v2.graphql", List, true;
    SESSION_CONTENT = "SessionContentV2", "SessionContentV2", "session_content_v2.graphql", Session, true;
    SESSIONS_INTERVAL = "LogsSessionsIntervalV2", "LogsSessionsIntervalV2", "logs_sessions_interval_v2.graphql", Interval, false;
    USERS_INTERVAL = "UsersIntervalV2", "UsersIntervalV2", "users_interval_v2.graphql", Interval, false;
    REQUESTS_INTERVAL = "LogRequestsIntervalV2", "LogRequestsIntervalV2", "log_requests_interval_v2.graphql", Interval, false;
    SESSIONS_COUNTS = "Sessions Counts", "SessionsCounts", "sessions_counts.graphql", Aggregate, false;
    REQUESTS_COUNTS = "Requests Counts", "RequestsCounts", "requests_counts.graphql", Aggregate, true;
    COUNTS_PER_AI_AGENT = "Counts Per AI Agent", "CountsPerBrain", "counts_per_brain.graphql", List, true;
    TOP_INTENTS = "TopIntentsV2", "TopIntentsV2", "top_intents_v2.graphql", List, false;
    MESSAGES_PER_HOUR = "MessagesPerHourV2", "MessagesPerHourV2", "messages_per_hour_v2.graphql", List, true;
    AGENTS_PERFORMANCE = "AgentsPerformance", "AgentsPerformance", "agents_performance.graphql", List, true;
    RESPONSE_TIMES_INTERVAL = "ResponseTimesInterval", "ResponseTimesInterval", "response_times_interval.graphql", Interval, false;
    RESPONSE_TIMES = "ResponseTimes", "ResponseTimes", "response_times.graphql", Aggregate, false;
    OPEN_CLOSED_INTERVAL = "OpenClosedSessionsInterval", "OpenClosedSessionsInterval", "open_closed_sessions_interval.graphql", Interval, true;
    AGENT_REPLIES_INTERVAL = "AgentRepliesInterval", "AgentRepliesInterval", "agent_replies_interval.graphql", Interval, false;
    SESSION_DURATION = "AI Agent Session Duration", "BrainSessionDuration", "brain_session_duration.graphql", Aggregate, true;
    SESSION_NUMBER_MESSAGES = "AI Agent Session Number Messages", "BrainSessionNumberMessages", "brain_session_number_messages.graphql", Aggregate, false;
    SESSION_MESSAGE_DISTRIBUTION = "AI Agent Session Message Distribution", "BrainSessionMessageDistribution", "brain_session_message_distribution.graphql", Aggregate, true;
    AI_AGENTS_PERFORMANCE = "AI Agents Performance", "BrainsPerformance", "brains_performance.graphql", List, true;
    RATINGS_INTERVAL = "RatingsInterval", "RatingsInterval", "ratings_interval.graphql", Interval, true;
    RATINGS_FEEDBACKS = "RatingsFeedbacks", "RatingsFeedbacks", "ratings_feedbacks.graphql", List, true;
    // Documented neighbours (moveo-api.md §3.6, §4.1) that give a headline figure
    // when the assumed query for it is rejected, or give it better.
    SESSIONS_COUNTS_FAST = "Sessions Counts Fast", "SessionsCountsFast", "sessions_counts_fast.graphql", Aggregate, true;
    GET_SESSIONS_COUNT = "Get Sessions Count", "GetSessionsCount", "get_sessions_count.graphql", Aggregate, true;
    USERS_COUNTS = "Users Counts", "UsersCounts", "users_counts.graphql", Aggregate, true;
}

/// The 21 operations of Moveo's overview, in its order.
pub const OVERVIEW: &[&Spec] = &[
    &SESSIONS_PREVIEW,
    &SESSION_CONTENT,
    &SESSIONS_INTERVAL,
    &USERS_INTERVAL,
    &REQUESTS_INTERVAL,
    &SESSIONS_COUNTS,
    &REQUESTS_COUNTS,
    &COUNTS_PER_AI_AGENT,
    &TOP_INTENTS,
    &MESSAGES_PER_HOUR,
    &AGENTS_PERFORMANCE,
    &RESPONSE_TIMES_INTERVAL,
    &RESPONSE_TIMES,
    &OPEN_CLOSED_INTERVAL,
    &AGENT_REPLIES_INTERVAL,
    &SESSION_DURATION,
    &SESSION_NUMBER_MESSAGES,
    &SESSION_MESSAGE_DISTRIBUTION,
    &AI_AGENTS_PERFORMANCE,
    &RATINGS_INTERVAL,
    &RATINGS_FEEDBACKS,
];

/// The documented neighbours, in the order they are tried.
pub const NEIGHBOURS: &[&Spec] = &[&SESSIONS_COUNTS_FAST, &GET_SESSIONS_COUNT, &USERS_COUNTS];

/// Every operation the client may send.
pub fn all_specs() -> impl Iterator<Item = &'static Spec> {
    OVERVIEW.iter().chain(NEIGHBOURS).copied()
}

/// An operation ready to send: its spec and the text in force.
#[derive(Debug, Clone)]
pub struct Query {
    pub spec: &'static Spec,
    pub text: Arc<str>,
    /// Where the text came from when it replaces the built-in one.
    pub overridden_by: Option<String>,
}

impl Query {
    pub fn builtin(spec: &'static Spec) -> Query {
        Query { spec, text: Arc::from(spec.builtin), overridden_by: None }
    }

    pub fn operation(&self) -> &'static str {
        self.spec.operation
    }

    /// Variables the operation declares (`$name: type`). Hasura rejects
    /// variables an operation does not declare, so only these are sent.
    pub fn declares(&self, name: &str) -> bool {
        declared(&self.text).iter().any(|d| d == name)
    }

    /// The filters (reader's words) configured in `vars` that this operation cannot apply.
    pub fn unapplied_filters(&self, vars: &serde_json::Map<String, serde_json::Value>) -> Vec<&'static str> {
        if self.spec.shape == Shape::Session {
            // One session by id: filters do not apply to it.
            return Vec::new();
        }
        FILTERS.iter().filter(|(var, _)| vars.contains_key(*var) && !self.declares(var)).map(|(_, n)| *n).collect()
    }
}

/// The GraphQL text with `#` comments removed, so a commented-out line never counts.
fn code(text: &str) -> String {
    text.lines().map(|l| l.split('#').next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The variable names in the operation's header, `query Name($a: T, $b: U)`.
fn declared(text: &str) -> Vec<String> {
    let code = code(text);
    let header = code.split('{').next().unwrap_or("");
    header
        .split('$')
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| c == ':' || c.is_whitespace()).next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// The name after `query`, if the text is a named query operation.
fn operation_name(text: &str) -> Option<String> {
    let code = code(text);
    let rest = code.trim_start().strip_prefix("query")?;
    let name: String = rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Whether the first field inside the operation's selection is aliased `rows:`.
fn root_is_rows(text: &str) -> bool {
    let code = code(text);
    let Some((_, body)) = code.split_once('{') else { return false };
    let mut words = body.split(|c: char| c.is_whitespace() || c == '(').filter(|w| !w.is_empty());
    match words.next() {
        Some("rows:") => true,
        Some(w) if w.starts_with("rows:") => true,
        Some("rows") => words.next().is_some_and(|w| w.starts_with(':')),
        _ => false,
    }
}

/// Why a replacement file cannot be used. Each names the file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OverrideError {
    #[error("{location}: no built-in query has this file name; expected one of: {expected}")]
    UnknownFile { location: String, expected: String },
    #[error("{location}: the operation must be named `query {expected}(...)`, found {found}")]
    Operation { location: String, expected: &'static str, found: String },
    #[error("{location}: declares ${variable}, which the client never fills; it may declare only {allowed}")]
    Variable { location: String, variable: String, allowed: String },
    #[error("{location}: must declare ${variable} ({why})")]
    Missing { location: String, variable: &'static str, why: &'static str },
    #[error("{location}: the root field must be aliased to `rows:` (e.g. `rows: top_intents(args: {{...}})`)")]
    Alias { location: String },
    #[error("reading query overrides from {location}: {detail}")]
    Read { location: String, detail: String },
}

/// Checks a text for `spec`, as written in `location` (a path or an S3 key).
pub fn check_text(spec: &'static Spec, location: &str, text: &str) -> Result<(), OverrideError> {
    let location = location.to_string();
    match operation_name(text) {
        Some(name) if name == spec.operation => {}
        found => {
            return Err(OverrideError::Operation {
                location,
                expected: spec.operation,
                found: found.map_or_else(|| "no named query".to_string(), |n| format!("`{n}`")),
            })
        }
    }
    let declared = declared(text);
    if let Some(variable) = declared.iter().find(|d| !FILLED.contains(&d.as_str())) {
        return Err(OverrideError::Variable {
            location,
            variable: variable.clone(),
            allowed: FILLED.iter().map(|v| format!("${v}")).collect::<Vec<_>>().join(", "),
        });
    }
    let needs: &[(&str, &str)] = match spec.shape {
        Shape::Session => &[("sessionId", "the session to read")],
        Shape::Interval => &[
            ("startDate", "the period's first instant"),
            ("endDate", "the period's end"),
            ("intervalInDays", "the bucket size"),
        ],
        Shape::Aggregate | Shape::List => {
            &[("startDate", "the period's first instant"), ("endDate", "the period's end")]
        }
    };
    if let Some((variable, why)) = needs.iter().find(|(v, _)| !declared.iter().any(|d| d == v)) {
        return Err(OverrideError::Missing { location, variable, why });
    }
    if !root_is_rows(text) {
        return Err(OverrideError::Alias { location });
    }
    Ok(())
}

/// The operations in force: built-in, or replaced by a checked file.
#[derive(Debug, Clone)]
pub struct QuerySet {
    queries: Vec<Query>,
}

impl Default for QuerySet {
    fn default() -> Self {
        QuerySet { queries: all_specs().map(Query::builtin).collect() }
    }
}

impl QuerySet {
    /// Replaces built-in texts with `(location, file name, text)` triples; every
    /// problem in every file is reported, not only the first.
    pub fn with_overrides(files: Vec<(String, String, String)>) -> Result<QuerySet, Vec<OverrideError>> {
        let mut set = QuerySet::default();
        let mut errors = Vec::new();
        for (location, name, text) in files {
            let Some(query) = set.queries.iter_mut().find(|q| q.spec.file == name) else {
                let expected = all_specs().map(|s| s.file).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>();
                errors.push(OverrideError::UnknownFile { location, expected: expected.join(", ") });
                continue;
            };
            match check_text(query.spec, &location, &text) {
                Ok(()) => {
                    query.text = Arc::from(text);
                    query.overridden_by = Some(location);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, spec: &'static Spec) -> &Query {
        self.queries.iter().find(|q| q.spec.operation == spec.operation).expect("every spec has a query in the set")
    }

    pub fn overridden(&self) -> impl Iterator<Item = &Query> {
        self.queries.iter().filter(|q| q.overridden_by.is_some())
    }
}

/// Every `*.graphql` file of `dir`, as (path, file name, text), in name order.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String, String)>, OverrideError> {
    let read_error = |e: std::io::Error| OverrideError::Read {
        location: format!("MOVEO_QUERIES_DIR={}", dir.display()),
        detail: e.to_string(),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let text = std::fs::read_to_string(&path).map_err(read_error)?;
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            files.push((path.display().to_string(), name, text));
        }
    }
    files.sort();
    Ok(files)
}

/// Several override errors as one message, one per line.
pub fn describe(errors: &[OverrideError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_21_operations_and_each_builtin_file_passes_the_override_check() {
        assert_eq!(OVERVIEW.len(), 21);
        for spec in all_specs() {
            check_text(spec, spec.file, spec.builtin).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn assumed_queries_declare_only_what_their_documented_family_takes() {
        // §2.2/§3: the documented interval family (OpenClosedSessionsInterval, RatingsInterval)
        // takes no account_id or tags; §6's guesses must not add arguments a function may lack.
        for spec in all_specs().filter(|s| !s.documented) {
            let q = Query::builtin(spec);
            for never in ["integrationIds", "brainVersions", "agentIds", "minNumUserMessages"] {
                assert!(!q.declares(never), "{} declares ${never}", spec.file);
            }
            if spec.shape == Shape::Interval {
                assert!(!q.declares("accountId") && !q.declares("tags"), "{}", spec.file);
            }
        }
    }

    #[test]
    fn declared_variables_are_read_from_the_header() {
        let q = Query::builtin(&RATINGS_INTERVAL);
        assert!(q.declares("intervalInDays") && q.declares("startDate"));
        assert!(!q.declares("accountId") && !q.declares("interval"));
        assert!(Query::builtin(&TOP_INTENTS).declares("limit"));
        assert!(Query::builtin(&SESSION_CONTENT).declares("sessionId"));
    }

    const GOOD: &str = "# fixed after `check`\nquery TopIntentsV2($startDate: timestamp, $endDate: timestamp, $limit: Int) {\n  rows: top_intents(limit: $limit, args: {start_time: $startDate, end_time: $endDate}) { intent counts }\n}\n";

    #[test]
    fn an_override_replaces_the_builtin_text_and_says_where_it_came_from() {
        let set = QuerySet::with_overrides(vec![(
            "q/top_intents_v2.graphql".into(),
            "top_intents_v2.graphql".into(),
            GOOD.into(),
        )])
        .unwrap();
        let q = set.get(&TOP_INTENTS);
        assert!(q.text.contains("rows: top_intents("));
        assert_eq!(q.overridden_by.as_deref(), Some("q/top_intents_v2.graphql"));
        assert!(set.get(&SESSIONS_COUNTS).overridden_by.is_none());
    }

    #[test]
    fn every_bad_override_is_reported_with_its_file() {
        let file = |name: &str, text: &str| (format!("q/{name}"), name.to_string(), text.to_string());
        let errors = QuerySet::with_overrides(vec![
            file("top_intent.graphql", GOOD),
            file("top_intents_v2.graphql", &GOOD.replace("TopIntentsV2", "TopIntents")),
            file("sessions_counts.graphql", "query SessionsCounts($startDate: timestamp, $endDate: timestamp, $minNumUserMessages: Int) { rows: sessions_counts(args: {}) { counts } }"),
            file("requests_counts.graphql", "query RequestsCounts($startDate: timestamp, $endDate: timestamp) { requests_counts(args: {}) { counts } }"),
            file("ratings_interval.graphql", "query RatingsInterval($startDate: timestamp, $endDate: timestamp) { rows: ratings_interval_counts(args: {}) { avg_rating } }"),
        ])
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 5, "{text:#?}");
        assert!(text[0].starts_with("q/top_intent.graphql: no built-in query has this file name"), "{}", text[0]);
        assert!(text[1].contains("must be named `query TopIntentsV2(...)`, found `TopIntents`"), "{}", text[1]);
        assert!(text[2].contains("declares $minNumUserMessages, which the client never fills"), "{}", text[2]);
        assert!(
            text[3].starts_with("q/requests_counts.graphql: the root field must be aliased to `rows:`"),
            "{}",
            text[3]
        );
        assert!(text[4].contains("must declare $intervalInDays"), "{}", text[4]);
    }
}
