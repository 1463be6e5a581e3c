//! Who gets a report, and on which channels. It belongs to the report spec;
//! renderers only address what they are given.

use crate::spec::KeySource;
use serde::Serialize;

/// Who the email goes to. Bcc never appears in the message, only in the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipients {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
}

impl Recipients {
    /// Every address the message is delivered to, for the SES envelope.
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.to.iter().chain(&self.cc).chain(&self.bcc)
    }

    pub fn is_empty(&self) -> bool {
        self.all().next().is_none()
    }
}

/// A channel reached by an HTTPS POST to a URL that is itself a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    /// A Slack incoming webhook; the message is Block Kit.
    Slack,
    /// A Microsoft Teams Workflows webhook; the message is an Adaptive Card.
    Teams,
    /// Any HTTPS endpoint; the message is the versioned JSON document, HMAC-signed.
    Webhook,
}

impl ChatKind {
    /// Every kind, in the order a reports file lists them; the name is the file's key.
    pub const ALL: [ChatKind; 3] = [ChatKind::Slack, ChatKind::Teams, ChatKind::Webhook];

    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Slack => "slack",
            ChatKind::Teams => "teams",
            ChatKind::Webhook => "webhook",
        }
    }

    /// Whether the message is signed, so the target needs a signing secret.
    pub fn is_signed(self) -> bool {
        self == ChatKind::Webhook
    }
}

/// One Slack channel, Teams channel or webhook endpoint.
#[derive(Debug, Clone)]
pub struct ChatTarget {
    pub kind: ChatKind,
    /// Names the target in logs, records and errors, where the URL never appears.
    pub name: String,
    /// Where the URL is kept: an SSM SecureString or an environment variable.
    pub url: KeySource,
    /// The HMAC key of a signed kind.
    pub signing_secret: Option<KeySource>,
}

impl ChatTarget {
    /// "slack 'cx-weekly'": how logs and errors name it.
    pub fn label(&self) -> String {
        format!("{} '{}'", self.kind.as_str(), self.name)
    }

    /// What makes two targets the same delivery: the kind and where its URL is kept
    /// (so a rotated URL in the same parameter is still the same channel).
    pub fn identity(&self) -> String {
        let place = match &self.url {
            // Given directly (tests, embedding): the URL itself, which the record key only hashes.
            KeySource::Inline(url) => secrecy::ExposeSecret::expose_secret(url).to_string(),
            other => other.describe(),
        };
        format!("{}\n{place}", self.kind.as_str())
    }
}

/// Everyone a report goes to.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    pub email: Recipients,
    pub chats: Vec<ChatTarget>,
}

impl Audience {
    /// Email only: what `--recipients` and an event's `recipients` ask for.
    pub fn email(recipients: Recipients) -> Audience {
        Audience { email: recipients, chats: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.email.is_empty() && self.chats.is_empty()
    }
}
