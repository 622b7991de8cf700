//! Telling "the workspace is gone" apart from "access denied" on workspace sub-routes.
//!
//! The platform's project middleware answers 403 for a workspace that does not exist (it
//! authorises against the namespace name whether or not it exists), so a 403 from
//! `/api/projects/{p}/...` is ambiguous. `GET /api/projects/{p}` is not behind that middleware
//! and answers 404 for a missing workspace, or 200 with status `Terminating` while one is
//! being deleted; either means everything inside the workspace is gone or going.

use acp_client::Error;

use crate::platform::Platform;

/// True when a failed sub-route call is explained by the workspace being absent or
/// terminating. Only 403 and 404 answers are worth the extra request.
pub(crate) async fn workspace_gone(platform: &Platform, workspace: &str, err: &Error) -> bool {
    (err.is_forbidden() || err.is_not_found()) && workspace_absent(platform, workspace).await
}

/// True when the workspace does not exist or is terminating, asked of the platform now.
pub(crate) async fn workspace_absent(platform: &Platform, workspace: &str) -> bool {
    match platform.client().get_project(workspace).await {
        Err(e) => e.is_not_found(),
        Ok(project) => project.is_terminating(),
    }
}
