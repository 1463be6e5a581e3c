//! Properties searched for with random inputs (proptest) instead of shown by examples:
//! periods in every zone and century, parsers that never panic and refuse what they do
//! not know, and filter values that survive their encoding.
//!
//! Each property runs `PROPTEST_CASES` cases (64 here, to keep the suite fast); run
//! `PROPTEST_CASES=10000 cargo test --test it properties` for a longer search.

use chrono::{Datelike, Days, NaiveDate, TimeZone, Weekday};
use chrono_tz::Tz;
use moveo_reports::period::{Period, PeriodKind, PeriodRequest};
use proptest::prelude::*;
use serde_json::Value;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..=2100, 1u32..=12, 1u32..=31).prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// Noon of `day` in `tz`, as the instant a schedule would fire.
fn noon(day: NaiveDate, tz: Tz) -> chrono::DateTime<chrono::Utc> {
    let local = day.and_hms_opt(12, 0, 0).unwrap();
    tz.from_local_datetime(&local).earliest().unwrap_or_else(|| tz.from_utc_datetime(&local)).to_utc()
}

fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "date",
            "counts",
            "intent",
            "weekday",
            "hour",
            "open_sessions",
            "closed_sessions",
            "rating",
            "avg_response_time",
            "brain_parent_id",
            "total_sessions",
            "period",
            "from",
            "to",
            "timezone",
            "report",
            "recipients",
            "scheduled_time",
            "locale",
            "dry_run",
            "resend",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,10}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec!["weekly", "monthly", "2026-11-01", "2026-11-01T00:00:00", "Europe/Berlin", "12"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Reads back a Postgres array literal of quoted elements, as Postgres does.
fn pg_parse(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut item = String::new();
                loop {
                    match chars.next()? {
                        '\\' => item.push(chars.next()?),
                        '"' => break,
                        c => item.push(c),
                    }
                }
                out.push(item);
            }
            ',' | ' ' => {}
            _ => return None,
        }
    }
    Some(out)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_weekly_period_is_monday_to_sunday_in_any_zone_and_the_previous_one_ends_where_it_starts(
        tz in zone(), day in date()
    ) {
        let p = Period::resolve(PeriodRequest::Weekly, tz, noon(day, tz)).unwrap();
        prop_assert_eq!(p.first_day.weekday(), Weekday::Mon);
        prop_assert_eq!(p.last_day, p.first_day + Days::new(6));
        prop_assert_eq!(p.day_count(), 7);
        prop_assert!(p.start < p.end);
        prop_assert!(p.last_day < day, "a week that has ended");
        let before = p.previous();
        prop_assert_eq!(before.end, p.start);
        prop_assert_eq!(before.last_day + Days::new(1), p.first_day);
    }

    #[test]
    fn a_monthly_period_is_the_previous_calendar_month(tz in zone(), day in date()) {
        let p = Period::resolve(PeriodRequest::Monthly, tz, noon(day, tz)).unwrap();
        prop_assert_eq!(p.kind, PeriodKind::Monthly);
        prop_assert_eq!(p.first_day.day(), 1);
        prop_assert_eq!(p.first_day.month(), p.last_day.month());
        prop_assert_eq!((p.last_day + Days::new(1)).day(), 1);
        prop_assert_eq!(p.last_day + Days::new(1), day.with_day(1).unwrap());
        prop_assert!(p.start < p.end);
        prop_assert_eq!(p.previous().end, p.start);
    }

    #[test]
    fn a_custom_range_of_n_days_has_n_days_and_a_row_per_day_or_week(
        tz in zone(), from in date(), n in 1u64..=366
    ) {
        let to = from + Days::new(n - 1);
        let p = Period::resolve(PeriodRequest::Range { from, to }, tz, noon(to + Days::new(2), tz)).unwrap();
        prop_assert_eq!(p.day_count() as u64, n);
        prop_assert!(p.start < p.end);
        prop_assert_eq!(p.previous().end, p.start);
        let empty = moveo_reports::analytics::Dataset::default();
        let spec = moveo_reports::spec::ReportSpec::demo("p");
        let history = moveo_reports::report::History::default();
        let report = moveo_reports::report::Report::build(&p, &empty, &empty, &history, &spec, "test", chrono::Utc::now());
        let rows = if report.meta.interval == "1 week" { n.div_ceil(7) } else { n };
        prop_assert_eq!(report.rows.len() as u64, rows);
    }

    #[test]
    fn the_event_parser_never_panics_and_refuses_unknown_fields(value in json(), extra in "[a-z]{3,10}") {
        let now = chrono::Utc::now();
        let _ = moveo_reports::lambda::parse_event(value, "r", now);
        let known = ["period", "from", "to", "timezone", "report", "recipients", "scheduled_time", "locale",
                     "dry_run", "resend"];
        prop_assume!(!known.contains(&extra.as_str()));
        let event = serde_json::json!({"period": "weekly", extra: true});
        prop_assert!(moveo_reports::lambda::parse_event(event, "r", now).is_err());
    }

    #[test]
    fn the_reports_file_parser_never_panics_and_refuses_unknown_keys(
        text in "[a-z_\\[\\]=\"{}, .0-9\n#-]{0,200}", extra in "[a-z]{3,10}"
    ) {
        let _ = moveo_reports::spec::parse(&text, "reports.toml");
        let known = ["id", "title", "cadences", "timezone", "filters", "audience", "locale", "brand", "goals",
                     "attachments", "enabled", "owners"];
        prop_assume!(!known.contains(&extra.as_str()));
        let file = format!(
            "[[report]]\nid = \"a\"\naccount_id = \"00000000-0000-4000-8000-000000000001\"\napi_key_env = \"K\"\n\
             audience = {{ to = [\"a@b.example\"] }}\n{extra} = 1\n"
        );
        let errors = moveo_reports::spec::parse(&file, "reports.toml").unwrap_err();
        prop_assert!(errors.to_string().contains(&format!("`{extra}`: unknown key")), "{}", errors);
    }

    #[test]
    fn row_parsing_never_panics_on_any_json(value in json()) {
        use moveo_reports::moveo::rows::*;
        let rows = Value::Array(vec![value]);
        let _ = serde_json::from_value::<Vec<IntervalCount>>(rows.clone());
        let _ = serde_json::from_value::<Vec<Count>>(rows.clone());
        let _ = serde_json::from_value::<Vec<TopIntent>>(rows.clone());
        let _ = serde_json::from_value::<Vec<HourCount>>(rows.clone());
        let _ = serde_json::from_value::<Vec<OpenClosed>>(rows.clone());
        let _ = serde_json::from_value::<Vec<Times>>(rows.clone());
        let _ = serde_json::from_value::<Vec<RatingFeedback>>(rows.clone());
        let _ = serde_json::from_value::<Vec<AgentPerformance>>(rows.clone());
        let _ = serde_json::from_value::<Vec<AiAgentPerformance>>(rows.clone());
        let _ = serde_json::from_value::<Vec<AiDistribution>>(rows);
    }

    #[test]
    fn filter_values_with_commas_quotes_and_braces_survive_their_encoding(
        items in prop::collection::vec("[a-z ,\"{}\\\\'é]{0,12}", 0..6)
    ) {
        let encoded = moveo_reports::moveo::variables::pg_array(&items);
        prop_assert_eq!(pg_parse(&encoded), Some(items));
    }
}
