//! The first step of the pipeline: which days a report covers.
//!
//! A period is a run of whole local days in the report's time zone. It is
//! turned into UTC bounds (start inclusive, end exclusive) once, here, so that
//! every later step — the API query, the demo data, the labels — agrees on
//! the same instants, across DST changes and month lengths.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::fmt;

/// The longest custom range we accept; more than a year is not a report, it is an export.
pub const MAX_DAYS: i64 = 366;

/// What the user asked for, before it is pinned to dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRequest {
    Weekly,
    Monthly,
    Range { from: NaiveDate, to: NaiveDate },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Weekly,
    Monthly,
    Custom,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Weekly => "weekly",
            PeriodKind::Monthly => "monthly",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PeriodKind::Weekly => "Weekly report",
            PeriodKind::Monthly => "Monthly report",
            PeriodKind::Custom => "Report",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("--to {to} is before --from {from}: the range must end on or after its first day")]
    EndBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("--to {to} is not over yet in {tz} (today is {today}): a report covers whole days that have ended")]
    InFuture { to: NaiveDate, today: NaiveDate, tz: Tz },
    #[error("--from {from} --to {to} spans {days} days; the longest range is {MAX_DAYS} days")]
    TooLong { from: NaiveDate, to: NaiveDate, days: i64 },
    #[error("--from {0} is before 2000: Moveo has no analytics that old")]
    TooEarly(NaiveDate),
    #[error("--tz '{0}' is not an IANA time zone (for example Europe/Berlin, America/New_York, UTC)")]
    UnknownZone(String),
}

/// Parses an IANA zone name, with an error that names the flag.
pub fn parse_zone(name: &str) -> Result<Tz, PeriodError> {
    name.trim().parse::<Tz>().map_err(|_| PeriodError::UnknownZone(name.to_string()))
}

/// A run of whole local days, with its UTC bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub tz: Tz,
    /// First local day, inclusive.
    pub first_day: NaiveDate,
    /// Last local day, inclusive.
    pub last_day: NaiveDate,
    /// Local midnight starting `first_day`, in UTC.
    pub start: DateTime<Utc>,
    /// Local midnight after `last_day`, in UTC (exclusive).
    pub end: DateTime<Utc>,
}

impl Period {
    /// Pins a request to dates, relative to `now` (the schedule's time on Lambda, so a
    /// retried or delayed run reports the same period).
    pub fn resolve(request: PeriodRequest, tz: Tz, now: DateTime<Utc>) -> Result<Period, PeriodError> {
        let today = now.with_timezone(&tz).date_naive();
        match request {
            PeriodRequest::Weekly => {
                // Monday of this week, then one week back: the last *full* week.
                let this_monday = today - Days::new(today.weekday().num_days_from_monday() as u64);
                let first = this_monday - Days::new(7);
                Ok(Period::new(PeriodKind::Weekly, tz, first, first + Days::new(6)))
            }
            PeriodRequest::Monthly => {
                let this_month = today.with_day(1).expect("day 1 exists in every month");
                let first = this_month - Months::new(1);
                Ok(Period::new(PeriodKind::Monthly, tz, first, this_month - Days::new(1)))
            }
            PeriodRequest::Range { from, to } => {
                if to < from {
                    return Err(PeriodError::EndBeforeStart { from, to });
                }
                // Also keeps date arithmetic (the previous period) far from chrono's limits.
                if from.year() < 2000 {
                    return Err(PeriodError::TooEarly(from));
                }
                if to >= today {
                    return Err(PeriodError::InFuture { to, today, tz });
                }
                let days = (to - from).num_days() + 1;
                if days > MAX_DAYS {
                    return Err(PeriodError::TooLong { from, to, days });
                }
                Ok(Period::new(PeriodKind::Custom, tz, from, to))
            }
        }
    }

    pub(crate) fn new(kind: PeriodKind, tz: Tz, first_day: NaiveDate, last_day: NaiveDate) -> Period {
        Period {
            kind,
            tz,
            first_day,
            last_day,
            start: local_midnight(first_day, tz),
            end: local_midnight(last_day + Days::new(1), tz),
        }
    }

