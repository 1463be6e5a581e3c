//! The command line: `moveo-reports report …`, `reports list|validate`, `check`.
//!
//! Flags become `request::Overrides`, applied to the report specs in one place
//! (`request::resolve`); then the same pipeline runs as on Lambda.

use crate::config::parse_addresses;
use crate::locale::Locale;
use crate::period::parse_zone;
use crate::request::{Overrides, PeriodChoice, Selection};
use crate::spec::Cadence;
use chrono::NaiveDate;
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "moveo-reports",
    version,
    about = "Weekly and monthly analytics reports for Moveo.AI: charts, HTML, PDF, archived and mailed.",
    long_about = "Weekly and monthly analytics reports for Moveo.AI: charts, HTML, PDF, archived and mailed.\n\n\
        With no credentials it runs on built-in demo data, writes the archive to a local folder and the email \
        to an .eml file. Set MOVEO_API_KEY and MOVEO_ACCOUNT_ID for real data, REPORT_BUCKET to archive in S3, \
        SENDER_ADDRESS to send through SES."
)]
pub struct Cli {
    /// The reports file (a path or s3://bucket/key); without it the environment defines one report.
    #[arg(long, global = true, env = "REPORTS_CONFIG", value_name = "FILE")]
    pub config: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a report, archive it and mail it.
    Report(ReportArgs),
    /// Run every Moveo query once over a small window and say which ones work.
    Check(CheckArgs),
    /// List or validate the report specs.
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
    /// Run the whole pipeline several times and print per-phase times and peak memory.
    Bench(BenchArgs),
    /// The run records, newest first: status, channels, time and error of every run.
    History(HistoryArgs),
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this report's runs.
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,

    /// How many runs to show.
    #[arg(long, default_value_t = 20)]
    pub last: usize,

    /// The local archive folder (when REPORT_BUCKET is not set).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// One line per report: id, account, cadences, zone, audience.
    List,
    /// Check the reports file; every problem is listed, and the exit code is 1 if there is one.
    Validate,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report to make, by its id in the reports file.
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub report: Option<String>,

    /// Every report with the --period's cadence (every report, for --from/--to).
    #[arg(long)]
    pub all: bool,

    /// Which period to report on (default: weekly, unless --from/--to are given).
    #[arg(long, value_enum, conflicts_with_all = ["from", "to"])]
    pub period: Option<Cadence>,

    /// First day of a custom range, YYYY-MM-DD (inclusive).
    #[arg(long, requires = "to", value_name = "DATE")]
    pub from: Option<NaiveDate>,

    /// Last day of a custom range, YYYY-MM-DD (inclusive).
    #[arg(long, requires = "from", value_name = "DATE")]
    pub to: Option<NaiveDate>,

    /// The weekly or monthly period as it was at this time (RFC 3339, e.g. 2026-11-30T00:00:00+01:00),
    /// not now: the period before it. How `history` and failure notices name a past week or month.
    #[arg(long, value_name = "TIME", value_parser = instant, conflicts_with_all = ["from", "to"])]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,

    /// IANA time zone the days are counted in, e.g. Europe/Berlin (default: each report's own).
    #[arg(long, value_name = "ZONE", value_parser = zone)]
    pub tz: Option<Tz>,
    /// Language of the report: en, de, es or pt-BR (default: each report's own).
    #[arg(long, value_name = "LANG", value_parser = locale)]
    pub locale: Option<Locale>,

    /// Folder for the local archive and .eml files (when not using S3/SES).
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,

    /// Comma-separated recipients; replaces each report's whole audience (to, cc, bcc).
    #[arg(long, value_name = "a@x,b@y", value_parser = recipients)]
    pub recipients: Option<Recipients>,

    /// Render and archive locally; send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Send again even if this report already went to these recipients.
    #[arg(long, conflicts_with = "dry_run")]
    pub resend: bool,

    /// Deliver to these targets only: `email`, a chat kind (`slack`, `teams`, `webhook`) or one
    /// chat target as `kind:name`. With --resend: one target again, after a send that was never confirmed.
    #[arg(long, value_name = "TARGET,…", value_delimiter = ',', conflicts_with = "test_to")]
    pub only: Vec<String>,

