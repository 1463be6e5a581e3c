//! A headline number with its previous value and the change a reader sees.

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
    pub label: &'static str,
    pub unit: Unit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub display: String,
    pub previous_display: String,
    pub change: Change,
}

impl Kpi {
    pub fn new(
        key: &'static str,
        label: &'static str,
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
            display: format_value(value, unit),
            previous_display: format_value(previous, unit),
            change: change(value, previous, unit, better),
        }
    }
}

pub fn format_value(value: Option<f64>, unit: Unit) -> String {
    let Some(v) = value else {
        return "—".to_string();
    };
    match unit {
        Unit::Count => group_thousands(v.round() as i64),
        Unit::Decimal => format!("{v:.1}"),
        Unit::Minutes => format_minutes(v),
        Unit::Rating => format!("{v:.2} / 5"),
        Unit::Percent => format!("{v:.1}%"),
    }
}

/// Minutes as a person reads them: "45 s", "1.8 min", "2 h 05 min".
pub fn format_minutes(minutes: f64) -> String {
    if minutes < 1.0 {
        format!("{} s", (minutes * 60.0).round() as i64)
    } else if minutes < 60.0 {
        format!("{minutes:.1} min")
    } else {
        let total = minutes.round() as i64;
        format!("{} h {:02} min", total / 60, total % 60)
    }
}

/// 12345 → "12,345".
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

pub fn change(value: Option<f64>, previous: Option<f64>, unit: Unit, better: Better) -> Change {
    let (Some(v), Some(p)) = (value, previous) else {
        return Change { text: "—".into(), direction: "none", tone: "neutral" };
    };
    let (delta, text) = if unit == Unit::Percent {
        let pp = v - p;
        (pp, format!("{:.1} pp", pp.abs()))
    } else if p == 0.0 {
        if v == 0.0 {
            return Change { text: "±0%".into(), direction: "flat", tone: "neutral" };
        }
        return Change { text: "new".into(), direction: "new", tone: "neutral" };
    } else {
        let pct = (v - p) / p.abs() * 100.0;
        (pct, format!("{:.1}%", pct.abs()))
    };
    if delta.abs() < 0.05 {
        return Change { text: "±0%".into(), direction: "flat", tone: "neutral" };
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
        let c = change(Some(1123.0), Some(1000.0), Unit::Count, Better::Higher);
        assert_eq!((c.text.as_str(), c.direction, c.tone), ("▲ 12.3%", "up", "good"));
    }

    #[test]
    fn slower_responses_are_bad_news() {
        let c = change(Some(1.5), Some(2.0), Unit::Minutes, Better::Lower);
        assert_eq!((c.text.as_str(), c.tone), ("▼ 25.0%", "good"));
        let c = change(Some(2.0), Some(1.5), Unit::Minutes, Better::Lower);
        assert_eq!(c.tone, "bad");
    }

    #[test]
    fn a_change_from_zero_says_new_not_infinity() {
        let c = change(Some(5.0), Some(0.0), Unit::Count, Better::Higher);
        assert_eq!(c.text, "new");
        assert_eq!(change(Some(0.0), Some(0.0), Unit::Count, Better::Higher).text, "±0%");
        assert_eq!(change(None, Some(3.0), Unit::Rating, Better::Higher).text, "—");
    }

    #[test]
    fn shares_change_in_percentage_points() {
        let c = change(Some(80.0), Some(77.9), Unit::Percent, Better::Higher);
        assert_eq!(c.text, "▲ 2.1 pp");
    }

    #[test]
    fn values_are_formatted_for_people() {
        assert_eq!(format_value(Some(1234567.0), Unit::Count), "1,234,567");
        assert_eq!(format_value(Some(0.75), Unit::Minutes), "45 s");
        assert_eq!(format_value(Some(1.84), Unit::Minutes), "1.8 min");
        assert_eq!(format_value(Some(125.0), Unit::Minutes), "2 h 05 min");
        assert_eq!(format_value(Some(4.256), Unit::Rating), "4.26 / 5");
        assert_eq!(format_value(None, Unit::Count), "—");
        assert_eq!(group_thousands(-1000), "-1,000");
    }
}
