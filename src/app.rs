//! Chooses adapters from the configuration and runs a request: the only place
//! that knows which technology stands behind each capability.

use crate::analytics::{AnalyticsSource, Dataset, DemoData, FetchError, Scope, Window};
use crate::cli::{CheckArgs, ReportArgs, ReportsCommand};
use crate::config::Config;
use crate::deliver::{
    ChatPoster, DirStore, EmlOutbox, MailError, Mailer, OutgoingEmail, ReportStore, S3Store, SesMailer, StoreError,
};
use crate::moveo::queries::{self, QuerySet};
use crate::moveo::{KeyCache, MoveoApi, RetryPolicy};
use crate::pipeline::{Outcome, Pipeline, Sender};
use crate::render::{RenderError, Renderer};
use crate::request::{resolve, Overrides, PeriodChoice, Selection};
use crate::spec::{self, Cadence, ReportSpec, SpecErrors};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Where the embedded default addresses its `.eml` files when no one is configured.
pub const LOCAL_RECIPIENT: &str = "reports@example.com";
pub const LOCAL_SENDER: &str = "moveo-reports@example.com";

pub enum Source {
    Demo(DemoData),
    Moveo(Box<MoveoApi>),
}

impl AnalyticsSource for Source {
    async fn fetch(&self, spec: &ReportSpec, window: Window, scope: Scope) -> Result<Dataset, FetchError> {
        match self {
            Source::Demo(s) => s.fetch(spec, window, scope).await,
            Source::Moveo(s) => s.fetch(spec, window, scope).await,
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

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        match self {
            Store::Dir(s) => s.list(prefix).await,
            Store::S3(s) => s.list(prefix).await,
        }
    }

    fn locate(&self, key: &str) -> String {
        match self {
            Store::Dir(s) => s.locate(key),
            Store::S3(s) => s.locate(key),
        }
    }

    async fn link(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self {
            Store::Dir(s) => s.link(key).await,
            Store::S3(s) => s.link(key).await,
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

/// A deployment: its report specs and the pipeline that makes them.
pub struct Deployment {
    pub specs: Vec<Arc<ReportSpec>>,
    pub app: App,
}

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
    #[error(transparent)]
    Specs(#[from] SpecErrors),
    #[error("reading the reports file {location}: {detail}")]
    ReadSpecs { location: String, detail: String },
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

/// The report specs: the reports file when one is configured, else the one
/// report the environment describes.
pub async fn load_specs(
    config: &Config,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<Vec<Arc<ReportSpec>>, SetupError> {
    let Some(location) = &config.reports_config else {
        return Ok(vec![Arc::new(ReportSpec::from_env(config))]);
    };
    let read = |detail: String| SetupError::ReadSpecs { location: location.clone(), detail };
    let text = match location.strip_prefix("s3://") {
        Some(path) => {
            let (bucket, key) = path.split_once('/').ok_or_else(|| read("expected s3://bucket/key".into()))?;
            let aws = aws.ok_or_else(|| read("no AWS configuration to read S3 with".into()))?;
            let store = S3Store::new(aws, bucket.to_string(), config.s3_path_style);
            let bytes = store.get(key).await?.ok_or_else(|| read("no such object".into()))?;
            String::from_utf8(bytes).map_err(|_| read("not UTF-8 text".into()))?
        }
        None => std::fs::read_to_string(location).map_err(|e| read(e.to_string()))?,
    };
    let mut specs = spec::parse(&text, location)?;
    let mut problems = Vec::new();
    for spec in &mut specs {
        let Some(source) = spec.brand.logo_source.clone() else { continue };
        match read_logo(&source, location, config, aws).await.and_then(crate::brand::Logo::check) {
            Ok(logo) => spec.brand.logo = Some(Arc::new(logo)),
            Err(problem) => problems.push(spec::SpecError {
                report: format!("'{}'", spec.id),
                field: "brand.logo".into(),
                problem: format!("{source} {problem}"),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(SpecErrors { source_name: location.clone(), problems }.into());
    }
    Ok(specs.into_iter().map(Arc::new).collect())
}

/// A logo's bytes: `s3://bucket/key`, or a path relative to the reports file.
async fn read_logo(
    source: &str,
    reports_file: &str,
    config: &Config,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<Vec<u8>, String> {
    if let Some(path) = source.strip_prefix("s3://") {
        let (bucket, key) = path.split_once('/').ok_or("is not s3://bucket/key")?;
        let aws = aws.ok_or("cannot be read: no AWS configuration")?;
        let store = S3Store::new(aws, bucket.to_string(), config.s3_path_style);
        return store
            .get(key)
            .await
            .map_err(|e| format!("cannot be read: {e}"))?
            .ok_or_else(|| "does not exist".into());
    }
    let base = if reports_file.starts_with("s3://") {
        Path::new(".")
    } else {
        Path::new(reports_file).parent().unwrap_or(Path::new("."))
    };
    std::fs::read(base.join(source)).map_err(|e| format!("cannot be read: {e}"))
}

/// Demo data when asked for, or when no report names a Moveo account (the
/// CLI's embedded default); Moveo's API otherwise, one client for all accounts.
pub fn source(
    config: &Config,
    specs: &[Arc<ReportSpec>],
    queries: QuerySet,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<Source, FetchError> {
    if config.demo || specs.iter().all(|s| s.account.is_none()) {
        return Ok(Source::Demo(DemoData::default()));
    }
    let keys = KeyCache::new(aws.map(aws_sdk_ssm::Client::new));
    let api = MoveoApi::new(&config.api_url, queries, keys, RetryPolicy::default(), config.limits)?;
    Ok(Source::Moveo(Box::new(api)))
}

/// Whether this configuration talks to AWS at all (the embedded default does not).
pub fn needs_aws(config: &Config) -> bool {
    config.bucket.is_some()
        || config.sender.is_some()
        || config.queue_url.is_some()
        || config.reports_config.as_deref().is_some_and(|c| c.starts_with("s3://"))
}

/// The AWS SDK's configuration from its standard sources (environment, profile,
/// the Lambda role), loaded once per process.
pub async fn load_aws() -> aws_config::SdkConfig {
    use aws_config::timeout::TimeoutConfig;
    use std::time::Duration;
    // The SDK sets no operation timeout by default: a hung S3 or SES call would
    // hold a Lambda until its own timeout, with nothing said about why. Our calls
    // carry at most a few hundred KB, which S3 and SES answer within a second:
    // 10 s per attempt is generous, and 25 s bounds all of an operation's retries.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(25))
        .build();
    aws_config::defaults(aws_config::BehaviorVersion::latest()).timeout_config(timeouts).load().await
}

/// Builds the deployment for this configuration. Without `aws`, or where the
/// bucket or sender is not set, the local folder `out` stands in for S3 (the
/// archive) and SES (`.eml` files in `out/outbox`): the CLI's embedded default.
/// The Lambda entry checks first (`Config::for_lambda`) that nothing is unset.
pub async fn build(config: &Config, aws: Option<&aws_config::SdkConfig>, out: &Path) -> Result<Deployment, SetupError> {
    let specs = load_specs(config, aws).await?;
    let uses_moveo = !config.demo && specs.iter().any(|s| s.account.is_some());
    let (store, extra_queries) = match (&config.bucket, aws) {
        (Some(bucket), Some(aws)) => {
            let s3 = S3Store::new(aws, bucket.clone(), config.s3_path_style).with_links(config.links.clone());
            // Query fixes in the bucket matter only where queries are sent.
            let extra = if uses_moveo && running_on_lambda() { s3.query_overrides().await? } else { Vec::new() };
            (Store::S3(s3), extra)
        }
        _ => (Store::Dir(DirStore::new(out)), Vec::new()),
    };
    let mailer = match (&config.sender, aws) {
        (Some(_), Some(aws)) => Outbox::Ses(SesMailer::new(aws)),
        _ => Outbox::Eml(EmlOutbox::new(out.join("outbox"))),
    };
    let app = Pipeline {
        source: source(config, &specs, query_set(config, extra_queries)?, aws)?,
        store,
        mailer,
        chats: ChatPoster::new(KeyCache::new(aws.map(aws_sdk_ssm::Client::new))),
        renderer: Renderer::new()?,
        sender: Sender {
            from: config.sender.clone().unwrap_or_else(|| LOCAL_SENDER.to_string()),
            reply_to: config.reply_to.clone(),
        },
    };
    Ok(Deployment { specs, app })
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
    // A preview is a dry run that says where to look.
    let local_only = args.dry_run || args.preview;
    for default in config.defaults_used(&args.out, local_only) {
        eprintln!("note: using {default}");
    }
    // A dry run archives locally and sends nothing, so it never needs AWS (unless the
    // reports file or a key lives there).
    let aws = if needs_aws(&config) && !local_only || config.reports_config.is_some() {
        Some(load_aws().await)
    } else {
        None
    };
    let config = if local_only { Config { bucket: None, sender: None, ..config } } else { config };
    let deployment = match build(&config, aws.as_ref(), &args.out).await {
        Ok(d) => d,
        Err(e @ SetupError::Specs(_)) => return usage(&e.to_string()),
        Err(e) => return fail(&e.to_string(), false),
    };
    let mut requests = match resolve(&deployment.specs, &args.overrides()) {
        Ok(requests) => requests,
        Err(e) => return usage(&e.to_string()),
    };
    if requests.is_empty() {
        return usage("no report has that cadence; `moveo-reports reports list` shows each report's cadences");
    }
    let mut code = exit::COMPLETE;
    for request in &mut requests {
        if request.audience.is_empty() && matches!(deployment.app.mailer, Outbox::Eml(_)) {
            request.audience.email.to.push(LOCAL_RECIPIENT.to_string());
        }
        match deployment.app.run(request).await {
            Ok(outcome) => {
                print_outcome(&outcome);
                if args.preview {
                    print_preview(&outcome);
                }
                if !outcome.left_out.is_empty() && code == exit::COMPLETE {
                    code = exit::PARTIAL;
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                match e.is_retryable() {
                    true => eprintln!(
                        "  kind: {} (a passing problem: running the same command again can succeed)",
                        e.error_type()
                    ),
                    false => eprintln!("  kind: {}", e.error_type()),
                }
                code = exit::FAILED;
            }
        }
    }
    ExitCode::from(code)
}

fn print_outcome(outcome: &Outcome) {
    println!("{}", outcome.title);
    if !outcome.keys.is_empty() {
        println!("  archived {} files at {}", outcome.keys.len(), outcome.location);
    }
    for delivery in &outcome.deliveries {
        println!("  {delivery}");
    }
    if !outcome.left_out.is_empty() {
        println!("  partial: {} left out of the report:", plural(outcome.left_out.len(), "query was", "queries were"));
        for gap in &outcome.left_out {
            println!("    - {}", gap.text);
        }
        println!("  {}", crate::locale::Locale::En.text("check_hint"));
    }
}

/// Where to open a preview, and the email as a browser can show it (its images are
/// `cid:` references, which only a mail client resolves).
fn print_preview(outcome: &Outcome) {
    let folder = std::path::Path::new(&outcome.location);
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
    let email = folder.join("email-preview.html");
    let written = std::fs::read_to_string(folder.join("email.html")).and_then(|html| {
        let html = html.replace("cid:logo@moveo-reports", "logo.png");
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(at) = rest.find("cid:") {
            out.push_str(&rest[..at]);
            let name = &rest[at + 4..];
            match name.find("@moveo-reports") {
                Some(end) if name[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    out.push_str(&format!("charts/{}.png", &name[..end]));
                    rest = &name[end + "@moveo-reports".len()..];
                }
                _ => {
                    out.push_str("cid:");
                    rest = name;
                }
            }
        }
        out.push_str(rest);
        std::fs::write(&email, out)
    });
    println!("  preview (nothing was sent or recorded):");
    println!("    report  file://{}", folder.join("report.html").display());
    println!("    PDF     {}", folder.join("report.pdf").display());
    match written {
        Ok(()) => println!("    email   file://{}", email.display()),
        Err(e) => println!("    email   {} (could not write a browser copy: {e})", folder.join("email.html").display()),
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

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::USAGE)
}

/// `history`: the run records in the bucket (or the local folder), newest first.
pub async fn history(args: crate::cli::HistoryArgs, config: Config) -> ExitCode {
    let store = match &config.bucket {
        Some(bucket) => {
            let aws = load_aws().await;
            Store::S3(S3Store::new(&aws, bucket.clone(), config.s3_path_style))
        }
        None => Store::Dir(DirStore::new(&args.out)),
    };
    match crate::runs::newest(&store, args.report.as_deref(), args.last).await {
        Ok(records) if records.is_empty() => {
            println!("no runs recorded under {}", store.locate(crate::runs::PREFIX));
            ExitCode::SUCCESS
        }
        Ok(records) => {
            let mut notes = Vec::with_capacity(records.len());
            for record in &records {
                // The claims explain a run; not reading them costs the explanation, not the list.
                notes.push(match crate::runs::claims_of(&store, record).await {
                    Ok(claims) => claims.iter().map(|c| crate::runs::explain(c, record.rerun.as_deref())).collect(),
                    Err(e) => vec![format!("(its delivery claims could not be read: {e})")],
                });
            }
            print!("{}", crate::runs::table(&records, &notes));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e.to_string(), e.is_retryable()),
    }
}

/// `reports list` and `reports validate`.
pub async fn reports(command: ReportsCommand, config: Config) -> ExitCode {
    let aws = if config.reports_config.as_deref().is_some_and(|c| c.starts_with("s3://")) {
        Some(load_aws().await)
    } else {
        None
    };
    let specs = match load_specs(&config, aws.as_ref()).await {
        Ok(specs) => specs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::FAILED);
        }
    };
    let origin = config.reports_config.as_deref().unwrap_or("the environment (no reports file)");
    match command {
        ReportsCommand::Validate => {
            println!("{origin}: {} valid", plural(specs.len(), "report", "reports"));
        }
        ReportsCommand::List => {
            println!("{:<24} {:<38} {:<16} {:<20} {:<8} audience", "id", "account", "cadences", "zone", "state");
            for s in &specs {
                let cadences: Vec<&str> = s.cadences.iter().map(|c| c.as_str()).collect();
                let audience: Vec<String> =
                    s.audience.email.all().cloned().chain(s.audience.chats.iter().map(|c| c.label())).collect();
                println!(
                    "{:<24} {:<38} {:<16} {:<20} {:<8} {}",
                    s.id,
                    s.account.as_ref().map_or("(demo data)", |a| a.id.as_str()),
                    cadences.join(","),
                    s.timezone.name(),
                    if s.enabled { "active" } else { "paused" },
                    if audience.is_empty() { "(none)".to_string() } else { audience.join(", ") }
                );
            }
        }
    }
    ExitCode::SUCCESS
}

/// Runs each Moveo query once over the last `days` days and prints one line per query.
pub async fn check(args: CheckArgs, config: Config) -> ExitCode {
    let aws = if config.reports_config.is_some() { Some(load_aws().await) } else { None };
    let specs = match load_specs(&config, aws.as_ref()).await {
        Ok(specs) => specs,
        Err(e) => return fail(&e.to_string(), false),
    };
    let selection = match &args.report {
        Some(id) => Selection::One(id.clone()),
        None => Selection::Only,
    };
    let overrides = Overrides {
        selection,
        period: PeriodChoice::Cadence(Cadence::Weekly),
        tz: None,
        locale: None,
        test_to: None,
        to: None,
        only: Vec::new(),
        dry_run: true,
        resend: false,
        now: chrono::Utc::now(),
        request_id: "check".into(),
    };
    let spec = match resolve(&specs, &overrides) {
        Ok(requests) => requests[0].spec.clone(),
        Err(e) => return usage(&e.to_string()),
    };
    let Some(account) = &spec.account else {
        return fail(
            "check needs MOVEO_API_KEY and MOVEO_ACCOUNT_ID: it runs each query against your Moveo account",
            false,
        );
    };
    let queries = match query_set(&config, Vec::new()) {
        Ok(set) => set,
        Err(e) => return fail(&e.to_string(), false),
    };
    let keys = KeyCache::new(aws.as_ref().map(aws_sdk_ssm::Client::new));
    let api = match MoveoApi::new(&config.api_url, queries, keys, RetryPolicy::default(), config.limits) {
        Ok(api) => api,
        Err(e) => return fail(&e.to_string(), false),
    };
    if args.schema {
        match api.schema_sdl(&spec).await {
            Ok(sdl) => return check_schema(&args, &config, &api, &sdl),
            // Hasura and Apollo answer a disabled introspection as a validation error.
            Err(e @ FetchError::Rejected { .. }) => {
                println!("Introspection is disabled on {} ({e}); running each query instead.", config.api_url)
            }
            Err(e) => return fail(&e.to_string(), e.is_retryable()),
        }
    }
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
        config.api_url,
        account.id,
        start.date_naive(),
        today - chrono::Days::new(1)
    );
    let lines = match api.check(&spec, window).await {
        Ok(lines) => lines,
        Err(e) => return fail(&e.to_string(), e.is_retryable()),
    };
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

/// `check --schema`: the schema saved, then one line per query document.
fn check_schema(args: &CheckArgs, config: &Config, api: &MoveoApi, sdl: &str) -> ExitCode {
    let saved =
        args.save.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&args.save, sdl));
    match saved {
        Ok(()) => println!("Schema of {} saved as SDL to {}", config.api_url, args.save.display()),
        Err(e) => eprintln!("note: could not save the schema to {}: {e}", args.save.display()),
    }
    let findings = match crate::moveo::schema::validate_all(sdl, api.queries()) {
        Ok(findings) => findings,
        Err(e) => return fail(&format!("the schema could not be read: {e}"), false),
    };
    for f in &findings {
        let from = f.overridden_by.as_deref().map(|p| format!(" [overridden by {p}]")).unwrap_or_default();
        if f.problems.is_empty() {
            println!("  ok     {} ({}){from}", f.operation, f.file);
        } else {
            println!("  WRONG  {} ({}){from}", f.operation, f.file);
            for problem in &f.problems {
                println!("           {}", crate::report::text::one_line(problem));
            }
        }
    }
    let wrong = findings.iter().filter(|f| !f.problems.is_empty()).count();
    if wrong == 0 {
        println!("All {} query documents are valid against the schema.", findings.len());
        ExitCode::SUCCESS
    } else {
        println!(
            "{wrong} of {} query documents do not fit the schema. Correct a copy of each in a folder and point \
             MOVEO_QUERIES_DIR at it (on Lambda: upload it under queries/ in the report bucket).",
            findings.len()
        );
        ExitCode::FAILURE
    }
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
