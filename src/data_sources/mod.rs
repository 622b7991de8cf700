//! The data source types of the provider, one module each.

mod access;
pub mod api_keys;
pub mod workspace;
mod workspace_fields;
pub mod workspace_shares;
pub mod workspaces;

use crate::framework::DataSource;
use crate::platform::Platform;

/// Appended to the description of every list of nested objects. Older Terraform releases
/// validate references into nested attributes against no type at all
/// (hashicorp/terraform#31527), so `list[0].field` fails there while splats, `for` and
/// `element()` work; users of the older releases need to know the way around it.
const NESTED_LIST_NOTE: &str = " Older Terraform releases (1.0 and 1.1 among them; \
     hashicorp/terraform#31527) reject direct indexing such as `[0].name` on this attribute \
     with \"Invalid index\"; use a splat (`[*].name`), a `for` expression or `element()` there.";

/// Every data source type this provider serves.
pub fn all() -> Vec<Box<dyn DataSource<Platform>>> {
    vec![
        Box::new(workspace::WorkspaceDataSource),
        Box::new(workspaces::WorkspacesDataSource),
        Box::new(workspace_shares::WorkspaceSharesDataSource),
        Box::new(api_keys::ApiKeysDataSource),
    ]
}
