//! The third step: the numbers a reader sees.
//!
//! `Report::build` turns two datasets (the period and the previous one) into
//! totals, changes, per-day rows, ranked tables and a week grid, all in the
//! report's time zone. Renderers only format what is here; they compute nothing.

pub mod ai;
pub mod coverage;
pub mod freshness;
pub mod goals;
pub mod highlights;
pub mod kpi;
pub mod text;
pub mod trend;

use crate::analytics::{Bucket, Dataset, Feedback, Field, Interval};
use crate::locale::Locale;
use crate::period::{Period, PeriodKind};
use crate::spec::ReportSpec;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
pub use coverage::Coverage;
use kpi::{Better, Kpi, Unit};
use serde::Serialize;

/// How many intents the tables and charts show.
pub const TOP_INTENTS: usize = 10;
/// How many feedback quotes the report prints.
pub const QUOTES: usize = 6;

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The language everything is written in; `lang` in HTML, Typst's `lang`.
    pub locale: Locale,
    pub title: String,
    pub kind: &'static str,
    pub period_label: String,
    pub previous_label: String,
    /// ISO dates, for machines (the workbook, the webhook).
    pub first_day: String,
    pub last_day: String,
    /// "16 Nov 2026 to 22 Nov 2026 (Europe/Berlin), compared with 9–15 Nov 2026".
    pub dates_line: String,
    /// "Generated 25 Nov 2026, 09:00 CET by moveo-reports from demo data for account demo."
    pub generated_line: String,
    /// What the sparklines show; empty without trends.
    pub trend_note: String,
    pub timezone: String,
    pub account: String,
    pub source: String,
    pub generated_at: String,
    pub interval: &'static str,
    /// Made from built-in demo data: every output says so.
    pub demo: bool,
    /// The subject line, from the report's subject template if it has one.
    pub subject: String,
    /// Whether the email carries the PDF (a report can leave it out).
    pub pdf_attached: bool,
    /// The "partial data" banner, when the period's last day was not loaded by the deadline.
    pub partial_data: Option<String>,
    pub brand: BrandView,
}

/// What the templates need of the report's brand.
#[derive(Debug, Clone, Serialize)]
pub struct BrandView {
    /// Accent colour for headings, links and the eyebrow: `#RRGGBB`.
    pub primary: String,
    /// The sender's display name, or the report's title: the logo's alt text.
    pub name: String,
    pub footer: Option<String>,
    /// Whether a logo is shown (the image travels beside the report as `logo.png`).
    pub logo: bool,
    pub logo_width: u32,
    pub logo_height: u32,
}

/// The day-by-day table as it is printed: only the columns the data supports.
#[derive(Debug, Clone, Serialize)]
pub struct DayTable {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub title: String,
    pub numeric: bool,
}

/// One row per day (or per week, for ranges longer than a quarter).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub short_label: String,
    pub sessions: u64,
    pub users: u64,
    pub messages: u64,
    pub agent_replies: u64,
    pub open: u64,
    pub closed: u64,
    pub avg_response: Option<f64>,
    pub median_response: Option<f64>,
    pub first_response: Option<f64>,
    pub ratings: u64,
    pub avg_rating: Option<f64>,
    /// "1.4 min" / "45 s" / "—", as tables print it.
    pub avg_response_display: String,
    /// "3.87" / "—".
    pub avg_rating_display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntentRow {
    pub rank: usize,
    pub name: String,
    pub count: u64,
    pub count_display: String,
    pub share: f64,
    pub share_display: String,
    pub previous: Option<u64>,
    pub previous_display: String,
    pub change: kpi::Change,
    /// "▲ 2", "▼ 1", "=", or "new" (in the report's language) when it was not in the previous top list.
    pub rank_change: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub rating: u8,
    pub stars: String,
    /// "4 of 5 stars", for screen readers.
    pub stars_label: String,
    pub text: String,
    pub agent: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ratings {
    pub count: u64,
    pub average: Option<f64>,
    pub share_above_3: Option<f64>,
    /// "120 ratings, average 4.12 / 5, 81.3% above 3."
    pub summary: String,
    /// Ratings 1..=5, with their share in percent.
    pub distribution: Vec<(u8, u64, f64)>,
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentRow {
    pub name: String,
    pub replies: u64,
    pub sessions: u64,
    pub closed: u64,
    pub replies_display: String,
    pub sessions_display: String,
    pub closed_display: String,
    pub avg_response: String,
    pub avg_first_response: String,
    pub avg_rating: String,
}

/// Messages by local weekday (Monday first) and local hour.
#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    pub cells: [[u64; 24]; 7],
    pub max: u64,
    pub busiest: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub meta: Meta,
    /// 3–5 findings, largest effect first.
    pub highlights: Vec<highlights::Highlight>,
    pub kpis: Vec<Kpi>,
    /// The last 8 weeks or 6 months of the headline figures that have a series.
    pub trends: Vec<trend::Trend>,
    pub goals: Vec<goals::GoalResult>,
    pub ai: Option<ai::AiView>,
    pub rows: Vec<Row>,
    pub table: DayTable,
    pub coverage: Coverage,
    pub intents: Vec<IntentRow>,
    pub ratings: Ratings,
    pub agents: Vec<AgentRow>,
    pub heatmap: Heatmap,
}

/// What the report compares the period with beyond the previous period.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The trend's periods, oldest first, ending with the report's own; empty for custom ranges.
    pub periods: Vec<Period>,
    /// The trend series over `periods`, by week or month.
    pub trend: Dataset,
    /// Sessions per day over the four weeks before the period (daily reports only).
    pub days: Option<Dataset>,
}