    /// The period a reader compares against: the week, the month, or the same
    /// number of days immediately before.
    pub fn previous(&self) -> Period {
        match self.kind {
            PeriodKind::Weekly => {
                Period::new(self.kind, self.tz, self.first_day - Days::new(7), self.first_day - Days::new(1))
            }
            PeriodKind::Monthly => {
                Period::new(self.kind, self.tz, self.first_day - Months::new(1), self.first_day - Days::new(1))
            }
            PeriodKind::Custom => {
                let len = self.day_count() as u64;
                Period::new(self.kind, self.tz, self.first_day - Days::new(len), self.first_day - Days::new(1))
            }
        }
    }

    pub fn day_count(&self) -> usize {
        ((self.last_day - self.first_day).num_days() + 1) as usize
    }

    /// Every local day of the period, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first_day.iter_days().take(self.day_count())
    }

    /// A short human label: "16–22 Nov 2026", "1–30 Nov 2026", "28 Dec 2026 – 3 Jan 2027".
    pub fn label(&self) -> String {
        let (a, b) = (self.first_day, self.last_day);
        if self.kind == PeriodKind::Monthly {
            return a.format("%B %Y").to_string();
        }
        if a == b {
            return a.format("%-d %b %Y").to_string();
        }
        if a.year() != b.year() {
            format!("{} – {}", a.format("%-d %b %Y"), b.format("%-d %b %Y"))
        } else if a.month() != b.month() {
            format!("{} – {}", a.format("%-d %b"), b.format("%-d %b %Y"))
        } else {
            format!("{}–{}", a.format("%-d"), b.format("%-d %b %Y"))
        }
    }

    /// The part of a storage key that names the period: `2026-11-16_2026-11-22`.
    pub fn slug(&self) -> String {
        format!("{}_{}", self.first_day, self.last_day)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind.as_str(), self.slug(), self.tz)
    }
}

