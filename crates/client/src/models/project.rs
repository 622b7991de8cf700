//! Projects, which the provider calls workspaces (Kubernetes namespaces).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// A project as returned by `GET /api/projects/{name}` and friends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Namespace name; the identifier used in URLs.
    pub name: String,
    /// OpenShift display name; always `""` on vanilla Kubernetes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub display_name: String,
    /// OpenShift description. Omitted by the platform when empty, and on
    /// vanilla Kubernetes only echoed by the create response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Every label on the namespace, including cluster-added ones.
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// Every annotation on the namespace (`null` on the wire becomes empty).
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// RFC 3339 creation time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub creation_timestamp: String,
    /// `"Active"`, or the namespace phase (in practice `"Terminating"`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
    /// Whether the platform runs on OpenShift.
    #[serde(default, rename = "isOpenShift", deserialize_with = "null_as_default")]
    pub is_openshift: bool,
}

impl Project {
    /// True while the namespace is being deleted.
    pub fn is_terminating(&self) -> bool {
        self.status == "Terminating"
    }
}

/// Body of `POST /api/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateProject {
    /// Required; DNS-1123 label of at most 63 characters.
    pub name: String,
    /// Stored on OpenShift only; defaults to `name` there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Stored on OpenShift only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Body of `PUT /api/projects/{name}`.
///
/// Patch-like: absent or empty fields are left unchanged, so nothing can be
/// cleared. All-`None` serialises as `{}`, which the platform requires at
/// minimum.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProject {
    /// If set, must equal the name in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New display name (OpenShift only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New description (OpenShift only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One page of `GET /api/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPage {
    /// Projects on this page, newest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<Project>,
    /// Projects visible to the caller across all pages.
    #[serde(default)]
    pub total_count: u32,
    /// Page size the server applied (default 20, at most 100).
    #[serde(default)]
    pub limit: u32,
    /// Offset of the first item.
    #[serde(default)]
    pub offset: u32,
    /// Whether more pages follow.
    #[serde(default)]
    pub has_more: bool,
    /// Offset of the next page; only sent when `has_more` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u32>,
}
