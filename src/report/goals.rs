//! Targets a report's owner sets (containment ≥ 70 %, first response ≤ 60 s…),
//! shown as met or missed with the distance, and fed to the highlights.

use super::kpi::{format_value, Kpi, Unit};
use crate::locale::Locale;
use serde::Serialize;

/// Which side of the target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast,
    AtMost,
}

/// One target on a headline figure, in the figure's own unit (percent, minutes, rating).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// The KPI key: `containment`, `first_response`, `avg_rating`, …
    pub kpi: &'static str,
    pub bound: Bound,
    pub target: f64,
}

/// The goals a reports file can set: its key, the KPI, the bound, and how the file's
/// number becomes the KPI's unit (seconds are given, minutes are compared).
pub const GOAL_KEYS: &[(&str, &str, Bound, f64)] = &[
    ("containment_min", "containment", Bound::AtLeast, 1.0),
    ("coverage_min", "coverage", Bound::AtLeast, 1.0),
    ("first_response_max_seconds", "first_response", Bound::AtMost, 1.0 / 60.0),
    ("avg_response_max_seconds", "avg_response", Bound::AtMost, 1.0 / 60.0),
    ("avg_rating_min", "avg_rating", Bound::AtLeast, 1.0),
    ("ratings_above_3_min", "share_above_3", Bound::AtLeast, 1.0),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalResult {
    pub kpi: &'static str,
    pub label: String,
    /// "≥ 70.0%", "≤ 1.0 min" (a no-break space after the sign).
    pub target_display: String,
    pub actual_display: String,
    /// "met", "missed", or "no_data" when the figure could not be had.
    pub status: &'static str,
    /// "2.8 pp short", "12 s under", "0.14 above"; empty without data.
    pub distance_display: String,
    /// How far off, relative to the target (0.04 = 4 % short); 0 when met.
    pub shortfall: f64,
}

fn distance(l: Locale, delta: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{} {}", l.decimal(delta.abs(), 1), l.text("unit_pp")),
        Unit::Rating => l.decimal(delta.abs(), 2),
        _ => format_value(l, Some(delta.abs()), unit),
    }
}

pub fn evaluate(l: Locale, goals: &[Goal], kpis: &[Kpi]) -> Vec<GoalResult> {
    goals
        .iter()
        .map(|goal| {
            let kpi = kpis.iter().find(|k| k.key == goal.kpi);
            let (label, unit) = match kpi {
                Some(k) => (k.label.to_string(), k.unit),
                None => (goal.kpi.replace('_', " "), Unit::Decimal),
            };
            let sign = if goal.bound == Bound::AtLeast { "≥" } else { "≤" };
            // A no-break space: "≥" alone at a line's end reads as nothing.
            let target_display = format!("{sign}\u{a0}{}", format_value(l, Some(goal.target), unit));
            let Some(value) = kpi.and_then(|k| k.value) else {
                return GoalResult {
                    kpi: goal.kpi,
                    label,
                    target_display,
                    actual_display: "—".into(),
                    status: "no_data",
                    distance_display: String::new(),
                    shortfall: 0.0,
                };
            };
            let delta = value - goal.target;
            let met = match goal.bound {
                Bound::AtLeast => delta >= 0.0,
                Bound::AtMost => delta <= 0.0,
            };
            let side = match (goal.bound, met) {
                (Bound::AtLeast, true) => "goal_above",
                (Bound::AtLeast, false) => "goal_short",
                (Bound::AtMost, true) => "goal_under",
                (Bound::AtMost, false) => "goal_over",
            };
            let shortfall = if met || goal.target == 0.0 { 0.0 } else { (delta / goal.target).abs() };
            GoalResult {
                kpi: goal.kpi,
                label,
                target_display,
                actual_display: format_value(l, Some(value), unit),
                status: if met { "met" } else { "missed" },
                distance_display: l.fmt(side, &[("distance", distance(l, delta, unit).into())]),
                shortfall,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::kpi::Better;

    #[test]
    fn a_missed_goal_says_by_how_much_and_a_met_one_by_how_much_it_cleared() {
        let kpis = vec![
            Kpi::new(Locale::En, "containment", "Containment".into(), Unit::Percent, Better::Higher, Some(67.2), None),
            Kpi::new(
                Locale::En,
                "first_response",
                "Avg first response".into(),
                Unit::Minutes,
                Better::Lower,
                Some(0.8),
                None,
            ),
            Kpi::new(Locale::En, "avg_rating", "Avg rating".into(), Unit::Rating, Better::Higher, None, None),
        ];
        let goals = [
            Goal { kpi: "containment", bound: Bound::AtLeast, target: 70.0 },
            Goal { kpi: "first_response", bound: Bound::AtMost, target: 1.0 },
            Goal { kpi: "avg_rating", bound: Bound::AtLeast, target: 4.2 },
        ];
        let results = evaluate(Locale::En, &goals, &kpis);
        assert_eq!(results[0].status, "missed");
        assert_eq!(results[0].target_display, "≥\u{a0}70.0%");
        assert_eq!(results[0].distance_display, "2.8 pp short");
        assert!((results[0].shortfall - 0.04).abs() < 1e-9);
        assert_eq!((results[1].status, results[1].distance_display.as_str()), ("met", "12 s under"));
        assert_eq!(results[2].status, "no_data", "no NaN, no made-up distance");
    }
}
