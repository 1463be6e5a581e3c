//! `DemoData`: the analytics source of the embedded default.
//!
//! Deterministic for any window (the same day always has the same numbers, so
//! a period and its previous period agree wherever they overlap), with the
//! rhythm of a real support desk: quiet weekends, office-hour peaks, a slow
//! upward trend, a long tail of intents and feedback in several scripts.

use super::{
    AgentPerformance, AiAgentCount, AiAgentStats, AiAverages, AnalyticsSource, Bucket, Dataset, Feedback, FetchError,
    HourCell, IntentCount, Interval, OpenClosedBucket, RatingBucket, ResponseTimeBucket, ResponseTimes, Scope, Window,
};
use crate::spec::ReportSpec;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc, Weekday};

const INTENTS: &[&str] = &[
    "order_status",
    "track_package",
    "return_item",
    "refund_status",
    "change_address",
    "cancel_order",
    "payment_failed",
    "delivery_delay",
    "product_availability",
    "opening_hours",
    "talk_to_human",
    "reset_password",
    "update_payment_method",
    "invoice_request",
    "discount_code",
    "size_guide",
    "warranty_claim",
    "store_locator",
    "gift_card_balance",
    "subscription_pause",
];

/// AI agents by id, with their share of sessions and typical containment and coverage.
const AI_AGENTS: &[(&str, f64, f64, f64)] = &[
    ("3f9d2c1e-8b7a-4e6f-9a1b-2c3d4e5f6a7b", 0.62, 0.71, 0.9),
    ("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 0.28, 0.58, 0.84),
    ("c0ffee00-1234-4abc-8def-0123456789ab", 0.10, 0.44, 0.76),
];

const AGENTS: &[&str] = &["Maria Papadopoulou", "Jonas Weber", "Aisha Khan", "Lucas Martin", "Sofia Rossi"];

/// Feedback texts by mood, so a quote matches its stars.
const PRAISE: &[&str] = &[
    "Quick and helpful, thanks!",
    "The bot understood me right away.",
    "Super hilfreich, danke! 👍",
    "Очень быстро ответили, спасибо",
    "Η απάντηση ήταν γρήγορη και σωστή",
    "ممتاز، شكرا على المساعدة",
    "שירות מעולה, תודה רבה",
    "Great experience 🚀 will use again",
    "Muy amable, resolvió mi problema",
    "Fast answer about my parcel 📦",
];
const COMPLAINTS: &[&str] = &[
    "Took forever to reach a human 😤",
    "Could not change my address, had to call.",
    "The refund answer was outdated.",
    "I asked twice and got the same useless link.",
    "Die Antwort passte nicht zu meiner Frage.",
];
const MIXED: &[&str] = &["It was okay, but the agent had to step in.", "Fine in the end, a bit slow 🙂"];

/// Built-in, deterministic analytics for a realistic support desk.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// How many distinct intents exist (the growth benchmark raises it).
    pub intents: usize,
    /// Rated sessions per day before the weekday rhythm; feedback rows follow from it.
    pub ratings_per_day: f64,
}

impl Default for DemoData {
    fn default() -> Self {
        DemoData { intents: INTENTS.len(), ratings_per_day: 24.0 }
    }
}

impl AnalyticsSource for DemoData {
    // Demo data is cheap, so the scope is ignored and every window is complete.
    async fn fetch(&self, _spec: &ReportSpec, window: Window, _scope: Scope) -> Result<Dataset, FetchError> {
        Ok(self.dataset(window))
    }

    fn name(&self) -> &'static str {
        "demo"
    }
}

