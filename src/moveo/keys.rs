//! Each report's Moveo API key, from where its spec says: an SSM SecureString
//! parameter (read once per process, then cached), an environment variable,
//! or given directly. Keys are `SecretString`s: they never reach a log line.

use crate::analytics::FetchError;
use crate::spec::KeySource;
use secrecy::SecretString;
use std::collections::HashMap;
use tokio::sync::Mutex;

pub struct KeyCache {
    ssm: Option<aws_sdk_ssm::Client>,
    cache: Mutex<HashMap<String, SecretString>>,
}

impl KeyCache {
    /// Forgets a key Moveo refused, so a rotated key is read again on the next report.
    pub async fn forget(&self, source: &KeySource) {
        if let KeySource::Parameter(name) = source {
            self.cache.lock().await.remove(name);
        }
    }

    /// Without an SSM client, a report whose key is a parameter fails with a clear error.
    pub fn new(ssm: Option<aws_sdk_ssm::Client>) -> KeyCache {
        KeyCache { ssm, cache: Mutex::default() }
    }

    /// The key for `report`. A key that is not there fails this report alone.
    pub async fn key(&self, report: &str, source: &KeySource) -> Result<SecretString, FetchError> {
        let missing =
            |detail: String| FetchError::MissingKey { report: report.to_string(), location: source.describe(), detail };
        match source {
            KeySource::Inline(key) => Ok(key.clone()),
            KeySource::Env(name) => match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => Ok(SecretString::from(v.trim().to_string())),
                _ => Err(missing("it is not set".into())),
            },
            KeySource::Parameter(name) => {
                // Held across the read, so fifty reports of one account cause one SSM call.
                let mut cache = self.cache.lock().await;
                if let Some(key) = cache.get(name) {
                    return Ok(key.clone());
                }
                let Some(ssm) = &self.ssm else {
                    return Err(missing("no AWS configuration to read SSM with".into()));
                };
                let out = ssm.get_parameter().name(name).with_decryption(true).send().await.map_err(|e| {
                    use aws_sdk_ssm::error::ProvideErrorMetadata;
                    let not_found = e.as_service_error().is_some_and(|s| s.is_parameter_not_found());
                    let denied = e.code().is_some_and(|c| c.contains("AccessDenied"));
                    let detail = crate::deliver::describe_sdk_error(&e);
                    if not_found {
                        missing("no such parameter".into())
                    } else if denied {
                        missing(format!("access denied ({detail}); keep keys under /moveo-reports/"))
                    } else {
                        FetchError::Unavailable {
                            operation: format!("reading {} for report {report}", source.describe()),
                            attempts: 1,
                            detail,
                        }
                    }
                })?;
                let value = out.parameter.and_then(|p| p.value).filter(|v| !v.trim().is_empty());
                let key = SecretString::from(value.ok_or_else(|| missing("the parameter has no value".into()))?);
                cache.insert(name.clone(), key.clone());
                Ok(key)
            }
        }
    }
}
