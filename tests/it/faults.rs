//! Every fault at every step of a run. One report goes to email, Slack, Teams and a
//! signed webhook; the Moveo stand-in, moto (S3 and SES) and the webhook receiver each
//! sit behind their own `Chaos` proxy, and one step's requests meet one fault until
//! the proxy heals. Each test checks:
//! - the run's error names the right class (its kind, and whether trying again helps),
//! - no email or post without an archived report,
//! - after healing, the next run completes with exactly one delivery per channel, or,
//!   where a send may have gone out, holds it, says so, and `--resend --only` finishes it.
//!
//! The servers are shared by these tests (each test has its own report, recipients,
//! receiver paths and proxies), so the matrix costs CLI runs, not server starts.

use crate::chaos::{Chaos, Fault, Head};
use crate::helpers::*;
use std::sync::OnceLock;

/// A step of a run, and which requests are its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The Moveo queries.
    Fetch,
    /// Every artefact and the manifest into S3.
    Archive,
    /// The conditional write of a delivery claim (`If-None-Match: *`).
    Claim,
    /// SES `SendRawEmail`.
    Send,
    /// The delivery record after a send.
    Record,
    /// The run record under `runs/` (start and end).
    History,
    Slack,
    Teams,
    Webhook,
}

impl Step {
    const ALL: [Step; 9] = [
        Step::Fetch,
        Step::Archive,
        Step::Claim,
        Step::Send,
        Step::Record,
        Step::History,
        Step::Slack,
        Step::Teams,
        Step::Webhook,
    ];

    fn picks(self, h: &Head) -> bool {
        let put = h.method == "PUT";
        let delivery = h.path.contains("/deliveries/");
        match self {
            Step::Fetch => h.method == "POST",
            Step::Archive => put && h.path.contains("/reports/") && !delivery,
            Step::Claim => put && delivery && h.header("if-none-match").is_some(),
            Step::Send => h.method == "POST",
            Step::Record => put && delivery && h.header("if-none-match").is_none(),
            Step::History => put && h.path.contains("/runs/"),
            Step::Slack => h.path.ends_with("/slack"),
            Step::Teams => h.path.ends_with("/teams"),
            Step::Webhook => h.path.ends_with("/hook"),
        }
    }

    /// The `--only` selector of the channel this step delivers to.
    fn channel(self) -> &'static str {
        match self {
            Step::Slack => "slack:cx",
            Step::Teams => "teams:ops",
            Step::Webhook => "webhook:bi",
            _ => "email",
        }
    }
}

/// What the first run, during the fault, does.
#[derive(Debug, Clone, Copy)]
enum First {
    /// Exits 0, every channel delivered once.
    Delivers,
    /// Exits 1 with this error kind, said to be passing (`retryable`) or not.
    Fails { kind: &'static str, retryable: bool },
}

/// What happens after healing.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// The next run delivers what is missing: exactly one delivery per channel.
    Once,
    /// The step's channel may have got it: its claim is held (no run repeats it), the
    /// run and `history` say so; `arrived` says whether it did, and if not `--resend --only`
    /// delivers it once.
    Held { arrived: bool },
}

const DELIVERS: First = First::Delivers;
const PASSING: fn(&'static str) -> First = |kind| First::Fails { kind, retryable: true };
const LASTING: fn(&'static str) -> First = |kind| First::Fails { kind, retryable: false };

const LATENCY: Fault = Fault::MATRIX[0];
const RESET: Fault = Fault::Reset;
const E503: Fault = Fault::Status(503);
const E429: Fault = Fault::Status(429);
const HALF: Fault = Fault::HalfAnswer;
const HANG: Fault = Fault::Hang;

macro_rules! matrix {
    ($($name:ident: $step:ident, $fault:ident => $first:expr, $then:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), Step::$step, $fault, $first, $then);
            }
        )*

        const MATRIX: &[(Step, Fault)] = &[$((Step::$step, $fault)),*];
    };
}

const ONCE: Then = Then::Once;
const ARRIVED: Then = Then::Held { arrived: true };
const NOT_ARRIVED: Then = Then::Held { arrived: false };

