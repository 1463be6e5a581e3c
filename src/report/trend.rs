//! The last 8 weeks (weekly reports) or 6 months (monthly reports) of each
//! headline figure, from one interval query per series over the whole span.

use crate::analytics::{Dataset, Interval, Window};
use crate::locale::Locale;
use crate::period::{Period, PeriodKind};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::Serialize;

/// How many periods a trend shows, the report's own included.
pub fn length(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Weekly => 8,
        PeriodKind::Monthly => 6,
        PeriodKind::Custom => 0,
    }
}

/// The periods of the trend, oldest first, ending with `period`; empty for a custom range.
pub fn periods(period: &Period) -> Vec<Period> {
    if length(period.kind) == 0 {
        return Vec::new();
    }
    let mut out = vec![period.clone()];
    while out.len() < length(period.kind) {
        let before = out.last().expect("starts non-empty").previous();
        out.push(before);
    }
    out.reverse();
    out
}

/// The one window the trend's queries cover, bucketed by week or month.
pub fn window(periods: &[Period]) -> Option<Window> {
    let (first, last) = (periods.first()?, periods.last()?);
    let interval = if first.kind == PeriodKind::Monthly { Interval::Month } else { Interval::Week };
    Some(Window { start: first.start, end: last.end, interval })
}

/// The window of the day history anomalies are judged against: the four weeks before `period`,
/// from a local midnight (28 × 24 h would miss it across a DST change).
pub fn day_history(period: &Period) -> Window {
    let first = period.first_day - chrono::Days::new(28);
    let before = Period::new(PeriodKind::Custom, period.tz, first, period.first_day - chrono::Days::new(1));
    Window { start: before.start, end: period.start, interval: Interval::Day }
}

/// One point of a trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// "16 Nov" (the week's Monday) or "Nov 2026".
    pub label: String,
    pub value: Option<f64>,
}

/// One figure over the trend's periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The KPI it belongs to: `sessions`, `avg_response`, …
    pub key: &'static str,
    pub label: String,
    pub points: Vec<Point>,
}

impl Trend {
    /// The values before the last, for "usual" comparisons.
    pub fn history(&self) -> Vec<f64> {
        let n = self.points.len().saturating_sub(1);
        self.points[..n].iter().filter_map(|p| p.value).collect()
    }

    pub fn last(&self) -> Option<f64> {
        self.points.last().and_then(|p| p.value)
    }
}

/// Which period a bucket belongs to: the one holding the bucket's middle. Buckets are
/// stepped in UTC from the first one (and months drift: 30 Oct, 30 Nov … 28 Feb, 28 Mar),
/// so a bucket's start can sit in the local period before the one it mostly covers.
fn slot(start: chrono::NaiveDateTime, interval: Interval, periods: &[Period]) -> Option<usize> {
    let start: DateTime<Utc> = Utc.from_utc_datetime(&start);
    let middle = start + (interval.next(start) - start) / 2;
    periods.iter().position(|p| p.start <= middle && middle < p.end)
}

