//! Runner and integration secrets: whole-map GET and PUT.
//!
//! Every call here is marked sensitive: bodies are never logged nor quoted
//! in errors.
//!
//! The PUTs are sent exactly once. A PUT replaces the whole map with what
//! the caller read earlier plus its change; repeating the same body seconds
//! later (after a 503 and a `Retry-After`, say) would silently undo any key
//! someone else wrote in between. A caller that wants to try again re-reads
//! the map, re-applies its change and writes that, waiting
//! [`Client::repeat_delay`] first (which also repeats on 500, the backend's
//! answer to a concurrent-modification conflict).

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

    /// `PUT /api/projects/{project}/runner-secrets`, sent once: replaces the
    /// whole map. Only `ANTHROPIC_API_KEY`, `GOOGLE_API_KEY` and `GEMINI_API_KEY` are
    /// accepted by the platform.
    pub async fn put_runner_secrets(&self, project: &str, data: &SecretMap) -> Result<(), Error> {
        self.put_secret_map(project, RUNNER, data).await
    }

    /// `GET /api/projects/{project}/integration-secrets`. An absent secret
    /// reads as an empty map.
    pub async fn get_integration_secrets(&self, project: &str) -> Result<SecretMap, Error> {
        self.get_secret_map(project, INTEGRATION).await
    }

    /// `PUT /api/projects/{project}/integration-secrets`, sent once: replaces
    /// the whole map (storage settings live in it too).
    pub async fn put_integration_secrets(
        &self,
        project: &str,
        data: &SecretMap,
    ) -> Result<(), Error> {
        self.put_secret_map(project, INTEGRATION, data).await
    }

    /// How long to wait before repeating a whole-map write (a fresh GET, the
    /// change, a PUT) whose PUT failed with `error` on try number `attempt`
    /// (1-based); `None` when the failure is final or the client's
    /// `max_retries` is used up. Honours the platform's `Retry-After`.
    pub fn repeat_delay(&self, attempt: u32, error: &Error) -> Option<std::time::Duration> {
        self.transport.repeat_delay(attempt, error)
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
        .single_attempt()
        .json(&Body { data })?;
        self.transport.unit(call).await
    }
}