matrix! {
    fetch_latency: Fetch, LATENCY => DELIVERS, ONCE;
    fetch_reset: Fetch, RESET => PASSING("MoveoUnavailable"), ONCE;
    fetch_503: Fetch, E503 => PASSING("MoveoUnavailable"), ONCE;
    fetch_429: Fetch, E429 => PASSING("MoveoUnavailable"), ONCE;
    fetch_half_answer: Fetch, HALF => PASSING("MoveoUnavailable"), ONCE;
    fetch_hang: Fetch, HANG => PASSING("MoveoUnavailable"), ONCE;

    archive_latency: Archive, LATENCY => DELIVERS, ONCE;
    archive_reset: Archive, RESET => PASSING("StoreUnavailable"), ONCE;
    archive_503: Archive, E503 => PASSING("StoreUnavailable"), ONCE;
    archive_429: Archive, E429 => PASSING("StoreUnavailable"), ONCE;
    archive_half_answer: Archive, HALF => PASSING("StoreUnavailable"), ONCE;
    archive_hang: Archive, HANG => PASSING("StoreUnavailable"), ONCE;

    claim_latency: Claim, LATENCY => DELIVERS, ONCE;
    claim_reset: Claim, RESET => PASSING("DeliveryUnavailable"), ONCE;
    claim_503: Claim, E503 => PASSING("DeliveryUnavailable"), ONCE;
    claim_429: Claim, E429 => PASSING("DeliveryUnavailable"), ONCE;
    // The claim was written; its answer never arrived. Read back, it is ours: sent once.
    claim_half_answer: Claim, HALF => DELIVERS, ONCE;
    claim_hang: Claim, HANG => PASSING("DeliveryUnavailable"), ONCE;

    send_latency: Send, LATENCY => DELIVERS, ONCE;
    // A reset or a silence after the request went out: SES may have the mail.
    send_reset: Send, RESET => LASTING("DeliveryUncertain"), NOT_ARRIVED;
    send_503: Send, E503 => PASSING("DeliveryUnavailable"), ONCE;
    send_429: Send, E429 => PASSING("DeliveryUnavailable"), ONCE;
    send_half_answer: Send, HALF => LASTING("DeliveryUncertain"), ARRIVED;
    send_hang: Send, HANG => LASTING("DeliveryUncertain"), NOT_ARRIVED;

    // The mail is out: a record that cannot be written costs a warning, and the claim
    // (still `sending`) keeps every later run from sending again.
    record_latency: Record, LATENCY => DELIVERS, ONCE;
    record_reset: Record, RESET => DELIVERS, ONCE;
    record_503: Record, E503 => DELIVERS, ONCE;
    record_429: Record, E429 => DELIVERS, ONCE;
    record_half_answer: Record, HALF => DELIVERS, ONCE;
    record_hang: Record, HANG => DELIVERS, ONCE;

    // The run history is never worth a report.
    history_latency: History, LATENCY => DELIVERS, ONCE;
    history_reset: History, RESET => DELIVERS, ONCE;
    history_503: History, E503 => DELIVERS, ONCE;
    history_429: History, E429 => DELIVERS, ONCE;
    history_half_answer: History, HALF => DELIVERS, ONCE;
    history_hang: History, HANG => DELIVERS, ONCE;

    slack_latency: Slack, LATENCY => DELIVERS, ONCE;
    slack_reset: Slack, RESET => LASTING("DeliveryUncertain"), NOT_ARRIVED;
    slack_503: Slack, E503 => PASSING("DeliveryUnavailable"), ONCE;
    slack_429: Slack, E429 => PASSING("DeliveryUnavailable"), ONCE;
    slack_half_answer: Slack, HALF => LASTING("DeliveryUncertain"), ARRIVED;
    slack_hang: Slack, HANG => LASTING("DeliveryUncertain"), NOT_ARRIVED;

    teams_latency: Teams, LATENCY => DELIVERS, ONCE;
    teams_reset: Teams, RESET => LASTING("DeliveryUncertain"), NOT_ARRIVED;
    teams_503: Teams, E503 => PASSING("DeliveryUnavailable"), ONCE;
    teams_429: Teams, E429 => PASSING("DeliveryUnavailable"), ONCE;
    teams_half_answer: Teams, HALF => LASTING("DeliveryUncertain"), ARRIVED;
    teams_hang: Teams, HANG => LASTING("DeliveryUncertain"), NOT_ARRIVED;

    // Webhook receivers drop repeats by delivery id, so a doubtful post is posted again
    // with the same id: once means one id.
    webhook_latency: Webhook, LATENCY => DELIVERS, ONCE;
    webhook_reset: Webhook, RESET => PASSING("DeliveryUnavailable"), ONCE;
    webhook_503: Webhook, E503 => PASSING("DeliveryUnavailable"), ONCE;
    webhook_429: Webhook, E429 => PASSING("DeliveryUnavailable"), ONCE;
    webhook_half_answer: Webhook, HALF => PASSING("DeliveryUnavailable"), ONCE;
    webhook_hang: Webhook, HANG => PASSING("DeliveryUnavailable"), ONCE;
}

