//! Entry point: start tracing, then run as a Lambda function when the Lambda
//! runtime started us (`AWS_LAMBDA_RUNTIME_API` is set), or as the CLI.

use clap::Parser;
use moveo_reports::cli::{Cli, Command};
use moveo_reports::{app, config::Config};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    moveo_reports::telemetry::init();
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return match moveo_reports::lambda::run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // An init error: the runtime reports it and Lambda retries the cold start.
                tracing::error!(error = %e, "could not start");
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let cli = Cli::parse();
    let mut config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(app::exit::USAGE);
        }
    };
    // `--config` over REPORTS_CONFIG (clap reads both).
    config.reports_config = cli.config.clone().filter(|c| !c.trim().is_empty());
    match cli.command {
        Command::Report(args) => app::report(args, config).await,
        Command::Reports { command } => app::reports(command, config).await,
        Command::Check(args) => app::check(args, config).await,
        Command::Bench(args) => moveo_reports::bench::bench(args, config).await,
        Command::History(args) => app::history(args, config).await,
    }
}
