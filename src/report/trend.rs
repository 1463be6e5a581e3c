//! The last 8 weeks (weekly reports) or 6 months (monthly reports) of each
//! headline figure, from one interval query per series over the whole span.

use crate::analytics::{Dataset, Interval, Window};
use crate::period::{Period, PeriodKind};
use chrono::{DateTime, Duration, TimeZone, Utc};
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
    let mut out = vec![period.clone()];
    while out.len() < length(period.kind) {
        let before = out.last().expect("starts non-empty").previous();
        out.push(before);
    }
    if out.len() < length(period.kind).max(1) {
        return Vec::new();
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

/// The window of the day history anomalies are judged against: the four weeks before `period`.
pub fn day_history(period: &Period) -> Window {
    Window { start: period.start - Duration::days(28), end: period.start, interval: Interval::Day }
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
    pub label: &'static str,
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

/// Which period a bucket belongs to: the one holding its first local midday, so a
/// bucket stepped in UTC still lands in the local week or month it mostly covers.
fn slot(start: chrono::NaiveDateTime, periods: &[Period]) -> Option<usize> {
    let at: DateTime<Utc> = Utc.from_utc_datetime(&start) + Duration::hours(12);
    periods.iter().position(|p| p.start <= at && at < p.end)
}

/// The trends of the six series in `data`, fetched over `periods`.
pub fn build(periods: &[Period], data: &Dataset) -> Vec<Trend> {
    if periods.is_empty() {
        return Vec::new();
    }
    let label = |p: &Period| match p.kind {
        PeriodKind::Monthly => p.first_day.format("%b %Y").to_string(),
        _ => p.first_day.format("%-d %b").to_string(),
    };
    let sums = |buckets: &[crate::analytics::Bucket]| {
        let mut values = vec![None; periods.len()];
        for b in buckets {
            if let Some(i) = slot(b.start, periods) {
                *values[i].get_or_insert(0.0) += b.count as f64;
            }
        }
        // A series that answered at all counts a missing bucket as none (the API leaves empty buckets out).
        if !buckets.is_empty() {
            values.iter_mut().for_each(|v| *v = Some(v.unwrap_or(0.0)));
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
    let response = weighted(
        data.response_times.iter().filter_map(|b| Some((slot(b.start, periods)?, b.times.avg?, 1.0))).collect(),
    );
    let rating =
        weighted(data.ratings.iter().filter_map(|b| Some((slot(b.start, periods)?, b.avg?, b.count as f64))).collect());
    let series = [
        ("sessions", "Sessions", sums(&data.sessions)),
        ("users", "Users", sums(&data.users)),
        ("messages", "User messages", sums(&data.messages)),
        ("agent_replies", "Agent replies", sums(&data.agent_replies)),
        ("avg_response", "Avg response time", response),
        ("avg_rating", "Avg rating", rating),
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