    /// Render into --out and print where to open it; send nothing, record nothing.
    #[arg(long, conflicts_with_all = ["resend", "test_to"])]
    pub preview: bool,

    /// Send one email to this address only, "[TEST]" in its subject, outside the
    /// exactly-once records: it neither blocks nor counts as the real send.
    #[arg(long, value_name = "ADDRESS", value_parser = test_address, conflicts_with_all = ["dry_run", "resend", "recipients"])]
    pub test_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Days to query, ending yesterday.
    #[arg(long, default_value_t = 2)]
    pub days: u32,

    /// Check with this report's account, key and filters (needed when there are several).
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,

    /// Read the endpoint's schema by introspection, save it as SDL and validate every query
    /// document against it, naming each unknown field, argument or type.
    #[arg(long)]
    pub schema: bool,

    /// Where --schema saves the SDL.
    #[arg(long, default_value = "out/moveo-schema.graphql", value_name = "FILE")]
    pub save: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Measured runs (after one warm-up run).
    #[arg(long, default_value_t = 10)]
    pub runs: usize,

    /// Which period each run reports on.
    #[arg(long, value_enum, default_value = "weekly")]
    pub period: Cadence,

    /// Scale the demo data up: a month with 10 000 feedback rows and 500 intents.
    #[arg(long)]
    pub growth: bool,

    /// Folder for the local archive and .eml files.
    #[arg(long, default_value = "out/bench", value_name = "DIR")]
    pub out: PathBuf,

    /// Allow sending through SES (each run sends one real email to the recipients).
    #[arg(long)]
    pub send: bool,
}

/// A parsed recipient list (a newtype so clap keeps it as one value).
#[derive(Debug, Clone)]
pub struct Recipients(pub Vec<String>);

fn instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("'{s}' is not an RFC 3339 time like 2026-11-30T00:00:00+01:00"))
}

fn zone(s: &str) -> Result<Tz, String> {
    parse_zone(s).map_err(|e| e.to_string())
}

fn locale(s: &str) -> Result<Locale, String> {
    Locale::parse(s).ok_or_else(|| format!("'{s}' is not one of en, de, es, pt-BR"))
}

fn test_address(s: &str) -> Result<String, String> {
    match parse_addresses("--test-to", s).map_err(|e| e.to_string())?.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err("give one address".into()),
    }
}

fn recipients(s: &str) -> Result<Recipients, String> {
    parse_addresses("--recipients", s).map(Recipients).map_err(|e| e.to_string())
}

impl ReportArgs {
    pub fn overrides(&self) -> Overrides {
        let now = chrono::Utc::now();
        Overrides {
            selection: match (&self.report, self.all) {
                (Some(id), _) => Selection::One(id.clone()),
                (None, true) => Selection::All,
                (None, false) => Selection::Only,
            },
            period: match (self.period, self.from, self.to) {
                (_, Some(from), Some(to)) => PeriodChoice::Range { from, to },
                (cadence, _, _) => PeriodChoice::Cadence(cadence.unwrap_or(Cadence::Weekly)),
            },
            tz: self.tz,
            locale: self.locale,
            to: self.recipients.as_ref().map(|r| r.0.clone()),
            only: self.only.clone(),
            test_to: self.test_to.clone(),
            dry_run: self.dry_run || self.preview,
            resend: self.resend,
            now: self.as_of.unwrap_or(now),
            request_id: format!("cli-{}", now.format("%Y%m%dT%H%M%S%.3fZ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_custom_range_needs_both_ends_and_excludes_period() {
        assert!(Cli::try_parse_from(["m", "report", "--from", "2026-11-01"]).is_err());
        assert!(Cli::try_parse_from([
            "m",
            "report",
            "--period",
            "weekly",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02"
        ])
        .is_err());
        let err = Cli::try_parse_from(["m", "report", "--from", "2026-13-01", "--to", "2026-11-02"]).unwrap_err();
        assert!(err.to_string().contains("--from"), "{err}");
        let err = Cli::try_parse_from(["m", "report", "--tz", "Europe/Berln"]).unwrap_err();
        assert!(err.to_string().contains("not an IANA time zone"), "{err}");
    }
}
