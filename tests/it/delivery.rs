//! Delivery for real: the archive in S3 and the mail through SES, both moto,
//! started here. What users get is read back: S3 objects and the raw mail.

use crate::chaos::{Chaos, Fault};
use crate::helpers::*;
use chrono::Utc;
use moveo_reports::app::{self, Outbox, Store};
use moveo_reports::config::Config;
use moveo_reports::deliver::{sha256_hex, Delivery, Manifest};
use moveo_reports::deliver::{Audience, Recipients};
use moveo_reports::period::{Period, PeriodRequest};
use moveo_reports::pipeline::ReportRequest;
use std::collections::HashMap;

const TEAM: &str = "team@acme.example,lead@acme.example";

fn report_cli(moto: &Moto, out: &std::path::Path) -> std::process::Command {
    let mut cmd = cli();
    cmd.args(["report", "--period", "weekly", "--tz", "Europe/Berlin", "--out"])
        .arg(out)
        .env("REPORT_BUCKET", BUCKET)
        .env("SENDER_ADDRESS", SENDER)
        .env("REPORT_RECIPIENTS", TEAM)
        .envs(moto.env());
    cmd
}

fn weekly_prefix() -> String {
    let p = Period::resolve(PeriodRequest::Weekly, chrono_tz::Europe::Berlin, Utc::now()).unwrap();
    format!("reports/demo/weekly/{}", p.slug())
}

#[tokio::test]
async fn a_weekly_report_is_archived_in_s3_and_mailed_through_ses_once() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let dir = tempfile::tempdir().unwrap();

    let out = run(&mut report_cli(&moto, dir.path()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("s3://{BUCKET}/{}", weekly_prefix())), "{}", stdout(&out));
    assert!(files_under(dir.path()).is_empty(), "nothing local when S3 and SES are configured");

    // The archive: every artefact the manifest lists, byte for byte.
    let prefix = weekly_prefix();
    let manifest: Manifest = serde_json::from_slice(&moto.object(&format!("{prefix}/manifest.json")).await).unwrap();
    let keys = moto.keys(&prefix).await;
    for entry in &manifest.artifacts {
        assert!(keys.contains(&entry.key), "{} not in S3", entry.key);
        assert_eq!(sha256_hex(&moto.object(&entry.key).await), entry.sha256, "{}", entry.key);
    }
    let head = moto.s3().await.head_object().bucket(BUCKET).key(format!("{prefix}/report.pdf")).send().await.unwrap();
    assert_eq!(head.content_type(), Some("application/pdf"));
    assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("AES256"));
    assert!(keys.iter().any(|k| k.starts_with(&format!("{prefix}/deliveries/"))), "a delivery record");

    // The mail, as the recipients' client reads it.
    let sent = moto.sent().await;
    assert_eq!(sent.len(), 1);
    let email = read_email(&sent[0]);
    assert!(email.subject.starts_with("[Demo data] Weekly report · "), "{}", email.subject);
    assert_eq!(email.from, [SENDER]);
    assert_eq!(email.to, ["team@acme.example", "lead@acme.example"]);
    for cid in cids(&email.html) {
        let (_, _, png) = email.inline.iter().find(|(id, _, _)| *id == cid).expect("every cid has its image");
        // Charts are 2× the 600 px column; sparklines 2× their 120 px.
        assert_eq!(png_size(png).0, if cid.starts_with("trend_") { 240 } else { 1200 }, "{cid}");
    }
    let (_, _, pdf) = email.attachments.iter().find(|(_, ct, _)| ct == "application/pdf").unwrap();
    let archived_pdf = moto.object(&format!("{prefix}/report.pdf")).await;
    assert_eq!(pdf_text(pdf), pdf_text(&archived_pdf), "the mailed PDF is the archived one");

    // "View the full report online": a presigned GET of the archived PDF, in both parts of the mail.
    let text = email.text.replace("\r\n", "\n");
    let link =
        text.lines().find_map(|l| l.strip_prefix("View the full report online: ")).expect("a link in the text part");
    assert!(link.contains("X-Amz-Signature=") && link.contains("X-Amz-Expires=604800"), "{link}");
    assert!(email.html.contains("View the full report online</a>"));
    let fetched = reqwest::get(link).await.unwrap();
    assert!(fetched.status().is_success(), "{}", fetched.status());
    assert_eq!(
        fetched.bytes().await.unwrap().as_ref(),
        archived_pdf.as_slice(),
        "the link serves the archive byte for byte"
    );

    // The same request again: nothing new archived, nothing sent.
    let again = run(&mut report_cli(&moto, dir.path()));
    assert!(again.status.success());
    assert!(stdout(&again).contains("already delivered on"), "{}", stdout(&again));
    assert_eq!(moto.sent().await.len(), 1);

    // On purpose: a second mail, and a record of the resend beside the first.
    let resend = run(report_cli(&moto, dir.path()).arg("--resend"));
    assert!(stdout(&resend).contains("sent again"), "{}", stdout(&resend));
    assert_eq!(moto.sent().await.len(), 2);
    let records: Vec<String> = moto.keys(&format!("{prefix}/deliveries/")).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(records.iter().any(|k| k.contains("-resend-")));
}

