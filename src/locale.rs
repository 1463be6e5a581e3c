//! The reader's language: every word from a Fluent catalogue (`locales/*.ftl`), every
//! number, percentage and date in that language's format.
//!
//! Catalogues are embedded in the binary and parsed once per process. A key missing
//! from a translation falls back to English (and a test fails, see the tests below),
//! so a gap in a catalogue never costs a report.

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A language the reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "pt-BR")]
    PtBr,
}

type Bundle = FluentBundle<FluentResource>;

/// One argument of a catalogue message. Numbers meant for the reader are passed
/// already formatted (Fluent's own number format knows no grouping); a plain number
/// is for choosing a plural form.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::En, Locale::De, Locale::Es, Locale::PtBr];

    /// "de", "de-DE", "pt-BR", "pt_br", "es-MX" …: the language we have for it.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
        let (language, region) = tag.split_once('-').unwrap_or((&tag, ""));
        match (language, region) {
            ("en", _) => Some(Locale::En),
            ("de", _) => Some(Locale::De),
            ("es", _) => Some(Locale::Es),
            // European Portuguese differs in words and formats; only Brazil's is written.
            ("pt", "br" | "") => Some(Locale::PtBr),
            _ => None,
        }
    }

    /// The BCP 47 tag, as HTML's `lang` and Typst's `lang`/`region` want it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Es => "es",
            Locale::PtBr => "pt-BR",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!("../locales/en.ftl"),
            Locale::De => include_str!("../locales/de.ftl"),
            Locale::Es => include_str!("../locales/es.ftl"),
            Locale::PtBr => include_str!("../locales/pt-BR.ftl"),
        }
    }

    fn bundle(self) -> &'static Bundle {
        static BUNDLES: [OnceLock<Bundle>; 4] = [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        BUNDLES[self as usize].get_or_init(|| {
            let lang = self.tag().parse().unwrap_or_default();
            let mut bundle = Bundle::new_concurrent(vec![lang]);
            // Isolation marks (U+2068/2069) around every value would reach the PDF, the
            // CSV and subjects as invisible characters; user text is isolated by `dir="auto"`.
            bundle.set_use_isolating(false);
            // A syntax error skips only its own entry; the test below refuses any.
            let resource = FluentResource::try_new(self.source().to_string()).unwrap_or_else(|(partial, _)| partial);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::warn!(locale = self.tag(), ?errors, "catalogue has duplicate keys");
            }
            bundle
        })
    }

    /// The message `key` with no arguments.
    pub fn text(self, key: &str) -> String {
        self.fmt(key, &[])
    }

    /// The message `key` with `args`; English if this catalogue lacks it, the key if both do.
    pub fn fmt(self, key: &str, args: &[Arg]) -> String {
        match self.lookup(key, args) {
            Some((text, errors)) => {
                if !errors.is_empty() {
                    tracing::warn!(locale = self.tag(), key, ?errors, "catalogue message wants other arguments");
                }
                text
            }
            None => {
                tracing::warn!(locale = self.tag(), key, "no catalogue has this message");
                key.to_string()
            }
        }
    }

    fn lookup(self, key: &str, args: &[Arg]) -> Option<(String, Vec<fluent_bundle::FluentError>)> {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        [self, Locale::En].into_iter().find_map(|locale| {
            let bundle = locale.bundle();
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
            Some((text, errors))
        })
    }

    /// Every message that takes no arguments, for the templates (`t.key`). English
    /// fills what the catalogue lacks, so the map always has every key.
    pub fn labels(self) -> &'static BTreeMap<String, String> {
        static LABELS: [OnceLock<BTreeMap<String, String>>; 4] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        LABELS[self as usize].get_or_init(|| {
            Locale::En
                .keys()
                .into_iter()
                .filter_map(|key| match self.lookup(&key, &[]) {
                    Some((text, errors)) if errors.is_empty() => Some((key, text)),
                    _ => None,
                })
                .collect()
        })
    }

    /// The message keys this catalogue defines, in file order.
    pub fn keys(self) -> Vec<String> {
        match FluentResource::try_new(self.source().to_string()) {
            Ok(resource) | Err((resource, _)) => resource
                .entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect(),
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Locale::En => (',', '.'),
            Locale::De | Locale::Es | Locale::PtBr => ('.', ','),
        }
    }

    /// 12345 → "12,345" / "12.345"; Spanish leaves four digits alone ("3583", CLDR's
    /// minimum grouping of two).
    pub fn count(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let (group, _) = self.separators();
        let grouped = !(self == Locale::Es && digits.len() <= 4);
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if grouped && i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(c);
        }
        out
    }

    /// `x` with `places` decimals and the language's separators: "1,234.5" / "1.234,5".
    pub fn decimal(self, x: f64, places: usize) -> String {
        let text = format!("{:.*}", places, x.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let whole: i64 = whole.parse().unwrap_or(0);
        let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
        let mut out = format!("{sign}{}", self.count(whole));
        if !fraction.is_empty() {
            out.push(self.separators().1);
            out.push_str(fraction);
        }
        out
    }

    /// A percentage: "71.3%", "71,3 %" (German and Spanish put a no-break space before the sign).
    pub fn percent(self, x: f64, places: usize) -> String {
        let number = self.decimal(x, places);
        match self {
            Locale::En | Locale::PtBr => format!("{number}%"),
            Locale::De | Locale::Es => format!("{number}\u{a0}%"),
        }
    }

    /// Minutes as a person reads them: "45 s", "1.8 min", "2 h 05 min".
    pub fn minutes(self, minutes: f64) -> String {
        if minutes < 1.0 {
            format!("{} s", (minutes * 60.0).round() as i64)
        } else if minutes < 60.0 {
            format!("{} min", self.decimal(minutes, 1))
        } else {
            let total = minutes.round() as i64;
            format!("{} h {:02} min", total / 60, total % 60)
        }
    }

    /// "November", "noviembre"; `month` is 1–12.
    pub fn month(self, month: u32) -> String {
        self.text(&format!("month_{month}"))
    }

    /// "Nov", "Nov.", "nov", "nov.".
    pub fn month_short(self, month: u32) -> String {
        self.text(&format!("month_short_{month}"))
    }

    /// "Wednesday"; Monday is 1.
    pub fn weekday(self, date: NaiveDate) -> String {
        self.text(&format!("weekday_{}", date.weekday().number_from_monday()))
    }

    /// "Wednesdays", as in "the four Wednesdays before".
    pub fn weekday_plural(self, date: NaiveDate) -> String {
        self.text(&format!("weekdays_{}", date.weekday().number_from_monday()))
    }

    /// "Mon", "Mo.", "lun", "seg.".
    pub fn weekday_short(self, weekday: u32) -> String {
        self.text(&format!("weekday_short_{weekday}"))
    }

    fn date_args(self, date: NaiveDate) -> [Arg<'static>; 3] {
        [
            ("day", date.day().to_string().into()),
            ("month", self.month_short(date.month()).into()),
            ("year", date.year().to_string().into()),
        ]
    }

    /// "16 Nov", "16. Nov.", "16 nov", "16 de nov.".
    pub fn day_month(self, date: NaiveDate) -> String {
        self.fmt("date_day_month", &self.date_args(date))
    }

    /// "16 Nov 2026", "16. Nov. 2026", "16 nov 2026", "16 de nov. de 2026".
    pub fn date(self, date: NaiveDate) -> String {
        self.fmt("date_long", &self.date_args(date))
    }

    /// "Mon 16 Nov", "Mo., 16. Nov.", "lun 16 nov", "seg., 16 de nov.".
    pub fn weekday_date(self, date: NaiveDate) -> String {
        let [day, month, year] = self.date_args(date);
        let weekday = ("weekday", self.weekday_short(date.weekday().number_from_monday()).into());
        self.fmt("date_weekday", &[day, month, year, weekday])
    }

    /// "November 2026", "noviembre de 2026".
    pub fn month_year(self, date: NaiveDate) -> String {
        self.fmt("date_month_year", &[("month", self.month(date.month()).into()), ("year", date.year().into())])
    }

    /// A run of days as a reader writes it: "16–22 Nov 2026", "23.–29. Nov. 2026",
    /// "30 Nov – 6 Dec 2026", "29 Dec 2025 – 4 Jan 2026", "16 Nov 2026" for one day.
    pub fn days(self, first: NaiveDate, last: NaiveDate) -> String {
        if first == last {
            return self.date(first);
        }
        if first.year() != last.year() {
            return self.fmt("date_range", &[("first", self.date(first).into()), ("last", self.date(last).into())]);
        }
        if first.month() != last.month() {
            let last_args = self.date_args(last);
            return self.fmt(
                "date_range_same_year",
                &[("first", self.day_month(first).into()), ("last", self.day_month(last).into()), last_args[2].clone()],
            );
        }
        let [_, month, year] = self.date_args(last);
        self.fmt(
            "date_range_same_month",
            &[("first", first.day().to_string().into()), ("last", last.day().to_string().into()), month, year],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_and_has_exactly_the_english_keys() {
        let english = Locale::En.keys();
        for locale in Locale::ALL {
            let source = locale.source().to_string();
            if let Err((_, errors)) = FluentResource::try_new(source) {
                panic!("locales/{}.ftl does not parse: {errors:?}", locale.tag());
            }
            let keys = locale.keys();
            let missing: Vec<_> = english.iter().filter(|k| !keys.contains(k)).collect();
            let extra: Vec<_> = keys.iter().filter(|k| !english.contains(k)).collect();
            assert!(missing.is_empty(), "locales/{}.ftl lacks {missing:?}", locale.tag());
            assert!(extra.is_empty(), "locales/{}.ftl has keys English lacks: {extra:?}", locale.tag());
            let mut unique = keys.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "locales/{}.ftl defines a key twice", locale.tag());
        }
    }

    /// Every key the code and the templates ask for is in the English catalogue (and so,
    /// by the test above, in every catalogue). Keys built at run time are listed here.
    #[test]
    fn every_key_in_use_is_in_the_catalogue() {
        let english = Locale::En.keys();
        let mut wanted: Vec<String> = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        for dir in ["src", "templates"] {
            let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir)];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    sources.push((path.display().to_string(), text));
                }
            }
        }
        // This file's own tests ask for keys that must not exist.
        sources.retain(|(path, _)| !path.ends_with("src/locale.rs"));
        for (path, text) in &sources {
            // Rust asks with `.text("key")` / `.fmt("key", …)`; templates read `t.key`.
            let calls: &[&str] = if path.contains("/templates/") { &["t."] } else { &[".text(\"", ".fmt(\""] };
            for call in calls {
                for (at, _) in text.match_indices(call) {
                    if call == &"t." && text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.') {
                        continue;
                    }
                    let rest = &text[at + call.len()..];
                    let key: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !key.is_empty() {
                        wanted.push(format!("{key} ({path})"));
                    }
                }
            }
        }
        for m in 1..=12 {
            wanted.extend([format!("month_{m} (runtime)"), format!("month_short_{m} (runtime)")]);
        }
        for d in 1..=7 {
            wanted.extend([
                format!("weekday_{d} (runtime)"),
                format!("weekdays_{d} (runtime)"),
                format!("weekday_short_{d} (runtime)"),
            ]);
        }
        let missing: Vec<_> =
            wanted.iter().filter(|w| !english.contains(&w.split(' ').next().unwrap().to_string())).collect();
        assert!(missing.is_empty(), "keys used but not in locales/en.ftl: {missing:#?}");
    }

    #[test]
    fn a_missing_translation_falls_back_to_english_then_to_the_key() {
        assert_eq!(Locale::De.text("no_such_key"), "no_such_key");
        assert_eq!(Locale::De.text("month_11"), "November");
        assert_eq!(Locale::Es.text("month_11"), "noviembre");
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(Locale::En.count(3583), "3,583");
        assert_eq!(Locale::De.count(3583), "3.583");
        assert_eq!(Locale::PtBr.count(1234567), "1.234.567");
        assert_eq!(Locale::Es.count(3583), "3583");
        assert_eq!(Locale::Es.count(35830), "35.830");
        assert_eq!(Locale::En.count(-1000), "-1,000");
        assert_eq!(Locale::En.decimal(1234.56, 1), "1,234.6");
        assert_eq!(Locale::De.decimal(1234.56, 2), "1.234,56");
        assert_eq!(Locale::De.decimal(-0.01, 1), "0,0");
        assert_eq!(Locale::En.percent(71.26, 1), "71.3%");
        assert_eq!(Locale::De.percent(71.26, 1), "71,3\u{a0}%");
        assert_eq!(Locale::PtBr.percent(71.26, 1), "71,3%");
        assert_eq!(Locale::De.minutes(1.84), "1,8 min");
        assert_eq!(Locale::En.minutes(125.0), "2 h 05 min");
    }

    #[test]
    fn dates_follow_the_language() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let week = (d("2026-11-23"), d("2026-11-29"));
        assert_eq!(Locale::En.days(week.0, week.1), "23–29 Nov 2026");
        assert_eq!(Locale::De.days(week.0, week.1), "23.–29. Nov. 2026");
        assert_eq!(Locale::Es.days(week.0, week.1), "23–29 nov 2026");
        assert_eq!(Locale::PtBr.days(week.0, week.1), "23–29 de nov. de 2026");
        assert_eq!(Locale::En.days(d("2026-11-30"), d("2026-12-06")), "30 Nov – 6 Dec 2026");
        assert_eq!(Locale::De.days(d("2026-11-30"), d("2026-12-06")), "30. Nov. – 6. Dez. 2026");
        assert_eq!(Locale::En.days(d("2025-12-29"), d("2026-01-04")), "29 Dec 2025 – 4 Jan 2026");
        assert_eq!(Locale::En.month_year(d("2026-11-01")), "November 2026");
        assert_eq!(Locale::Es.month_year(d("2026-11-01")), "noviembre de 2026");
        assert_eq!(Locale::En.weekday_date(d("2026-11-16")), "Mon 16 Nov");
        assert_eq!(Locale::De.weekday_date(d("2026-11-16")), "Mo., 16. Nov.");
        assert_eq!(Locale::PtBr.weekday_date(d("2026-11-16")), "seg., 16 de nov.");
    }

    #[test]
    fn tags_are_read_leniently() {
        assert_eq!(Locale::parse("pt_BR"), Some(Locale::PtBr));
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse("es-MX"), Some(Locale::Es));
        assert_eq!(Locale::parse("pt-PT"), None);
        assert_eq!(Locale::parse("fr"), None);
    }
}
