//! Where a request meets the report specs: the one place that applies the
//! CLI's flags or an event's fields (which reports, which period, zone,
//! recipients) on top of each spec.

use crate::deliver::{Audience, Recipients};
use crate::period::PeriodRequest;
use crate::pipeline::ReportRequest;
use crate::spec::{Cadence, ReportSpec};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

/// Which reports a run is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// The one report of the deployment; an error when there are several.
    Only,
    /// This report.
    One(String),
    /// Every report that has the cadence asked for (every report, for a custom range).
    All,
}

/// Which period, before it is pinned to a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    Cadence(Cadence),
    Range { from: NaiveDate, to: NaiveDate },
}

impl PeriodChoice {
    fn request(self) -> PeriodRequest {
        match self {
            PeriodChoice::Cadence(Cadence::Weekly) => PeriodRequest::Weekly,
            PeriodChoice::Cadence(Cadence::Monthly) => PeriodRequest::Monthly,
            PeriodChoice::Range { from, to } => PeriodRequest::Range { from, to },
        }
    }
}

/// What the CLI flags or an event ask for.
#[derive(Debug, Clone)]
pub struct Overrides {
    pub selection: Selection,
    pub period: PeriodChoice,
    /// Replaces each report's own zone.
    pub tz: Option<Tz>,
    /// Replaces each report's own language.
    pub locale: Option<crate::locale::Locale>,
    /// Replaces each report's whole audience (to, cc and bcc): "send it to me" reaches no one else.
    pub to: Option<Vec<String>>,
    /// Only these targets of the audience (`email`, `slack`, `slack:cx-weekly`); empty: all.
    pub only: Vec<String>,
    /// A test send to this one address (`--test-to`): outside the exactly-once records.
    pub test_to: Option<String>,
    pub dry_run: bool,
    pub resend: bool,
    /// The instant periods are relative to: now, or the schedule's time.
    pub now: DateTime<Utc>,
    pub request_id: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SelectionError {
    #[error("there is no report '{0}'; this deployment has: {1}")]
    Unknown(String, String),
    #[error("report '{0}' has no target '{1}' (--only); its targets: {2}")]
    NoTarget(String, String, String),
    #[error("this deployment has {0} reports ({1}): name one with --report ID (\"report\" in an event), or use --all")]
    Ambiguous(usize, String),
}

fn ids(specs: &[Arc<ReportSpec>]) -> String {
    specs.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// One request per selected report, each with the overrides applied.
pub fn resolve(specs: &[Arc<ReportSpec>], o: &Overrides) -> Result<Vec<ReportRequest>, SelectionError> {
    let chosen: Vec<&Arc<ReportSpec>> = match &o.selection {
        Selection::One(id) => {
            vec![specs.iter().find(|s| &s.id == id).ok_or_else(|| SelectionError::Unknown(id.clone(), ids(specs)))?]
        }
        Selection::Only if specs.len() == 1 => vec![&specs[0]],
        Selection::Only => return Err(SelectionError::Ambiguous(specs.len(), ids(specs))),
        // A paused report is skipped by schedules and `--all`; named, it runs.
        Selection::All => specs
            .iter()
            .filter(|s| s.enabled)
            .filter(|s| match o.period {
                PeriodChoice::Cadence(c) => s.has_cadence(c),
                PeriodChoice::Range { .. } => true,
            })
            .collect(),
    };
    chosen
        .into_iter()
        .map(|spec| {
            let audience = match (&o.test_to, &o.to) {
                (Some(me), _) => Audience::email(Recipients { to: vec![me.clone()], ..Recipients::default() }),
                (None, Some(to)) => Audience::email(Recipients { to: to.clone(), ..Recipients::default() }),
                (None, None) => spec.audience.clone(),
            };
            Ok(ReportRequest {
                spec: match o.locale {
                    Some(locale) if locale != spec.locale => Arc::new(ReportSpec { locale, ..(**spec).clone() }),
                    _ => spec.clone(),
                },
                period: o.period.request(),
                tz: o.tz.unwrap_or(spec.timezone),
                now: o.now,
                audience: {
                    let all = targets(&audience);
                    only(audience, &o.only).map_err(|target| SelectionError::NoTarget(spec.id.clone(), target, all))?
                },
                test: o.test_to.is_some(),
                dry_run: o.dry_run,
                resend: o.resend,
                request_id: o.request_id.clone(),
            })
        })
        .collect()
}

/// The targets `selectors` name, or the first selector that names none.
fn only(audience: Audience, selectors: &[String]) -> Result<Audience, String> {
    if selectors.is_empty() {
        return Ok(audience);
    }
    // `email`, `slack` (every Slack target) or `slack:cx-weekly` (one).
    let parsed: Vec<(String, Option<&str>)> = selectors
        .iter()
        .map(|s| match s.split_once(':') {
            Some((kind, name)) => (kind.to_ascii_lowercase(), Some(name)),
            None => (s.to_ascii_lowercase(), None),
        })
        .collect();
    let picks = |kind: &str, name: Option<&str>| parsed.iter().any(|(k, n)| k == kind && (n.is_none() || *n == name));
    let kept = Audience {
        email: if picks("email", None) { audience.email.clone() } else { Recipients::default() },
        chats: audience.chats.iter().filter(|c| picks(c.kind.as_str(), Some(&c.name))).cloned().collect(),
    };
    // Each selector must name something, so a typo never silently sends nothing.
    for ((kind, name), selector) in parsed.iter().zip(selectors) {
        let named = match kind.as_str() {
            "email" => !kept.email.is_empty(),
            kind => kept.chats.iter().any(|c| c.kind.as_str() == kind && name.is_none_or(|n| c.name == n)),
        };
        if !named {
            return Err(selector.clone());
        }
    }
    Ok(kept)
}

fn targets(audience: &Audience) -> String {
    let email = (!audience.email.is_empty()).then(|| "email".to_string());
    let chats = audience.chats.iter().map(|c| format!("{}:{}", c.kind.as_str(), c.name));
    let all: Vec<String> = email.into_iter().chain(chats).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, cadences: &[Cadence]) -> Arc<ReportSpec> {
        Arc::new(ReportSpec {
            id: id.into(),
            title: None,
            account: None,
            filters: Default::default(),
            cadences: cadences.to_vec(),
            timezone: chrono_tz::Europe::Berlin,
            audience: Audience {
                email: Recipients { to: vec!["a@x.com".into()], cc: vec![], bcc: vec!["b@x.com".into()] },
                chats: vec![crate::deliver::ChatTarget {
                    kind: crate::deliver::ChatKind::Slack,
                    name: "cx".into(),
                    url: crate::spec::KeySource::Env("SLACK_URL".into()),
                    signing_secret: None,
                }],
            },
            locale: crate::locale::Locale::default(),
            goals: Vec::new(),
            brand: Default::default(),
            attachments: Default::default(),
            enabled: true,
            owners: Vec::new(),
            data_wait_hours: crate::spec::DEFAULT_DATA_WAIT_HOURS,
        })
    }

    fn overrides(selection: Selection, period: PeriodChoice) -> Overrides {
        Overrides {
            selection,
            period,
            tz: None,
            locale: None,
            to: None,
            only: Vec::new(),
            test_to: None,
            dry_run: false,
            resend: false,
            now: Utc::now(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn all_takes_the_reports_of_that_cadence_and_one_names_a_report() {
        let specs = [spec("a", &[Cadence::Weekly]), spec("b", &[Cadence::Monthly]), spec("c", &[Cadence::Weekly])];
        let weekly = resolve(&specs, &overrides(Selection::All, PeriodChoice::Cadence(Cadence::Weekly))).unwrap();
        assert_eq!(weekly.iter().map(|r| r.spec.id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        let one = resolve(&specs, &overrides(Selection::One("b".into()), PeriodChoice::Cadence(Cadence::Weekly)));
        assert_eq!(one.unwrap()[0].tz, chrono_tz::Europe::Berlin, "a named report runs even off its cadence");
        let unknown = resolve(&specs, &overrides(Selection::One("z".into()), PeriodChoice::Cadence(Cadence::Weekly)));
        assert_eq!(unknown.unwrap_err().to_string(), "there is no report 'z'; this deployment has: a, b, c");
        let only = resolve(&specs, &overrides(Selection::Only, PeriodChoice::Cadence(Cadence::Weekly)));
        assert!(matches!(only, Err(SelectionError::Ambiguous(3, _))));
    }

    #[test]
    fn a_paused_report_is_skipped_by_schedules_but_runs_when_named() {
        let mut paused = (*spec("b", &[Cadence::Weekly])).clone();
        paused.enabled = false;
        let specs = [spec("a", &[Cadence::Weekly]), Arc::new(paused)];
        let weekly = resolve(&specs, &overrides(Selection::All, PeriodChoice::Cadence(Cadence::Weekly))).unwrap();
        assert_eq!(weekly.iter().map(|r| r.spec.id.as_str()).collect::<Vec<_>>(), ["a"]);
        let named = resolve(&specs, &overrides(Selection::One("b".into()), PeriodChoice::Cadence(Cadence::Weekly)));
        assert_eq!(named.unwrap().len(), 1);
    }

    #[test]
    fn recipients_replace_the_whole_audience() {
        let specs = [spec("a", &[Cadence::Weekly])];
        let mut o = overrides(Selection::Only, PeriodChoice::Cadence(Cadence::Weekly));
        o.to = Some(vec!["me@x.com".into()]);
        o.tz = Some(chrono_tz::UTC);
        let r = &resolve(&specs, &o).unwrap()[0];
        assert_eq!(r.audience.email.to, ["me@x.com"]);
        assert!(r.audience.email.bcc.is_empty(), "the spec's bcc does not get a test send");
        assert!(r.audience.chats.is_empty(), "nor do its chat channels");
        assert_eq!(r.tz, chrono_tz::UTC);
    }

    #[test]
    fn only_keeps_the_named_targets_and_refuses_a_name_that_matches_none() {
        let specs = [spec("a", &[Cadence::Weekly])];
        let mut o = overrides(Selection::Only, PeriodChoice::Cadence(Cadence::Weekly));
        let pick = |o: &Overrides| resolve(&specs, o).map(|r| r[0].audience.clone());
        o.only = vec!["slack:cx".into()];
        let slack = pick(&o).unwrap();
        assert!(slack.email.is_empty() && slack.chats.len() == 1);
        o.only = vec!["email".into()];
        let email = pick(&o).unwrap();
        assert_eq!((email.email.bcc.len(), email.chats.len()), (1, 0), "the whole email audience, no chat");
        o.only = vec!["Slack".into(), "email".into()];
        let both = pick(&o).unwrap();
        assert_eq!((both.email.to.len(), both.chats.len()), (1, 1), "kinds in any case, several at once");
        o.only = vec!["slack:other".into()];
        assert_eq!(
            pick(&o).unwrap_err().to_string(),
            "report 'a' has no target 'slack:other' (--only); its targets: email, slack:cx"
        );
        o.only = vec!["teams".into()];
        assert!(pick(&o).is_err(), "a typo never silently sends nothing");
    }
}
