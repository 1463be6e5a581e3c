//! The 3–5 findings at the top of every output, chosen by fixed rules and
//! ranked by the size of the effect. Every finding states the numbers behind it.
//! The rules and thresholds are documented in docs/highlights.md.
//!
//! "Usual" is the median of earlier values and "unusual" is measured with the
//! median absolute deviation (MAD), so one odd week does not hide the next.

use super::goals::GoalResult;
use super::kpi::{format_value, Kpi, Unit};
use super::trend::Trend;
use super::IntentRow;
use crate::analytics::AiAgentCount;
use crate::locale::Locale;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Below this many sessions in the period, no statistical finding is made.
pub const MIN_SESSIONS: u64 = 100;
/// A headline figure must sit this many robust deviations from its usual value…
pub const KPI_Z: f64 = 3.0;
/// …and differ from it by at least this share.
pub const KPI_MIN_CHANGE: f64 = 0.10;
/// Earlier values needed before anything is called usual.
pub const MIN_HISTORY: usize = 4;
/// A day must sit this many robust deviations from the same weekday before…
pub const DAY_Z: f64 = 3.5;
/// …differ by at least this share, and one of the two must have this many sessions.
pub const DAY_MIN_CHANGE: f64 = 0.30;
pub const DAY_MIN_SESSIONS: f64 = 20.0;
/// An intent needs this many uses in one of the two periods to be a finding…
pub const INTENT_MIN_VOLUME: u64 = 30;
/// …and must have grown or shrunk by at least this factor.
pub const INTENT_MIN_FACTOR: f64 = 1.5;
/// A change is "mostly one AI agent" when that agent made this share of it.
pub const AGENT_SHARE: f64 = 0.6;
pub const MAX_HIGHLIGHTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    /// Which rule found it: `kpi`, `day`, `intent`, `goal`, `ai_agent`, `quiet`.
    pub rule: &'static str,
    /// "good", "bad" or "neutral".
    pub tone: &'static str,
    pub text: String,
    /// The size of the effect, comparable across rules; the list is sorted by it.
    #[serde(skip)]
    pub score: f64,
}

/// Everything the rules look at.
pub struct Inputs<'a> {
    pub locale: Locale,
    pub sessions: u64,
    pub kpis: &'a [Kpi],
    pub trends: &'a [Trend],
    /// The trend's steps are months (else weeks).
    pub monthly: bool,
    /// Sessions per local day: the period's days and the four weeks before.
    pub days: &'a BTreeMap<NaiveDate, u64>,
    /// The period's days, in order; empty for weekly rows.
    pub period_days: &'a [NaiveDate],
    pub intents: &'a [IntentRow],
    pub goals: &'a [GoalResult],
    pub ai_now: &'a [AiAgentCount],
    pub ai_before: &'a [AiAgentCount],
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] })
}

/// How many robust standard deviations `x` is from the median of `history`, and that median.
/// The MAD is floored at 5 % of the median so a perfectly flat history does not turn any
/// wobble into an infinite score.
pub fn robust_z(x: f64, history: &[f64]) -> Option<(f64, f64)> {
    let m = median(history)?;
    let deviations: Vec<f64> = history.iter().map(|v| (v - m).abs()).collect();
    let mad = median(&deviations)?.max(0.05 * m.abs());
    if mad == 0.0 {
        return Some((if x == m { 0.0 } else { f64::INFINITY.copysign(x - m) }, m));
    }
    Some(((x - m) / (1.4826 * mad), m))
}

fn pct(l: Locale, change: f64) -> String {
    format!("{}{}", if change >= 0.0 { "+" } else { "−" }, l.percent(change.abs() * 100.0, 0))
}

fn steps(i: &Inputs) -> &'static str {
    if i.monthly {
        "months"
    } else {
        "weeks"
    }
}

fn lower_is_better(key: &str) -> bool {
    matches!(key, "avg_response" | "median_response" | "first_response")
}

fn tone(key: &str, up: bool) -> &'static str {
    if up != lower_is_better(key) {
        "good"
    } else {
        "bad"
    }
}

