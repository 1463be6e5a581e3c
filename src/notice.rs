//! The failure notice: when a scheduled report fails for good (an error retrying
//! cannot fix, or the queue's last delivery of its job), the report's owners get
//! one short email saying which report and period, what failed, what to do, and
//! how to run it again. One per failed (report, period): a claim in the archive
//! (`…/notice.json`, written only if absent) makes every retry after the first silent.

use crate::deliver::protocol::Keys;
use crate::deliver::{Mailer, OutgoingEmail, Recipients, ReportStore};
use crate::period::Period;
use crate::pipeline::{ReportRequest, RunError};
use crate::spec::ReportSpec;
use mail_builder::MessageBuilder;

/// Whether a failure is the last word: nothing will try this job again.
pub fn is_final(error: &RunError, receive_count: u32, max_receives: u32) -> bool {
    !error.is_retryable() || receive_count >= max_receives
}

/// What the owner can do about each kind of failure.
fn advice(error: &RunError, spec: &ReportSpec) -> String {
    let account = spec.account.as_ref().map_or("(demo)", |a| a.id.as_str());
    match error.error_type() {
        "MoveoUnauthorized" => format!(
            "Moveo refused the API key. Check that the key this report reads is current and belongs to \
             account {account} (Moveo console: Settings → API keys)."
        ),
        "MoveoUnavailable" => {
            "Moveo did not answer (server errors, rate limits or timeouts) through every retry. This is \
             usually passing: run the report again later."
                .into()
        }
        "MoveoQueryFailed" => format!(
            "Moveo rejected a query the headline figures need. Run `moveo-reports check --report {}` to see \
             which one, and correct its file (README: \"When a query does not fit your account\").",
            spec.id
        ),
        "StoreUnavailable" | "StoreRejected" => {
            "The report bucket refused the archive or did not answer. Check the bucket and the function's \
             permissions; nothing was sent without an archived report."
                .into()
        }
        "DeliveryRejected" => {
            "A delivery channel refused the report (an unverified sender, a webhook that is gone, a payload \
             refused). Fix the channel; the targets that got it will not get it twice."
                .into()
        }
        "DeliveryUncertain" => {
            "A send may have gone out although it failed. It is not repeated automatically: check whether \
             the audience got it, and resend with --resend if not."
                .into()
        }
        _ => "See the error above; the run history has the details of every attempt.".into(),
    }
}

/// The notice's subject and plain-text body.
pub fn text(spec: &ReportSpec, period: &Period, error: &RunError, request_id: &str) -> (String, String) {
    let name = spec.title.as_deref().unwrap_or(&spec.id);
    let (kind, label) = (period.kind.as_str(), period.label());
    let subject = format!("[moveo-reports] {name}: the {kind} report for {label} failed");
    let rerun = crate::runs::rerun_args(&spec.id, period);
    let event = match period.kind {
        crate::period::PeriodKind::Custom => serde_json::json!({
            "report": spec.id, "from": period.first_day.to_string(), "to": period.last_day.to_string(),
            "timezone": period.tz.name(),
        }),
        kind => serde_json::json!({
            "report": spec.id, "period": kind.as_str(), "scheduled_time": crate::runs::as_of(period),
            "timezone": period.tz.name(),
        }),
    };
    let retry = if error.is_retryable() {
        "temporary, but every retry failed"
    } else {
        "lasting: trying again alone will not fix it"
    };
    let body = format!(
        "The {kind} report \"{name}\" for {label} (id {id}) was not sent.\n\n\
         What failed ({kind}, {retry}):\n  {error}\n\n\
         What to do:\n  {advice}\n\n\
         How to run it again, once fixed (what already went out is not sent twice):\n\
         \x20 moveo-reports report {rerun}\n\
         \x20 or invoke the function with {event}\n\n\
         Every attempt is in the run history: moveo-reports history --report {id}\n\
         Request {request_id}. You get this because you own this report (owners in the reports file).\n",
        id = spec.id,
        kind = error.error_type(),
        error = crate::report::text::one_line(&error.to_string()),
        advice = advice(error, spec),
    );
    (subject, body)
}

/// Sends the notice unless one already went out for this report and period.
/// `Ok(false)`: an earlier attempt sent it (or there is nobody to tell).
pub async fn send_once<S: ReportStore, M: Mailer>(
    store: &S,
    mailer: &M,
    from: &str,
    request: &ReportRequest,
    error: &RunError,
) -> Result<bool, String> {
    let spec = &*request.spec;
    if spec.owners.is_empty() {
        return Ok(false);
    }
    // A request whose period cannot be made (a malformed range) reaches a person, not a schedule.
    let Ok(period) = Period::resolve(request.period, request.tz, request.now) else { return Ok(false) };
    let claim = Keys::new(&spec.id, &period).file("notice.json");
    let body = serde_json::json!({ "request_id": request.request_id, "error": error.error_type() }).to_string();
    if !store.put_if_absent(&claim, "application/json", body.as_bytes()).await.map_err(|e| e.to_string())? {
        return Ok(false);
    }
    let (subject, text) = text(spec, &period, error, &request.request_id);
    let recipients = Recipients { to: spec.owners.clone(), ..Recipients::default() };
    let raw = MessageBuilder::new()
        .from(from)
        .to(spec.owners.iter().map(String::as_str).collect::<Vec<_>>())
        .subject(subject)
        .text_body(text)
        .write_to_vec()
        .map_err(|e| e.to_string())?;
    let email = OutgoingEmail { from, recipients: &recipients, raw: &raw, slug: &format!("notice-{}", period.slug()) };
    match mailer.send(&email).await {
        Ok(_) => Ok(true),
        Err(e) => {
            // Not sent: the next attempt may send it.
            let _ = store.delete(&claim).await;
            Err(format!("the failure notice for {} could not be sent: {e}", spec.id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{PeriodError, PeriodRequest};

    #[test]
    fn the_notice_says_which_report_what_failed_and_how_to_run_it_again() {
        let mut spec = ReportSpec::demo("brand-a");
        spec.title = Some("Brand A".into());
        let now = "2026-11-25T08:00:00Z".parse().unwrap();
        let period = Period::resolve(PeriodRequest::Weekly, chrono_tz::Europe::Berlin, now).unwrap();
        let error = RunError::Period(PeriodError::TooEarly("1999-12-31".parse().unwrap()));
        let (subject, body) = text(&spec, &period, &error, "req-1");
        assert_eq!(subject, "[moveo-reports] Brand A: the weekly report for 16–22 Nov 2026 failed");
        let rerun = "--report brand-a --period weekly --as-of 2026-11-23T00:00:00+01:00 --tz Europe/Berlin";
        assert!(body.contains(rerun), "{body}");
        assert!(body.contains(r#""scheduled_time":"2026-11-23T00:00:00+01:00""#), "{body}");
        assert!(body.contains("InvalidRequest, lasting"), "{body}");
        assert!(body.contains("req-1"));
        assert!(is_final(&error, 1, 3), "a lasting failure is final at once");
    }
}
