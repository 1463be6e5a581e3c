//! Typed rows, tolerant of what a Hasura server really sends: nulls, numbers as
//! strings (bigint/numeric), timestamps without a zone or with fractions, and
//! aggregates as a one-row list.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer};
use serde::Deserialize;

/// A JSON number, a numeric string, or null.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Float(f64),
    Text(String),
}

fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<Number>::deserialize(d)? {
        None => Ok(None),
        Some(Number::Float(v)) => Ok(Some(v)),
        Some(Number::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Number::Text(s)) => {
            s.trim().parse().map(Some).map_err(|_| de::Error::custom(format!("'{s}' is not a number")))
        }
    }
}

/// Optional float: null stays `None` ("nothing to average").
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    number(d)
}

/// A count: null means zero; negative or fractional counts are errors.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match number(d)? {
        None => Ok(0),
        Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 => Ok(v as u64),
        Some(v) => Err(de::Error::custom(format!("{v} is not a count"))),
    }
}

/// `2026-11-16T00:00:00`, `2026-11-16 00:00:00.123`, `2026-11-16T00:00:00Z` or `2026-11-16`, as UTC.
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = String::deserialize(d)?;
    parse_timestamp(&s).ok_or_else(|| de::Error::custom(format!("'{s}' is not a timestamp")))
}

pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN))
}

#[derive(Debug, Deserialize)]
pub struct IntervalCount {
    #[serde(deserialize_with = "timestamp")]
    pub date: NaiveDateTime,
    #[serde(deserialize_with = "count")]
    pub counts: u64,
}

#[derive(Debug, Deserialize)]
pub struct Count {
    #[serde(deserialize_with = "count")]
    pub counts: u64,
}

/// `GetSessionsCount` (moveo-api.md §3.6.a) names its count differently.
#[derive(Debug, Deserialize)]
pub struct SessionsCount {
    #[serde(deserialize_with = "count")]
    pub total_sessions: u64,
}

#[derive(Debug, Deserialize)]
pub struct TopIntent {
    pub intent: Option<String>,
    #[serde(deserialize_with = "count")]
    pub counts: u64,
}

#[derive(Debug, Deserialize)]
pub struct HourCount {
    #[serde(deserialize_with = "count")]
    pub counts: u64,
    #[serde(deserialize_with = "count")]
    pub weekday: u64,
    #[serde(deserialize_with = "count")]
    pub hour: u64,
}

#[derive(Debug, Deserialize)]
pub struct OpenClosed {
    #[serde(deserialize_with = "timestamp")]
    pub date: NaiveDateTime,
    #[serde(deserialize_with = "count")]
    pub open_sessions: u64,
    #[serde(deserialize_with = "count")]
    pub closed_sessions: u64,
}