impl Report {
    pub fn build(
        period: &Period,
        current: &Dataset,
        previous: &Dataset,
        history: &History,
        spec: &ReportSpec,
        source: &str,
        now: DateTime<Utc>,
    ) -> Report {
        let l = spec.locale;
        let interval = Interval::for_days(period.day_count());
        let kind_title = l.text(match period.kind {
            PeriodKind::Weekly => "kind_weekly",
            PeriodKind::Monthly => "kind_monthly",
            PeriodKind::Custom => "kind_custom",
        });
        let this_period = period_label(l, period);
        let title = match &spec.title {
            Some(title) => format!("{title} · {kind_title} · {this_period}"),
            None => format!("{kind_title} · {this_period}"),
        };
        let brand = &spec.brand;
        // Shown at most 200 px wide and 60 px high in the email header, keeping its shape.
        let (logo_width, logo_height) = brand.logo.as_ref().map_or((0, 0), |l| {
            let scale = (200.0 / l.width as f64).min(60.0 / l.height as f64).min(1.0);
            ((l.width as f64 * scale).round() as u32, (l.height as f64 * scale).round() as u32)
        });
        let mut meta = Meta {
            subject: match &brand.subject {
                Some(template) => template.render(spec.title.as_deref().unwrap_or(&spec.id), &this_period, &kind_title),
                None => title.clone(),
            },
            pdf_attached: spec.attachments.pdf,
            partial_data: None,
            brand: BrandView {
                primary: brand.primary().to_string(),
                name: brand
                    .sender_name
                    .clone()
                    .or_else(|| spec.title.clone())
                    .unwrap_or_else(|| l.text("brand_default")),
                footer: brand.footer.clone(),
                logo: brand.logo.is_some(),
                logo_width,
                logo_height,
            },
            locale: l,
            title,
            kind: period.kind.as_str(),
            period_label: this_period,
            previous_label: period_label(l, &period.previous()),
            first_day: period.first_day.to_string(),
            last_day: period.last_day.to_string(),
            dates_line: l.fmt(
                "dates_line",
                &[
                    ("first", l.date(period.first_day).into()),
                    ("last", l.date(period.last_day).into()),
                    ("zone", period.tz.name().into()),
                    ("previous", period_label(l, &period.previous()).into()),
                ],
            ),
            timezone: period.tz.name().to_string(),
            account: spec.account.as_ref().map_or_else(|| "demo".to_string(), |a| a.id.clone()),
            source: source.to_string(),
            generated_at: {
                let local = now.with_timezone(&period.tz);
                l.fmt(
                    "date_time",
                    &[
                        ("date", l.date(local.date_naive()).into()),
                        ("time", local.format("%H:%M").to_string().into()),
                        ("zone", local.format("%Z").to_string().into()),
                    ],
                )
            },
            generated_line: String::new(),
            trend_note: String::new(),
            interval: interval.as_pg(),
            demo: source == "demo",
        };
        let coverage = Coverage::build(l, current, previous);
        let mut kpis = kpis(l, current, previous);
        kpis.retain(|k| !coverage.omitted_kpis.contains(&k.key));
        // An account without AI agents has no containment to show, not a "—".
        kpis.retain(|k| !matches!(k.key, "containment" | "coverage") || k.value.is_some() || k.previous.is_some());
        let rows = rows(l, period, interval, current);
        let intents = intents(l, current, previous);
        let trends = trend::build(l, &history.periods, &history.trend);
        meta.generated_line = l.fmt(
            "generated_line",
            &[
                ("at", meta.generated_at.as_str().into()),
                ("source", meta.source.as_str().into()),
                ("account", meta.account.as_str().into()),
            ],
        );
        if let Some(first) = trends.first() {
            meta.trend_note = l.fmt(
                "trend_note",
                &[
                    ("n", first.points.len().into()),
                    ("steps", if period.kind == PeriodKind::Monthly { "months" } else { "weeks" }.into()),
                ],
            );
        }
        let goals = goals::evaluate(l, &spec.goals, &kpis);
        let period_days: Vec<chrono::NaiveDate> = if interval == Interval::Day {
            period.first_day.iter_days().take(period.day_count()).collect()
        } else {
            Vec::new()
        };
        let days = match &history.days {
            Some(before) if before.has(Field::Sessions) && current.has(Field::Sessions) => {
                let first = period.first_day - chrono::Days::new(28);
                let all: Vec<_> = before.sessions.iter().chain(&current.sessions).cloned().collect();
                highlights::sessions_by_day(period.tz, &all, first.iter_days().take(28 + period.day_count()))
            }
            _ => Default::default(),
        };
        let both_counts = current.has(Field::AiCounts) && previous.has(Field::AiCounts);
        let highlights = highlights::find(&highlights::Inputs {
            locale: l,
            sessions: current.sessions_total,
            kpis: &kpis,
            trends: &trends,
            monthly: period.kind == PeriodKind::Monthly,
            days: &days,
            period_days: &period_days,
            intents: &intents,
            goals: &goals,
            // A rejected query in either period would read as a change: no breakdown then.
            ai_now: if both_counts { &current.ai_counts } else { &[] },
            ai_before: if both_counts { &previous.ai_counts } else { &[] },
        });
        Report {
            highlights,
            kpis,
            trends,
            goals,
            ai: ai::build(l, current),
            table: day_table(l, &rows, interval, &coverage),
            rows,
            coverage,
            intents,
            ratings: ratings(l, current),
            agents: agents(l, current),
            heatmap: heatmap(l, period, current),
            meta,
        }
    }

