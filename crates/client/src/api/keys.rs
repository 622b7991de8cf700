//! Project access keys: `/api/projects/{p}/keys`.
//!
//! Marked sensitive: the create answer carries the token, and key listings
//! are kept out of logs as well.

use reqwest::Method;

use super::Client;
use crate::error::Error;
use crate::models::{AccessKey, CreateAccessKey, CreatedAccessKey, KeyList};
use crate::transport::Call;

impl Client {
    /// `GET /api/projects/{project}/keys`. There is no single-key GET;
    /// filter this list by id. Expired keys are still listed.
    pub async fn list_keys(&self, project: &str) -> Result<Vec<AccessKey>, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", project, "keys"],
            format!("list access keys of project {project:?}"),
        )
        .sensitive();
        let list: KeyList = self.transport.json(call).await?;
        Ok(list.items)
    }

    /// `POST /api/projects/{project}/keys` (201). The returned
    /// [`CreatedAccessKey::key`] is the only copy of the token. Never
    /// repeated after the request may have reached the server, since a
    /// repeat would mint a second key.
    pub async fn create_key(
        &self,
        project: &str,
        key: &CreateAccessKey,
    ) -> Result<CreatedAccessKey, Error> {
        let call = Call::new(
            Method::POST,
            &["projects", project, "keys"],
            format!("create access key {:?} in project {project:?}", key.name),
        )
        .sensitive()
        .json(key)?;
        self.transport.json(call).await
    }

    /// `DELETE /api/projects/{project}/keys/{id}` (204, also when the key
    /// does not exist). Only pass ids from [`Client::list_keys`] or
    /// [`Client::create_key`]: the platform deletes any ServiceAccount by
    /// that name.
    pub async fn delete_key(&self, project: &str, id: &str) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            &["projects", project, "keys", id],
            format!("delete access key {id:?} of project {project:?}"),
        )
        .sensitive();
        self.transport.unit(call).await
    }
}
