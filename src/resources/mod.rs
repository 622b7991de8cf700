//! The managed resource types of the provider, one module each.

pub mod workspace;

use crate::framework::Resource;
use crate::platform::Platform;

/// Every resource type this provider serves.
pub fn all() -> Vec<Box<dyn Resource<Platform>>> {
    vec![Box::new(workspace::WorkspaceResource)]
}