fn kpi_findings(i: &Inputs) -> Vec<Highlight> {
    let mut out = Vec::new();
    for trend in i.trends {
        let (Some(x), history) = (trend.last(), trend.history()) else { continue };
        if history.len() < MIN_HISTORY {
            continue;
        }
        let Some((z, m)) = robust_z(x, &history) else { continue };
        // Nothing usual to compare with (a new account): no finding.
        if m == 0.0 {
            continue;
        }
        let unit = match trend.key {
            "avg_response" => Unit::Minutes,
            "avg_rating" => Unit::Rating,
            _ => Unit::Count,
        };
        if unit == Unit::Count && m < DAY_MIN_SESSIONS * 2.5 && x < DAY_MIN_SESSIONS * 2.5 {
            continue;
        }
        let change = (x - m) / m.abs();
        if z.abs() < KPI_Z || change.abs() < KPI_MIN_CHANGE {
            continue;
        }
        let up = x > m;
        let l = i.locale;
        out.push(Highlight {
            rule: "kpi",
            tone: tone(trend.key, up),
            text: l.fmt(
                if up { "hl_kpi_above" } else { "hl_kpi_below" },
                &[
                    ("label", trend.label.clone().into()),
                    ("value", format_value(l, Some(x), unit).into()),
                    ("usual", format_value(l, Some(m), unit).into()),
                    ("n", history.len().into()),
                    ("steps", steps(i).into()),
                    ("change", pct(l, change).into()),
                ],
            ),
            score: z.abs().min(10.0),
        });
    }
    out
}

fn day_findings(i: &Inputs) -> Vec<Highlight> {
    let mut out = Vec::new();
    for &day in i.period_days {
        let Some(&x) = i.days.get(&day) else { continue };
        let history: Vec<f64> =
            (1..=4).filter_map(|w| i.days.get(&(day - chrono::Days::new(7 * w))).map(|&v| v as f64)).collect();
        if history.len() < 3 {
            continue;
        }
        let x = x as f64;
        let Some((z, m)) = robust_z(x, &history) else { continue };
        // A usual day of none (no traffic yet, or no account) says nothing about this one.
        if m <= 0.0 || m.max(x) < DAY_MIN_SESSIONS || z.abs() < DAY_Z {
            continue;
        }
        let change = (x - m) / m;
        if change.abs() < DAY_MIN_CHANGE {
            continue;
        }
        let l = i.locale;
        out.push(Highlight {
            rule: "day",
            tone: "neutral",
            text: l.fmt(
                "hl_day",
                &[
                    ("day", l.weekday_date(day).into()),
                    ("sessions", l.count(x as i64).into()),
                    ("factor", l.decimal(x / m, 1).into()),
                    ("weekday", l.weekday(day).into()),
                    ("weekdays", l.weekday_plural(day).into()),
                    ("usual", l.count(m.round() as i64).into()),
                    ("n", history.len().into()),
                ],
            ),
            score: z.abs().min(10.0) * 0.8,
        });
    }
    out
}

fn intent_findings(i: &Inputs) -> Vec<Highlight> {
    let mut moves: Vec<(f64, &IntentRow, u64)> = i
        .intents
        .iter()
        .filter_map(|row| {
            let before = row.previous?;
            if row.count.max(before) < INTENT_MIN_VOLUME {
                return None;
            }
            let factor = (row.count as f64 + 1.0) / (before as f64 + 1.0);
            (factor.log2().abs() >= INTENT_MIN_FACTOR.log2()).then_some((factor.log2(), row, before))
        })
        .collect();
    moves.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.name.cmp(&b.1.name)));
    let rising = moves.iter().find(|m| m.0 > 0.0);
    let falling = moves.iter().find(|m| m.0 < 0.0);
    [rising, falling]
        .into_iter()
        .flatten()
        .map(|&(log, row, before)| Highlight {
            rule: "intent",
            tone: "neutral",
            text: i.locale.fmt(
                if log > 0.0 { "hl_intent_rose" } else { "hl_intent_fell" },
                &[
                    ("intent", super::text::clip(&row.name, 60).into()),
                    ("before", i.locale.count(before as i64).into()),
                    ("now", i.locale.count(row.count as i64).into()),
                    (
                        "change",
                        if before > 0 {
                            pct(i.locale, (row.count as f64 - before as f64) / before as f64)
                        } else {
                            i.locale.text("change_new")
                        }
                        .into(),
                    ),
                ],
            ),
            score: log.abs() * 2.0,
        })
        .collect()
}