/// The first instant of a local day. Where midnight does not exist (a DST gap at
/// 00:00, as in some zones), the day starts at the first instant that does.
pub fn local_midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let mut time = day.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(instant) = tz.from_local_datetime(&time).earliest() {
            return instant.with_timezone(&Utc);
        }
        time += chrono::Duration::minutes(30);
    }
    // No zone skips more than two hours; fall back to treating the day as UTC.
    Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Berlin, UTC};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekly_is_the_last_full_monday_to_sunday_week() {
        let p = Period::resolve(PeriodRequest::Weekly, UTC, at("2026-11-25T10:00:00Z")).unwrap();
        assert_eq!((p.first_day, p.last_day), (date("2026-11-16"), date("2026-11-22")));
        assert_eq!(p.label(), "16–22 Nov 2026");
        // On a Monday the week that just ended is reported, not the one starting.
        let p = Period::resolve(PeriodRequest::Weekly, UTC, at("2026-11-23T07:00:00Z")).unwrap();
        assert_eq!(p.first_day, date("2026-11-16"));
    }

    #[test]
    fn weekly_uses_the_report_zone_for_today() {
        // Sunday 23:30 UTC is already Monday in Berlin: the week just ended is reported there.
        let now = at("2026-11-22T23:30:00Z");
        let utc = Period::resolve(PeriodRequest::Weekly, UTC, now).unwrap();
        let berlin = Period::resolve(PeriodRequest::Weekly, Berlin, now).unwrap();
        assert_eq!(utc.first_day, date("2026-11-09"));
        assert_eq!(berlin.first_day, date("2026-11-16"));
        assert_eq!(berlin.start, at("2026-11-15T23:00:00Z"));
    }

    #[test]
    fn week_across_spring_forward_in_berlin_is_167_hours() {
        let p = Period::resolve(PeriodRequest::Weekly, Berlin, at("2026-03-31T08:00:00Z")).unwrap();
        assert_eq!((p.first_day, p.last_day), (date("2026-03-23"), date("2026-03-29")));
        assert_eq!(p.start, at("2026-03-22T23:00:00Z"));
        assert_eq!(p.end, at("2026-03-29T22:00:00Z"));
        assert_eq!((p.end - p.start).num_hours(), 167);
    }

    #[test]
    fn week_across_fall_back_in_new_york_is_169_hours() {
        let p = Period::resolve(PeriodRequest::Weekly, New_York, at("2026-11-03T12:00:00Z")).unwrap();
        assert_eq!((p.first_day, p.last_day), (date("2026-10-26"), date("2026-11-01")));
        assert_eq!(p.start, at("2026-10-26T04:00:00Z"));
        assert_eq!(p.end, at("2026-11-02T05:00:00Z"));
        assert_eq!((p.end - p.start).num_hours(), 169);
    }

    #[test]
    fn monthly_is_the_previous_calendar_month_of_any_length() {
        let cases = [
            ("2026-03-01T09:00:00Z", "2026-02-01", "2026-02-28", 28),
            ("2024-03-15T09:00:00Z", "2024-02-01", "2024-02-29", 29),
            ("2026-12-01T09:00:00Z", "2026-11-01", "2026-11-30", 30),
            ("2026-11-01T09:00:00Z", "2026-10-01", "2026-10-31", 31),
            ("2027-01-01T09:00:00Z", "2026-12-01", "2026-12-31", 31),
        ];
        for (now, first, last, days) in cases {
            let p = Period::resolve(PeriodRequest::Monthly, UTC, at(now)).unwrap();
            assert_eq!((p.first_day, p.last_day, p.day_count()), (date(first), date(last), days), "{now}");
        }
    }

    #[test]
    fn previous_month_of_march_is_february_and_of_january_is_december() {
        let march = Period::resolve(PeriodRequest::Monthly, UTC, at("2024-04-02T00:00:00Z")).unwrap();
        assert_eq!(march.previous().first_day, date("2024-02-01"));
        assert_eq!(march.previous().last_day, date("2024-02-29"));
        let jan = Period::resolve(PeriodRequest::Monthly, UTC, at("2027-02-02T00:00:00Z")).unwrap();
        assert_eq!((jan.previous().first_day, jan.previous().last_day), (date("2026-12-01"), date("2026-12-31")));
    }

    #[test]
    fn a_week_over_new_year_has_a_label_with_both_years() {
        let p = Period::resolve(PeriodRequest::Weekly, UTC, at("2027-01-05T00:00:00Z")).unwrap();
        assert_eq!((p.first_day, p.last_day), (date("2026-12-28"), date("2027-01-03")));
        assert_eq!(p.label(), "28 Dec 2026 – 3 Jan 2027");
        assert_eq!(p.previous().first_day, date("2026-12-21"));
    }

    #[test]
    fn custom_range_is_inclusive_and_compares_with_the_same_length_before() {
        let req = PeriodRequest::Range { from: date("2026-11-01"), to: date("2026-11-15") };
        let p = Period::resolve(req, New_York, at("2026-11-25T00:00:00Z")).unwrap();
        assert_eq!(p.day_count(), 15);
        // 1 Nov 2026 is the fall-back day in New York: midnight is still EDT.
        assert_eq!(p.start, at("2026-11-01T04:00:00Z"));
        assert_eq!(p.end, at("2026-11-16T05:00:00Z"));
        let prev = p.previous();
        assert_eq!((prev.first_day, prev.last_day), (date("2026-10-17"), date("2026-10-31")));
        assert_eq!(p.label(), "1–15 Nov 2026");
    }

    #[test]
    fn impossible_ranges_are_errors_that_name_the_flag() {
        let now = at("2026-11-25T12:00:00Z");
        let range = |from: &str, to: &str| PeriodRequest::Range { from: date(from), to: date(to) };
        let err = Period::resolve(range("2026-11-10", "2026-11-01"), UTC, now).unwrap_err();
        assert!(err.to_string().contains("--to 2026-11-01 is before --from 2026-11-10"), "{err}");
        let err = Period::resolve(range("2026-11-20", "2026-11-25"), UTC, now).unwrap_err();
        assert!(err.to_string().contains("--to 2026-11-25 is not over yet"), "{err}");
        let err = Period::resolve(range("2025-01-01", "2026-01-31"), UTC, now).unwrap_err();
        assert!(err.to_string().contains("396 days"), "{err}");
        assert!(Period::resolve(range("2025-11-24", "2026-11-24"), UTC, now).is_ok());
        let err = Period::resolve(range("-262143-01-01", "-262143-01-02"), UTC, now).unwrap_err();
        assert!(err.to_string().contains("before 2000"), "{err}");
        let err = parse_zone("Europe/Berln").unwrap_err();
        assert!(err.to_string().starts_with("--tz 'Europe/Berln'"), "{err}");
    }
}
