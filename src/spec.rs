//! What a report is: which Moveo account and filters it covers, how often it
//! is made, in which zone, and who gets it.
//!
//! A deployment runs any number of them, read from one `reports.toml` and
//! checked once, at load: every problem is listed, each naming the report id
//! and the field. Without a file, today's environment variables define one
//! report (`ReportSpec::from_env`), so nothing changes for a single report.

use crate::brand::{Brand, SubjectTemplate};
use crate::config::{check_address, Config, ConfigError};
use crate::deliver::{Audience, ChatKind, ChatTarget};
use crate::locale::Locale;
use crate::moveo::Filters;
use crate::period::parse_zone;
use crate::report::goals::{Goal, GOAL_KEYS};
use chrono_tz::Tz;
use secrecy::SecretString;
use std::collections::HashSet;

/// How often a report is made; also the `--period` flag and an event's `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// The last full Monday–Sunday week.
    Weekly,
    /// The previous calendar month.
    Monthly,
}

impl Cadence {
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Monthly => "monthly",
        }
    }
}

/// Where a report's Moveo API key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// An SSM SecureString parameter, read once per process and cached.
    Parameter(String),
    /// An environment variable of this process (local use).
    Env(String),
    /// Given directly (the environment-defined report's `MOVEO_API_KEY`).
    Inline(SecretString),
}

impl KeySource {
    /// Where to look, for an error message; never the key itself.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Parameter(name) => format!("SSM parameter {name}"),
            KeySource::Env(name) => format!("environment variable {name}"),
            KeySource::Inline(_) => "a value given directly".to_string(),
        }
    }
}

/// The Moveo account a report reads, and where its key is.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub key: KeySource,
}

#[derive(Debug, Clone)]
pub struct ReportSpec {
    /// Stable, used in storage keys and on the command line: `brand-a-cx`.
    pub id: String,
    /// Shown above the period in every output; `None` for the plain "Weekly report".
    pub title: Option<String>,
    /// `None` on the embedded default: built-in demo data.
    pub account: Option<Account>,
    pub filters: Filters,
    pub cadences: Vec<Cadence>,
    pub timezone: Tz,
    /// Who gets it, on which channels.
    pub audience: Audience,
    /// The language of every word, number and date the report prints.
    pub locale: Locale,
    /// Targets on headline figures (`[report.goals]`).
    pub goals: Vec<Goal>,
    /// Logo, colour, sender name, reply-to, footer, subject (`[report.brand]`).
    pub brand: Brand,
    /// Files attached to the email besides the inline charts.
    pub attachments: Attachments,
    /// `enabled = false` pauses it: schedules skip it; asked for by name it still runs.
    pub enabled: bool,
    /// Who is told when it fails for good (`owners = [...]`); nobody when empty.
    pub owners: Vec<String>,
    /// How long after the period's end a report waits for Moveo's last day of data
    /// (retrying) before it goes out marked "partial data".
    pub data_wait_hours: u32,
}

/// Which files the email carries; the archive always has them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachments {
    pub pdf: bool,
    pub csv: bool,
    pub xlsx: bool,
}

impl Default for Attachments {
    fn default() -> Self {
        Attachments { pdf: true, csv: false, xlsx: false }
    }
}

impl ReportSpec {
    /// The one report today's environment variables describe. Its id is the
    /// account (or `demo`), so its storage keys are the ones earlier versions wrote.
    pub fn from_env(config: &Config) -> ReportSpec {
        ReportSpec {
            id: config.account().to_string(),
            title: None,
            account: config
                .moveo
                .as_ref()
                .map(|m| Account { id: m.account_id.clone(), key: KeySource::Inline(m.api_key.clone()) }),
            filters: config.filters.clone(),
            cadences: vec![Cadence::Weekly, Cadence::Monthly],
            timezone: config.timezone,
            audience: Audience::email(config.recipients.clone()),
            locale: config.locale,
            goals: Vec::new(),
            brand: Brand::default(),
            attachments: Attachments::default(),
            enabled: true,
            owners: Vec::new(),
            data_wait_hours: DEFAULT_DATA_WAIT_HOURS,
        }
    }