fn goal_findings(i: &Inputs) -> Vec<Highlight> {
    let mut out: Vec<Highlight> = i
        .goals
        .iter()
        .filter(|g| g.status == "missed")
        .map(|g| Highlight {
            rule: "goal",
            tone: "bad",
            text: i.locale.fmt(
                "hl_goal_missed",
                &[
                    ("label", g.label.as_str().into()),
                    ("actual", g.actual_display.as_str().into()),
                    ("target", g.target_display.as_str().into()),
                    ("distance", g.distance_display.as_str().into()),
                ],
            ),
            score: (4.0 + 10.0 * g.shortfall).min(9.0),
        })
        .collect();
    let met: Vec<String> = i
        .goals
        .iter()
        .filter(|g| g.status == "met")
        .map(|g| format!("{} {} ({})", g.label, g.actual_display, g.target_display))
        .collect();
    if !met.is_empty() {
        out.push(Highlight {
            rule: "goal",
            tone: "good",
            text: i.locale.fmt("hl_goals_met", &[("n", met.len().into()), ("list", met.join("; ").into())]),
            score: 1.5,
        });
    }
    out
}

fn ai_agent_findings(i: &Inputs) -> Vec<Highlight> {
    let mut ids: Vec<&str> = i.ai_now.iter().chain(i.ai_before).map(|a| a.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    if ids.len() < 2 {
        return Vec::new();
    }
    let sessions = |list: &[AiAgentCount], id: &str| list.iter().find(|a| a.id == id).map_or(0, |a| a.sessions) as f64;
    let before: f64 = i.ai_before.iter().map(|a| a.sessions as f64).sum();
    let now: f64 = i.ai_now.iter().map(|a| a.sessions as f64).sum();
    let delta = now - before;
    if delta.abs() < (0.05 * before).max(50.0) {
        return Vec::new();
    }
    let Some((id, d)) = ids
        .iter()
        .map(|id| (*id, sessions(i.ai_now, id) - sessions(i.ai_before, id)))
        .filter(|(_, d)| d.signum() == delta.signum())
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    else {
        return Vec::new();
    };
    let share = d / delta;
    if share < AGENT_SHARE {
        return Vec::new();
    }
    let l = i.locale;
    let signed = |v: f64| format!("{}{}", if v >= 0.0 { "+" } else { "−" }, l.count(v.abs().round() as i64));
    vec![Highlight {
        rule: "ai_agent",
        tone: "neutral",
        text: l.fmt(
            if delta > 0.0 { "hl_ai_agent_rise" } else { "hl_ai_agent_drop" },
            &[
                ("total", signed(delta).into()),
                ("agent", id.split('-').next().unwrap_or(id).to_string().into()),
                ("change", signed(d).into()),
                ("share", l.percent(share * 100.0, 0).into()),
            ],
        ),
        score: 2.0 + 2.0 * share,
    }]
}

/// The findings, largest effect first; "nothing unusual" when no rule fires.
pub fn find(i: &Inputs) -> Vec<Highlight> {
    let mut out = goal_findings(i);
    if i.sessions < MIN_SESSIONS {
        out.push(Highlight {
            rule: "quiet",
            tone: "neutral",
            text: i.locale.fmt(
                "hl_too_little",
                &[
                    ("sessions", i.locale.count(i.sessions as i64).into()),
                    ("n", i.sessions.into()),
                    ("min", i.locale.count(MIN_SESSIONS as i64).into()),
                ],
            ),
            score: 0.5,
        });
    } else {
        out.extend(kpi_findings(i));
        out.extend(day_findings(i));
        out.extend(intent_findings(i));
        out.extend(ai_agent_findings(i));
        if out.iter().all(|h| h.rule == "goal" && h.tone == "good") {
            // Without a trend (custom ranges) no headline figure was compared: say only what was.
            let key = if i.trends.is_empty() { "hl_nothing_unusual" } else { "hl_nothing_unusual_trend" };
            out.push(Highlight {
                rule: "quiet",
                tone: "neutral",
                text: i.locale.fmt(
                    key,
                    &[
                        ("steps", steps(i).into()),
                        ("volume", i.locale.count(INTENT_MIN_VOLUME as i64).into()),
                        ("factor", i.locale.decimal(INTENT_MIN_FACTOR, 1).into()),
                    ],
                ),
                score: 0.5,
            });
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(MAX_HIGHLIGHTS);
    out
}

/// Sessions per local day from interval buckets (UTC starts), with days the
/// series answered for but left out counted as zero.
pub fn sessions_by_day(
    tz: chrono_tz::Tz,
    buckets: &[crate::analytics::Bucket],
    days: impl Iterator<Item = NaiveDate>,
) -> BTreeMap<NaiveDate, u64> {
    use chrono::TimeZone;
    let mut out: BTreeMap<NaiveDate, u64> = days.map(|d| (d, 0)).collect();
    for b in buckets {
        let local = chrono::Utc.from_utc_datetime(&(b.start + chrono::Duration::hours(12))).with_timezone(&tz);
        if let Some(v) = out.get_mut(&local.date_naive()) {
            *v += b.count;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::kpi::{Better, Change};
    use crate::report::trend::Point;

    fn trend(key: &'static str, label: &'static str, values: &[f64]) -> Trend {
        Trend {
            key,
            label: label.to_string(),
            points: values.iter().map(|&v| Point { label: String::new(), value: Some(v) }).collect(),
        }
    }

    fn inputs<'a>(
        trends: &'a [Trend],
        kpis: &'a [Kpi],
        days: &'a BTreeMap<NaiveDate, u64>,
        period_days: &'a [NaiveDate],
        intents: &'a [IntentRow],
        goals: &'a [GoalResult],
    ) -> Inputs<'a> {
        Inputs {
            locale: Locale::En,
            sessions: 3000,
            kpis,
            trends,
            monthly: false,
            days,
            period_days,
            intents,
            goals,
            ai_now: &[],
            ai_before: &[],
        }
    }

    fn intent(name: &str, count: u64, previous: u64) -> IntentRow {
        IntentRow {
            rank: 1,
            name: name.into(),
            count,
            count_display: count.to_string(),
            share: 0.0,
            share_display: String::new(),
            previous: Some(previous),
            previous_display: previous.to_string(),
            change: Change { text: String::new(), direction: "up", tone: "neutral" },
            rank_change: "=".into(),
        }
    }

    /// Four weeks of a steady weekday rhythm, then the report's week.
    fn weeks(report_week: [u64; 7]) -> (BTreeMap<NaiveDate, u64>, Vec<NaiveDate>) {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let normal = [500, 520, 480, 510, 490, 250, 240];
        let mut days = BTreeMap::new();
        for w in 0..4u64 {
            for (d, base) in normal.iter().enumerate() {
                let day = monday - chrono::Days::new(28) + chrono::Days::new(w * 7 + d as u64);
                days.insert(day, base + (w * 7 + d as u64) % 13);
            }
        }
        let period: Vec<NaiveDate> = (0..7).map(|d| monday + chrono::Days::new(d)).collect();
        for (day, v) in period.iter().zip(report_week) {
            days.insert(*day, v);
        }
        (days, period)
    }

    #[test]
    fn a_planted_wednesday_is_found_with_its_numbers() {
        let (days, period) = weeks([505, 515, 1400, 500, 495, 255, 245]);
        let found = find(&inputs(&[], &[], &days, &period, &[], &[]));
        assert_eq!(found[0].rule, "day", "{found:#?}");
        assert!(
            found[0].text.starts_with("Wed 18 Nov had 1,400 sessions, 2.9× a usual Wednesday (median 486 "),
            "{}",
            found[0].text
        );
        assert!(found[0].text.ends_with("over the 4 Wednesdays before)."), "{}", found[0].text);
        let german = find(&Inputs { locale: Locale::De, ..inputs(&[], &[], &days, &period, &[], &[]) });
        assert!(german[0].text.starts_with("Mi., 18. Nov.: 1.400 Sitzungen, 2,9-mal so viele"), "{}", german[0].text);
        assert_eq!(found.iter().filter(|h| h.rule == "day").count(), 1, "only the planted day");
    }

    #[test]
    fn flat_series_yield_nothing_unusual() {
        let (days, period) = weeks([505, 515, 485, 500, 495, 255, 245]);
        let trends = [trend("sessions", "Sessions", &[3000.0, 3050.0, 2980.0, 3020.0, 3010.0, 2990.0, 3040.0, 3030.0])];
        let kpis = [Kpi::new(
            Locale::En,
            "sessions",
            "Sessions".into(),
            Unit::Count,
            Better::Higher,
            Some(3030.0),
            Some(3040.0),
        )];
        let intents = [intent("order_status", 300, 290)];
        let found = find(&inputs(&trends, &kpis, &days, &period, &intents, &[]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "quiet");
        assert!(found[0].text.starts_with("Nothing unusual"));
    }

    #[test]
    fn a_headline_figure_far_from_its_usual_weeks_is_a_finding() {
        let trends = [trend("sessions", "Sessions", &[3000.0, 3050.0, 2980.0, 3020.0, 3010.0, 2990.0, 3040.0, 4100.0])];
        let kpis = [Kpi::new(
            Locale::En,
            "sessions",
            "Sessions".into(),
            Unit::Count,
            Better::Higher,
            Some(4100.0),
            Some(3040.0),
        )];
        let found = find(&inputs(&trends, &kpis, &BTreeMap::new(), &[], &[], &[]));
        assert_eq!(found[0].rule, "kpi");
        assert_eq!(found[0].tone, "good");
        assert_eq!(
            found[0].text,
            "Sessions: 4,100, well above the usual 3,010 (the median of the previous 7 weeks; +36%)."
        );
    }

    #[test]
    fn a_tiny_intent_that_tripled_is_not_a_highlight_but_a_big_one_is() {
        let intents = [intent("gift_card_balance", 6, 2), intent("return_item", 310, 120)];
        let found = find(&inputs(&[], &[], &BTreeMap::new(), &[], &intents, &[]));
        assert!(found.iter().all(|h| !h.text.contains("gift_card_balance")), "{found:#?}");
        assert_eq!(found[0].text, "Intent “return_item” rose from 120 to 310 (+158%).");
    }

    #[test]
    fn a_missed_goal_leads_and_too_little_traffic_says_so_without_statistics() {
        let goals = crate::report::goals::evaluate(
            Locale::En,
            &[crate::report::goals::Goal {
                kpi: "containment",
                bound: crate::report::goals::Bound::AtLeast,
                target: 70.0,
            }],
            &[Kpi::new(
                Locale::En,
                "containment",
                "Containment".into(),
                Unit::Percent,
                Better::Higher,
                Some(61.0),
                None,
            )],
        );
        let (days, period) = weeks([5, 5, 40, 5, 5, 2, 2]);
        let mut quiet = inputs(&[], &[], &days, &period, &[], &goals);
        quiet.sessions = 64;
        let found = find(&quiet);
        assert_eq!(
            found[0].text,
            "Goal missed: Containment was 61.0% against a target of ≥\u{a0}70.0% (9.0 pp short)."
        );
        assert_eq!(
            found[1].text,
            "Too little traffic for highlights: 64 sessions in this period (highlights need 100 or more)."
        );
        assert_eq!(found.len(), 2, "no day finding from noise: {found:#?}");
    }

    #[test]
    fn robust_statistics_have_no_nan_or_division_by_zero() {
        assert_eq!(robust_z(5.0, &[]), None);
        assert_eq!(robust_z(0.0, &[0.0, 0.0, 0.0]), Some((0.0, 0.0)));
        assert_eq!(robust_z(3.0, &[0.0, 0.0, 0.0]).unwrap().0, f64::INFINITY);
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), Some(2.5));
    }
}
