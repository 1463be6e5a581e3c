//! `moveo-reports bench`: the whole pipeline N times in one process, with
//! per-phase wall times and the process's peak memory. Adapters come from the
//! configuration as for `report`, so the same command measures the embedded
//! default, a Moveo endpoint with latency, or S3/SES (moto).

use crate::analytics::DemoData;
use crate::app::{self, Source, LOCAL_RECIPIENT};
use crate::cli::BenchArgs;
use crate::config::Config;
use crate::period::PeriodRequest;
use crate::pipeline::{ReportRequest, Timings};
use crate::spec::Cadence;
use std::process::ExitCode;
use std::time::Duration;

/// Rated sessions per day that give a month about 10 000 feedback rows.
const GROWTH_RATINGS_PER_DAY: f64 = 360.0;
const GROWTH_INTENTS: usize = 500;

pub async fn bench(args: BenchArgs, config: Config) -> ExitCode {
    let aws = if app::needs_aws(&config) { Some(app::load_aws().await) } else { None };
    let (spec, mut app) = match app::build(&config, aws.as_ref(), &args.out).await {
        Ok(d) => (d.specs[0].clone(), d.app),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.growth {
        if !matches!(app.source, Source::Demo(_)) {
            eprintln!("error: --growth scales the demo data; unset MOVEO_API_KEY to use it");
            return ExitCode::FAILURE;
        }
        app.source = Source::Demo(DemoData { intents: GROWTH_INTENTS, ratings_per_day: GROWTH_RATINGS_PER_DAY });
    }
    if matches!(app.mailer, app::Outbox::Ses(_)) && !args.send {
        eprintln!(
            "error: SENDER_ADDRESS is set, so every run would send a real email through SES; pass --send to allow it"
        );
        return ExitCode::FAILURE;
    }
    let mut audience = spec.audience.clone();
    if audience.is_empty() {
        audience.email.to.push(LOCAL_RECIPIENT.into());
    }
    let period = match args.period {
        Cadence::Weekly => PeriodRequest::Weekly,
        Cadence::Monthly => PeriodRequest::Monthly,
    };
    let request = |i: usize| ReportRequest {
        spec: spec.clone(),
        period,
        tz: spec.timezone,
        now: chrono::Utc::now(),
        audience: audience.clone(),
        dry_run: false,
        // Every run really sends, so the mail phase is measured each time.
        resend: true,
        test: false,
        // Unique per process, so each run's resend record is new and the mail is really sent.
        request_id: format!("bench-{}-{i}", std::process::id()),
    };
    // One warm-up run: connection pools, lazy font parsing, page cache.
    if let Err(e) = app.run(&request(0)).await {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let mut runs = Vec::with_capacity(args.runs);
    let mut sizes = crate::pipeline::Sizes::default();
    for i in 1..=args.runs {
        match app.run(&request(i)).await {
            Ok(outcome) => {
                sizes = outcome.sizes;
                runs.push(outcome.timings)
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "moveo-reports bench: {} runs of a {} report{} from {} data, archive {}, mail {}",
        runs.len(),
        args.period.as_str(),
        if args.growth { " (growth: 10 000 feedback rows, 500 intents)" } else { "" },
        crate::analytics::AnalyticsSource::name(&app.source),
        if matches!(app.store, app::Store::S3(_)) { "S3" } else { "local folder" },
        crate::deliver::Mailer::name(&app.mailer),
    );
    print!("{}", table(&runs));
    println!(
        "sizes: message {:.0} KB (HTML part {:.0} KB, PDF {:.0} KB)",
        sizes.message as f64 / 1024.0,
        sizes.html as f64 / 1024.0,
        sizes.pdf as f64 / 1024.0
    );
    match peak_rss_mb() {
        Some(mb) => println!("peak RSS: {mb:.1} MB"),
        None => println!("peak RSS: unavailable (no /proc)"),
    }
    ExitCode::SUCCESS
}

type Phase = (&'static str, fn(&Timings) -> Duration);

const PHASES: [Phase; 8] = [
    ("fetch", |t| t.fetch),
    ("model", |t| t.model),
    ("charts", |t| t.charts),
    ("html", |t| t.html),
    ("pdf", |t| t.pdf),
    ("archive", |t| t.archive),
    ("mail", |t| t.mail),
    ("total", |t| t.total()),
];

/// A Markdown table of min / median / max per phase, in milliseconds.
pub fn table(runs: &[Timings]) -> String {
    let mut out = String::from("| phase | min ms | median ms | max ms |\n|---|---:|---:|---:|\n");
    for (name, get) in PHASES {
        let mut ms: Vec<f64> = runs.iter().map(|t| get(t).as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        if ms.is_empty() {
            continue;
        }
        let median = if ms.len() % 2 == 1 { ms[ms.len() / 2] } else { (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0 };
        out.push_str(&format!("| {name} | {:.1} | {:.1} | {:.1} |\n", ms[0], median, ms[ms.len() - 1]));
    }
    out
}

/// The process's high-water mark of resident memory (Linux `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_min_median_max_per_phase() {
        let run = |ms: u64| Timings { pdf: Duration::from_millis(ms), ..Timings::default() };
        let t = table(&[run(30), run(10), run(20)]);
        assert!(t.contains("| pdf | 10.0 | 20.0 | 30.0 |"), "{t}");
        assert!(t.contains("| total | 10.0 | 20.0 | 30.0 |"), "{t}");
    }
}
