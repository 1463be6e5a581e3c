//! `EmlOutbox`: the embedded default's mailer. It writes the exact MIME message
//! SES would get to an `.eml` file that any mail client opens.

use super::{MailError, Mailer, OutgoingEmail};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct EmlOutbox {
    dir: PathBuf,
}

impl EmlOutbox {
    pub fn new(dir: impl Into<PathBuf>) -> EmlOutbox {
        EmlOutbox { dir: dir.into() }
    }
}

impl Mailer for EmlOutbox {
    async fn send(&self, email: &OutgoingEmail<'_>) -> Result<String, MailError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MailError::Unavailable(format!("creating {}: {e}", self.dir.display())))?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let path = self.dir.join(format!("{}-{stamp}.eml", email.slug));
        tokio::fs::write(&path, email.raw)
            .await
            .map_err(|e| MailError::Unavailable(format!("writing {}: {e}", path.display())))?;
        Ok(path.display().to_string())
    }

    fn name(&self) -> &'static str {
        "eml"
    }
}