    /// The email subject: "Weekly report · 16–22 Nov 2026", marked when the data is made up.
    pub fn subject(&self) -> String {
        if self.meta.demo {
            format!("[{}] {}", self.meta.locale.text("demo_mark"), self.meta.subject)
        } else {
            self.meta.subject.clone()
        }
    }
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

struct RatingTotals {
    count: u64,
    average: Option<f64>,
    share_above_3: Option<f64>,
}

fn rating_totals(data: &Dataset) -> RatingTotals {
    let count: u64 = data.ratings.iter().map(|b| b.count).sum();
    let above: u64 = data.ratings.iter().map(|b| b.above_3).sum();
    // Weighted by the number of ratings in each bucket, not a mean of means.
    let weighted: f64 = data.ratings.iter().filter_map(|b| b.avg.map(|a| a * b.count as f64)).sum();
    RatingTotals {
        count,
        average: ratio(weighted, count as f64),
        share_above_3: ratio(above as f64 * 100.0, count as f64),
    }
}

fn sum(buckets: &[Bucket]) -> u64 {
    buckets.iter().map(|b| b.count).sum()
}

fn kpis(l: Locale, cur: &Dataset, prev: &Dataset) -> Vec<Kpi> {
    let (ai_now, ai_before) = (ai::overall(cur), ai::overall(prev));
    let (rc, rp) = (rating_totals(cur), rating_totals(prev));
    let closed = |d: &Dataset| d.open_closed.iter().map(|b| b.closed).sum::<u64>() as f64;
    let n = |v: u64| Some(v as f64);
    vec![
        Kpi::new(
            l,
            "sessions",
            l.text("kpi_sessions"),
            Unit::Count,
            Better::Higher,
            n(cur.sessions_total),
            n(prev.sessions_total),
        ),
        Kpi::new(l, "users", l.text("kpi_users"), Unit::Count, Better::Higher, n(cur.users_total), n(prev.users_total)),
        Kpi::new(
            l,
            "messages",
            l.text("kpi_messages"),
            Unit::Count,
            Better::Higher,
            n(cur.messages_total),
            n(prev.messages_total),
        ),
        Kpi::new(
            l,
            "messages_per_session",
            l.text("kpi_messages_per_session"),
            Unit::Decimal,
            Better::Higher,
            ratio(cur.messages_total as f64, cur.sessions_total as f64),
            ratio(prev.messages_total as f64, prev.sessions_total as f64),
        ),
        Kpi::new(
            l,
            "avg_response",
            l.text("kpi_avg_response"),
            Unit::Minutes,
            Better::Lower,
            cur.response_overall.avg,
            prev.response_overall.avg,
        ),
        Kpi::new(
            l,
            "median_response",
            l.text("kpi_median_response"),
            Unit::Minutes,
            Better::Lower,
            cur.response_overall.median,
            prev.response_overall.median,
        ),
        Kpi::new(
            l,
            "first_response",
            l.text("kpi_first_response"),
            Unit::Minutes,
            Better::Lower,
            cur.response_overall.avg_first,
            prev.response_overall.avg_first,
        ),
        Kpi::new(
            l,
            "agent_replies",
            l.text("kpi_agent_replies"),
            Unit::Count,
            Better::Higher,
            n(sum(&cur.agent_replies)),
            n(sum(&prev.agent_replies)),
        ),
        Kpi::new(
            l,
            "closed_sessions",
            l.text("kpi_closed_sessions"),
            Unit::Count,
            Better::Higher,
            Some(closed(cur)),
            Some(closed(prev)),
        ),
        Kpi::new(l, "ratings", l.text("kpi_ratings"), Unit::Count, Better::Higher, n(rc.count), n(rp.count)),
        Kpi::new(l, "avg_rating", l.text("kpi_avg_rating"), Unit::Rating, Better::Higher, rc.average, rp.average),
        Kpi::new(
            l,
            "share_above_3",
            l.text("kpi_share_above_3"),
            Unit::Percent,
            Better::Higher,
            rc.share_above_3,
            rp.share_above_3,
        ),
        Kpi::new(l, "containment", l.text("kpi_containment"), Unit::Percent, Better::Higher, ai_now.0, ai_before.0),
        Kpi::new(l, "coverage", l.text("kpi_coverage"), Unit::Percent, Better::Higher, ai_now.1, ai_before.1),
    ]
}

/// "16–22 Nov 2026" or "November 2026", in the report's language.
fn period_label(l: Locale, period: &Period) -> String {
    if period.kind == PeriodKind::Monthly {
        l.month_year(period.first_day)
    } else {
        l.days(period.first_day, period.last_day)
    }
}

/// Places an API bucket on the report's rows. Buckets are labelled by their UTC
/// start, which need not be the local midnight a row starts at: the server may
/// align to UTC days, and a day across a DST change is 23 or 25 hours. A bucket
/// goes to the row it overlaps most; one that overlaps the period at all is
/// never dropped, so the rows always add up to the totals.
fn row_index(start: NaiveDateTime, period: &Period, interval: Interval, rows: usize) -> Option<usize> {
    let start = Utc.from_utc_datetime(&start);
    let end = start + Duration::seconds(interval.seconds());
    if rows == 0 || end <= period.start || start >= period.end {
        return None;
    }
    let offset = (start - period.start).num_seconds() as f64;
    let index = (offset / interval.seconds() as f64).round();
    Some(index.clamp(0.0, (rows - 1) as f64) as usize)
}

fn rows(l: Locale, period: &Period, interval: Interval, data: &Dataset) -> Vec<Row> {
    let step = Duration::seconds(interval.seconds());
    let count = period.day_count().div_ceil((interval.seconds() / 86_400) as usize);
    let mut rows: Vec<Row> = (0..count)
        .map(|i| {
            let day = period.first_day + step * i as i32;
            let (label, short_label) = match interval {
                Interval::Day => (l.weekday_date(day), l.day_month(day)),
                Interval::Week => (l.fmt("date_week_of", &[("date", l.date(day).into())]), l.day_month(day)),
                // Rows are days or weeks; months are only the trend's buckets.
                Interval::Month => (l.month_year(day), l.month_short(day.month())),
            };
            Row {
                label,
                short_label,
                sessions: 0,
                users: 0,
                messages: 0,
                agent_replies: 0,
                open: 0,
                closed: 0,
                avg_response: None,
                median_response: None,
                first_response: None,
                ratings: 0,
                avg_rating: None,
                avg_response_display: String::new(),
                avg_rating_display: String::new(),
            }
        })
        .collect();
    let place = |start| row_index(start, period, interval, count);
    for (series, set) in [
        (&data.sessions, (|r: &mut Row, v| r.sessions += v) as fn(&mut Row, u64)),
        (&data.users, |r, v| r.users += v),
        (&data.messages, |r, v| r.messages += v),
        (&data.agent_replies, |r, v| r.agent_replies += v),
    ] {
        for bucket in series {
            if let Some(i) = place(bucket.start) {
                set(&mut rows[i], bucket.count);
            }
        }
    }
    for b in &data.open_closed {
        if let Some(i) = place(b.start) {
            rows[i].open += b.open;
            rows[i].closed += b.closed;
        }
    }
    for b in &data.response_times {
        if let Some(i) = place(b.start) {
            rows[i].avg_response = b.times.avg;
            rows[i].median_response = b.times.median;
            rows[i].first_response = b.times.avg_first;
        }
    }
    for b in &data.ratings {
        if let Some(i) = place(b.start) {
            rows[i].ratings += b.count;
            rows[i].avg_rating = b.avg;
        }
    }
    for row in &mut rows {
        row.avg_response_display = row.avg_response.map(|m| l.minutes(m)).unwrap_or_else(|| "—".into());
        row.avg_rating_display = row.avg_rating.map(|r| l.decimal(r, 2)).unwrap_or_else(|| "—".into());
    }
    rows
}

/// A day-table column: its key, its title and how a row prints in it.
type ColumnSpec = (&'static str, String, fn(Locale, &Row) -> String);

/// The day table's columns in print order, titled in the report's language; the CSV
/// and the workbook use the same titles.
pub fn column_titles(l: Locale) -> [(&'static str, String); 8] {
    [
        ("sessions", l.text("col_sessions")),
        ("users", l.text("col_users")),
        ("messages", l.text("col_messages")),
        ("agent_replies", l.text("col_agent_replies")),
        ("closed", l.text("col_closed")),
        ("avg_response", l.text("col_avg_response")),
        ("ratings", l.text("col_ratings")),
        ("avg_rating", l.text("col_avg_rating")),
    ]
}

fn day_table(l: Locale, rows: &[Row], interval: Interval, coverage: &Coverage) -> DayTable {
    let first = l.text(if interval == Interval::Week { "col_week" } else { "col_day" });
    let cells: [fn(Locale, &Row) -> String; 8] = [
        |l, r| l.count(r.sessions as i64),
        |l, r| l.count(r.users as i64),
        |l, r| l.count(r.messages as i64),
        |l, r| l.count(r.agent_replies as i64),
        |l, r| l.count(r.closed as i64),
        |_, r| r.avg_response_display.clone(),
        |l, r| l.count(r.ratings as i64),
        |_, r| r.avg_rating_display.clone(),
    ];
    let all: Vec<ColumnSpec> =
        column_titles(l).into_iter().zip(cells).map(|((key, title), cell)| (key, title, cell)).collect();
    let shown: Vec<_> = all.iter().filter(|(key, _, _)| !coverage.omitted_columns.contains(key)).collect();
    let mut columns = vec![Column { key: "label", title: first, numeric: false }];
    columns.extend(shown.iter().map(|(key, title, _)| Column { key, title: title.clone(), numeric: true }));
    let rows = rows
        .iter()
        .map(|row| std::iter::once(row.label.clone()).chain(shown.iter().map(|(_, _, cell)| cell(l, row))).collect())
        .collect();
    DayTable { columns, rows }
}

/// Most used first, ties by name: ranks must not depend on the order a server sends.
fn ranked(intents: &[crate::analytics::IntentCount]) -> Vec<&crate::analytics::IntentCount> {
    let mut ranked: Vec<_> = intents.iter().collect();
    ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.intent.cmp(&b.intent)));
    ranked
}

fn intents(l: Locale, cur: &Dataset, prev: &Dataset) -> Vec<IntentRow> {
    // A share of all user messages; the top list alone would inflate it.
    let listed: u64 = cur.top_intents.iter().map(|i| i.count).sum();
    let total = cur.messages_total.max(listed);
    let before_ranked = ranked(&prev.top_intents);
    ranked(&cur.top_intents)
        .into_iter()
        .take(TOP_INTENTS)
        .enumerate()
        .map(|(i, intent)| {
            let before = before_ranked.iter().position(|p| p.intent == intent.intent);
            let previous = before.map(|p| before_ranked[p].count);
            let rank_change = match before {
                None => l.text("change_new"),
                Some(p) if p == i => "=".to_string(),
                Some(p) if p > i => format!("▲ {}", p - i),
                Some(p) => format!("▼ {}", i - p),
            };
            IntentRow {
                rank: i + 1,
                name: intent.intent.clone(),
                count: intent.count,
                count_display: l.count(intent.count as i64),
                share: ratio(intent.count as f64 * 100.0, total as f64).unwrap_or(0.0),
                share_display: l.percent(ratio(intent.count as f64 * 100.0, total as f64).unwrap_or(0.0), 1),
                previous,
                previous_display: previous.map_or_else(|| "—".into(), |p| l.count(p as i64)),
                change: kpi::change(
                    l,
                    Some(intent.count as f64),
                    previous.map(|p| p as f64),
                    Unit::Count,
                    Better::Higher,
                ),
                rank_change,
            }
        })
        .collect()
}

fn ratings(l: Locale, data: &Dataset) -> Ratings {
    let totals = rating_totals(data);
    let mut counts = [0u64; 5];
    for f in &data.feedback {
        if (1..=5).contains(&f.rating) {
            counts[f.rating as usize - 1] += 1;
        }
    }
    let rated: u64 = counts.iter().sum();
    let mut summary =
        l.fmt("ratings_count", &[("count", l.count(totals.count as i64).into()), ("n", totals.count.into())]);
    if let Some(average) = totals.average {
        summary.push_str(&l.fmt("ratings_average", &[("average", l.decimal(average, 2).into())]));
    }
    if let Some(share) = totals.share_above_3 {
        summary.push_str(&l.fmt("ratings_above_3", &[("share", l.percent(share, 1).into())]));
    }
    summary.push('.');
    Ratings {
        summary,
        count: totals.count,
        average: totals.average,
        share_above_3: totals.share_above_3,
        distribution: (1..=5u8)
            .map(|r| {
                let n = counts[r as usize - 1];
                (r, n, ratio(n as f64 * 100.0, rated as f64).unwrap_or(0.0))
            })
            .collect(),
        quotes: quotes(l, &data.feedback),
    }
}

/// A few voices from both ends: the lowest ratings first (they are what a team
/// acts on), then the highest, each text once.
fn quotes(l: Locale, feedback: &[Feedback]) -> Vec<Quote> {
    let mut seen = std::collections::HashSet::new();
    let with_text = |low: bool| {
        feedback
            .iter()
            .filter(move |f| if low { f.rating <= 2 } else { f.rating >= 4 })
            .filter_map(|f| Some((f, f.text.as_deref()?.trim())))
            .filter(|(_, t)| !t.is_empty())
    };
    let mut out = Vec::new();
    for (f, text) in with_text(true).chain(with_text(false)) {
        let half = QUOTES / 2;
        let lows = out.iter().filter(|q: &&Quote| q.rating <= 2).count();
        if (f.rating <= 2 && lows >= half) || out.len() >= QUOTES || !seen.insert(text.to_string()) {
            continue;
        }
        out.push(Quote {
            rating: f.rating,
            stars: "★".repeat(f.rating as usize) + &"☆".repeat(5 - f.rating as usize),
            stars_label: l.fmt("stars_label", &[("stars", f.rating.into())]),
            text: text.to_string(),
            agent: f.agent_name.clone(),
        });
    }
    out
}

fn agents(l: Locale, data: &Dataset) -> Vec<AgentRow> {
    let mut agents = data.agents.clone();
    agents.sort_by(|a, b| b.replies.cmp(&a.replies).then(a.name.cmp(&b.name)));
    agents
        .into_iter()
        .map(|a| AgentRow {
            replies_display: l.count(a.replies as i64),
            sessions_display: l.count(a.sessions as i64),
            closed_display: l.count(a.closed as i64),
            name: a.name,
            replies: a.replies,
            sessions: a.sessions,
            closed: a.closed,
            avg_response: a.avg_response.map(|m| l.minutes(m)).unwrap_or_else(|| "—".into()),
            avg_first_response: a.avg_first_response.map(|m| l.minutes(m)).unwrap_or_else(|| "—".into()),
            avg_rating: a.avg_rating.map(|r| l.decimal(r, 2)).unwrap_or_else(|| "—".into()),
        })
        .collect()
}

/// The API counts hours in UTC; readers think in their own zone. The shift is
/// the zone's offset in the middle of the period (a DST change inside the
/// period moves at most one hour of one day).
fn heatmap(l: Locale, period: &Period, data: &Dataset) -> Heatmap {
    let middle = period.start + (period.end - period.start) / 2;
    let offset_hours = period.tz.offset_from_utc_datetime(&middle.naive_utc()).fix().local_minus_utc() / 3600;
    let mut cells = [[0u64; 24]; 7];
    for cell in &data.hourly {
        if !(1..=7).contains(&cell.weekday) || cell.hour > 23 {
            continue;
        }
        let utc_hour_of_week = (cell.weekday as i32 - 1) * 24 + cell.hour as i32;
        let local = (utc_hour_of_week + offset_hours).rem_euclid(168);
        cells[(local / 24) as usize][(local % 24) as usize] += cell.count;
    }
    let (mut max, mut busiest) = (0, (0, 0));
    for (d, row) in cells.iter().enumerate() {
        for (h, &v) in row.iter().enumerate() {
            if v > max {
                max = v;
                busiest = (d, h);
            }
        }
    }
    Heatmap {
        cells,
        max,
        busiest: if max == 0 {
            l.text("busiest_none")
        } else {
            let weekday = l.text(&format!("weekday_{}", busiest.0 + 1));
            format!("{weekday} {:02}:00–{:02}:00", busiest.1, (busiest.1 + 1) % 24)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::{AnalyticsSource, DemoData, HourCell, Scope, Window};
    use crate::period::PeriodRequest;
    use chrono_tz::{America::New_York, Europe::Berlin};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    async fn demo_report(period: &Period) -> Report {
        let demo = DemoData::default();
        let window = |p: &Period| Window { start: p.start, end: p.end, interval: Interval::for_days(p.day_count()) };
        let spec = ReportSpec::demo("acct");
        let cur = demo.fetch(&spec, window(period), Scope::Full).await.unwrap();
        let prev = demo.fetch(&spec, window(&period.previous()), Scope::Totals).await.unwrap();
        Report::build(period, &cur, &prev, &History::default(), &spec, "demo", at("2026-11-25T08:00:00Z"))
    }

    #[tokio::test]
    async fn a_weekly_report_has_seven_rows_that_add_up_to_the_kpis() {
        let period = Period::resolve(PeriodRequest::Weekly, Berlin, at("2026-11-25T08:00:00Z")).unwrap();
        let report = demo_report(&period).await;
        assert_eq!(report.rows.len(), 7);
        assert_eq!(report.rows[0].label, "Mon 16 Nov");
        let sessions: u64 = report.rows.iter().map(|r| r.sessions).sum();
        assert_eq!(Some(sessions as f64), report.kpis[0].value);
        assert_eq!(report.meta.title, "Weekly report · 16–22 Nov 2026");
        // Berlin's Monday starts on Sunday evening UTC; it is still a busy weekday.
        assert!(report.rows[0].sessions * 3 > report.rows[6].sessions * 4, "{:?}", report.rows);
        assert_eq!(report.intents.len(), TOP_INTENTS);
        assert!(report.ratings.quotes.len() >= 3);
    }

    #[test]
    fn utc_aligned_buckets_land_on_the_local_day_they_overlap_most() {
        let period = Period::resolve(PeriodRequest::Weekly, New_York, at("2026-11-25T08:00:00Z")).unwrap();
        // New York days start at 05:00 UTC; a bucket labelled 00:00 UTC of the 17th covers
        // 19:00 on the 16th to 19:00 on the 17th local: mostly the 17th, row 1.
        let start = "2026-11-17T00:00:00".parse().unwrap();
        assert_eq!(row_index(start, &period, Interval::Day, 7), Some(1));
        let aligned = "2026-11-16T05:00:00".parse().unwrap();
        assert_eq!(row_index(aligned, &period, Interval::Day, 7), Some(0));
        // The last UTC day bucket of the week still holds five hours of Sunday.
        let edge = "2026-11-23T00:00:00".parse().unwrap();
        assert_eq!(row_index(edge, &period, Interval::Day, 7), Some(6));
        let outside = "2026-11-24T00:00:00".parse().unwrap();
        assert_eq!(row_index(outside, &period, Interval::Day, 7), None);
    }

    #[tokio::test]
    async fn rows_add_up_to_the_totals_across_a_dst_change() {
        // 25 Oct 2026: Berlin falls back, the week is 169 hours and needs 8 daily buckets.
        for now in ["2026-10-27T08:00:00Z", "2026-03-31T08:00:00Z", "2026-11-03T08:00:00Z"] {
            for tz in [Berlin, New_York] {
                let period = Period::resolve(PeriodRequest::Weekly, tz, at(now)).unwrap();
                let report = demo_report(&period).await;
                let rows: u64 = report.rows.iter().map(|r| r.sessions).sum();
                assert_eq!(Some(rows as f64), report.kpis[0].value, "{tz} {now}");
            }
        }
    }

    #[tokio::test]
    async fn a_range_longer_than_a_quarter_has_a_row_per_week() {
        let range = PeriodRequest::Range { from: "2026-03-02".parse().unwrap(), to: "2026-07-26".parse().unwrap() };
        let period = Period::resolve(range, Berlin, at("2026-11-25T08:00:00Z")).unwrap();
        let report = demo_report(&period).await;
        assert_eq!(report.meta.interval, "1 week");
        assert_eq!(report.rows.len(), 21);
        assert_eq!(report.rows[0].label, "Week of 2 Mar 2026");
        let rows: u64 = report.rows.iter().map(|r| r.sessions).sum();
        assert_eq!(Some(rows as f64), report.kpis[0].value);
        let charts = crate::render::charts::render_all(&report).unwrap();
        assert_eq!(charts[0].title, "Sessions, users and messages per week");
        assert!(charts[0].alt.ends_with("over 21 weeks."), "{}", charts[0].alt);
    }

    #[test]
    fn missing_buckets_are_zero_rows_not_missing_rows() {
        let period = Period::resolve(PeriodRequest::Weekly, Berlin, at("2026-11-25T08:00:00Z")).unwrap();
        let data = Dataset {
            sessions: vec![Bucket { start: "2026-11-17T00:00:00".parse().unwrap(), count: 9 }],
            ..Dataset::default()
        };
        let report = Report::build(
            &period,
            &data,
            &Dataset::default(),
            &History::default(),
            &ReportSpec::demo("a"),
            "test",
            Utc::now(),
        );
        let sessions: Vec<u64> = report.rows.iter().map(|r| r.sessions).collect();
        assert_eq!(sessions, [0, 9, 0, 0, 0, 0, 0]);
        assert_eq!(report.kpis.iter().find(|k| k.key == "avg_rating").unwrap().display, "—");
    }

    #[test]
    fn the_week_grid_is_shifted_into_the_report_zone() {
        let period = Period::resolve(PeriodRequest::Weekly, Berlin, at("2026-11-25T08:00:00Z")).unwrap();
        let data = Dataset {
            hourly: vec![HourCell { weekday: 1, hour: 9, count: 5 }, HourCell { weekday: 7, hour: 23, count: 2 }],
            ..Dataset::default()
        };
        let map = heatmap(Locale::En, &period, &data);
        // Berlin is UTC+1 in November: Monday 09 UTC is Monday 10 local; Sunday 23 UTC wraps to Monday 00.
        assert_eq!(map.cells[0][10], 5);
        assert_eq!(map.cells[0][0], 2);
        assert_eq!(map.busiest, "Monday 10:00–11:00");
    }
}