    /// A report on built-in demo data with no audience yet (tests, examples).
    pub fn demo(id: &str) -> ReportSpec {
        ReportSpec {
            id: id.into(),
            title: None,
            account: None,
            filters: Filters::default(),
            cadences: vec![Cadence::Weekly, Cadence::Monthly],
            timezone: chrono_tz::UTC,
            audience: Audience::default(),
            locale: Locale::default(),
            goals: Vec::new(),
            brand: Brand::default(),
            attachments: Attachments::default(),
            enabled: true,
            owners: Vec::new(),
            data_wait_hours: DEFAULT_DATA_WAIT_HOURS,
        }
    }

    pub fn has_cadence(&self, cadence: Cadence) -> bool {
        self.cadences.contains(&cadence)
    }
}

/// One problem in a reports file, naming the report and the field.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    /// The report's id, or its position when it has none.
    pub report: String,
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "report {}, field `{}`: {}", self.report, self.field, self.problem)
    }
}

/// Every problem of a reports file, one per line.
#[derive(Debug, thiserror::Error)]
#[error("{source_name} has {} problem{}:\n  {}", .problems.len(), if .problems.len() == 1 { "" } else { "s" }, .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
pub struct SpecErrors {
    pub source_name: String,
    pub problems: Vec<SpecError>,
}

const REPORT_KEYS: &[&str] = &[
    "id",
    "title",
    "account_id",
    "api_key_parameter",
    "api_key_env",
    "cadences",
    "timezone",
    "filters",
    "audience",
    "locale",
    "brand",
    "goals",
    "attachments",
    "enabled",
    "owners",
    "data_wait_hours",
];
/// The schedules run at 07:00, seven hours after a period ends: five more hours of retries.
pub const DEFAULT_DATA_WAIT_HOURS: u32 = 12;

const BRAND_KEYS: &[&str] = &["logo", "primary_color", "sender_name", "reply_to", "footer", "subject"];
const FILTER_KEYS: &[&str] = &["desks", "ai_agents", "channels", "tags", "include_test_sessions"];
/// The email fields; each `ChatKind` adds its own key (`slack`, `teams`, `webhook`).
const EMAIL_KEYS: &[&str] = &["to", "cc", "bcc"];
const CHAT_KEYS: &[&str] = &["name", "url", "secret"];

/// Reads and checks a reports file. `source_name` names it in errors.
pub fn parse(text: &str, source_name: &str) -> Result<Vec<ReportSpec>, SpecErrors> {
    let fail = |problems| SpecErrors { source_name: source_name.to_string(), problems };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        fail(vec![SpecError { report: "(file)".into(), field: "(syntax)".into(), problem: e.message().to_string() }])
    })?;
    let mut problems = Vec::new();
    for key in table.keys().filter(|k| k.as_str() != "report") {
        problems.push(SpecError {
            report: "(file)".into(),
            field: key.clone(),
            problem: "unknown key; the file holds [[report]] tables only".into(),
        });
    }
    let reports = match table.get("report") {
        Some(toml::Value::Array(reports)) => reports.clone(),
        Some(_) => {
            problems.push(SpecError {
                report: "(file)".into(),
                field: "report".into(),
                problem: "must be an array of tables: [[report]]".into(),
            });
            Vec::new()
        }
        None => Vec::new(),
    };
    if reports.is_empty() && problems.is_empty() {
        problems.push(SpecError {
            report: "(file)".into(),
            field: "report".into(),
            problem: "no [[report]] defined".into(),
        });
    }
    let mut specs = Vec::new();
    let mut ids = HashSet::new();
    for (i, value) in reports.iter().enumerate() {
        let mut checker = Checker { report: format!("#{}", i + 1), problems: &mut problems };
        let Some(report) = value.as_table() else {
            checker.problem("report", "must be a table");
            continue;
        };
        if let Some(spec) = checker.report(report) {
            if !ids.insert(spec.id.clone()) {
                checker.problem("id", &format!("'{}' is used by another report; ids must be unique", spec.id));
            } else {
                specs.push(spec);
            }
        }
    }
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(fail(problems))
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Collects the problems of one report table.
struct Checker<'a> {
    report: String,
    problems: &'a mut Vec<SpecError>,
}

