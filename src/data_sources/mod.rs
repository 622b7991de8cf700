//! The data source types of the provider, one module each.

mod access;
pub mod api_keys;
pub mod workspace;
mod workspace_fields;
pub mod workspace_shares;
pub mod workspaces;

use crate::framework::DataSource;
use crate::platform::Platform;

/// Every data source type this provider serves.
pub fn all() -> Vec<Box<dyn DataSource<Platform>>> {
    vec![
        Box::new(workspace::WorkspaceDataSource),
        Box::new(workspaces::WorkspacesDataSource),
        Box::new(workspace_shares::WorkspaceSharesDataSource),
        Box::new(api_keys::ApiKeysDataSource),
    ]
}
