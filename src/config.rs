//! Typed configuration, read from the environment once and checked once.
//!
//! Each error names the variable and what it accepts. The API key is a
//! `SecretString`: it prints as `[REDACTED]` in every `Debug` and log line.

use crate::deliver::Recipients;
use crate::moveo::Filters;
use crate::period::{parse_zone, PeriodError};
use chrono_tz::Tz;
use secrecy::SecretString;
use std::collections::HashMap;
use std::path::PathBuf;

pub const DEFAULT_API_URL: &str = "https://logs.moveo.ai/v1/graphql";
/// The account name used for the embedded default's storage keys.
pub const DEMO_ACCOUNT: &str = "demo";

/// Where the binary runs decides what may be left unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// Locally: no credentials means the embedded default (demo data, a folder, `.eml` files).
    Cli,
    /// In production: every setting is required; demo data only with `MOVEO_DEMO=true`.
    Lambda,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("{0} is set but {1} is not: set both to use the Moveo API, or neither for demo data")]
    Incomplete(&'static str, &'static str),
    #[error("the function cannot start, because settings are missing:\n  {}", .0.join("\n  "))]
    Missing(Vec<String>),
    #[error("{name} has an invalid address '{value}': expected name@domain")]
    BadAddress { name: &'static str, value: String },
    #[error("REPORT_TIMEZONE: {0}")]
    Zone(PeriodError),
    #[error("REPORT_LOCALE '{0}' is not one of en, de, es, pt-BR")]
    Locale(String),
    #[error("REPORT_LINK_HOURS must be 1 to 168 (a presigned link lasts at most 7 days), got '{0}'")]
    LinkHours(String),
    #[error("{name} must be a whole number above 0, got '{value}'")]
    BadNumber { name: &'static str, value: String },
    #[error("{name} must be an https:// URL (http:// only on localhost), got '{value}'")]
    BadUrl { name: &'static str, value: String },
}

/// The single environment-defined report's Moveo credentials (the endpoint is `Config::api_url`).
#[derive(Debug, Clone)]
pub struct MoveoSettings {
    pub api_key: SecretString,
    pub account_id: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `None` runs on demo data.
    pub moveo: Option<MoveoSettings>,
    /// `None` archives to a local folder.
    pub bucket: Option<String>,
    /// `None` writes `.eml` files instead of sending.
    pub sender: Option<String>,
    pub reply_to: Option<String>,
    pub recipients: Recipients,
    pub timezone: Tz,
    /// The language of the environment-defined report (`REPORT_LOCALE`).
    pub locale: crate::locale::Locale,
    /// Desk, AI agent, channel and tag filters applied to every Moveo query.
    pub filters: Filters,
    /// Folder of `.graphql` files that replace built-in queries (`MOVEO_QUERIES_DIR`).
    pub queries_dir: Option<PathBuf>,
    /// The reports file (`REPORTS_CONFIG`, or `--config`): a path or `s3://bucket/key`.
    /// Without it the variables above define one report.
    pub reports_config: Option<String>,
    /// Moveo's endpoint for every report (`MOVEO_API_URL`).
    pub api_url: String,
    /// In-flight query bounds (`MOVEO_MAX_IN_FLIGHT_PER_ACCOUNT`, `MOVEO_MAX_IN_FLIGHT`).
    pub limits: crate::moveo::Limits,
    /// `MOVEO_DEMO=true`: built-in demo data for every report.
    pub demo: bool,
    /// The SQS queue the dispatcher fills and the worker drains (`REPORT_QUEUE_URL`).
    pub queue_url: Option<String>,
    /// How "view online" links reach the archive (`REPORT_PUBLIC_BASE_URL`, `REPORT_LINK_HOURS`).
    pub links: crate::deliver::s3::Links,
    /// An S3-compatible endpoint is configured (`AWS_ENDPOINT_URL[_S3]`): use path-style URLs.
    pub s3_path_style: bool,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&std::env::vars().collect())
    }

    /// The configuration of a Lambda function: nothing falls back to the
    /// embedded default. Every missing setting is named at once.
    pub fn for_lambda(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let demo = demo_requested(vars);
        // With a reports file, each report names its own account, key and audience.
        let from_file = get("REPORTS_CONFIG").is_some();
        let mut missing = Vec::new();
        let mut need = |name: &str, why: &str| {
            if get(name).is_none() {
                missing.push(format!("{name}: {why}"));
            }
        };
        if !demo && !from_file {
            need("MOVEO_ACCOUNT_ID", "the Moveo account to report on (demo data on Lambda only with MOVEO_DEMO=true)");
            need(
                "MOVEO_API_KEY",
                "the Moveo Analytics API key; set MOVEO_API_KEY_PARAMETER to the SSM parameter that holds it",
            );
        }
        need("REPORT_BUCKET", "the S3 bucket that archives the reports (Lambda has no local folder to keep them)");
        need("SENDER_ADDRESS", "the SES-verified address the reports are sent from");
        if !from_file {
            need("REPORT_RECIPIENTS", "who gets the reports, comma-separated");
        }
        if !missing.is_empty() {
            return Err(ConfigError::Missing(missing));
        }
        let mut config = Config::from_vars(vars)?;
        if demo {
            config.moveo = None;
        }
        Ok(config)
    }

    /// What the CLI fills in by itself, one line each, for stderr.
    pub fn defaults_used(&self, out: &std::path::Path, dry_run: bool) -> Vec<String> {
        let mut used = Vec::new();
        if self.demo {
            used.push("built-in demo data (MOVEO_DEMO=true)".to_string());
        } else if self.moveo.is_none() && self.reports_config.is_none() {
            used.push("built-in demo data (MOVEO_API_KEY and MOVEO_ACCOUNT_ID are not set)".to_string());
        }
        if self.bucket.is_none() || dry_run {
            let why = if dry_run { "--dry-run" } else { "REPORT_BUCKET is not set" };
            used.push(format!("the local folder {} instead of S3 ({why})", out.display()));
        }
        if self.sender.is_none() && !dry_run {
            used.push(format!(
                ".eml files in {} instead of SES (SENDER_ADDRESS is not set)",
                out.join("outbox").display()
            ));
        }
        used
    }

    /// Reads from a map, so tests need not touch the process environment.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let url = get("MOVEO_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_string());
        // Plain http would send a key in clear text; only a local stand-in may use it.
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| url.starts_with(p));
        if !(url.starts_with("https://") || local) {
            return Err(ConfigError::BadUrl { name: "MOVEO_API_URL", value: url });
        }
        let moveo = match (get("MOVEO_API_KEY"), get("MOVEO_ACCOUNT_ID")) {
            _ if demo_requested(vars) => None,
            // A reports file names each report's account and key; the single-report pair is not used.
            _ if get("REPORTS_CONFIG").is_some() => None,
            (Some(key), Some(account_id)) => Some(MoveoSettings { api_key: SecretString::from(key), account_id }),
            (Some(_), None) => return Err(ConfigError::Incomplete("MOVEO_API_KEY", "MOVEO_ACCOUNT_ID")),
            (None, Some(_)) => return Err(ConfigError::Incomplete("MOVEO_ACCOUNT_ID", "MOVEO_API_KEY")),
            (None, None) => None,
        };
        let sender = get("SENDER_ADDRESS").map(|a| check_address("SENDER_ADDRESS", a)).transpose()?;
        let reply_to = get("REPLY_TO_ADDRESS").map(|a| check_address("REPLY_TO_ADDRESS", a)).transpose()?;
        let list = |name: &'static str| -> Result<Vec<String>, ConfigError> {
            get(name).map(|v| parse_addresses(name, &v)).transpose().map(Option::unwrap_or_default)
        };
        let recipients =
            Recipients { to: list("REPORT_RECIPIENTS")?, cc: list("REPORT_CC")?, bcc: list("REPORT_BCC")? };
        let timezone = match get("REPORT_TIMEZONE") {
            Some(zone) => parse_zone(&zone).map_err(ConfigError::Zone)?,
            None => chrono_tz::UTC,
        };
        let locale = match get("REPORT_LOCALE") {
            Some(tag) => crate::locale::Locale::parse(&tag).ok_or(ConfigError::Locale(tag))?,
            None => crate::locale::Locale::default(),
        };
        let ids = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default()
        };
        let filters = Filters {
            desk_ids: ids("MOVEO_DESK_IDS"),
            brain_ids: ids("MOVEO_AI_AGENT_IDS"),
            channels: ids("MOVEO_CHANNELS"),
            tags: ids("MOVEO_TAGS"),
            include_test_sessions: matches!(get("MOVEO_INCLUDE_TEST_SESSIONS").as_deref(), Some("true" | "1" | "yes")),
        };
        Ok(Config {
            moveo,
            bucket: get("REPORT_BUCKET"),
            sender,
            reply_to,
            recipients,
            timezone,
            locale,
            filters,
            queries_dir: get("MOVEO_QUERIES_DIR").map(PathBuf::from),
            reports_config: get("REPORTS_CONFIG"),
            api_url: url,
            limits: limits(&get)?,
            demo: demo_requested(vars),
            queue_url: get("REPORT_QUEUE_URL"),
            links: links(&get)?,
            s3_path_style: get("AWS_ENDPOINT_URL").is_some() || get("AWS_ENDPOINT_URL_S3").is_some(),
        })
    }

    /// The account the report is about, used in storage keys.
    pub fn account(&self) -> &str {
        self.moveo.as_ref().map_or(DEMO_ACCOUNT, |m| m.account_id.as_str())
    }
}

