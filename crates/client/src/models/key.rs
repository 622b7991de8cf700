//! Project access keys (ServiceAccount tokens usable as bearer tokens).

use serde::{Deserialize, Serialize};

use super::null_as_default;
use crate::secret::Secret;

/// An access key as listed by `GET /api/projects/{p}/keys` (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    /// ServiceAccount name, `ambient-key-<name>-<8 hex>`.
    pub id: String,
    /// Display name as given at creation; not unique.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// RFC 3339 creation time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: String,
    /// RFC 3339 time of the last use, `""` if never used. Changes on every
    /// use, so never diff on it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_used_at: String,
    /// Omitted by the platform when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `admin`/`edit`/`view`; missing for a half-created key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// Body of `POST /api/projects/{p}/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAccessKey {
    /// Display name; required and non-empty.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `admin`/`edit`/`view`; the platform defaults to `edit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Token lifetime; required, 1..=31536000 (Kubernetes wants ≥ 600).
    pub expiration_seconds: i64,
}

/// The 201 answer of `POST /api/projects/{p}/keys`, the only time the
/// token is ever returned.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedAccessKey {
    /// ServiceAccount name; use it to delete the key.
    pub id: String,
    /// The bearer token itself.
    pub key: Secret<String>,
    /// Display name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Always present, possibly `""`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    /// The normalised lowercase role.
    #[serde(default, deserialize_with = "null_as_default")]
    pub role: String,
    /// `""` for a fresh key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_used_at: String,
}

/// Body of `GET /api/projects/{p}/keys`.
#[derive(Deserialize)]
pub(crate) struct KeyList {
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) items: Vec<AccessKey>,
}
