//! Wire models of the backend `/api` routes.
//!
//! JSON keys are camelCase. Decoding is deliberately forgiving: unknown
//! fields are ignored (newer platforms add some), optional fields may be
//! missing, and `null` stands for an empty map or string wherever the
//! platform is known to (or might) send it — namespaces without annotations
//! serialise as `"annotations": null`.

mod cluster;
mod key;
mod permission;
mod project;
mod secret;

pub use cluster::{AccessInfo, ClusterInfo};
pub use key::{AccessKey, CreateAccessKey, CreatedAccessKey};
pub use permission::Permission;
pub use project::{CreateProject, Project, ProjectPage, UpdateProject};
pub use secret::SecretMap;

pub(crate) use key::KeyList;
pub(crate) use permission::PermissionList;
pub(crate) use secret::SecretData;

use serde::{Deserialize, Deserializer};

/// Decodes `null` (or a missing field, with `#[serde(default)]`) as `T::default()`.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