fn links(get: &dyn Fn(&str) -> Option<String>) -> Result<crate::deliver::s3::Links, ConfigError> {
    use crate::deliver::s3::{Links, MAX_LINK_LIFETIME};
    if let Some(base) = get("REPORT_PUBLIC_BASE_URL") {
        if !base.starts_with("https://") {
            return Err(ConfigError::BadUrl { name: "REPORT_PUBLIC_BASE_URL", value: base });
        }
        return Ok(Links::Public(base));
    }
    match get("REPORT_LINK_HOURS") {
        None => Ok(Links::default()),
        Some(v) => match v.parse::<u64>() {
            Ok(h) if (1..=MAX_LINK_LIFETIME.as_secs() / 3600).contains(&h) => {
                Ok(Links::Presigned(std::time::Duration::from_secs(h * 3600)))
            }
            _ => Err(ConfigError::LinkHours(v)),
        },
    }
}

fn limits(get: &dyn Fn(&str) -> Option<String>) -> Result<crate::moveo::Limits, ConfigError> {
    let mut limits = crate::moveo::Limits::default();
    for (name, slot) in
        [("MOVEO_MAX_IN_FLIGHT_PER_ACCOUNT", &mut limits.per_account), ("MOVEO_MAX_IN_FLIGHT", &mut limits.overall)]
    {
        if let Some(v) = get(name) {
            *slot = v.parse().ok().filter(|n| *n > 0).ok_or(ConfigError::BadNumber { name, value: v })?;
        }
    }
    Ok(limits)
}

