//! Helper endpoints: cluster type and the caller's access to a project.

use reqwest::Method;

use super::Client;
use crate::error::Error;
use crate::models::{AccessInfo, ClusterInfo};
use crate::transport::Call;

impl Client {
    /// `GET /api/projects/{project}/access`: whether the caller may use the
    /// project and with which role.
    pub async fn access(&self, project: &str) -> Result<AccessInfo, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", project, "access"],
            format!("check access to project {project:?}"),
        );
        self.transport.json(call).await
    }

    /// [`Client::access`] sent once and never repeated, for a quick check whose caller
    /// would rather carry on than wait out retries when the answer is slow or fails.
    pub async fn access_once(&self, project: &str) -> Result<AccessInfo, Error> {
        let call = Call::new(
            Method::GET,
            &["projects", project, "access"],
            format!("check access to project {project:?}"),
        )
        .single_attempt();
        self.transport.json(call).await
    }

    /// `GET /api/cluster-info` (no authentication needed).
    pub async fn cluster_info(&self) -> Result<ClusterInfo, Error> {
        let call = Call::new(Method::GET, &["cluster-info"], "read cluster info".into());
        self.transport.json(call).await
    }
}
