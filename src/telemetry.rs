//! Logging: human-readable on a terminal, JSON on Lambda (CloudWatch parses it).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        builder.json().with_current_span(false).without_time().try_init()
    } else {
        builder.with_target(false).try_init()
    };
}
