//! The 21 operations, one `.graphql` file each, embedded at build time.
//!
//! Several root fields are the project's assumption (moveo-api.md §6); each file
//! says where it comes from, so a wrong guess is a one-file fix.

/// One GraphQL operation and the variables it declares.
#[derive(Debug)]
pub struct Query {
    /// The operation name as Moveo's overview lists it.
    pub title: &'static str,
    /// The `query Name(...)` operation name inside the file.
    pub operation: &'static str,
    pub text: &'static str,
}

impl Query {
    /// Variables the operation declares (`$name: type`). Hasura rejects
    /// variables an operation does not declare, so only these are sent.
    pub fn declares(&self, name: &str) -> bool {
        let header = self.text.split('{').next().unwrap_or("");
        header.split('$').skip(1).any(|rest| {
            let declared = rest.split(|c: char| c == ':' || c.is_whitespace()).next().unwrap_or("");
            declared == name
        })
    }
}

macro_rules! queries {
    ($($konst:ident = $title:literal, $op:literal, $file:literal;)*) => {
        $(pub const $konst: Query = Query {
            title: $title,
            operation: $op,
            text: include_str!(concat!("queries/", $file)),
        };)*
        /// Every operation, in the order of Moveo's overview.
        pub const ALL: &[Query] = &[$($konst),*];
    };
}

queries! {
    SESSIONS_PREVIEW = "SessionsPreviewV2", "SessionsPreviewV2", "sessions_preview_v2.graphql";
    SESSION_CONTENT = "SessionContentV2", "SessionContentV2", "session_content_v2.graphql";
    SESSIONS_INTERVAL = "LogsSessionsIntervalV2", "LogsSessionsIntervalV2", "logs_sessions_interval_v2.graphql";
    USERS_INTERVAL = "UsersIntervalV2", "UsersIntervalV2", "users_interval_v2.graphql";
    REQUESTS_INTERVAL = "LogRequestsIntervalV2", "LogRequestsIntervalV2", "log_requests_interval_v2.graphql";
    SESSIONS_COUNTS = "Sessions Counts", "SessionsCounts", "sessions_counts.graphql";
    REQUESTS_COUNTS = "Requests Counts", "RequestsCounts", "requests_counts.graphql";
    COUNTS_PER_AI_AGENT = "Counts Per AI Agent", "CountsPerBrain", "counts_per_brain.graphql";
    TOP_INTENTS = "TopIntentsV2", "TopIntentsV2", "top_intents_v2.graphql";
    MESSAGES_PER_HOUR = "MessagesPerHourV2", "MessagesPerHourV2", "messages_per_hour_v2.graphql";
    AGENTS_PERFORMANCE = "AgentsPerformance", "AgentsPerformance", "agents_performance.graphql";
    RESPONSE_TIMES_INTERVAL = "ResponseTimesInterval", "ResponseTimesInterval", "response_times_interval.graphql";
    RESPONSE_TIMES = "ResponseTimes", "ResponseTimes", "response_times.graphql";
    OPEN_CLOSED_INTERVAL = "OpenClosedSessionsInterval", "OpenClosedSessionsInterval", "open_closed_sessions_interval.graphql";
    AGENT_REPLIES_INTERVAL = "AgentRepliesInterval", "AgentRepliesInterval", "agent_replies_interval.graphql";
    SESSION_DURATION = "AI Agent Session Duration", "BrainSessionDuration", "brain_session_duration.graphql";
    SESSION_NUMBER_MESSAGES = "AI Agent Session Number Messages", "BrainSessionNumberMessages", "brain_session_number_messages.graphql";
    SESSION_MESSAGE_DISTRIBUTION = "AI Agent Session Message Distribution", "BrainSessionMessageDistribution", "brain_session_message_distribution.graphql";
    AI_AGENTS_PERFORMANCE = "AI Agents Performance", "BrainsPerformance", "brains_performance.graphql";
    RATINGS_INTERVAL = "RatingsInterval", "RatingsInterval", "ratings_interval.graphql";
    RATINGS_FEEDBACKS = "RatingsFeedbacks", "RatingsFeedbacks", "ratings_feedbacks.graphql";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_21_operations_each_named_in_its_file() {
        assert_eq!(ALL.len(), 21);
        for q in ALL {
            assert!(q.text.contains(&format!("query {}", q.operation)), "{} lacks its operation name", q.title);
            assert!(q.text.contains("rows:"), "{} must alias its root field to rows", q.title);
        }
    }

    #[test]
    fn declared_variables_are_read_from_the_header() {
        assert!(RATINGS_INTERVAL.declares("intervalInDays"));
        assert!(RATINGS_INTERVAL.declares("startDate"));
        assert!(!RATINGS_INTERVAL.declares("accountId"));
        assert!(!RATINGS_INTERVAL.declares("interval"));
        assert!(TOP_INTENTS.declares("limit"));
        assert!(SESSION_CONTENT.declares("sessionId"));
    }
}
