//! A headline number with its previous value and the change a reader sees.

use crate::locale::Locale;
use serde::Serialize;

/// How a value is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Decimal,
    Minutes,
    Rating,
    Percent,
}

/// Which way is good news, so the change can be coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// The change from the previous period, ready to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// "▲ 12.3%", "▼ 4.0%", "±0%", "new", "—", or "▲ 2.1 pp" for percentages.
    pub text: String,
    /// "up", "down", "flat", "new" or "none".
    pub direction: &'static str,
    /// "good", "bad" or "neutral": drives the colour, never the only signal.
    pub tone: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpi {
    pub key: &'static str,
    pub label: String,
    pub unit: Unit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub display: String,
    pub previous_display: String,
    pub change: Change,
}

impl Kpi {
    pub fn new(
        l: Locale,
        key: &'static str,
        label: String,
        unit: Unit,
        better: Better,
        value: Option<f64>,
        previous: Option<f64>,
    ) -> Kpi {
        Kpi {
            key,
            label,
            unit,
            value,
            previous,
            display: format_value(l, value, unit),
            previous_display: format_value(l, previous, unit),
            change: change(l, value, previous, unit, better),
        }
    }
}

pub fn format_value(l: Locale, value: Option<f64>, unit: Unit) -> String {
    let Some(v) = value else {
        return "—".to_string();
    };
    match unit {
        Unit::Count => l.count(v.round() as i64),
        Unit::Decimal => l.decimal(v, 1),
        Unit::Minutes => l.minutes(v),
        Unit::Rating => format!("{} / 5", l.decimal(v, 2)),
        Unit::Percent => l.percent(v, 1),
    }
}

pub fn change(l: Locale, value: Option<f64>, previous: Option<f64>, unit: Unit, better: Better) -> Change {
    let (Some(v), Some(p)) = (value, previous) else {
        return Change { text: "—".into(), direction: "none", tone: "neutral" };
    };
    let (delta, text) = if unit == Unit::Percent {
        let pp = v - p;
        (pp, format!("{} {}", l.decimal(pp.abs(), 1), l.text("unit_pp")))
    } else if p == 0.0 {
        if v == 0.0 {
            return Change { text: format!("±{}", l.percent(0.0, 0)), direction: "flat", tone: "neutral" };
        }
        return Change { text: l.text("change_new"), direction: "new", tone: "neutral" };
    } else {
        let pct = (v - p) / p.abs() * 100.0;
        (pct, l.percent(pct.abs(), 1))
    };
    if delta.abs() < 0.05 {
        return Change { text: format!("±{}", l.percent(0.0, 0)), direction: "flat", tone: "neutral" };
    }
    let up = delta > 0.0;
    let good = up == (better == Better::Higher);
    Change {
        text: format!("{} {text}", if up { "▲" } else { "▼" }),
        direction: if up { "up" } else { "down" },
        tone: if good { "good" } else { "bad" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rise_is_an_up_arrow_with_one_decimal() {
        let c = change(Locale::En, Some(1123.0), Some(1000.0), Unit::Count, Better::Higher);
        assert_eq!((c.text.as_str(), c.direction, c.tone), ("▲ 12.3%", "up", "good"));
    }

    #[test]
    fn slower_responses_are_bad_news() {
        let c = change(Locale::En, Some(1.5), Some(2.0), Unit::Minutes, Better::Lower);
        assert_eq!((c.text.as_str(), c.tone), ("▼ 25.0%", "good"));
        let c = change(Locale::En, Some(2.0), Some(1.5), Unit::Minutes, Better::Lower);
        assert_eq!(c.tone, "bad");
    }

    #[test]
    fn a_change_from_zero_says_new_not_infinity() {
        let c = change(Locale::En, Some(5.0), Some(0.0), Unit::Count, Better::Higher);
        assert_eq!(c.text, "new");
        assert_eq!(change(Locale::En, Some(0.0), Some(0.0), Unit::Count, Better::Higher).text, "±0%");
        assert_eq!(change(Locale::En, None, Some(3.0), Unit::Rating, Better::Higher).text, "—");
    }

    #[test]
    fn shares_change_in_percentage_points() {
        let c = change(Locale::En, Some(80.0), Some(77.9), Unit::Percent, Better::Higher);
        assert_eq!(c.text, "▲ 2.1 pp");
    }

    #[test]
    fn values_are_formatted_for_people() {
        assert_eq!(format_value(Locale::De, Some(1234567.0), Unit::Count), "1.234.567");
        assert_eq!(format_value(Locale::De, Some(4.256), Unit::Rating), "4,26 / 5");
        assert_eq!(change(Locale::De, Some(80.0), Some(77.9), Unit::Percent, Better::Higher).text, "▲ 2,1 Pp.");
        assert_eq!(format_value(Locale::En, Some(1234567.0), Unit::Count), "1,234,567");
        assert_eq!(format_value(Locale::En, Some(0.75), Unit::Minutes), "45 s");
        assert_eq!(format_value(Locale::En, Some(1.84), Unit::Minutes), "1.8 min");
        assert_eq!(format_value(Locale::En, Some(125.0), Unit::Minutes), "2 h 05 min");
        assert_eq!(format_value(Locale::En, Some(4.256), Unit::Rating), "4.26 / 5");
        assert_eq!(format_value(Locale::En, None, Unit::Count), "—");
    }
}
