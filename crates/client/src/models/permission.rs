//! Project sharing: role bindings of users and groups.

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// One (subject, role) assignment in a project.
///
/// Fields stay strings so that values a newer platform adds still decode;
/// today `subject_type` is `user`/`group` and `role` is `admin`/`edit`/`view`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// `"user"` or `"group"`.
    pub subject_type: String,
    /// The user or group name exactly as Kubernetes RBAC sees it.
    pub subject_name: String,
    /// `"admin"`, `"edit"` or `"view"`.
    pub role: String,
}

/// Body of `GET /api/projects/{p}/permissions`.
#[derive(Debug, Deserialize)]
pub(crate) struct PermissionList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) items: Vec<Permission>,
}
