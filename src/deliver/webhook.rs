//! The webhook document (schema `moveo-reports.report.v1`, see
//! docs/webhook.md) and its signature: HMAC-SHA256 over `{timestamp}.{body}`
//! with the target's shared secret, as Stripe and Slack sign theirs.

use super::digest::{Digest, Parcel};
use crate::pipeline::Completeness;
use hmac::{KeyInit, Mac};
use serde_json::{json, Value};

pub const SCHEMA: &str = "moveo-reports.report.v1";
pub const SIGNATURE_HEADER: &str = "X-Moveo-Reports-Signature";
/// The same for every attempt at one delivery, so a receiver can drop a repeat.
pub const DELIVERY_HEADER: &str = "X-Moveo-Reports-Delivery";

pub fn document(parcel: &Parcel<'_>, digest: &Digest, delivery_id: &str) -> Value {
    let meta = &parcel.report.meta;
    json!({
        "schema": SCHEMA,
        "event": "report.delivered",
        "delivery_id": delivery_id,
        "report": { "id": parcel.report_id, "title": meta.title },
        "period": {
            "kind": meta.kind,
            "first_day": meta.first_day,
            "last_day": meta.last_day,
            "timezone": meta.timezone,
            "label": meta.period_label,
        },
        "outcome": Completeness::of(&parcel.report.coverage.gaps),
        "left_out": parcel.report.coverage.gaps,
        "links": { "pdf": parcel.link, "archive": parcel.archive },
        "digest": digest,
        "model": parcel.report,
    })
}

/// `t={unix seconds},v1={hex hmac}`: the timestamp lets a receiver refuse replays.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Known answer, computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            signature(b"s3cret", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
        );
    }
}