/// The trends of the six series in `data`, fetched over `periods`.
pub fn build(l: Locale, periods: &[Period], data: &Dataset) -> Vec<Trend> {
    if periods.is_empty() {
        return Vec::new();
    }
    let label = |p: &Period| match p.kind {
        PeriodKind::Monthly => l.fmt(
            "date_month_short_year",
            &[("month", l.month_short(p.first_day.month()).into()), ("year", p.first_day.year().into())],
        ),
        _ => l.day_month(p.first_day),
    };
    let interval = if periods[0].kind == PeriodKind::Monthly { Interval::Month } else { Interval::Week };
    let slot = |start| slot(start, interval, periods);
    let sums = |buckets: &[crate::analytics::Bucket]| {
        let mut values = vec![None; periods.len()];
        for b in buckets {
            if let Some(i) = slot(b.start) {
                *values[i].get_or_insert(0.0) += b.count as f64;
            }
        }
        // The API leaves empty buckets out: between the first and the last it returned, a missing
        // one had none. Before the first there may have been no account at all: left empty.
        let first = values.iter().position(Option::is_some);
        let last = values.iter().rposition(Option::is_some);
        if let (Some(first), Some(last)) = (first, last) {
            values[first..=last].iter_mut().for_each(|v| *v = Some(v.unwrap_or(0.0)));
        }
        values
    };
    // Averages are weighted by what they average over, where the API says it (ratings), else equally.
    let weighted = |points: Vec<(usize, f64, f64)>| {
        let mut acc = vec![(0.0, 0.0); periods.len()];
        for (i, value, weight) in points {
            acc[i].0 += value * weight;
            acc[i].1 += weight;
        }
        acc.into_iter().map(|(sum, w)| (w > 0.0).then(|| sum / w)).collect::<Vec<_>>()
    };
    let response =
        weighted(data.response_times.iter().filter_map(|b| Some((slot(b.start)?, b.times.avg?, 1.0))).collect());
    let rating = weighted(data.ratings.iter().filter_map(|b| Some((slot(b.start)?, b.avg?, b.count as f64))).collect());
    let series = [
        ("sessions", l.text("kpi_sessions"), sums(&data.sessions)),
        ("users", l.text("kpi_users"), sums(&data.users)),
        ("messages", l.text("kpi_messages"), sums(&data.messages)),
        ("agent_replies", l.text("kpi_agent_replies"), sums(&data.agent_replies)),
        ("avg_response", l.text("kpi_avg_response"), response),
        ("avg_rating", l.text("kpi_avg_rating"), rating),
    ];
    series
        .into_iter()
        .filter(|(_, _, values)| values.iter().any(Option::is_some))
        .map(|(key, name, values)| Trend {
            key,
            label: name,
            points: periods.iter().zip(values).map(|(p, value)| Point { label: label(p), value }).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Bucket;
    use crate::period::PeriodRequest;

    fn period(request: PeriodRequest, tz: chrono_tz::Tz) -> Period {
        Period::resolve(request, tz, "2026-12-02T09:00:00Z".parse().unwrap()).unwrap()
    }

    #[test]
    fn a_custom_range_has_no_trend() {
        let from = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        let custom = period(PeriodRequest::Range { from, to: from + chrono::Days::new(9) }, chrono_tz::UTC);
        assert!(periods(&custom).is_empty());
        assert_eq!(window(&periods(&custom)), None);
    }

    #[test]
    fn drifting_month_buckets_east_of_utc_land_in_the_month_they_cover() {
        let months = periods(&period(PeriodRequest::Monthly, chrono_tz::Europe::Berlin));
        assert_eq!(months.len(), 6);
        // Stepped as Postgres steps "1 month" from the first start (Berlin's 1 Jun is 31 May 22:00 UTC).
        let mut t = months[0].start;
        let mut data = Dataset::default();
        for i in 0..6 {
            data.sessions.push(Bucket { start: t.naive_utc(), count: 100 + i });
            t = Interval::Month.next(t);
        }
        let trend = &build(Locale::En, &months, &data)[0];
        let values: Vec<f64> = trend.points.iter().map(|p| p.value.unwrap()).collect();
        assert_eq!(values, [100.0, 101.0, 102.0, 103.0, 104.0, 105.0], "{:?}", trend.points);
        assert_eq!(trend.points[0].label, "Jun 2026");
    }

    #[test]
    fn weeks_before_the_first_bucket_are_unknown_not_zero() {
        let weeks = periods(&period(PeriodRequest::Weekly, chrono_tz::UTC));
        let mut data = Dataset::default();
        for (i, p) in weeks.iter().enumerate().skip(5) {
            if i != 6 {
                data.sessions.push(Bucket { start: p.start.naive_utc(), count: 50 });
            }
        }
        let values: Vec<Option<f64>> = build(Locale::En, &weeks, &data)[0].points.iter().map(|p| p.value).collect();
        assert_eq!(values, [None, None, None, None, None, Some(50.0), Some(0.0), Some(50.0)]);
    }
}