impl Checker<'_> {
    fn problem(&mut self, field: &str, problem: &str) {
        self.problems.push(SpecError { report: self.report.clone(), field: field.into(), problem: problem.into() });
    }

    fn unknown_keys(&mut self, table: &toml::Table, known: &[&str], prefix: &str) {
        for key in table.keys().filter(|k| !known.contains(&k.as_str())) {
            let expected = known.join(", ");
            self.problem(&format!("{prefix}{key}"), &format!("unknown key; expected one of {expected}"));
        }
    }

    fn string(&mut self, table: &toml::Table, field: &str, shown: &str) -> Option<String> {
        match table.get(field) {
            None => None,
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => {
                self.problem(shown, "must be a non-empty string");
                None
            }
        }
    }

    fn strings(&mut self, table: &toml::Table, field: &str, shown: &str) -> Vec<String> {
        match table.get(field) {
            None => Vec::new(),
            Some(toml::Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                        Some(s) => out.push(s.to_string()),
                        None => self.problem(shown, "must be a list of non-empty strings"),
                    }
                }
                out
            }
            Some(_) => {
                self.problem(shown, "must be a list of strings, e.g. [\"a\", \"b\"]");
                Vec::new()
            }
        }
    }

    /// Desk and AI-agent ids go to Moveo as `_uuid`; a typo would fail every query of the report.
    fn uuids(&mut self, filters: &toml::Table, field: &str) -> Vec<String> {
        let shown = format!("filters.{field}");
        let ids = self.strings(filters, field, &shown);
        for id in ids.iter().filter(|id| !is_uuid(id)) {
            self.problem(&shown, &format!("'{id}' is not a UUID like d2be0283-9b53-4d7b-b77d-2650f3a1a99c"));
        }
        ids
    }

    fn table<'t>(&mut self, table: &'t toml::Table, field: &str) -> Option<&'t toml::Table> {
        match table.get(field) {
            None => None,
            Some(toml::Value::Table(t)) => Some(t),
            Some(_) => {
                self.problem(field, "must be a table");
                None
            }
        }
    }

    /// `[[report.audience.slack]]` and its kin: a name, and where the URL (and a
    /// webhook's signing secret) is kept. A URL written into the file is refused:
    /// whoever holds it can post to the channel.
    fn chat_targets(&mut self, audience: &toml::Table, kind: ChatKind) -> Vec<ChatTarget> {
        let field = kind.as_str();
        let tables: Vec<&toml::Table> = match audience.get(field) {
            None => return Vec::new(),
            Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_table) => {
                items.iter().filter_map(toml::Value::as_table).collect()
            }
            Some(toml::Value::Table(one)) => vec![one],
            Some(_) => {
                self.problem(
                    &format!("audience.{field}"),
                    &format!("must be a table or tables: [[report.audience.{field}]]"),
                );
                return Vec::new();
            }
        };
        let mut targets = Vec::new();
        for (i, table) in tables.into_iter().enumerate() {
            let shown = format!("audience.{field}[{i}]");
            self.unknown_keys(table, CHAT_KEYS, &format!("{shown}."));
            let name = self.string(table, "name", &format!("{shown}.name")).unwrap_or_else(|| format!("{}", i + 1));
            let url = self.secret_ref(table, "url", &shown);
            let signing_secret = self.secret_ref(table, "secret", &shown);
            if url.is_none() && table.get("url").is_none() {
                self.problem(&format!("{shown}.url"), "is required: \"ssm:/moveo-reports/…\" or \"env:NAME\"");
            }
            if kind.is_signed() && signing_secret.is_none() && table.get("secret").is_none() {
                self.problem(
                    &format!("{shown}.secret"),
                    "is required: the HMAC key receivers verify the signature with (\"ssm:/…\" or \"env:NAME\")",
                );
            }
            if !kind.is_signed() && table.contains_key("secret") {
                self.problem(&format!("{shown}.secret"), &format!("{field} messages are not signed; remove it"));
            }
            if targets.iter().any(|t: &ChatTarget| t.name == name) {
                self.problem(&format!("{shown}.name"), &format!("'{name}' is used by another {field} target"));
            }
            if let Some(place) = url.as_ref().map(KeySource::describe) {
                if targets.iter().any(|t: &ChatTarget| t.url.describe() == place) {
                    self.problem(&format!("{shown}.url"), &format!("{place} is used by another {field} target"));
                }
            }
            if let Some(url) = url {
                targets.push(ChatTarget { kind, name, url, signing_secret });
            }
        }
        targets
    }

    fn brand(&mut self, t: &toml::Table) -> Brand {
        let mut brand = Brand::default();
        let Some(b) = self.table(t, "brand") else {
            return brand;
        };
        self.unknown_keys(b, BRAND_KEYS, "brand.");
        let field = |checker: &mut Self, key: &str, check: &dyn Fn(&str) -> Result<String, String>| {
            let value = checker.string(b, key, &format!("brand.{key}"))?;
            check(&value).map_err(|problem| checker.problem(&format!("brand.{key}"), &problem)).ok()
        };
        brand.primary = field(self, "primary_color", &crate::brand::check_primary);
        brand.sender_name = field(self, "sender_name", &|v| crate::brand::check_line(v, 80));
        brand.footer = field(self, "footer", &|v| crate::brand::check_line(v, 300));
        brand.logo_source = field(self, "logo", &|v| Ok(v.to_string()));
        brand.reply_to = field(self, "reply_to", &|v| {
            crate::brand::check_line(v, 254)
                .and_then(|v| check_address("", v).map_err(|_| "is not an email address (name@domain)".to_string()))
        });
        brand.subject = self
            .string(b, "subject", "brand.subject")
            .and_then(|v| SubjectTemplate::parse(&v).map_err(|p| self.problem("brand.subject", &p)).ok());
        brand
    }

    /// `ssm:/name` or `env:NAME`: where a secret is, never the secret.
    fn secret_ref(&mut self, table: &toml::Table, field: &str, shown: &str) -> Option<KeySource> {
        let value = self.string(table, field, &format!("{shown}.{field}"))?;
        if let Some(name) = value.strip_prefix("ssm:").filter(|n| n.starts_with('/')) {
            return Some(KeySource::Parameter(name.to_string()));
        }
        if let Some(name) = value.strip_prefix("env:").filter(|n| !n.is_empty()) {
            return Some(KeySource::Env(name.to_string()));
        }
        // Never echo the value: it may be the secret itself.
        self.problem(
            &format!("{shown}.{field}"),
            "must say where the secret is kept, \"ssm:/moveo-reports/…\" (an SSM SecureString) or \"env:NAME\"; \
             a URL or key written into the file is refused",
        );
        None
    }

    fn report(&mut self, t: &toml::Table) -> Option<ReportSpec> {
        let id = self.string(t, "id", "id");
        match &id {
            Some(id) if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
                self.report = format!("'{id}'");
            }
            Some(id) => self
                .problem("id", &format!("'{id}' may use only letters, digits, - and _ (it is part of storage keys)")),
            None => self.problem("id", "is required"),
        }
        let before = self.problems.len();
        self.unknown_keys(t, REPORT_KEYS, "");
        // The title reaches the Subject header: one line, like every header value.
        let title = self
            .string(t, "title", "title")
            .and_then(|v| crate::brand::check_line(&v, 150).map_err(|p| self.problem("title", &p)).ok());
        let account_id = self.string(t, "account_id", "account_id");
        if account_id.is_none() {
            self.problem("account_id", "is required: the Moveo account this report reads");
        }
        let key = match (
            self.string(t, "api_key_parameter", "api_key_parameter"),
            self.string(t, "api_key_env", "api_key_env"),
        ) {
            (Some(p), None) if p.starts_with('/') => Some(KeySource::Parameter(p)),
            (Some(p), None) => {
                self.problem("api_key_parameter", &format!("'{p}' must be a full SSM parameter name starting with /"));
                None
            }
            (None, Some(e)) => Some(KeySource::Env(e)),
            (Some(_), Some(_)) => {
                self.problem("api_key_parameter", "give either api_key_parameter or api_key_env, not both");
                None
            }
            (None, None) => {
                self.problem("api_key_parameter", "is required (or api_key_env): where this account's API key is");
                None
            }
        };
        let mut cadences = Vec::new();
        match t.get("cadences") {
            None => self.problem("cadences", "is required: [\"weekly\"], [\"monthly\"] or both"),
            Some(_) => {
                for c in self.strings(t, "cadences", "cadences") {
                    match c.as_str() {
                        "weekly" => cadences.push(Cadence::Weekly),
                        "monthly" => cadences.push(Cadence::Monthly),
                        other => self.problem("cadences", &format!("'{other}' is not \"weekly\" or \"monthly\"")),
                    }
                }
                if cadences.is_empty() && t.get("cadences").and_then(|v| v.as_array()).is_some_and(|a| a.is_empty()) {
                    self.problem("cadences", "is empty: the report would never be made");
                }
            }
        }
        let timezone = match self.string(t, "timezone", "timezone") {
            Some(zone) => match parse_zone(&zone) {
                Ok(tz) => Some(tz),
                Err(_) => {
                    self.problem("timezone", &format!("'{zone}' is not an IANA time zone such as Europe/Berlin"));
                    None
                }
            },
            None => Some(chrono_tz::UTC),
        };
        let mut filters = Filters::default();
        if let Some(f) = self.table(t, "filters") {
            self.unknown_keys(f, FILTER_KEYS, "filters.");
            filters.desk_ids = self.uuids(f, "desks");
            filters.brain_ids = self.uuids(f, "ai_agents");
            filters.channels = self.strings(f, "channels", "filters.channels");
            filters.tags = self.strings(f, "tags", "filters.tags");
            match f.get("include_test_sessions") {
                None => {}
                Some(toml::Value::Boolean(b)) => filters.include_test_sessions = *b,
                Some(_) => self.problem("filters.include_test_sessions", "must be true or false"),
            }
        }
        let mut audience = Audience::default();
        match self.table(t, "audience") {
            None => {
                if t.get("audience").is_none() {
                    self.problem("audience", "is required: [report.audience] with to = [\"…\"]");
                }
            }
            Some(a) => {
                let known: Vec<&str> = EMAIL_KEYS.iter().copied().chain(ChatKind::ALL.map(ChatKind::as_str)).collect();
                self.unknown_keys(a, &known, "audience.");
                let mut given = 0;
                let email = &mut audience.email;
                for (field, list) in [("to", &mut email.to), ("cc", &mut email.cc), ("bcc", &mut email.bcc)] {
                    let shown = format!("audience.{field}");
                    for address in self.strings(a, field, &shown) {
                        given += 1;
                        match check_address("", address) {
                            Ok(a) => list.push(a),
                            Err(ConfigError::BadAddress { value, .. }) => {
                                self.problem(&shown, &format!("'{value}' is not an email address (name@domain)"))
                            }
                            Err(e) => self.problem(&shown, &e.to_string()),
                        }
                    }
                }
                for kind in ChatKind::ALL {
                    audience.chats.extend(self.chat_targets(a, kind));
                }
                if given == 0 && audience.chats.is_empty() {
                    self.problem(
                        "audience",
                        "is empty: give at least one address in to, cc or bcc, or a slack, teams or webhook target",
                    );
                }
            }
        }
        let mut goals = Vec::new();
        if let Some(g) = self.table(t, "goals") {
            let known: Vec<&str> = GOAL_KEYS.iter().map(|(key, ..)| *key).collect();
            self.unknown_keys(g, &known, "goals.");
            for &(key, kpi, bound, scale) in GOAL_KEYS {
                let shown = format!("goals.{key}");
                let value = match g.get(key) {
                    None => continue,
                    Some(toml::Value::Integer(n)) => *n as f64,
                    Some(toml::Value::Float(f)) if f.is_finite() => *f,
                    Some(_) => {
                        self.problem(&shown, "must be a number");
                        continue;
                    }
                };
                let limit = if key.starts_with("avg_rating") {
                    5.0
                } else if key.ends_with("_seconds") {
                    86_400.0
                } else {
                    100.0
                };
                if !(0.0..=limit).contains(&value) {
                    self.problem(&shown, &format!("{value} is outside 0–{limit}"));
                    continue;
                }
                goals.push(Goal { kpi, bound, target: value * scale });
            }
        }
        let brand = self.brand(t);
        let mut attachments = Attachments::default();
        if t.contains_key("attachments") {
            attachments = Attachments { pdf: false, csv: false, xlsx: false };
            for name in self.strings(t, "attachments", "attachments") {
                match name.as_str() {
                    "pdf" => attachments.pdf = true,
                    "csv" => attachments.csv = true,
                    "xlsx" => attachments.xlsx = true,
                    other => self.problem("attachments", &format!("'{other}' is not \"pdf\", \"csv\" or \"xlsx\"")),
                }
            }
        }
        let locale = match self.string(t, "locale", "locale") {
            None => Locale::default(),
            Some(tag) => Locale::parse(&tag).unwrap_or_else(|| {
                self.problem("locale", &format!("'{tag}' is not one of \"en\", \"de\", \"es\", \"pt-BR\""));
                Locale::default()
            }),
        };
        let mut owners = Vec::new();
        for address in self.strings(t, "owners", "owners") {
            match check_address("", address) {
                Ok(a) => owners.push(a),
                Err(ConfigError::BadAddress { value, .. }) => {
                    self.problem("owners", &format!("'{value}' is not an email address (name@domain)"))
                }
                Err(e) => self.problem("owners", &e.to_string()),
            }
        }
        let data_wait_hours = match t.get("data_wait_hours") {
            None => DEFAULT_DATA_WAIT_HOURS,
            Some(toml::Value::Integer(h)) if (0..=72).contains(h) => *h as u32,
            Some(_) => {
                self.problem("data_wait_hours", "must be a whole number of hours from 0 to 72");
                DEFAULT_DATA_WAIT_HOURS
            }
        };
        let enabled = match t.get("enabled") {
            None => true,
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => {
                self.problem("enabled", "must be true or false");
                true
            }
        };
        if self.problems.len() > before || id.is_none() {
            return None;
        }
        Some(ReportSpec {
            id: id?,
            title,
            account: Some(Account { id: account_id?, key: key? }),
            filters,
            cadences,
            timezone: timezone?,
            audience,
            locale,
            goals,
            brand,
            attachments,
            enabled,
            owners,
            data_wait_hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[report]]
id = "brand-a-cx"
title = "Brand A · customer service"
account_id = "00000000-0000-4000-8000-000000000001"
api_key_parameter = "/moveo-reports/brand-a"
cadences = ["weekly", "monthly"]
timezone = "Europe/Berlin"
filters = { desks = ["d2be0283-9b53-4d7b-b77d-2650f3a1a99c"], channels = ["web", "whatsapp"] }
audience = { to = ["cx-lead@brand-a.example"], bcc = ["archive@agency.example"] }

[[report]]
id = "bot-team"
account_id = "00000000-0000-4000-8000-000000000002"
api_key_env = "BOT_TEAM_MOVEO_KEY"
cadences = ["monthly"]
audience = { to = ["bots@agency.example"] }
"#;

    #[test]
    fn a_good_file_gives_every_report() {
        let specs = parse(GOOD, "reports.toml").unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].timezone, chrono_tz::Europe::Berlin);
        assert_eq!(specs[0].filters.channels, ["web", "whatsapp"]);
        assert_eq!(specs[0].audience.email.bcc, ["archive@agency.example"]);
        assert!(matches!(&specs[1].account.as_ref().unwrap().key, KeySource::Env(v) if v == "BOT_TEAM_MOVEO_KEY"));
        assert_eq!(specs[1].timezone, chrono_tz::UTC);
        assert_eq!(specs[1].cadences, [Cadence::Monthly]);
    }

    fn problems(text: &str) -> Vec<String> {
        parse(text, "reports.toml").unwrap_err().problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn each_class_of_mistake_names_the_report_and_the_field_and_all_are_listed() {
        let bad = GOOD
            .replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berln\"\ncolour = \"blue\"")
            .replace("bots@agency.example", "bots-at-agency")
            .replace("id = \"bot-team\"", "id = \"brand-a-cx\"");
        let found = problems(&bad);
        assert!(
            found.contains(
                &"report 'brand-a-cx', field `timezone`: 'Europe/Berln' is not an IANA time zone such as Europe/Berlin"
                    .to_string()
            ),
            "{found:#?}"
        );
        assert!(found.iter().any(|p| p.starts_with("report 'brand-a-cx', field `colour`: unknown key")), "{found:#?}");
        assert!(
            found.iter().any(|p| p
                == "report 'brand-a-cx', field `audience.to`: 'bots-at-agency' is not an email address (name@domain)"),
            "{found:#?}"
        );
        assert_eq!(found.len(), 3, "{found:#?}");

        let duplicate = GOOD.replace("id = \"bot-team\"", "id = \"brand-a-cx\"");
        assert_eq!(
            problems(&duplicate),
            ["report 'brand-a-cx', field `id`: 'brand-a-cx' is used by another report; ids must be unique"]
        );

        let empty = GOOD.replace("audience = { to = [\"bots@agency.example\"] }", "audience = { to = [] }");
        assert_eq!(
            problems(&empty),
            ["report 'bot-team', field `audience`: is empty: give at least one address in to, cc or bcc, or a slack, \
              teams or webhook target"]
        );

        let french = GOOD.replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berlin\"\nlocale = \"fr\"");
        assert_eq!(
            problems(&french),
            ["report 'brand-a-cx', field `locale`: 'fr' is not one of \"en\", \"de\", \"es\", \"pt-BR\""]
        );
        let brazil = GOOD.replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berlin\"\nlocale = \"pt_BR\"");
        assert_eq!(parse(&brazil, "reports.toml").unwrap()[0].locale, Locale::PtBr);
        let paused = GOOD.replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berlin\"\nenabled = false");
        let specs = parse(&paused, "reports.toml").unwrap();
        assert!(!specs[0].enabled && specs[1].enabled, "paused only where it says so");
        let wrong = GOOD.replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berlin\"\nenabled = \"no\"");
        assert_eq!(problems(&wrong), ["report 'brand-a-cx', field `enabled`: must be true or false"]);

        let no_id = GOOD.replace("id = \"bot-team\"\n", "");
        assert!(problems(&no_id).contains(&"report #2, field `id`: is required".to_string()));

        let bad_desk = GOOD.replace("d2be0283-9b53-4d7b-b77d-2650f3a1a99c", "front-desk");
        assert!(problems(&bad_desk)[0].contains("field `filters.desks`: 'front-desk' is not a UUID"));

        let bad_cadence = GOOD.replace("cadences = [\"monthly\"]", "cadences = [\"daily\"]");
        assert!(problems(&bad_cadence)[0].contains("field `cadences`: 'daily' is not \"weekly\" or \"monthly\""));

        let syntax = problems("[[report]\nid = ");
        assert!(syntax[0].starts_with("report (file), field `(syntax)`"), "{syntax:?}");
    }

    #[test]
    fn chat_targets_say_where_their_url_is_kept_and_a_url_in_the_file_is_refused_without_echoing_it() {
        let chats = GOOD.replace(
            "audience = { to = [\"bots@agency.example\"] }",
            r#"
[[report.audience.slack]]
name = "cx-weekly"
url = "ssm:/moveo-reports/slack/cx"

[[report.audience.webhook]]
url = "env:BOT_HOOK_URL"
secret = "ssm:/moveo-reports/hooks/bot"
"#,
        );
        let specs = parse(&chats, "reports.toml").unwrap();
        let audience = &specs[1].audience;
        assert!(audience.email.is_empty());
        assert_eq!(audience.chats.len(), 2);
        assert_eq!(audience.chats[0].label(), "slack 'cx-weekly'");
        assert!(matches!(&audience.chats[0].url, KeySource::Parameter(p) if p == "/moveo-reports/slack/cx"));
        assert_eq!(audience.chats[1].label(), "webhook '1'");
        assert!(matches!(&audience.chats[1].signing_secret, Some(KeySource::Parameter(_))));

        let leaked = chats.replace("ssm:/moveo-reports/slack/cx", "https://hooks.slack.com/services/T0/B0/SECRETTOKEN");
        let found = problems(&leaked);
        assert!(found[0].starts_with("report 'bot-team', field `audience.slack[0].url`: must say where"), "{found:?}");
        assert!(!found[0].contains("SECRETTOKEN"), "the URL is never echoed: {found:?}");

        let unsigned = chats.replace("secret = \"ssm:/moveo-reports/hooks/bot\"\n", "");
        assert_eq!(
            problems(&unsigned),
            ["report 'bot-team', field `audience.webhook[0].secret`: is required: the HMAC key receivers verify the \
              signature with (\"ssm:/…\" or \"env:NAME\")"]
        );
    }

    #[test]
    fn goals_take_percent_seconds_and_ratings_and_refuse_the_impossible() {
        let with_goals = GOOD.replace(
            "cadences = [\"monthly\"]",
            "cadences = [\"monthly\"]\ngoals = { containment_min = 70, first_response_max_seconds = 60, avg_rating_min = 4.2 }",
        );
        let specs = parse(&with_goals, "reports.toml").unwrap();
        let goals = &specs[1].goals;
        assert_eq!(goals.len(), 3);
        assert_eq!((goals[0].kpi, goals[0].target), ("containment", 70.0));
        assert_eq!((goals[1].kpi, goals[1].target), ("first_response", 1.0), "seconds become the KPI's minutes");
        assert_eq!(goals[2].kpi, "avg_rating");

        let bad = with_goals.replace("avg_rating_min = 4.2", "avg_rating_min = 7, nps_min = 30");
        let found = problems(&bad);
        assert!(found.iter().any(|p| p.contains("`goals.avg_rating_min`: 7 is outside 0–5")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("`goals.nps_min`: unknown key")), "{found:?}");
    }
}
