//! Entry point: start tracing, read the configuration once, run the CLI.

use clap::Parser;
use moveo_reports::cli::{Cli, Command};
use moveo_reports::{app, config::Config};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    moveo_reports::telemetry::init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Report(args) => app::report(args, config).await,
        Command::Check(args) => app::check(args, config).await,
    }
}
