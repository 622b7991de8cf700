//! Small helper answers: cluster type and the caller's access to a project.

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// `GET /api/cluster-info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInfo {
    /// The platform runs on OpenShift (display name and description stick).
    #[serde(default, rename = "isOpenShift", deserialize_with = "null_as_default")]
    pub is_openshift: bool,
    /// Runners use Vertex AI (runner API keys are then not injected).
    #[serde(default, deserialize_with = "null_as_default")]
    pub vertex_enabled: bool,
}

/// `GET /api/projects/{p}/access`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessInfo {
    /// Whether the caller may use the project.
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed: bool,
    /// The project asked about.
    #[serde(default, deserialize_with = "null_as_default")]
    pub project: String,
    /// Free-text explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `"admin"` whenever the caller may create role bindings (so edit users
    /// may show as admin too), else `"edit"`/`"view"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_role: Option<String>,
}
