//! `SesMailer`: the production mailer, SES `SendRawEmail` with the exact MIME
//! message `EmlOutbox` writes.

use super::{MailError, Mailer, OutgoingEmail};
use aws_sdk_ses::config::http::HttpResponse;
use aws_sdk_ses::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ses::primitives::Blob;
use aws_sdk_ses::types::RawMessage;
use aws_sdk_ses::Client;

#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
}

impl SesMailer {
    pub fn new(config: &aws_config::SdkConfig) -> SesMailer {
        // No SDK retries: a retried send after a timeout could deliver the report twice.
        // Whether to try again is the pipeline's call, which knows what was claimed.
        let ses = aws_sdk_ses::config::Builder::from(config)
            .retry_config(aws_sdk_ses::config::retry::RetryConfig::standard().with_max_attempts(1))
            .build();
        SesMailer { client: Client::from_conf(ses) }
    }
}

impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail<'_>) -> Result<String, MailError> {
        let raw = RawMessage::builder()
            .data(Blob::new(email.raw))
            .build()
            .map_err(|e| MailError::Rejected(format!("building the SES request: {e}")))?;
        let result = self
            .client
            .send_raw_email()
            .source(email.from)
            // The envelope carries Bcc, which the message itself never shows.
            .set_destinations(Some(email.recipients.all().cloned().collect()))
            .raw_message(raw)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.message_id),
            Err(e) => Err(classify(email, e)),
        }
    }

    fn name(&self) -> &'static str {
        "ses"
    }
}

fn classify<E>(email: &OutgoingEmail<'_>, e: SdkError<E, HttpResponse>) -> MailError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = super::describe_sdk_error(&e);
    let service = match &e {
        SdkError::ServiceError(service) => service,
        SdkError::ConstructionFailure(_) => return MailError::Rejected(format!("building the SES request: {detail}")),
        // No connection was made, so nothing was sent. (hyper says "client error (Connect)";
        // a reset of a connection already made, "connection error: Connection reset", is not that.)
        SdkError::DispatchFailure(_)
            if detail.contains("(Connect)") || detail.contains("tcp connect error") || detail.contains("dns error") =>
        {
            return MailError::Unavailable(format!("SES could not be reached: {detail}"))
        }
        // The request may have arrived: a timeout or a lost response.
        _ => return MailError::Uncertain(format!("SES did not answer: {detail}")),
    };
    let code = service.err().code().unwrap_or("");
    let message = service.err().message().unwrap_or("");
    match code {
        "MessageRejected" | "MailFromDomainNotVerifiedException" | "ConfigurationSetDoesNotExistException" => {
            let recipients: Vec<&str> = email.recipients.all().map(String::as_str).collect();
            MailError::Rejected(format!(
                "SES rejected the message from {} to {}: {message}. Verify the sender (and, in the SES sandbox, each \
                 recipient) in SES, e.g. `aws ses verify-email-identity --email-address {}`",
                email.from,
                recipients.join(", "),
                email.from
            ))
        }
        "Throttling" | "ThrottlingException" | "ServiceUnavailable" | "InternalFailure" => {
            MailError::Unavailable(format!("SES is busy ({code}): {message}"))
        }
        _ if service.raw().status().as_u16() == 429 => {
            MailError::Unavailable(format!("SES is throttling ({code}): {detail}"))
        }
        _ if service.raw().status().is_server_error() => {
            MailError::Unavailable(format!("SES failed ({code}): {detail}"))
        }
        _ => MailError::Rejected(format!("SES refused the message ({code}): {message}")),
    }
}
