//! The MIME message, exactly as SES receives it and `EmlOutbox` writes it:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/related
//! │   ├── multipart/alternative
//! │   │   ├── text/plain
//! │   │   └── text/html          (images by cid:)
//! │   ├── image/png              (the brand's logo, if any; inline)
//! │   └── image/png × charts     (inline, Content-ID)
//! └── attachments                (the PDF; the CSV and XLSX where the report asks)
//! ```

use super::charts::Chart;
use crate::deliver::Recipients;
use chrono::{DateTime, Utc};
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::HeaderType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

/// A file attached to the message.
pub struct Attachment<'a> {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
}

pub struct EmailParts<'a> {
    pub subject: &'a str,
    pub from: &'a str,
    /// Shown before the address: `Brand A Reports <reports@brand-a.example>`.
    pub from_name: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub recipients: &'a Recipients,
    pub html: &'a str,
    pub text: &'a str,
    pub charts: &'a [Chart],
    pub logo: Option<&'a [u8]>,
    pub attachments: Vec<Attachment<'a>>,
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
    if let Some(logo) = parts.logo {
        related.push(MimePart::new("image/png", logo).cid("logo@moveo-reports").header(
            "Content-Disposition",
            HeaderType::from(ContentType::new("inline").attribute("filename", "logo.png")),
        ));
    }
    for chart in parts.charts {
        related.push(MimePart::new("image/png", chart.png.as_slice()).cid(chart.content_id()).header(
            "Content-Disposition",
            HeaderType::from(ContentType::new("inline").attribute("filename", chart.file_name())),
        ));
    }
    let mut mixed = vec![MimePart::new("multipart/related", related)];
    for file in &parts.attachments {
        mixed.push(MimePart::new(file.content_type, file.bytes).attachment(file.name.clone()));
    }
    let body = MimePart::new("multipart/mixed", mixed);
    let from = match parts.from_name {
        Some(name) => Address::new_address(Some(name), parts.from),
        None => Address::from(parts.from),
    };
    // Whatever reached the subject, a line break never becomes a header of its own.
    let subject = crate::report::text::one_line(parts.subject);
    let mut message = MessageBuilder::new()
        .from(from)
        .subject(subject)
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