#[test]
fn the_matrix_has_every_step_with_every_fault() {
    for step in Step::ALL {
        for fault in Fault::MATRIX {
            assert!(MATRIX.contains(&(step, fault)), "{step:?} × {fault:?} has no test");
        }
    }
    assert_eq!(MATRIX.len(), Step::ALL.len() * Fault::MATRIX.len());
}

/// The servers every fault test shares.
pub struct World {
    pub moto: Moto,
    standin: StandIn,
    hooks: Receiver,
}

pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let moto = Moto::start();
        block(moto.prepare(true));
        World { moto, standin: StandIn::start(), hooks: Receiver::start() }
    })
}

pub fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

const HOOK_SECRET: &str = "whsec-faults";

const CHATS: &str = r#"
[[report.audience.slack]]
name = "cx"
url = "env:SLACK_URL"

[[report.audience.teams]]
name = "ops"
url = "env:TEAMS_URL"

[[report.audience.webhook]]
name = "bi"
url = "env:HOOK_URL"
secret = "env:HOOK_SECRET"
"#;

/// One report of its own, with a proxy in front of each server.
pub struct Rig {
    pub id: String,
    dir: tempfile::TempDir,
    pub moveo: Chaos,
    pub aws: Chaos,
    pub hooks: Chaos,
}

