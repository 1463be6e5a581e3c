//! Variables as the API wants them: UTC timestamps without a zone suffix,
//! Postgres array literals for `_uuid`/`_text`/`_int4`, interval strings.

use crate::analytics::Window;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Optional filters a deployment may set; empty means "all".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub desk_ids: Vec<String>,
    pub brain_ids: Vec<String>,
    pub channels: Vec<String>,
    pub tags: Vec<String>,
    /// `false` (the default) excludes test sessions, as a report should.
    pub include_test_sessions: bool,
}

/// `2026-11-16T00:00:00`: the API's timestamps carry no zone and mean UTC.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A Postgres array literal with every element quoted, so tags with spaces or
/// commas survive: `{"a", "b \"c\""}`.
pub fn pg_array<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> =
        items.iter().map(|s| format!("\"{}\"", s.as_ref().replace('\\', "\\\\").replace('"', "\\\""))).collect();
    format!("{{{}}}", quoted.join(", "))
}

/// Every variable a report query may take; each query sends the ones it declares.
pub fn candidates(window: &Window, account_id: &str, filters: &Filters, limit: Option<u32>) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("startDate".into(), timestamp(window.start).into());
    vars.insert("endDate".into(), timestamp(window.end).into());
    vars.insert("intervalInDays".into(), window.interval.as_pg().into());
    vars.insert("accountId".into(), account_id.into());
    if !filters.include_test_sessions {
        vars.insert("isTest".into(), false.into());
    }
    for (name, list) in [
        ("deskIds", &filters.desk_ids),
        ("brainIds", &filters.brain_ids),
        ("channels", &filters.channels),
        ("tags", &filters.tags),
    ] {
        if !list.is_empty() {
            vars.insert(name.into(), pg_array(list).into());
        }
    }
    if let Some(limit) = limit {
        vars.insert("limit".into(), limit.into());
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Interval;
    use chrono::TimeZone;

    #[test]
    fn arrays_are_postgres_literals_with_quoted_elements() {
        assert_eq!(pg_array(&["web", "whatsapp"]), r#"{"web", "whatsapp"}"#);
        assert_eq!(pg_array(&[r#"vip "gold", tier"#]), r#"{"vip \"gold\", tier"}"#);
    }

    #[test]
    fn bounds_are_utc_without_a_zone_suffix() {
        let start = Utc.with_ymd_and_hms(2026, 11, 15, 23, 0, 0).unwrap();
        let window = Window { start, end: start + chrono::Duration::days(7), interval: Interval::Day };
        let vars = candidates(&window, "acc", &Filters::default(), None);
        assert_eq!(vars["startDate"], "2026-11-15T23:00:00");
        assert_eq!(vars["endDate"], "2026-11-22T23:00:00");
        assert_eq!(vars["intervalInDays"], "1 day");
        assert_eq!(vars["isTest"], false);
        assert!(!vars.contains_key("deskIds"));
    }
}