/// A stable pseudo-random number in [0, 1) for a key (splitmix64).
fn unit(key: u64) -> f64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn salted(day: i64, salt: u64) -> u64 {
    (day as u64).wrapping_mul(1_000_003) ^ salt.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// Days since 2026-01-01 of the day a bucket mostly covers. A local day in a zone
/// east of UTC starts the evening before in UTC, so the bucket's midday decides.
fn day_number(t: NaiveDateTime) -> i64 {
    ((t + Duration::hours(12)).date() - chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date")).num_days()
}

fn is_weekend(t: NaiveDateTime) -> bool {
    matches!((t + Duration::hours(12)).weekday(), Weekday::Sat | Weekday::Sun)
}

impl DemoData {
    /// Sessions on the day starting at `t`: weekday rhythm, +0.15 % a day, ±8 % noise.
    fn sessions_on(&self, t: NaiveDateTime) -> f64 {
        let day = day_number(t);
        let rhythm = if is_weekend(t) { 0.55 } else { 1.0 };
        // Grows from a floor, so a range years before the anchor still has traffic.
        let trend = (1.0 + 0.0015 * day as f64).max(0.3);
        let noise = 0.92 + 0.16 * unit(salted(day, 1));
        380.0 * rhythm * trend * noise
    }

    fn dataset(&self, window: Window) -> Dataset {
        let buckets = bucket_starts(window.start, window.end, window.interval);
        let starts: Vec<NaiveDateTime> = buckets.iter().map(|&(s, _)| s).collect();

        let per_bucket = |f: &dyn Fn(NaiveDateTime) -> f64| -> Vec<f64> {
            buckets.iter().map(|&(s, days)| (0..days).map(|d| f(s + Duration::days(d as i64))).sum()).collect()
        };

        let sessions = per_bucket(&|t| self.sessions_on(t));
        let users = per_bucket(&|t| self.sessions_on(t) * (0.78 + 0.06 * unit(salted(day_number(t), 2))));
        let messages = per_bucket(&|t| self.sessions_on(t) * (4.1 + 0.8 * unit(salted(day_number(t), 3))));
        let handovers = per_bucket(&|t| self.sessions_on(t) * (0.16 + 0.05 * unit(salted(day_number(t), 4))));
        let ratings = per_bucket(&|t| {
            let rhythm = if is_weekend(t) { 0.6 } else { 1.0 };
            self.ratings_per_day * rhythm * (0.8 + 0.4 * unit(salted(day_number(t), 5)))
        });

        let series = |values: &[f64]| -> Vec<Bucket> {
            starts.iter().zip(values).map(|(&start, &v)| Bucket { start, count: v.round() as u64 }).collect()
        };
        let total = |values: &[f64]| values.iter().map(|v| v.round() as u64).sum::<u64>();

        let messages_total = total(&messages);
        let sessions_total = total(&sessions);

        let open_closed = starts
            .iter()
            .zip(&handovers)
            .map(|(&start, &h)| {
                let open = (h * 0.07 * unit(salted(day_number(start), 6))).round() as u64;
                OpenClosedBucket { start, open, closed: (h.round() as u64).saturating_sub(open) }
            })
            .collect();

        let response_times = starts
            .iter()
            .map(|&start| {
                let day = day_number(start);
                let busy = if is_weekend(start) { 1.25 } else { 1.0 };
                let avg = (1.1 + 0.6 * unit(salted(day, 7))) * busy;
                ResponseTimeBucket {
                    start,
                    times: ResponseTimes {
                        avg: Some(avg),
                        median: Some(avg * 0.7),
                        avg_first: Some(avg * 1.8),
                        median_first: Some(avg * 1.35),
                    },
                }
            })
            .collect::<Vec<_>>();
        let response_overall = average_times(&response_times);

        let mut feedback = Vec::new();
        let rating_buckets = starts
            .iter()
            .zip(&ratings)
            .map(|(&start, &n)| {
                let n = n.round() as u64;
                // Days before the anchor are negative: wrap, never overflow.
                let base = (day_number(start) as u64).wrapping_mul(10_007);
                let mut sum = 0u64;
                let mut above = 0u64;
                for i in 0..n {
                    let rating = rating_from(unit(base.wrapping_add(i)));
                    sum += rating as u64;
                    above += u64::from(rating > 3);
                    let with_text = unit(base.wrapping_add(i) ^ 0xFEED) < 0.35;
                    let pool = match rating {
                        1 | 2 => COMPLAINTS,
                        3 => MIXED,
                        _ => PRAISE,
                    };
                    feedback.push(Feedback {
                        rating,
                        text: with_text.then(|| {
                            pool[(unit(base.wrapping_add(i) ^ 0xBEEF) * pool.len() as f64) as usize].to_string()
                        }),
                        agent_name: (rating <= 3)
                            .then(|| AGENTS[(base.wrapping_add(i) % AGENTS.len() as u64) as usize].to_string()),
                    });
                }
                RatingBucket { start, avg: (n > 0).then(|| sum as f64 / n as f64), count: n, above_3: above }
            })
            .collect();

        let window_key = day_number(window.start.naive_utc()) as u64;
        let mut top_intents: Vec<IntentCount> = (0..self.intents)
            .map(|i| {
                let name = intent_name(i);
                // Zipf-like long tail, with each intent drifting a little per window.
                let share = 0.22 / (i as f64 + 1.0).powf(0.9);
                let drift = 0.85 + 0.3 * unit(window_key.wrapping_mul(31) ^ i as u64);
                IntentCount { intent: name, count: (messages_total as f64 * share * drift).round() as u64 }
            })
            .collect();
        top_intents.sort_by(|a, b| b.count.cmp(&a.count).then(a.intent.cmp(&b.intent)));

        let hourly = hourly_cells(messages_total);

        let replies_total = total(&handovers) * 6;
        let agents = AGENTS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let share = [0.29, 0.24, 0.2, 0.15, 0.12][i];
                let jitter = 0.9 + 0.2 * unit(window_key ^ (i as u64 + 40));
                let sessions = (total(&handovers) as f64 * share * jitter).round() as u64;
                AgentPerformance {
                    name: name.to_string(),
                    replies: (replies_total as f64 * share * jitter).round() as u64,
                    sessions,
                    closed: sessions.saturating_sub(i as u64 + 1),
                    avg_response: Some(0.8 + 0.25 * i as f64 * jitter),
                    avg_first_response: Some(1.4 + 0.4 * i as f64 * jitter),
                    avg_rating: Some(4.6 - 0.2 * i as f64 * jitter),
                    ratings: (sessions as f64 * 0.3).round() as u64,
                }
            })
            .collect();

        let drift = |i: usize, salt: u64| 0.94 + 0.12 * unit(window_key.wrapping_mul(53) ^ (i as u64 + salt));
        let ai_counts: Vec<AiAgentCount> = AI_AGENTS
            .iter()
            .enumerate()
            .map(|(i, &(id, share, _, _))| AiAgentCount {
                id: id.to_string(),
                sessions: (sessions_total as f64 * share * drift(i, 60)).round() as u64,
                messages: (messages_total as f64 * share * drift(i, 61)).round() as u64,
            })
            .collect();
        let ai_agents = AI_AGENTS
            .iter()
            .zip(&ai_counts)
            .enumerate()
            .map(|(i, (&(id, _, containment, coverage), counts))| AiAgentStats {
                id: id.to_string(),
                containment: Some((containment * drift(i, 70)).min(0.99)),
                coverage: Some((coverage * drift(i, 71)).min(0.99)),
                sessions: counts.sessions,
            })
            .collect();
        let averages = |base: f64, salt: u64| AiAverages {
            all: Some(base * drift(0, salt)),
            contained: Some(base * 0.7 * drift(1, salt)),
            non_contained: Some(base * 1.6 * drift(2, salt)),
            covered: Some(base * 0.85 * drift(3, salt)),
            non_covered: Some(base * 1.4 * drift(4, salt)),
        };
        // Most sessions end after two to four user messages; a long tail asks for a person.
        let ai_distribution = [0.08, 0.22, 0.24, 0.16, 0.1, 0.06, 0.04, 0.03, 0.02, 0.05]
            .iter()
            .enumerate()
            .map(|(i, share)| (sessions_total as f64 * share * drift(i, 80)).round() as u64)
            .collect();

        Dataset {
            sessions_total,
            messages_total,
            users_total: total(&users),
            sessions: series(&sessions),
            users: series(&users),
            messages: series(&messages),
            agent_replies: series(&handovers.iter().map(|h| h * 6.0).collect::<Vec<_>>()),
            open_closed,
            response_times,
            response_overall,
            ratings: rating_buckets,
            feedback,
            top_intents,
            hourly,
            agents,
            ai_agents,
            ai_counts,
            ai_duration: averages(4.2, 90),
            ai_messages: averages(3.6, 91),
            ai_distribution,
            gaps: Vec::new(),
            unfiltered: Vec::new(),
        }
    }
}