impl Rig {
    /// A report to email, Slack, Teams and a webhook; `email_only` leaves the chats out.
    pub fn new(name: &str, email_only: bool) -> Rig {
        let w = world();
        let id = name.replace('_', "-");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("reports.toml"),
            format!(
                r#"
[[report]]
id = "{id}"
account_id = "{STANDIN_ACCOUNT}"
api_key_env = "CX_KEY"
cadences = ["weekly"]
timezone = "UTC"

[report.audience]
to = ["{id}@acme.example"]
{chats}"#,
                chats = if email_only { "" } else { CHATS }
            ),
        )
        .unwrap();
        Rig {
            id,
            dir,
            moveo: Chaos::start(w.standin.port),
            aws: Chaos::start(w.moto.port),
            hooks: Chaos::start(w.hooks.port),
        }
    }

    fn proxy(&self, step: Step) -> &Chaos {
        match step {
            Step::Fetch => &self.moveo,
            Step::Slack | Step::Teams | Step::Webhook => &self.hooks,
            _ => &self.aws,
        }
    }

    fn path(&self, channel: &str) -> String {
        format!("/{}/{channel}", self.id)
    }

    pub fn cli(&self, args: &[&str]) -> std::process::Command {
        let w = world();
        let mut cmd = cli();
        cmd.envs(w.moto.env())
            .env("AWS_ENDPOINT_URL", self.aws.url())
            .env("REPORTS_CONFIG", self.dir.path().join("reports.toml"))
            .env("CX_KEY", STANDIN_KEY)
            .env("MOVEO_API_URL", format!("{}/v1/graphql", self.moveo.url()))
            .env("REPORT_BUCKET", BUCKET)
            .env("SENDER_ADDRESS", SENDER)
            .env("SLACK_URL", format!("{}{}", self.hooks.url(), self.path("slack")))
            .env("TEAMS_URL", format!("{}{}", self.hooks.url(), self.path("teams")))
            .env("HOOK_URL", format!("{}{}", self.hooks.url(), self.path("hook")))
            .env("HOOK_SECRET", HOOK_SECRET)
            .args(args);
        cmd
    }

    pub fn report(&self, extra: &[&str]) -> std::process::Output {
        run(&mut self.report_command(extra))
    }

    pub fn report_command(&self, extra: &[&str]) -> std::process::Command {
        let mut args = vec!["report", "--report", &self.id, "--period", "weekly", "--out"];
        let out = self.dir.path().join("out");
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    /// Deliveries so far: (emails, Slack posts, Teams posts, distinct webhook deliveries).
    pub fn delivered(&self) -> [usize; 4] {
        let w = world();
        let address = format!("{}@acme.example", self.id);
        let emails = block(w.moto.sent()).iter().filter(|raw| read_email(raw).to.contains(&address)).count();
        let posts = |channel: &str| block(w.hooks.received(&self.path(channel)));
        let mut ids: Vec<String> = posts("hook")
            .iter()
            .map(|p| p.header("X-Moveo-Reports-Delivery").unwrap_or_default().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        [emails, posts("slack").len(), posts("teams").len(), ids.len()]
    }

    /// Runs the command `history` prints to finish a held claim of `selector`, as printed.
    pub fn run_printed(&self, history: &str, selector: &str) -> std::process::Output {
        let line = history
            .lines()
            .find(|l| l.ends_with(&format!("--only {selector}")))
            .unwrap_or_else(|| panic!("no command for {selector} in\n{history}"));
        let command = line.split("If it did not arrive: moveo-reports ").nth(1).expect("the command");
        let out = self.dir.path().join("out");
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.extend(["--out", out.to_str().unwrap()]);
        run(&mut self.cli(&args))
    }

    /// What `moveo-reports history` prints for this report.
    pub fn history(&self) -> String {
        stdout(&run(&mut self.cli(&["history", "--report", &self.id])))
    }

    pub fn archived(&self) -> bool {
        block(world().moto.keys(&format!("reports/{}/", self.id))).iter().any(|k| k.ends_with("/manifest.json"))
    }
}

fn index(step: Step) -> Option<usize> {
    match step {
        Step::Slack => Some(1),
        Step::Teams => Some(2),
        Step::Webhook => Some(3),
        Step::Send => Some(0),
        _ => None,
    }
}

fn check(name: &str, step: Step, fault: Fault, first: First, then: Then) {
    let rig = Rig::new(name, false);
    rig.proxy(step).inject(move |h| step.picks(h), fault);

    let out = rig.report(&[]);
    let (said, err) = (stdout(&out), stderr(&out));
    let context = format!("{name}: stdout:\n{said}\nstderr:\n{err}\npicked: {:?}", rig.proxy(step).picked());
    assert!(rig.proxy(step).hits() > 0, "the fault never met a request: {context}");
    match first {
        First::Delivers => {
            assert!(out.status.success(), "{context}");
            assert_eq!(rig.delivered(), [1, 1, 1, 1], "{context}");
        }
        First::Fails { kind, retryable } => {
            assert_eq!(out.status.code(), Some(1), "{context}");
            assert!(err.contains(&format!("kind: {kind}")), "expected {kind}: {context}");
            assert_eq!(err.contains("again can succeed"), retryable, "retryable should be {retryable}: {context}");
        }
    }
    // Nothing reaches anyone without the report in the archive.
    if rig.delivered().iter().any(|&n| n > 0) {
        assert!(rig.archived(), "delivered without an archived report: {context}");
    }

    rig.proxy(step).heal();
    let next = rig.report(&[]);
    let context = format!("{name}, the next run: {}\n{}", stdout(&next), stderr(&next));
    assert!(next.status.success(), "{context}");
    let mut want = [1, 1, 1, 1];
    if let Then::Held { arrived } = then {
        let i = index(step).expect("only a send can be doubtful");
        want[i] = usize::from(arrived);
        assert!(stdout(&next).contains("never confirmed sending"), "{context}");
        let history = rig.history();
        let resend = format!("--resend --only {}", step.channel());
        assert!(history.contains(&resend) && history.contains("never confirmed"), "{history}");
        assert_eq!(rig.delivered(), want, "{context}");
        if !arrived {
            let resent = rig.run_printed(&history, step.channel());
            assert!(resent.status.success(), "{}\n{}", stdout(&resent), stderr(&resent));
            want[i] = 1;
        }
    }
    assert_eq!(rig.delivered(), want, "{context}");
    // And never again.
    let again = rig.report(&[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(rig.delivered(), [1, 1, 1, 1], "{name}: a later run sent again");
}
