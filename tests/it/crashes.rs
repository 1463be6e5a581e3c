//! A process killed (SIGKILL) at each step boundary of the delivery protocol, then
//! run again. The point is reached by a proxy that holds the step's request (moto or
//! the stand-in never sees it) until the process is dead. Each test checks that the
//! rerun never sends a second email, that every claim left behind is explained by
//! `history` (the killed run has no end, and its claims are listed with what to do),
//! and that `--resend --only` resolves one that never went out.

use crate::chaos::{Fault, Head};
use crate::faults::{block, world, Rig};
use crate::helpers::*;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Where the process dies.
#[derive(Debug, Clone, Copy)]
enum Boundary {
    /// Fetching: nothing archived or claimed.
    Fetch,
    /// Artefacts written, the manifest not.
    Archive,
    /// Archived, nothing claimed.
    Claim,
    /// Claimed (`sending`), the mail not handed to SES.
    Send,
    /// Sent, the claim not yet marked `sent`.
    Record,
    /// Delivered and recorded, the run's own record not ended.
    RunEnd,
}

/// Runs the report, kills it at `boundary`, and returns the rig and what `history` says.
fn kill_at(name: &str, boundary: Boundary) -> (Rig, String) {
    let rig = Rig::new(name, false);
    let runs_seen = AtomicUsize::new(0);
    let picks = move |h: &Head| {
        let put = h.method == "PUT";
        let delivery = h.path.contains("/deliveries/");
        match boundary {
            Boundary::Fetch => h.method == "POST",
            Boundary::Archive => put && h.path.contains("/manifest.json"),
            Boundary::Claim => put && delivery && h.header("if-none-match").is_some(),
            Boundary::Send => h.method == "POST",
            // The email's record (`deliveries/{hash}.json`; chat targets' are `{kind}-{hash}.json`).
            Boundary::Record => {
                let file = h.path.rsplit('/').next().unwrap_or("").split('?').next().unwrap_or("");
                put && delivery && h.header("if-none-match").is_none() && !file.contains('-')
            }
            // The run's record is written when it starts and when it ends: hold the second.
            Boundary::RunEnd => put && h.path.contains("/runs/") && runs_seen.fetch_add(1, Ordering::SeqCst) == 1,
        }
    };
    let proxy = if matches!(boundary, Boundary::Fetch) { &rig.moveo } else { &rig.aws };
    proxy.inject(picks, Fault::Hang);

    let mut child = rig.report_command(&[]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    assert!(proxy.wait_for_hits(1, Duration::from_secs(120)), "{name}: the run never reached {boundary:?}");
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "{name}: killed");
    proxy.heal();
    let history = rig.history();
    assert!(history.contains("running") && history.contains("no end recorded"), "{name}: {history}");
    (rig, history)
}

fn rerun_sends_once(name: &str, boundary: Boundary) {
    let (rig, _) = kill_at(name, boundary);
    assert_eq!(rig.delivered(), [0, 0, 0, 0], "{name}: nothing went out before the kill");
    let rerun = rig.report(&[]);
    assert!(rerun.status.success(), "{}\n{}", stdout(&rerun), stderr(&rerun));
    assert_eq!(rig.delivered(), [1, 1, 1, 1], "{name}");
    assert!(rig.report(&[]).status.success());
    assert_eq!(rig.delivered(), [1, 1, 1, 1], "{name}: a later run sent again");
}

#[test]
fn killed_while_fetching_the_rerun_sends_once() {
    rerun_sends_once("crash-fetch", Boundary::Fetch);
}

#[test]
fn killed_between_the_artefacts_and_the_manifest_the_rerun_archives_and_sends_once() {
    rerun_sends_once("crash-archive", Boundary::Archive);
}

#[test]
fn killed_before_claiming_the_rerun_sends_once() {
    rerun_sends_once("crash-claim", Boundary::Claim);
}

#[test]
fn killed_after_claiming_the_email_is_held_explained_and_resent_on_request() {
    let (rig, history) = kill_at("crash-send", Boundary::Send);
    let [emails, ..] = rig.delivered();
    assert_eq!(emails, 0, "the proxy held the send");
    // The claim is explained: which target, that it may not have gone out, and the command.
    let address = format!("email to {}@acme.example: claimed", rig.id);
    assert!(history.contains(&address) && history.contains("never confirmed (sending)"), "{history}");
    let command = format!("moveo-reports report --report {} --period weekly --as-of ", rig.id);
    assert!(history.contains(&command) && history.contains("--tz UTC --resend --only email"), "{history}");

    let manifest = || {
        let keys = block(world().moto.keys(&format!("reports/{}/", rig.id)));
        keys.iter().find(|k| k.ends_with("/manifest.json")).map(|k| block(world().moto.object(k)))
    };
    let archived = manifest();
    assert!(archived.is_some(), "archived before the claim");
    // A retry never sends it: it cannot know whether the mail went out.
    let rerun = rig.report(&[]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert!(stdout(&rerun).contains("never confirmed sending (state: sending)"), "{}", stdout(&rerun));
    assert_eq!(rig.delivered()[0], 0);
    // A person who checked sends it; nothing else goes twice.
    let resend = rig.run_printed(&history, "email");
    assert!(resend.status.success(), "{}", stderr(&resend));
    assert!(stdout(&resend).contains("sent again"), "{}", stdout(&resend));
    assert_eq!(manifest(), archived, "the archive the chat targets were linked to is kept");
    assert!(rig.report(&[]).status.success());
    let [emails, slack, teams, hooks] = rig.delivered();
    assert_eq!(emails, 1);
    assert!(slack <= 1 && teams <= 1 && hooks <= 1, "no chat twice");
}

#[test]
fn killed_after_sending_the_rerun_sends_nothing_and_history_explains_the_claim() {
    let (rig, history) = kill_at("crash-record", Boundary::Record);
    assert_eq!(rig.delivered()[0], 1, "SES took the mail before the kill");
    assert!(history.contains("never confirmed (sending)"), "{history}");
    let rerun = rig.report(&[]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert!(stdout(&rerun).contains("never confirmed sending"), "{}", stdout(&rerun));
    assert!(rig.report(&[]).status.success());
    assert_eq!(rig.delivered()[0], 1, "never two emails");
}

#[test]
fn killed_before_the_run_record_ends_history_shows_what_it_delivered() {
    let (rig, history) = kill_at("crash-run-end", Boundary::RunEnd);
    assert_eq!(rig.delivered(), [1, 1, 1, 1]);
    assert!(history.contains(&format!("email to {}@acme.example: sent", rig.id)), "{history}");
    assert!(history.contains("slack 'cx': sent"), "{history}");
    let rerun = rig.report(&[]);
    assert!(rerun.status.success());
    assert!(stdout(&rerun).contains("already delivered"), "{}", stdout(&rerun));
    assert_eq!(rig.delivered(), [1, 1, 1, 1]);
}
