//! The MIME message, exactly as SES receives it and `EmlOutbox` writes it:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/related
//! │   ├── multipart/alternative
//! │   │   ├── text/plain
//! │   │   └── text/html          (images by cid:)
//! │   └── image/png × charts     (inline, Content-ID)
//! └── application/pdf            (attachment)
//! ```

use super::charts::Chart;
use crate::deliver::Recipients;
use chrono::{DateTime, Utc};
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::HeaderType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

pub struct EmailParts<'a> {
    pub subject: &'a str,
    pub from: &'a str,
    pub reply_to: Option<&'a str>,
    pub recipients: &'a Recipients,
    pub html: &'a str,
    pub text: &'a str,
    pub charts: &'a [Chart],
    pub pdf: &'a [u8],
    pub pdf_name: &'a str,
    /// Stable per report and recipients, so a copy sent twice is recognisable.
    pub message_id: &'a str,
    pub date: DateTime<Utc>,
}

fn list(addresses: &[String]) -> Address<'_> {
    Address::new_list(addresses.iter().map(|a| Address::from(a.as_str())).collect())
}

pub fn compose(parts: &EmailParts) -> std::io::Result<Vec<u8>> {
    let mut related = vec![MimePart::new(
        "multipart/alternative",
        vec![MimePart::new("text/plain", parts.text), MimePart::new("text/html", parts.html)],
    )];
    for chart in parts.charts {
        related.push(MimePart::new("image/png", chart.png.as_slice()).cid(chart.content_id()).header(
            "Content-Disposition",
            HeaderType::from(ContentType::new("inline").attribute("filename", chart.file_name())),
        ));
    }
    let body = MimePart::new(
        "multipart/mixed",
        vec![
            MimePart::new("multipart/related", related),
            MimePart::new("application/pdf", parts.pdf).attachment(parts.pdf_name),
        ],
    );
    let mut message = MessageBuilder::new()
        .from(parts.from)
        .subject(parts.subject)
        .message_id(parts.message_id)
        .date(parts.date.timestamp())
        .header("X-Mailer", mail_builder::headers::text::Text::new("moveo-reports"))
        .body(body);
    if !parts.recipients.to.is_empty() {
        message = message.to(list(&parts.recipients.to));
    }
    if !parts.recipients.cc.is_empty() {
        message = message.cc(list(&parts.recipients.cc));
    }
    if let Some(reply_to) = parts.reply_to {
        message = message.reply_to(reply_to);
    }
    message.write_to_vec()
}
