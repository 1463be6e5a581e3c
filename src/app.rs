//! Chooses adapters from the configuration and runs a request: the only place
//! that knows which technology stands behind each capability.

use crate::analytics::{AnalyticsSource, Dataset, DemoData, FetchError, Scope, Window};
use crate::cli::{CheckArgs, ReportArgs};
use crate::config::Config;
use crate::deliver::{
    DirStore, EmlOutbox, MailError, Mailer, OutgoingEmail, ReportStore, S3Store, SesMailer, StoreError,
};
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
}

pub fn source(config: &Config) -> Result<Source, FetchError> {
    Ok(match &config.moveo {
        Some(settings) => {
            let api = MoveoApi::new(settings, config.filters.clone(), RetryPolicy::default())?;
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
/// archive) and SES (`.eml` files in `out/outbox`).
pub fn build(config: &Config, aws: Option<&aws_config::SdkConfig>, out: &Path) -> Result<App, SetupError> {
    let store = match (&config.bucket, aws) {
        (Some(bucket), Some(aws)) => {
            Store::S3(S3Store::new(aws, bucket.clone(), config.bucket_prefix.clone(), config.s3_path_style))
        }
        _ => Store::Dir(DirStore::new(out)),
    };
    let mailer = match (&config.sender, aws) {
        (Some(_), Some(aws)) => Outbox::Ses(SesMailer::new(aws)),
        _ => Outbox::Eml(EmlOutbox::new(out.join("outbox"))),
    };
    Ok(Pipeline {
        source: source(config)?,
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

pub async fn report(args: ReportArgs, config: Config) -> ExitCode {
    // A dry run archives locally and sends nothing, so it never needs AWS.
    let aws = if needs_aws(&config) && !args.dry_run { Some(load_aws().await) } else { None };
    let app = match build(&config, aws.as_ref(), &args.out) {
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
            ExitCode::SUCCESS
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
}

fn fail(message: &str, retryable: bool) -> ExitCode {
    eprintln!("error: {message}");
    if retryable {
        eprintln!("  (a passing problem: running the same command again can succeed)");
    }
    ExitCode::FAILURE
}

/// Runs each Moveo query once over the last `days` days and prints one line per query.
pub async fn check(args: CheckArgs, config: Config) -> ExitCode {
    let Some(settings) = &config.moveo else {
        return fail(
            "check needs MOVEO_API_KEY and MOVEO_ACCOUNT_ID: it runs each query against your Moveo account",
            false,
        );
    };
    let api = match MoveoApi::new(settings, config.filters.clone(), RetryPolicy::default()) {
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
        crate::moveo::queries::ALL.len(),
        settings.url,
        settings.account_id,
        start.date_naive(),
        today - chrono::Days::new(1)
    );
    let lines = api.check(window).await;
    let failed = lines.iter().filter(|l| l.result.is_err()).count();
    for line in &lines {
        let ms = line.elapsed.as_millis();
        match &line.result {
            Ok(rows) => println!("  ok    {:<40} {rows:>5} rows {ms:>6} ms", line.query.title),
            Err(e) => println!("  FAIL  {:<40} {e}", line.query.title),
        }
    }
    if failed == 0 {
        println!("All {} queries answered.", lines.len());
        ExitCode::SUCCESS
    } else {
        println!("{failed} of {} queries failed; each lives in src/moveo/queries/<name>.graphql.", lines.len());
        ExitCode::FAILURE
    }
}
