//! One GraphQL POST, made robust: the secret header, bounded concurrency,
//! retries with backoff and jitter for what can pass (429, 5xx, timeouts,
//! resets), and errors that name the operation and never the key.

use super::queries::Query;
use crate::analytics::FetchError;
use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How hard to try before giving up on a query.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// The whole budget for one query, waits included.
    pub total: Duration,
    /// One request's limit.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            min_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(8),
            total: Duration::from_secs(45),
            timeout: Duration::from_secs(20),
        }
    }
}

/// How many queries may be in flight at once, per Moveo account and in all.
/// A weekly report needs 37 queries (20 for the period, 10 for the comparison,
/// 6 for the trend, 1 for the day history): 40 per account lets one report go
/// out in one round trip, and many reports of one account queue behind each
/// other instead of hammering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_account: usize,
    pub overall: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { per_account: 40, overall: 64 }
    }
}

/// Who a request is for: sent as headers on each request, so one pooled
/// client serves every account of a deployment.
#[derive(Clone)]
pub struct Credentials {
    pub account_id: String,
    pub api_key: SecretString,
}

#[derive(Clone)]
pub struct GraphqlClient {
    http: reqwest::Client,
    url: String,
    retry: RetryPolicy,
    limits: Limits,
    overall: Arc<Semaphore>,
    per_account: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// What one attempt ended with, before retry decisions.
#[derive(Debug)]
enum Attempt {
    Transient {
        detail: String,
        retry_after: Option<Duration>,
        rate_limited: bool,
    },
    /// A valid query the server failed to run (a database error): retried like a 5xx.
    ServerError {
        message: String,
    },
    Final(FetchError),
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Map<String, Value>>,
    errors: Option<Vec<GraphqlError>>,
}

#[derive(Deserialize)]
struct GraphqlError {
    message: String,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
    code: Option<String>,
}

/// What a GraphQL `errors` array means for the run.
#[derive(Debug, PartialEq)]
enum ErrorKind {
    /// The query does not fit the server's schema: only its sections are lost.
    Mismatch,
    /// The key or account is not accepted.
    Denied,
    /// The server could not run the query with these values (a malformed id in a
    /// filter): the same request fails the same way, so it is not retried.
    BadValue,
    /// The server could not run a valid query; a retry can succeed.
    Server,
}

/// Hasura names its codes (`validation-failed`, `parse-failed`, `access-denied`);
/// other GraphQL servers use Apollo's; a server that sends no code is judged by
/// the wording every validator uses for an unknown field, argument or type.
fn classify(errors: &[GraphqlError]) -> ErrorKind {
    const MISMATCH_CODES: &[&str] =
        &["validation-failed", "parse-failed", "graphql_validation_failed", "graphql_parse_failed"];
    const DENIED_CODES: &[&str] = &["access-denied", "invalid-jwt", "invalid-headers", "unauthenticated", "forbidden"];
    const MISMATCH_WORDS: &[&str] = &[
        "not found in type",
        "cannot query field",
        "unknown argument",
        "unknown type",
        "unexpected variables",
        "is not defined by operation",
        "is never used",
    ];
    let code = |e: &GraphqlError| e.extensions.as_ref().and_then(|x| x.code.as_deref()).map(str::to_ascii_lowercase);
    if errors.iter().any(|e| code(e).is_some_and(|c| DENIED_CODES.contains(&c.as_str()))) {
        return ErrorKind::Denied;
    }
    let mismatch = errors.iter().any(|e| match code(e) {
        Some(c) => MISMATCH_CODES.contains(&c.as_str()),
        None => {
            let m = e.message.to_ascii_lowercase();
            MISMATCH_WORDS.iter().any(|w| m.contains(w))
        }
    });
    const VALUE_CODES: &[&str] = &["data-exception", "constraint-violation", "constraint-error", "bad_user_input"];
    if mismatch {
        ErrorKind::Mismatch
    } else if errors.iter().any(|e| code(e).is_some_and(|c| VALUE_CODES.contains(&c.as_str()))) {
        ErrorKind::BadValue
    } else {
        ErrorKind::Server
    }
}

impl GraphqlClient {
    pub fn new(url: &str, retry: RetryPolicy, limits: Limits) -> Result<Self, FetchError> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(retry.timeout)
            .connect_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(limits.overall)
            .user_agent(concat!("moveo-reports/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Setup(e.to_string()))?;
        Ok(GraphqlClient {
            http,
            url: url.to_string(),
            retry,
            limits,
            overall: Arc::new(Semaphore::new(limits.overall.max(1))),
            per_account: Arc::default(),
        })
    }

    fn account_permits(&self, account: &str) -> Arc<Semaphore> {
        let mut map = self.per_account.lock().expect("never poisoned: no panics while held");
        map.entry(account.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_account.max(1))))
            .clone()
    }

