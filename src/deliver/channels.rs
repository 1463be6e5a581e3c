//! Every target of an audience, each delivered exactly once: the email through
//! the `Mailer`, each chat target through the `ChatPoster`, concurrently. A
//! target that fails neither blocks nor repeats the others: its claim is
//! released (or kept, when it may have gone out) and the next run sends it alone.

use super::audience::{Audience, ChatTarget, Recipients};
use super::protocol::{Claim, DeliverError, Keys, Protocol};
use super::{sha256_hex, ChannelDelivery, ChatPoster, Delivery, Mailer, OutgoingEmail, Parcel, ReportStore};
use crate::report::coverage::GapNote;

/// One target of one channel.
pub enum Target<'a> {
    Email(&'a Recipients),
    Chat(&'a ChatTarget),
}

impl Target<'_> {
    /// Every target of `audience`: the email (when it has recipients), then each chat target.
    pub fn all(audience: &Audience) -> Vec<Target<'_>> {
        let email = (!audience.email.is_empty()).then_some(Target::Email(&audience.email));
        email.into_iter().chain(audience.chats.iter().map(Target::Chat)).collect()
    }

    pub fn channel(&self) -> &'static str {
        match self {
            Target::Email(_) => "email",
            Target::Chat(t) => t.kind.as_str(),
        }
    }

    /// How outputs and errors name it; never an address list or a URL.
    pub fn label(&self) -> String {
        match self {
            Target::Email(_) => "email".into(),
            Target::Chat(t) => t.label(),
        }
    }

    pub fn record(&self, keys: &Keys) -> String {
        match self {
            Target::Email(r) => keys.record(r),
            Target::Chat(t) => keys.chat_record(t),
        }
    }

    fn recipients(&self) -> Vec<String> {
        match self {
            Target::Email(r) => r.all().cloned().collect(),
            Target::Chat(t) => vec![t.label()],
        }
    }
}

/// Some targets could not be delivered; the others were.
#[derive(Debug)]
pub struct Undelivered {
    pub report: String,
    /// Each failed target's label and why.
    pub failed: Vec<(String, DeliverError)>,
    pub delivered: Vec<ChannelDelivery>,
}

impl Undelivered {
    /// Whether another run can deliver what failed: some failure is passing and its claim released.
    pub fn is_retryable(&self) -> bool {
        self.failed.iter().any(|(_, e)| match e {
            DeliverError::Store(e) => e.is_retryable(),
            DeliverError::Send(e) => e.released && matches!(e.source, super::ChannelError::Unavailable(_)),
        })
    }

    /// Whether some target may have received it although the send failed.
    pub fn is_uncertain(&self) -> bool {
        self.failed.iter().any(|(_, e)| matches!(e, DeliverError::Send(s) if !s.source.certainly_not_sent()))
    }
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.failed.len() + self.delivered.len();
        write!(f, "report {}: {} of {total} delivery targets failed", self.report, self.failed.len())?;
        for (label, error) in &self.failed {
            write!(f, "\n  {label}: {error}")?;
        }
        for done in &self.delivered {
            write!(f, "\n  {done}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Undelivered {}

/// What every target is sent, and on whose behalf.
pub struct Shipment<'a> {
    pub keys: &'a Keys,
    pub email: &'a OutgoingEmail<'a>,
    pub parcel: &'a Parcel<'a>,
    pub request_id: &'a str,
    pub resend: bool,
    pub left_out: &'a [GapNote],
}

/// Each target of `audience` once, concurrently.
pub async fn deliver_all<R: ReportStore, M: Mailer>(
    protocol: &Protocol<'_, R>,
    mailer: &M,
    chats: &ChatPoster,
    audience: &Audience,
    shipment: &Shipment<'_>,
) -> Result<Vec<ChannelDelivery>, Undelivered> {
    let targets = Target::all(audience);
    let sends = targets.iter().map(|target| async move {
        let claim = Claim {
            record: target.record(shipment.keys),
            channel: target.channel(),
            recipients: target.recipients(),
            request_id: shipment.request_id,
            resend: shipment.resend,
            left_out: shipment.left_out,
        };
        let result = match target {
            Target::Email(_) => {
                Box::pin(protocol.send_once(shipment.keys, claim, mailer.name(), mailer.send(shipment.email))).await
            }
            Target::Chat(chat) => {
                // The same for every try of this delivery, so a webhook receiver can drop a repeat.
                let delivery_id = sha256_hex(claim.key().as_bytes())[..24].to_string();
                let post = chats.post(shipment.parcel.report_id, chat, shipment.parcel, &delivery_id);
                Box::pin(protocol.send_once(shipment.keys, claim, chat.kind.as_str(), post)).await
            }
        };
        (target.label(), result)
    });
    let mut delivered = Vec::new();
    let mut failed = Vec::new();
    for (channel, result) in futures_util::future::join_all(sends).await {
        match result {
            Ok(delivery) => delivered.push(ChannelDelivery { channel, delivery }),
            Err(e) => {
                tracing::warn!(channel, error = %e, "delivery failed");
                failed.push((channel, e));
            }
        }
    }
    if failed.is_empty() {
        Ok(delivered)
    } else {
        Err(Undelivered { report: shipment.parcel.report_id.to_string(), failed, delivered })
    }
}

/// What earlier runs delivered of this report and period.
pub struct Prior {
    /// The targets that have a record, each as already delivered.
    pub done: Vec<ChannelDelivery>,
    /// How many targets have none.
    pub missing: usize,
    /// What the delivered report left out.
    pub left_out: Vec<GapNote>,
}

impl Prior {
    /// Every target has it: nothing to rebuild, archive or send.
    pub fn complete(&self) -> bool {
        self.missing == 0 && !self.done.is_empty()
    }

    /// Some targets have it: the archive they were sent stays as it is.
    pub fn started(&self) -> bool {
        !self.done.is_empty()
    }
}

/// Each target's record, if it has one.
pub async fn prior<R: ReportStore>(
    protocol: &Protocol<'_, R>,
    keys: &Keys,
    audience: &Audience,
) -> Result<Prior, super::StoreError> {
    let mut prior = Prior { done: Vec::new(), missing: 0, left_out: Vec::new() };
    for target in Target::all(audience) {
        let key = target.record(keys);
        match protocol.already_delivered(&key).await? {
            Some(record) => {
                if prior.left_out.is_empty() {
                    prior.left_out = record.left_out.clone();
                }
                prior
                    .done
                    .push(ChannelDelivery { channel: target.label(), delivery: protocol.delivered(&key, record) });
            }
            None => prior.missing += 1,
        }
    }
    Ok(prior)
}

/// The outcome's one word for all targets: `sent` when anything went out now.
pub fn summary(deliveries: &[ChannelDelivery]) -> &'static str {
    if deliveries.iter().any(|d| matches!(d.delivery, Delivery::Sent { .. })) {
        "sent"
    } else if deliveries.iter().all(|d| matches!(d.delivery, Delivery::AlreadyDelivered { .. }))
        && !deliveries.is_empty()
    {
        "already_delivered"
    } else if deliveries.iter().any(|d| matches!(d.delivery, Delivery::DryRun)) {
        "dry_run"
    } else {
        "no_recipients"
    }
}
