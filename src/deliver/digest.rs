//! What every channel is given: the rendered report's summary, its model and
//! where the archive is. Channel adapters format this and nothing else.

pub use crate::report::text::{clip, one_line};
use crate::report::Report;
use serde::Serialize;

/// How many intents a chat message lists; the full list is in the report behind the link.
pub const CHAT_INTENTS: usize = 5;

/// One delivered report, channel-neutral.
pub struct Parcel<'a> {
    pub report_id: &'a str,
    pub report: &'a Report,
    /// A link a reader can open (presigned or public), when the store has one.
    pub link: Option<&'a str>,
    /// Where the archive is, for people: `s3://bucket/reports/…`.
    pub archive: &'a str,
}

/// A headline figure as chat messages show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// "▲ 12.3%" or "new"; empty when there is nothing to compare with.
    pub change: String,
    /// "good", "bad" or "neutral".
    pub tone: &'static str,
}

/// An intent line: name and its count.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntentLine {
    pub name: String,
    pub count: String,
    pub change: String,
}

/// The content every chat message carries, in the same order everywhere.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Digest {
    pub title: String,
    pub period: String,
    pub previous: String,
    pub figures: Vec<Figure>,
    pub intents: Vec<IntentLine>,
    /// One line per section left out (a query Moveo rejected).
    pub left_out: Vec<String>,
    pub demo: bool,
    pub link: Option<String>,
    /// The fixed words of a chat message, in the report's language.
    pub words: Words,
}

/// What chat messages say around the numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Words {
    pub compared_with: String,
    pub demo: String,
    pub missing: String,
    pub top_intents: String,
    pub open_report: String,
}

impl Words {
    pub fn of(l: crate::locale::Locale) -> Words {
        Words {
            compared_with: l.text("chat_compared_with"),
            demo: l.text("chat_demo"),
            missing: l.text("chat_missing"),
            top_intents: l.text("chart_intents"),
            open_report: l.text("chat_open_report"),
        }
    }
}

impl Digest {
    pub fn of(parcel: &Parcel<'_>) -> Digest {
        let report = parcel.report;
        Digest {
            title: report.subject(),
            period: report.meta.period_label.clone(),
            previous: report.meta.previous_label.clone(),
            figures: report
                .kpis
                .iter()
                .map(|k| Figure {
                    label: k.label.to_string(),
                    value: k.display.clone(),
                    change: if k.change.direction == "none" { String::new() } else { k.change.text.clone() },
                    tone: k.change.tone,
                })
                .collect(),
            intents: report
                .intents
                .iter()
                .take(CHAT_INTENTS)
                .map(|i| IntentLine {
                    name: i.name.clone(),
                    count: i.count_display.clone(),
                    change: i.change.text.clone(),
                })
                .collect(),
            left_out: report.coverage.gaps.iter().map(|g| g.left_out.clone()).collect(),
            demo: report.meta.demo,
            link: parcel.link.map(str::to_string),
            words: Words::of(report.meta.locale),
        }
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    use super::*;

    /// A digest with hostile, long and many-figure content, as formats must survive it.
    pub fn hostile() -> Digest {
        let figure = |i: usize| Figure {
            label: format!("Figure {i}"),
            value: format!("{}", i * 1000),
            change: "▲ 12.3%".into(),
            tone: "good",
        };
        Digest {
            title: "Brand <A> & \"B\" · Weekly report · 16–22 Nov 2026".into(),
            period: "16–22 Nov 2026".into(),
            previous: "9–15 Nov 2026".into(),
            figures: (1..=12).map(figure).collect(),
            intents: vec![
                IntentLine {
                    name: "<!channel> ping *everyone* <https://evil.example|click>".into(),
                    count: "120".into(),
                    change: "▲ 5%".into(),
                },
                IntentLine {
                    name: "[click](https://evil.example) **now**\n# heading".into(),
                    count: "80".into(),
                    change: "new".into(),
                },
                IntentLine { name: "x".repeat(500), count: "3".into(), change: "=".into() },
                IntentLine { name: "1. first - listed".into(), count: "2".into(), change: "=".into() },
            ],
            left_out: vec!["Top intents <b>".into()],
            demo: false,
            link: Some(
                "https://bucket.s3.amazonaws.com/reports/brand-a/report.pdf?X-Amz-Signature=abc&X-Amz-Expires=604800"
                    .into(),
            ),
            words: Words::of(crate::locale::Locale::En),
        }
    }
}