    /// Runs a query with the variables it declares (taken from `candidates`)
    /// and decodes `data.rows` as a list of `T`.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        query: &Query,
        credentials: &Credentials,
        candidates: &Map<String, Value>,
    ) -> Result<Vec<T>, FetchError> {
        let variables: Map<String, Value> =
            candidates.iter().filter(|(name, _)| query.declares(name)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let body =
            serde_json::json!({ "query": &*query.text, "variables": variables, "operationName": query.operation() });
        let body = serde_json::to_vec(&body).expect("JSON values always serialise");
        let data = self.post(query, credentials, body).await?;
        decode_rows(query, data)
    }

    /// Runs a query with no variables and returns its whole `data` object (introspection).
    pub async fn data(&self, query: &Query, credentials: &Credentials) -> Result<Map<String, Value>, FetchError> {
        let body = serde_json::json!({ "query": &*query.text, "operationName": query.operation() });
        self.post(query, credentials, serde_json::to_vec(&body).expect("JSON values always serialise")).await
    }

    async fn post(
        &self,
        query: &Query,
        credentials: &Credentials,
        body: Vec<u8>,
    ) -> Result<Map<String, Value>, FetchError> {
        let invalid =
            |what: &str| FetchError::Setup(format!("{what} contains characters that cannot go in an HTTP header"));
        let mut auth = HeaderValue::from_str(&format!("apikey {}", credentials.api_key.expose_secret()))
            .map_err(|_| invalid("the Moveo API key"))?;
        // Marked sensitive so it never shows in reqwest's or hyper's debug output.
        auth.set_sensitive(true);
        let account = HeaderValue::from_str(&credentials.account_id).map_err(|_| invalid("the Moveo account id"))?;
        let account_permits = self.account_permits(&credentials.account_id);
        let backoff = ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.retry.min_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.attempts.saturating_sub(1))
            .with_total_delay(Some(self.retry.total));
        let mut attempts = 0u32;
        let result = (|| {
            attempts += 1;
            self.attempt(query, &credentials.account_id, (&auth, &account), &account_permits, body.clone())
        })
        .retry(backoff)
        .when(|e| matches!(e, Attempt::Transient { .. } | Attempt::ServerError { .. }))
        // A server that says when to come back is believed, within the backoff's ceiling.
        .adjust(|e, planned| match (e, planned) {
            (Attempt::Transient { retry_after: Some(wait), .. }, Some(_)) => Some((*wait).min(self.retry.max_delay)),
            (_, planned) => planned,
        })
        .notify(|e, wait| tracing::warn!(operation = query.operation(), error = ?e, ?wait, "retrying"))
        .await;
        let operation = query.operation().to_string();
        result.map_err(|e| match e {
            Attempt::Final(e) => e,
            Attempt::Transient { rate_limited: true, .. } => FetchError::RateLimited { operation, attempts },
            Attempt::Transient { detail, .. } => FetchError::Unavailable { operation, attempts, detail },
            Attempt::ServerError { message } => FetchError::Server { operation, attempts, message },
        })
    }

    async fn attempt(
        &self,
        query: &Query,
        account_id: &str,
        (auth, account): (&HeaderValue, &HeaderValue),
        account_permits: &Semaphore,
        body: Vec<u8>,
    ) -> Result<Map<String, Value>, Attempt> {
        // The account's own bound first, so a busy account never holds shared permits while it waits.
        let _account = account_permits.acquire().await.expect("the semaphore is never closed");
        let _overall = self.overall.acquire().await.expect("the semaphore is never closed");
        let op = query.operation();
        let request = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, auth.clone())
            .header("x-moveo-account-id", account.clone())
            .body(body);
        let response = match request.send().await {
            Ok(r) => r,
            // reqwest's error text names the URL, never the headers.
            Err(e) => return Err(Attempt::Transient { detail: describe(&e), retry_after: None, rate_limited: false }),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.bytes().await.map_err(|e| Attempt::Transient {
            detail: format!("reading the response: {}", describe(&e)),
            retry_after: None,
            rate_limited: false,
        })?;
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(Attempt::Final(FetchError::Unauthorized {
                    account: account_id.to_string(),
                    status: status.as_u16(),
                }))
            }
            StatusCode::TOO_MANY_REQUESTS => {
                return Err(Attempt::Transient { detail: "HTTP 429".into(), retry_after, rate_limited: true })
            }
            s if s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT => {
                return Err(Attempt::Transient {
                    detail: format!("HTTP {}", s.as_u16()),
                    retry_after,
                    rate_limited: false,
                })
            }
            _ => {}
        }
        let envelope: Envelope = match serde_json::from_slice(&bytes) {
            Ok(envelope) => envelope,
            // A success that is not JSON is a cut or garbled answer, never a wrong query guess
            // (a GraphQL server answers those in JSON): tried again, and in the end the run
            // fails as passing instead of a section being left out.
            Err(e) if status.is_success() => {
                return Err(Attempt::Transient {
                    detail: format!("HTTP {}: not a GraphQL response ({e})", status.as_u16()),
                    retry_after: None,
                    rate_limited: false,
                })
            }
            // A 4xx page (a wrong endpoint, a firewall): the request is wrong for this server.
            Err(e) => {
                return Err(Attempt::Final(FetchError::Rejected {
                    operation: op.into(),
                    message: format!("HTTP {}: not a GraphQL response ({e})", status.as_u16()),
                }))
            }
        };
        if let Some(errors) = envelope.errors.filter(|e| !e.is_empty()) {
            let kind = classify(&errors);
            let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ");
            return Err(match kind {
                ErrorKind::Mismatch => Attempt::Final(FetchError::Rejected { operation: op.into(), message }),
                ErrorKind::Denied => Attempt::Final(FetchError::Unauthorized {
                    account: account_id.to_string(),
                    status: status.as_u16(),
                }),
                ErrorKind::BadValue => Attempt::Final(FetchError::BadValue { operation: op.into(), message }),
                ErrorKind::Server => Attempt::ServerError { message },
            });
        }
        if !status.is_success() {
            // A 4xx with no GraphQL errors: the request is malformed for this server.
            return Err(Attempt::Final(FetchError::Rejected {
                operation: op.into(),
                message: format!("HTTP {}", status.as_u16()),
            }));
        }
        envelope.data.ok_or_else(|| {
            Attempt::Final(FetchError::Shape { operation: op.into(), field: "data".into(), detail: "missing".into() })
        })
    }
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut detail = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    detail
}