fn intent_name(i: usize) -> String {
    match INTENTS.get(i) {
        Some(name) => name.to_string(),
        None => format!("{}_{}", INTENTS[i % INTENTS.len()], i / INTENTS.len() + 1),
    }
}

/// Skewed towards 4 and 5, as ratings are.
fn rating_from(u: f64) -> u8 {
    match u {
        u if u < 0.06 => 1,
        u if u < 0.13 => 2,
        u if u < 0.25 => 3,
        u if u < 0.55 => 4,
        _ => 5,
    }
}

/// Each bucket's start and how many days it holds, stepped as Postgres steps `interval_span`.
fn bucket_starts(start: DateTime<Utc>, end: DateTime<Utc>, interval: Interval) -> Vec<(NaiveDateTime, usize)> {
    let mut out = Vec::new();
    let mut t = start;
    while t < end {
        let next = interval.next(t);
        out.push((t.naive_utc(), (next - t).num_days().max(1) as usize));
        t = next;
    }
    out
}

fn average_times(buckets: &[ResponseTimeBucket]) -> ResponseTimes {
    let mean = |f: fn(&ResponseTimes) -> Option<f64>| {
        let values: Vec<f64> = buckets.iter().filter_map(|b| f(&b.times)).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    ResponseTimes {
        avg: mean(|t| t.avg),
        median: mean(|t| t.median),
        avg_first: mean(|t| t.avg_first),
        median_first: mean(|t| t.median_first),
    }
}

/// Messages by weekday and hour (UTC): office-hour peaks on weekdays, a flat weekend.
fn hourly_cells(messages_total: u64) -> Vec<HourCell> {
    let weight = |weekday: u8, hour: u8| -> f64 {
        let h = hour as f64;
        let office = (-((h - 11.0) / 3.2).powi(2)).exp() + 0.7 * (-((h - 16.0) / 2.5).powi(2)).exp();
        let evening = 0.25 * (-((h - 20.5) / 2.0).powi(2)).exp();
        let night = if (1..=5).contains(&hour) { 0.01 } else { 0.04 };
        // Mondays are busiest, Fridays taper off, weekends are mostly evenings.
        const WEEKDAY: [f64; 5] = [1.12, 1.03, 1.0, 0.96, 0.84];
        match WEEKDAY.get(weekday as usize - 1) {
            Some(w) => w * (office + evening + night),
            None => 0.45 * (office * 0.5 + evening * 1.6 + night),
        }
    };
    let sum: f64 = (1..=7u8).flat_map(|d| (0..24u8).map(move |h| weight(d, h))).sum();
    (1..=7u8)
        .flat_map(|weekday| (0..24u8).map(move |hour| (weekday, hour)))
        .map(|(weekday, hour)| HourCell {
            weekday,
            hour,
            count: (messages_total as f64 * weight(weekday, hour) / sum).round() as u64,
        })
        .filter(|cell| cell.count > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Interval;
    use chrono::TimeZone;

    fn window(from: (i32, u32, u32), days: i64) -> Window {
        let start = Utc.with_ymd_and_hms(from.0, from.1, from.2, 0, 0, 0).unwrap();
        Window { start, end: start + Duration::days(days), interval: Interval::Day }
    }

    #[test]
    fn the_same_window_gives_the_same_numbers() {
        let demo = DemoData::default();
        assert_eq!(demo.dataset(window((2026, 11, 16), 7)), demo.dataset(window((2026, 11, 16), 7)));
    }

    #[test]
    fn any_window_since_2000_has_data_and_no_overflow() {
        let demo = DemoData::default();
        for year in (2000..=2040).step_by(5) {
            let data = demo.dataset(window((year, 6, 1), 31));
            assert!(data.sessions_total > 0 && !data.feedback.is_empty(), "{year}");
        }
    }

    #[test]
    fn weekends_are_quieter_than_weekdays() {
        let data = DemoData::default().dataset(window((2026, 11, 16), 7));
        let monday = data.sessions[0].count;
        let sunday = data.sessions[6].count;
        assert!(sunday * 3 < monday * 2, "monday {monday}, sunday {sunday}");
        assert_eq!(data.sessions_total, data.sessions.iter().map(|b| b.count).sum::<u64>());
    }

    #[test]
    fn covers_every_metric_the_report_shows() {
        let data = DemoData::default().dataset(window((2026, 11, 1), 30));
        assert_eq!(data.sessions.len(), 30);
        assert!(data.top_intents.len() >= 15);
        assert!(data.agents.len() >= 3);
        assert!(data.feedback.iter().any(|f| f.text.is_some()));
        assert!(data.feedback.iter().any(|f| f.rating <= 2));
        assert!(data.hourly.len() > 100);
        assert!(data.response_overall.avg.is_some());
    }
}
