//! Chooses adapters from the configuration and runs a request: the only place
//! that knows which technology stands behind each capability.

use crate::analytics::{AnalyticsSource, Dataset, DemoData, FetchError, Scope, Window};
use crate::cli::{CheckArgs, ReportArgs};
use crate::config::Config;
use crate::deliver::{
    DirStore, EmlOutbox, MailError, Mailer, OutgoingEmail, ReportStore, S3Store, SesMailer, StoreError,
};
use crate::moveo::queries::{self, QuerySet};
use crate::moveo::{MoveoApi, RetryPolicy};
use crate::pipeline::{Outcome, Pipeline, ReportRequest, Sender};
use crate::render::email::Recipients;
use crate::render::{RenderError, Renderer};
use std::path::Path;
use std::process::ExitCode;

/// Where the embedded default addresses its `.eml` files when no one is configured.
pub const LOCAL_RECIPIENT: &str = "reports@example.com";
pub const LOCAL_SENDER: &str = "moveo-reports@example.com";

pub enum Source {
    Demo(DemoData),
    Moveo(Box<MoveoApi>),
}

impl AnalyticsSource for Source {
    async fn fetch(&self, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        match self {
            Source::Demo(s) => s.fetch(window, scope).await,
            Source::Moveo(s) => s.fetch(window, scope).await,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Source::Demo(s) => s.name(),
            Source::Moveo(s) => s.name(),
        }
    }
}

pub enum Store {
    Dir(DirStore),
    S3(S3Store),
}

impl ReportStore for Store {
    async fn put(&self, key: &str, content_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        match self {
            Store::Dir(s) => s.put(key, content_type, bytes).await,
            Store::S3(s) => s.put(key, content_type, bytes).await,
        }
    }

    async fn put_if_absent(&self, key: &str, content_type: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        match self {
            Store::Dir(s) => s.put_if_absent(key, content_type, bytes).await,
            Store::S3(s) => s.put_if_absent(key, content_type, bytes).await,
        }
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Store::Dir(s) => s.get(key).await,
            Store::S3(s) => s.get(key).await,
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self {
            Store::Dir(s) => s.delete(key).await,
            Store::S3(s) => s.delete(key).await,
        }
    }

    fn locate(&self, key: &str) -> String {
        match self {
            Store::Dir(s) => s.locate(key),
            Store::S3(s) => s.locate(key),
        }
    }
}

pub enum Outbox {
    Eml(EmlOutbox),
    Ses(SesMailer),
}

impl Mailer for Outbox {
    async fn send(&self, email: &OutgoingEmail<'_>) -> Result<String, MailError> {
        match self {
            Outbox::Eml(m) => m.send(email).await,
            Outbox::Ses(m) => m.send(email).await,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Outbox::Eml(m) => m.name(),
            Outbox::Ses(m) => m.name(),
        }
    }
}

pub type App = Pipeline<Source, Store, Outbox>;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("a query override cannot be used, so nothing is fetched:\n  {}", queries::describe(.0))]
    Queries(Vec<queries::OverrideError>),
    #[error("reading query overrides: {0}")]
    Store(#[from] StoreError),
}

/// The queries in force: built-in, replaced by the files of `MOVEO_QUERIES_DIR`
/// and then by `extra` (on Lambda, the `queries/` objects of the report bucket).
pub fn query_set(config: &Config, extra: Vec<(String, String, String)>) -> Result<QuerySet, SetupError> {
    let mut files = match &config.queries_dir {
        Some(dir) => queries::read_dir(dir).map_err(|e| SetupError::Queries(vec![e]))?,
        None => Vec::new(),
    };
    files.extend(extra);
    let set = QuerySet::with_overrides(files).map_err(SetupError::Queries)?;
    for query in set.overridden() {
        tracing::info!(operation = query.operation(), from = query.overridden_by.as_deref(), "query overridden");
    }
    Ok(set)
}

pub fn source(config: &Config, queries: QuerySet) -> Result<Source, FetchError> {
    Ok(match &config.moveo {
        Some(settings) => {
            let api = MoveoApi::new(settings, config.filters.clone(), queries, RetryPolicy::default())?;
            Source::Moveo(Box::new(api))
        }
        None => Source::Demo(DemoData::default()),
    })
}

/// Whether this configuration talks to AWS at all (the embedded default does not).
pub fn needs_aws(config: &Config) -> bool {
    config.bucket.is_some() || config.sender.is_some()
}