#[tokio::test]
async fn an_unverified_sender_archives_the_report_and_a_retry_sends_it_once() {
    let moto = Moto::start();
    moto.prepare(false).await;
    let dir = tempfile::tempdir().unwrap();

    let out = run(&mut report_cli(&moto, dir.path()));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains(&format!("SES rejected the message from {SENDER}")), "{err}");
    assert!(err.contains("Verify the sender"), "{err}");
    assert!(!err.contains("again can succeed"), "a rejected sender is not a passing problem: {err}");
    let prefix = weekly_prefix();
    let keys = moto.keys(&prefix).await;
    assert!(keys.contains(&format!("{prefix}/report.pdf")), "archived before sending");
    assert!(!keys.iter().any(|k| k.contains("/deliveries/")), "the failed send released its claim");
    assert!(moto.sent().await.is_empty());

    moto.verify(SENDER).await;
    assert!(run(&mut report_cli(&moto, dir.path())).status.success());
    assert!(run(&mut report_cli(&moto, dir.path())).status.success());
    assert_eq!(moto.sent().await.len(), 1, "exactly one mail after verifying");
}

#[tokio::test]
async fn an_s3_outage_sends_nothing_and_the_next_try_completes_the_job() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let dir = tempfile::tempdir().unwrap();

    // S3 down entirely: the run stops at its first S3 call and says where.
    let down =
        run(report_cli(&moto, dir.path()).env("AWS_ENDPOINT_URL_S3", format!("http://127.0.0.1:{}", closed_port())));
    assert!(!down.status.success());
    let err = stderr(&down);
    assert!(err.contains(&weekly_prefix()) && err.contains(&format!("s3://{BUCKET}")), "{err}");
    assert!(err.contains("running the same command again can succeed"), "{err}");

    // S3 reads work but every upload answers 503: the archive fails, so no mail goes out.
    let proxy = Chaos::start(moto.port);
    proxy.inject(|h| h.method == "PUT", Fault::Status(503));
    let s3_via_proxy = proxy.url();
    let failing = run(report_cli(&moto, dir.path()).env("AWS_ENDPOINT_URL_S3", &s3_via_proxy));
    assert!(!failing.status.success());
    let err = stderr(&failing);
    assert!(
        err.contains(&format!("uploading {}/", weekly_prefix())) && err.contains(&format!("to s3://{BUCKET}")),
        "{err}"
    );
    assert!(err.contains("503") || err.contains("Service Unavailable"), "{err}");
    assert!(err.contains("running the same command again can succeed"), "{err}");
    assert!(moto.sent().await.is_empty(), "no mail without an archive");

    proxy.heal();
    let healed = run(report_cli(&moto, dir.path()).env("AWS_ENDPOINT_URL_S3", &s3_via_proxy));
    assert!(healed.status.success(), "{}", stderr(&healed));
    assert_eq!(moto.sent().await.len(), 1);
}