/// Response times in minutes (moveo-api.md §3.11, §6).
#[derive(Debug, Deserialize)]
pub struct Times {
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_response_time: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub median_response_time: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_first_response_time: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub median_first_response_time: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct TimesInterval {
    #[serde(deserialize_with = "timestamp")]
    pub date: NaiveDateTime,
    #[serde(flatten)]
    pub times: Times,
}

#[derive(Debug, Deserialize)]
pub struct RatingsInterval {
    #[serde(deserialize_with = "timestamp")]
    pub date: NaiveDateTime,
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_rating: Option<f64>,
    #[serde(deserialize_with = "count")]
    pub num_ratings: u64,
    #[serde(deserialize_with = "count")]
    pub num_more_than_3: u64,
}

#[derive(Debug, Deserialize)]
pub struct RatingFeedback {
    #[serde(default, deserialize_with = "count")]
    pub rating: u64,
    pub feedback: Option<String>,
    pub agent_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AgentPerformance {
    pub agent_id: Option<String>,
    pub agent_name: Option<String>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_response_time: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_first_response_time: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub avg_rating: Option<f64>,
    #[serde(default, deserialize_with = "count")]
    pub ratings: u64,
    #[serde(default, deserialize_with = "count")]
    pub closed_conversations: u64,
    #[serde(default, deserialize_with = "count")]
    pub participated_sessions: u64,
    #[serde(default, deserialize_with = "count")]
    pub replies: u64,
}

/// `BrainsPerformance` (§3.19): containment and coverage per AI agent.
#[derive(Debug, Deserialize)]
pub struct AiAgentPerformance {
    pub brain_parent_id: Option<String>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub containment: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub coverage: Option<f64>,
    #[serde(default, deserialize_with = "count")]
    pub participated_sessions: u64,
}

/// `CountsPerBrain` (§3.8): sessions and messages per AI agent.
#[derive(Debug, Deserialize)]
pub struct AiAgentCount {
    pub brain_parent_id: Option<String>,
    #[serde(default, deserialize_with = "count")]
    pub num_sessions: u64,
    #[serde(default, deserialize_with = "count")]
    pub num_requests: u64,
}

/// `BrainSessionDuration` (§3.16): averages over all, contained and covered AI-agent sessions.
#[derive(Debug, Deserialize)]
pub struct AiDuration {
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_duration: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_duration_contained: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_duration_non_contained: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_duration_covered: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_duration_non_covered: Option<f64>,
}

/// `BrainSessionNumberMessages` (§3.17, assumed like §3.16).
#[derive(Debug, Deserialize)]
pub struct AiMessages {
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_messages: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_messages_contained: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_messages_non_contained: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_messages_covered: Option<f64>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub average_messages_non_covered: Option<f64>,
}

/// `BrainSessionMessageDistribution` (§3.18): sessions with 1, 2, … 10+ user messages.
#[derive(Debug, Deserialize)]
pub struct AiDistribution {
    #[serde(deserialize_with = "count")]
    pub one_message: u64,
    #[serde(deserialize_with = "count")]
    pub two_messages: u64,
    #[serde(deserialize_with = "count")]
    pub three_messages: u64,
    #[serde(deserialize_with = "count")]
    pub four_messages: u64,
    #[serde(deserialize_with = "count")]
    pub five_messages: u64,
    #[serde(deserialize_with = "count")]
    pub six_messages: u64,
    #[serde(deserialize_with = "count")]
    pub seven_messages: u64,
    #[serde(deserialize_with = "count")]
    pub eight_messages: u64,
    #[serde(deserialize_with = "count")]
    pub nine_messages: u64,
    #[serde(deserialize_with = "count")]
    pub ten_plus_messages: u64,
}

impl AiDistribution {
    pub fn counts(&self) -> Vec<u64> {
        vec![
            self.one_message,
            self.two_messages,
            self.three_messages,
            self.four_messages,
            self.five_messages,
            self.six_messages,
            self.seven_messages,
            self.eight_messages,
            self.nine_messages,
            self.ten_plus_messages,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_may_arrive_as_strings_and_nulls() {
        let row: IntervalCount = serde_json::from_str(r#"{"date":"2026-11-16T00:00:00","counts":"1234"}"#).unwrap();
        assert_eq!(row.counts, 1234);
        let row: Count = serde_json::from_str(r#"{"counts":null}"#).unwrap();
        assert_eq!(row.counts, 0);
        let row: RatingsInterval =
            serde_json::from_str(r#"{"date":"2026-11-16","avg_rating":null,"num_ratings":0,"num_more_than_3":"0"}"#)
                .unwrap();
        assert_eq!(row.avg_rating, None);
        assert!(serde_json::from_str::<Count>(r#"{"counts":"many"}"#).is_err());
        assert!(serde_json::from_str::<Count>(r#"{"counts":-1}"#).is_err());
    }

    #[test]
    fn timestamps_come_in_several_shapes() {
        let t = |s| parse_timestamp(s).unwrap().to_string();
        assert_eq!(t("2023-04-12T15:09:18.58"), "2023-04-12 15:09:18.580");
        assert_eq!(t("2022-04-16 00:00:00"), "2022-04-16 00:00:00");
        assert_eq!(t("2026-11-16T01:00:00+01:00"), "2026-11-16 00:00:00");
        assert_eq!(t("2026-11-16"), "2026-11-16 00:00:00");
        assert!(parse_timestamp("yesterday").is_none());
    }
}
