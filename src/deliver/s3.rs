//! `S3Store`: the production archive. Same keys as `DirStore`, with content
//! types, server-side encryption, and conditional writes for delivery claims.

use super::{ReportStore, StoreError};
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_s3::Client;

/// Keys are used as given: `reports/…` for archives and delivery records,
/// `queries/…` for query overrides. There is no configurable prefix, because the
/// function's IAM policy names these two and nothing else.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
    links: Links,
}

/// How readers reach an archived file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Links {
    /// A presigned GET, valid this long (SigV4 allows at most 7 days).
    Presigned(std::time::Duration),
    /// A public base URL in front of the bucket (e.g. CloudFront): `{base}/{key}`.
    Public(String),
}

impl Default for Links {
    fn default() -> Self {
        Links::Presigned(MAX_LINK_LIFETIME)
    }
}

/// The longest a presigned SigV4 URL can be valid.
pub const MAX_LINK_LIFETIME: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Where query overrides live in the report bucket.
pub const QUERIES_PREFIX: &str = "queries/";

impl S3Store {
    /// `force_path_style` is for S3-compatible endpoints (moto, MinIO) that
    /// cannot serve `bucket.host` names.
    pub fn new(config: &aws_config::SdkConfig, bucket: String, force_path_style: bool) -> S3Store {
        let s3 = aws_sdk_s3::config::Builder::from(config).force_path_style(force_path_style).build();
        S3Store { client: Client::from_conf(s3), bucket, links: Links::default() }
    }

    pub fn with_links(self, links: Links) -> S3Store {
        S3Store { links, ..self }
    }

    fn key(&self, key: &str) -> String {
        key.to_string()
    }

    /// Every `*.graphql` object under `queries/`, as (location, file name, text).
    /// Read once per cold start; the bucket holds a handful at most.
    pub async fn query_overrides(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let listed = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(QUERIES_PREFIX)
            .send()
            .await
            .map_err(|e| self.error(("listing", "in"), QUERIES_PREFIX, e))?;
        let mut files = Vec::new();
        for object in listed.contents() {
            let Some(key) = object.key().filter(|k| k.ends_with(".graphql")) else { continue };
            let Some(bytes) = self.get(key).await? else { continue };
            let text = String::from_utf8(bytes).map_err(|_| StoreError::Rejected {
                action: format!("reading s3://{}/{key}", self.bucket),
                detail: "not UTF-8 text".into(),
            })?;
            let name = key.rsplit('/').next().unwrap_or(key).to_string();
            files.push((format!("s3://{}/{key}", self.bucket), name, text));
        }
        Ok(files)
    }

    async fn list_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let mut pages = self.client.list_objects_v2().bucket(&self.bucket).prefix(prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.error(("listing", "in"), prefix, e))?;
            keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_string)));
        }
        Ok(keys)
    }

    /// "uploading reports/…/report.pdf to s3://bucket", with the SDK's whole error chain.
    fn error<E>(&self, action: (&str, &str), key: &str, e: SdkError<E, HttpResponse>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (verb, preposition) = action;
        let action = format!("{verb} {} {preposition} s3://{}", self.key(key), self.bucket);
        let detail = super::describe_sdk_error(&e);
        let lasting = match &e {
            SdkError::ServiceError(service) => {
                let status = service.raw().status().as_u16();
                let code = service.err().code().unwrap_or("");
                // Throttling (429, whatever its body) and 5xx pass; a missing bucket or a denied write does not.
                (400..500).contains(&status)
                    && status != 429
                    && !matches!(code, "SlowDown" | "Throttling" | "RequestTimeout")
            }
            SdkError::ConstructionFailure(_) => true,
            _ => false,
        };
        if lasting {
            StoreError::Rejected { action, detail }
        } else {
            StoreError::Unavailable { action, detail }
        }
    }
}

fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    match e {
        SdkError::ServiceError(service) => Some(service.raw().status().as_u16()),
        _ => None,
    }
}

impl ReportStore for S3Store {
    async fn put(&self, key: &str, content_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key))
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(("uploading", "to"), key, e))
    }

    async fn put_if_absent(&self, key: &str, content_type: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key))
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .if_none_match("*")
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            // 412: the object exists. 409: another conditional write to it is in flight;
            // either way someone else holds the claim, and at most once means we step back.
            Err(e) if matches!(status(&e), Some(412 | 409)) => Ok(false),
            Err(e) => Err(self.error(("claiming", "in"), key, e)),
        }
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let result = self.client.get_object().bucket(&self.bucket).key(self.key(key)).send().await;
        match result {
            Ok(object) => {
                let bytes = object.body.collect().await.map_err(|e| StoreError::Unavailable {
                    action: format!("downloading {} from s3://{}", self.key(key), self.bucket),
                    detail: e.to_string(),
                })?;
                Ok(Some(bytes.into_bytes().to_vec()))
            }
            Err(e) if status(&e) == Some(404) => Ok(None),
            Err(e) => Err(self.error(("downloading", "from"), key, e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.key(key))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.error(("removing", "from"), key, e))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.list_keys(prefix).await
    }

    fn locate(&self, key: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.key(key))
    }

    async fn link(&self, key: &str) -> Result<Option<String>, StoreError> {
        match &self.links {
            Links::Public(base) => Ok(Some(format!("{}/{}", base.trim_end_matches('/'), key))),
            Links::Presigned(lifetime) => {
                let fail = |detail: String| StoreError::Rejected {
                    action: format!("presigning a link to {}", self.locate(key)),
                    detail,
                };
                let config =
                    aws_sdk_s3::presigning::PresigningConfig::expires_in(*lifetime).map_err(|e| fail(e.to_string()))?;
                let request = self
                    .client
                    .get_object()
                    .bucket(&self.bucket)
                    .key(self.key(key))
                    .presigned(config)
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                Ok(Some(request.uri().to_string()))
            }
        }
    }
}