#[tokio::test]
async fn the_same_request_twice_at_the_same_time_sends_one_email() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let vars: HashMap<String, String> = [
        ("REPORT_BUCKET", BUCKET),
        ("SENDER_ADDRESS", SENDER),
        ("REPORT_RECIPIENTS", "team@acme.example"),
        ("AWS_ENDPOINT_URL", "set"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = Config::from_vars(&vars).unwrap();
    let sdk = moto.sdk().await;
    let dir = tempfile::tempdir().unwrap();
    let a = app::build(&config, Some(&sdk), dir.path()).await.unwrap();
    let b = app::build(&config, Some(&sdk), dir.path()).await.unwrap().app;
    let spec = a.specs[0].clone();
    let a = a.app;
    assert!(matches!((&a.store, &a.mailer), (Store::S3(_), Outbox::Ses(_))));
    let request = ReportRequest {
        spec,
        period: PeriodRequest::Monthly,
        tz: chrono_tz::UTC,
        now: Utc::now(),
        audience: Audience::email(Recipients { to: vec!["team@acme.example".into()], ..Default::default() }),
        dry_run: false,
        resend: false,
        test: false,
        request_id: "same".into(),
    };
    let (x, y) = tokio::join!(a.run(&request), b.run(&request));
    let outcomes = [x.unwrap().deliveries.remove(0).delivery, y.unwrap().deliveries.remove(0).delivery];
    let sent = outcomes.iter().filter(|d| matches!(d, Delivery::Sent { .. })).count();
    assert_eq!(sent, 1, "{outcomes:?}");
    assert_eq!(moto.sent().await.len(), 1);
}

#[tokio::test]
async fn a_send_whose_answer_is_lost_is_never_repeated_automatically() {
    let moto = Moto::start();
    moto.prepare(true).await;
    let dir = tempfile::tempdir().unwrap();
    // SES receives the mail, but the answer never reaches us.
    let proxy = Chaos::start(moto.port);
    proxy.inject(|h| h.method == "POST", Fault::LoseAnswer);
    let ses_via_proxy = proxy.url();

    let lost = run(report_cli(&moto, dir.path()).env("AWS_ENDPOINT_URL_SES", &ses_via_proxy));
    assert!(!lost.status.success());
    let err = stderr(&lost);
    assert!(err.contains("may or may not have been delivered"), "{err}");
    assert!(err.contains("--resend"), "{err}");
    assert!(!err.contains("again can succeed"), "retrying could send twice: {err}");
    assert_eq!(moto.sent().await.len(), 1, "SES did accept it");

    // A retry (Scheduler's, or a person's) does not send a second copy.
    let retry = run(&mut report_cli(&moto, dir.path()));
    assert!(retry.status.success());
    assert!(stdout(&retry).contains("never confirmed sending (state: unknown)"), "{}", stdout(&retry));
    assert_eq!(moto.sent().await.len(), 1);
}

/// A store whose first conditional write succeeds but answers as if it had lost,
/// as S3 does when the answer is lost and the SDK's retry finds the object there.
struct LostClaimAnswer {
    inner: moveo_reports::deliver::DirStore,
    lost: std::sync::atomic::AtomicBool,
}

impl moveo_reports::deliver::ReportStore for LostClaimAnswer {
    async fn put(&self, key: &str, ct: &str, bytes: &[u8]) -> Result<(), moveo_reports::deliver::StoreError> {
        self.inner.put(key, ct, bytes).await
    }
    async fn put_if_absent(
        &self,
        key: &str,
        ct: &str,
        bytes: &[u8],
    ) -> Result<bool, moveo_reports::deliver::StoreError> {
        let won = self.inner.put_if_absent(key, ct, bytes).await?;
        Ok(won && self.lost.swap(true, std::sync::atomic::Ordering::SeqCst))
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, moveo_reports::deliver::StoreError> {
        self.inner.get(key).await
    }
    async fn delete(&self, key: &str) -> Result<(), moveo_reports::deliver::StoreError> {
        self.inner.delete(key).await
    }
    fn locate(&self, key: &str) -> String {
        self.inner.locate(key)
    }
}

#[tokio::test]
async fn a_claim_whose_answer_was_lost_is_still_ours() {
    let dir = tempfile::tempdir().unwrap();
    let pipeline = moveo_reports::pipeline::Pipeline {
        source: moveo_reports::analytics::DemoData::default(),
        store: LostClaimAnswer { inner: moveo_reports::deliver::DirStore::new(dir.path()), lost: false.into() },
        mailer: moveo_reports::deliver::EmlOutbox::new(dir.path().join("outbox")),
        chats: moveo_reports::deliver::ChatPoster::local(),
        renderer: moveo_reports::render::Renderer::new().unwrap(),
        sender: moveo_reports::pipeline::Sender { from: SENDER.into(), reply_to: None },
    };
    let spec = std::sync::Arc::new(moveo_reports::spec::ReportSpec::demo("acct"));
    let request = ReportRequest {
        request_id: "r-1".into(),
        ..weekly_request(spec, chrono_tz::UTC, Utc::now(), "team@acme.example")
    };
    let outcome = pipeline.run(&request).await.unwrap();
    assert!(matches!(outcome.deliveries[0].delivery, Delivery::Sent { .. }), "{:?}", outcome.deliveries);
    assert_eq!(files_under(&dir.path().join("outbox")).len(), 1);
    // Another run's claim is not: the next request finds the report delivered.
    let again = pipeline.run(&ReportRequest { request_id: "r-2".into(), ..request }).await.unwrap();
    assert!(matches!(again.deliveries[0].delivery, Delivery::AlreadyDelivered { .. }), "{:?}", again.deliveries);
}
