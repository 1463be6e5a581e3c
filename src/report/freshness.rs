//! Whether Moveo has the period's last day yet. Analytics arrive with a delay; a
//! report made too early would show a last day of nothing and call it a collapse.
//!
//! The rule: the last local day has no sessions while the same weekday of the four
//! weeks before had a median of at least `MIN_USUAL`. Only daily reports can tell
//! (they fetch those four weeks for the highlights); longer ranges are not checked.

use super::highlights::{median, sessions_by_day};
use super::History;
use crate::analytics::{Dataset, Field};
use crate::period::Period;
use chrono::{Days, NaiveDate};

/// A usual last day with fewer sessions than this says nothing when it is empty.
pub const MIN_USUAL: f64 = 10.0;

/// The period's last day looks not loaded yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub day: NaiveDate,
    /// The median sessions of the same weekday in the four weeks before.
    pub usual: u64,
}

pub fn last_day_missing(period: &Period, current: &Dataset, history: &History) -> Option<Missing> {
    let before = history.days.as_ref()?;
    if !current.has(Field::Sessions) || !before.has(Field::Sessions) {
        return None;
    }
    let day = period.last_day;
    let first = day.checked_sub_days(Days::new(28))?;
    let all: Vec<_> = before.sessions.iter().chain(&current.sessions).cloned().collect();
    let by_day = sessions_by_day(period.tz, &all, first.iter_days().take_while(|d| *d <= day));
    let earlier: Vec<f64> = (1..=4).filter_map(|w| by_day.get(&(day - Days::new(7 * w))).map(|&n| n as f64)).collect();
    let usual = median(&earlier)?;
    (by_day.get(&day).copied().unwrap_or(0) == 0 && usual >= MIN_USUAL).then_some(Missing { day, usual: usual as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Bucket;
    use crate::period::PeriodRequest;

    fn day_buckets(from: &str, counts: &[u64]) -> Vec<Bucket> {
        let first: NaiveDate = from.parse().unwrap();
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bucket { start: (first + Days::new(i as u64)).and_hms_opt(0, 0, 0).unwrap(), count })
            .collect()
    }

    fn case(last_week: &[u64], sunday_before: u64) -> Option<Missing> {
        let now = "2026-11-25T08:00:00Z".parse().unwrap();
        let period = Period::resolve(PeriodRequest::Weekly, chrono_tz::UTC, now).unwrap();
        let current = Dataset { sessions: day_buckets("2026-11-16", last_week), ..Dataset::default() };
        let mut weeks = Vec::new();
        for _ in 0..4 {
            weeks.extend([300, 310, 305, 290, 280, 150, sunday_before]);
        }
        let before = Dataset { sessions: day_buckets("2026-10-19", &weeks), ..Dataset::default() };
        last_day_missing(&period, &current, &History { days: Some(before), ..History::default() })
    }

    #[test]
    fn an_empty_last_day_is_missing_only_where_that_weekday_usually_has_traffic() {
        let day = "2026-11-22".parse().unwrap();
        assert_eq!(case(&[300, 310, 305, 290, 280, 150, 0], 140), Some(Missing { day, usual: 140 }));
        assert_eq!(case(&[300, 310, 305, 290, 280, 150, 3], 140), None, "a quiet day is still a day");
        assert_eq!(case(&[300, 310, 305, 290, 280, 150, 0], 0), None, "a business closed on Sundays");
    }
}