/// The AWS SDK's configuration from its standard sources (environment, profile,
/// the Lambda role), loaded once per process.
pub async fn load_aws() -> aws_config::SdkConfig {
    use aws_config::timeout::TimeoutConfig;
    use std::time::Duration;
    // The SDK sets no operation timeout by default: a hung S3 or SES call would
    // hold a Lambda until its own timeout, with nothing said about why.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(60))
        .build();
    aws_config::defaults(aws_config::BehaviorVersion::latest()).timeout_config(timeouts).load().await
}

/// Builds the pipeline for this configuration. Without `aws`, or where the
/// bucket or sender is not set, the local folder `out` stands in for S3 (the
/// archive) and SES (`.eml` files in `out/outbox`): the CLI's embedded default.
/// The Lambda entry checks first (`Config::for_lambda`) that nothing is unset.
pub async fn build(config: &Config, aws: Option<&aws_config::SdkConfig>, out: &Path) -> Result<App, SetupError> {
    let (store, extra_queries) = match (&config.bucket, aws) {
        (Some(bucket), Some(aws)) => {
            let s3 = S3Store::new(aws, bucket.clone(), config.s3_path_style);
            // Query fixes in the bucket matter only where queries are sent.
            let extra =
                if config.moveo.is_some() && running_on_lambda() { s3.query_overrides().await? } else { Vec::new() };
            (Store::S3(s3), extra)
        }
        _ => (Store::Dir(DirStore::new(out)), Vec::new()),
    };
    let mailer = match (&config.sender, aws) {
        (Some(_), Some(aws)) => Outbox::Ses(SesMailer::new(aws)),
        _ => Outbox::Eml(EmlOutbox::new(out.join("outbox"))),
    };
    Ok(Pipeline {
        source: source(config, query_set(config, extra_queries)?)?,
        store,
        mailer,
        renderer: Renderer::new()?,
        sender: Sender {
            from: config.sender.clone().unwrap_or_else(|| LOCAL_SENDER.to_string()),
            reply_to: config.reply_to.clone(),
        },
        account: config.account().to_string(),
    })
}

fn running_on_lambda() -> bool {
    std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some()
}

/// Exit codes of `report`, as the README documents them.
pub mod exit {
    /// The report went out (or was already out) with every section.
    pub const COMPLETE: u8 = 0;
    /// Nothing was delivered: see the error.
    pub const FAILED: u8 = 1;
    /// The configuration or the command line is wrong.
    pub const USAGE: u8 = 2;
    /// The report went out, but sections were left out because Moveo rejected their queries.
    pub const PARTIAL: u8 = 3;
}

pub async fn report(args: ReportArgs, config: Config) -> ExitCode {
    for default in config.defaults_used(&args.out, args.dry_run) {
        eprintln!("note: using {default}");
    }
    // A dry run archives locally and sends nothing, so it never needs AWS.
    let aws = if needs_aws(&config) && !args.dry_run { Some(load_aws().await) } else { None };
    let app = match build(&config, aws.as_ref(), &args.out).await {
        Ok(app) => app,
        Err(e) => return fail(&e.to_string(), false),
    };
    let mut recipients = config.recipients.clone();
    if let Some(list) = &args.recipients {
        recipients = Recipients { to: list.0.clone(), ..recipients };
    }
    if recipients.is_empty() && matches!(app.mailer, Outbox::Eml(_)) {
        recipients.to.push(LOCAL_RECIPIENT.to_string());
    }
    let request = ReportRequest {
        period: args.period_request(),
        tz: args.tz,
        now: chrono::Utc::now(),
        recipients,
        dry_run: args.dry_run,
        resend: args.resend,
        request_id: format!("cli-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")),
    };
    match app.run(&request).await {
        Ok(outcome) => {
            print_outcome(&outcome);
            if outcome.left_out.is_empty() {
                ExitCode::from(exit::COMPLETE)
            } else {
                ExitCode::from(exit::PARTIAL)
            }
        }
        Err(e) => fail(&e.to_string(), e.is_retryable()),
    }
}