/// `MOVEO_DEMO=true`: demo data asked for explicitly (a smoke-test deployment).
pub(crate) fn demo_requested(vars: &HashMap<String, String>) -> bool {
    vars.get("MOVEO_DEMO").is_some_and(|v| matches!(v.trim(), "true" | "1" | "yes"))
}

pub(crate) fn check_address(name: &'static str, value: String) -> Result<String, ConfigError> {
    // SES and mail clients do the full RFC 5322 check; this catches typos and list mix-ups early.
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !value.chars().any(|c| c.is_whitespace() || c == ',' || c == '<')
        }
        None => false,
    };
    if ok {
        Ok(value)
    } else {
        Err(ConfigError::BadAddress { name, value })
    }
}

/// "a@x.com, b@y.org" → two addresses; each is checked.
pub fn parse_addresses(name: &'static str, list: &str) -> Result<Vec<String>, ConfigError> {
    list.split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| check_address(name, a.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn no_variables_means_the_embedded_default() {
        let config = Config::from_vars(&vars(&[])).unwrap();
        assert!(config.moveo.is_none() && config.bucket.is_none() && config.sender.is_none());
        assert_eq!(config.account(), "demo");
        assert_eq!(config.timezone, chrono_tz::UTC);
    }

    #[test]
    fn the_api_key_never_shows_in_debug_output() {
        let config =
            Config::from_vars(&vars(&[("MOVEO_API_KEY", "sk-very-secret"), ("MOVEO_ACCOUNT_ID", "acc-1")])).unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("sk-very-secret"), "{printed}");
        assert_eq!(config.moveo.unwrap().api_key.expose_secret(), "sk-very-secret");
    }

    #[test]
    fn errors_name_the_variable() {
        let err = Config::from_vars(&vars(&[("MOVEO_API_KEY", "k")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "MOVEO_API_KEY is set but MOVEO_ACCOUNT_ID is not: set both to use the Moveo API, or neither for demo data"
        );
        let err = Config::from_vars(&vars(&[("REPORT_RECIPIENTS", "a@x.com; nobody")])).unwrap_err();
        assert!(err.to_string().starts_with("REPORT_RECIPIENTS has an invalid address 'nobody'"), "{err}");
        let plain =
            [("MOVEO_API_KEY", "k"), ("MOVEO_ACCOUNT_ID", "a"), ("MOVEO_API_URL", "http://logs.example.com/v1")];
        let err = Config::from_vars(&vars(&plain)).unwrap_err();
        assert!(err.to_string().starts_with("MOVEO_API_URL must be an https:// URL"), "{err}");
        let err = Config::from_vars(&vars(&[("REPORT_TIMEZONE", "Mars/Olympus")])).unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"), "{err}");
    }

    #[test]
    fn on_lambda_every_missing_setting_is_named_and_nothing_falls_back_to_demo_data() {
        let err = Config::for_lambda(&vars(&[("MOVEO_ACCOUNT_ID", "acc"), ("SENDER_ADDRESS", "r@x.com")])).unwrap_err();
        let text = err.to_string();
        for name in ["MOVEO_API_KEY:", "REPORT_BUCKET:", "REPORT_RECIPIENTS:"] {
            assert!(text.contains(name), "{text}");
        }
        assert!(!text.contains("SENDER_ADDRESS:") && !text.contains("MOVEO_ACCOUNT_ID:"), "{text}");
        let complete = [
            ("MOVEO_API_KEY", "k"),
            ("MOVEO_ACCOUNT_ID", "acc"),
            ("REPORT_BUCKET", "b"),
            ("SENDER_ADDRESS", "r@x.com"),
            ("REPORT_RECIPIENTS", "t@x.com"),
        ];
        assert!(Config::for_lambda(&vars(&complete)).unwrap().moveo.is_some());
    }

    #[test]
    fn demo_data_on_lambda_only_when_asked_for() {
        let demo = [
            ("MOVEO_DEMO", "true"),
            ("REPORT_BUCKET", "b"),
            ("SENDER_ADDRESS", "r@x.com"),
            ("REPORT_RECIPIENTS", "t@x.com"),
        ];
        let config = Config::for_lambda(&vars(&demo)).unwrap();
        assert!(config.moveo.is_none());
        let err = Config::for_lambda(&vars(&demo[1..])).unwrap_err().to_string();
        assert!(err.contains("MOVEO_ACCOUNT_ID:") && err.contains("MOVEO_DEMO=true"), "{err}");
    }

    #[test]
    fn links_last_at_most_seven_days_or_use_a_public_https_base() {
        use crate::deliver::s3::Links;
        let config = |pairs: &[(&str, &str)]| Config::from_vars(&vars(pairs));
        assert_eq!(config(&[]).unwrap().links, Links::Presigned(std::time::Duration::from_secs(7 * 86_400)));
        assert_eq!(
            config(&[("REPORT_LINK_HOURS", "24")]).unwrap().links,
            Links::Presigned(std::time::Duration::from_secs(86_400))
        );
        let err = config(&[("REPORT_LINK_HOURS", "200")]).unwrap_err().to_string();
        assert!(err.starts_with("REPORT_LINK_HOURS must be 1 to 168"), "{err}");
        let public = config(&[("REPORT_PUBLIC_BASE_URL", "https://reports.example.com")]).unwrap();
        assert_eq!(public.links, Links::Public("https://reports.example.com".into()));
        assert!(config(&[("REPORT_PUBLIC_BASE_URL", "http://reports.example.com")]).is_err());
    }

    #[test]
    fn the_cli_says_which_defaults_it_used() {
        let config = Config::from_vars(&vars(&[])).unwrap();
        let used = config.defaults_used(std::path::Path::new("out"), false).join("\n");
        assert!(
            used.contains("built-in demo data") && used.contains("out instead of S3") && used.contains(".eml"),
            "{used}"
        );
    }

    #[test]
    fn recipients_are_split_and_trimmed() {
        let config = Config::from_vars(&vars(&[("REPORT_RECIPIENTS", " a@x.com, b@y.org ")])).unwrap();
        assert_eq!(config.recipients.to, ["a@x.com", "b@y.org"]);
    }
}