/// `data.rows` as a list; a lone object is a one-row list. Errors name the field.
fn decode_rows<T: DeserializeOwned>(query: &Query, mut data: Map<String, Value>) -> Result<Vec<T>, FetchError> {
    let rows = match data.remove("rows") {
        Some(Value::Array(rows)) => rows,
        Some(Value::Null) | None => {
            return Err(FetchError::Shape {
                operation: query.operation().into(),
                field: "data.rows".into(),
                detail: "missing".into(),
            })
        }
        Some(one) => vec![one],
    };
    let value = Value::Array(rows);
    serde_path_to_error::deserialize(value).map_err(|e| FetchError::Shape {
        operation: query.operation().into(),
        field: format!("rows{}", e.path()).replace("rows.[", "rows["),
        detail: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moveo::queries::REQUESTS_COUNTS;
    use crate::moveo::rows::Count;

    fn errors(json: &str) -> Vec<GraphqlError> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn schema_errors_are_told_from_server_errors() {
        let hasura = r#"[{"message":"field 'top_intents_v2' not found in type: 'query_root'","extensions":{"code":"validation-failed","path":"$.selectionSet.top_intents_v2"}}]"#;
        assert_eq!(classify(&errors(hasura)), ErrorKind::Mismatch);
        let apollo = r#"[{"message":"Unknown argument \"tags\"","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]"#;
        assert_eq!(classify(&errors(apollo)), ErrorKind::Mismatch);
        let bare = r#"[{"message":"Cannot query field \"intent\" on type \"row\"."}]"#;
        assert_eq!(classify(&errors(bare)), ErrorKind::Mismatch);
        let database = r#"[{"message":"database query error","extensions":{"code":"unexpected"}}]"#;
        assert_eq!(classify(&errors(database)), ErrorKind::Server);
        let postgres =
            r#"[{"message":"canceling statement due to statement timeout","extensions":{"code":"postgres-error"}}]"#;
        assert_eq!(classify(&errors(postgres)), ErrorKind::Server);
        let denied = r#"[{"message":"invalid api key","extensions":{"code":"access-denied"}}]"#;
        assert_eq!(classify(&errors(denied)), ErrorKind::Denied);
    }

    #[test]
    fn an_aggregate_object_is_a_one_row_list() {
        let data: Map<String, Value> = serde_json::from_str(r#"{"rows":{"counts":"15000"}}"#).unwrap();
        let rows: Vec<Count> = decode_rows(&Query::builtin(&REQUESTS_COUNTS), data).unwrap();
        assert_eq!(rows[0].counts, 15000);
    }

    #[test]
    fn an_unexpected_shape_names_the_query_and_field() {
        let data: Map<String, Value> = serde_json::from_str(r#"{"rows":[{"counts":1},{"counts":"lots"}]}"#).unwrap();
        let err = decode_rows::<Count>(&Query::builtin(&REQUESTS_COUNTS), data).unwrap_err().to_string();
        assert!(err.starts_with("RequestsCounts: unexpected response at `rows[1].counts`"), "{err}");
    }
}
