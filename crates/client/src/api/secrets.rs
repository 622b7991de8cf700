//! Runner and integration secrets: whole-map GET and PUT.
//!
//! Every call here is marked sensitive: bodies are never logged nor quoted
//! in errors. The PUTs also retry on HTTP 500, because the backend reports
//! a concurrent-modification conflict as 500 and repeating a full-map PUT
//! is harmless.

use reqwest::Method;

use super::Client;
use crate::error::Error;
use crate::models::{SecretData, SecretMap};
use crate::transport::Call;

const RUNNER: &str = "runner-secrets";
const INTEGRATION: &str = "integration-secrets";

impl Client {
    /// `GET /api/projects/{project}/runner-secrets`. An absent secret reads
    /// as an empty map.
    pub async fn get_runner_secrets(&self, project: &str) -> Result<SecretMap, Error> {
        self.get_secret_map(project, RUNNER).await
    }

    /// `PUT /api/projects/{project}/runner-secrets`: replaces the whole map.
    /// Only `ANTHROPIC_API_KEY`, `GOOGLE_API_KEY` and `GEMINI_API_KEY` are
    /// accepted by the platform.
    pub async fn put_runner_secrets(&self, project: &str, data: &SecretMap) -> Result<(), Error> {
        self.put_secret_map(project, RUNNER, data).await
    }

    /// `GET /api/projects/{project}/integration-secrets`. An absent secret
    /// reads as an empty map.
    pub async fn get_integration_secrets(&self, project: &str) -> Result<SecretMap, Error> {
        self.get_secret_map(project, INTEGRATION).await
    }

    /// `PUT /api/projects/{project}/integration-secrets`: replaces the whole
    /// map (storage settings live in it too).
    pub async fn put_integration_secrets(
        &self,
        project: &str,
        data: &SecretMap,
    ) -> Result<(), Error> {
        self.put_secret_map(project, INTEGRATION, data).await
    }

    async fn get_secret_map(&self, project: &str, which: &str) -> Result<SecretMap, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", project, which],
            format!("read {which} of project {project:?}"),
        )
        .sensitive();
        let envelope: SecretData = self.transport.json(call).await?;
        Ok(envelope.data)
    }

    async fn put_secret_map(
        &self,
        project: &str,
        which: &str,
        data: &SecretMap,
    ) -> Result<(), Error> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            data: &'a SecretMap,
        }
        let call = Call::new(
            Method::PUT,
            &["projects", project, which],
            format!("write {which} of project {project:?}"),
        )
        .sensitive()
        .retry_on_500()
        .json(&Body { data })?;
        self.transport.unit(call).await
    }
}