fn print_outcome(outcome: &Outcome) {
    println!("{}", outcome.title);
    if !outcome.keys.is_empty() {
        println!("  archived {} files at {}", outcome.keys.len(), outcome.location);
    }
    println!("  {}", outcome.delivery);
    if !outcome.left_out.is_empty() {
        println!("  partial: {} left out of the report:", plural(outcome.left_out.len(), "query was", "queries were"));
        for gap in &outcome.left_out {
            println!("    - {}", gap.text);
        }
        println!("  {}", crate::report::coverage::CHECK_HINT);
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn fail(message: &str, retryable: bool) -> ExitCode {
    eprintln!("error: {message}");
    if retryable {
        eprintln!("  (a passing problem: running the same command again can succeed)");
    }
    ExitCode::from(exit::FAILED)
}

/// Runs each Moveo query once over the last `days` days and prints one line per query.
pub async fn check(args: CheckArgs, config: Config) -> ExitCode {
    let Some(settings) = &config.moveo else {
        return fail(
            "check needs MOVEO_API_KEY and MOVEO_ACCOUNT_ID: it runs each query against your Moveo account",
            false,
        );
    };
    let queries = match query_set(&config, Vec::new()) {
        Ok(set) => set,
        Err(e) => return fail(&e.to_string(), false),
    };
    let api = match MoveoApi::new(settings, config.filters.clone(), queries, RetryPolicy::default()) {
        Ok(api) => api,
        Err(e) => return fail(&e.to_string(), false),
    };
    let today = chrono::Utc::now().date_naive();
    let start = crate::period::local_midnight(today - chrono::Days::new(args.days.max(1) as u64), chrono_tz::UTC);
    let window = Window {
        start,
        end: crate::period::local_midnight(today, chrono_tz::UTC),
        interval: crate::analytics::Interval::Day,
    };
    println!(
        "Checking {} queries against {} for account {} ({} to {}, UTC)",
        queries::all_specs().count(),
        settings.url,
        settings.account_id,
        start.date_naive(),
        today - chrono::Days::new(1)
    );
    let lines = api.check(window).await;
    for line in &lines {
        print_check_line(line);
    }
    let answered =
        |spec: &queries::Spec| lines.iter().any(|l| l.query.spec.operation == spec.operation && l.result.is_ok());
    let sessions = [&queries::SESSIONS_COUNTS, &queries::SESSIONS_COUNTS_FAST, &queries::GET_SESSIONS_COUNT]
        .into_iter()
        .find(|s| answered(s));
    match sessions {
        Some(spec) => println!("The report counts sessions with {} ({}).", spec.operation, spec.file),
        None => println!("No query gives the number of sessions: no report can be made until one of them is fixed."),
    }
    let failed: Vec<_> = lines.iter().filter(|l| l.result.is_err()).collect();
    if failed.is_empty() {
        println!("All {} queries answered.", lines.len());
        return ExitCode::SUCCESS;
    }
    println!(
        "{} of {} queries failed. To fix one without a rebuild, copy src/moveo/queries/<file> into a folder, \
         correct it, and point MOVEO_QUERIES_DIR at that folder (on Lambda: upload it under queries/ in the \
         report bucket); run check again to confirm.",
        failed.len(),
        lines.len()
    );
    ExitCode::FAILURE
}

fn print_check_line(line: &crate::moveo::CheckLine) {
    let spec = line.query.spec;
    let ms = line.elapsed.as_millis();
    let mut marks = Vec::new();
    if let Some(from) = &line.query.overridden_by {
        marks.push(format!("overridden by {from}"));
    }
    if queries::NEIGHBOURS.iter().any(|n| n.operation == spec.operation) {
        marks.push("documented neighbour".to_string());
    } else if !spec.documented {
        marks.push("assumed".to_string());
    }
    if !line.unfiltered.is_empty() {
        marks.push(format!("cannot filter by {}", line.unfiltered.join(", ")));
    }
    let marks = if marks.is_empty() { String::new() } else { format!(" [{}]", marks.join("; ")) };
    match &line.result {
        Ok(rows) => println!("  ok    {:<38} {rows:>5} rows {ms:>6} ms{marks}", spec.title),
        Err(e) => println!("  FAIL  {:<38} {} ({}){marks}\n        {e}", spec.title, kind_of(e), spec.file),
    }
}

fn kind_of(e: &FetchError) -> &'static str {
    if e.is_mismatch() {
        "does not fit this account's schema; its sections are left out of reports"
    } else if e.is_retryable() {
        "a passing problem; reports retry"
    } else {
        "no report can be made"
    }
}
