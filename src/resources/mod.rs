//! The managed resource types of the provider, one module each.

pub mod api_key;
mod api_key_create;
mod sensitive_input;
pub mod workspace;
mod workspace_create;
pub(crate) mod workspace_probe;
pub mod workspace_secret;
pub mod workspace_share;
pub mod workspace_storage;

use crate::framework::Resource;
use crate::platform::Platform;

/// Every resource type this provider serves.
pub fn all() -> Vec<Box<dyn Resource<Platform>>> {
    vec![
        Box::new(workspace::WorkspaceResource),
        Box::new(workspace_share::WorkspaceShareResource),
        Box::new(api_key::ApiKeyResource),
        Box::new(workspace_secret::WorkspaceSecretResource),
        Box::new(workspace_storage::WorkspaceStorageResource),
    ]
}
