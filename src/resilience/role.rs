//! Errors that name the role an operation needs.
//!
//! The platform runs most workspace operations with the caller's own identity, so a caller
//! without enough rights often gets a bare 500 ("Failed to list access keys") instead of a
//! 403 (§1.4 of the API notes). When a call fails with 403 or 500, the caller's role is asked
//! for once (`GET /api/projects/{p}/access`) to tell a missing right from a platform failure.

use acp_client::Error;

use crate::framework::Diagnostic;
use crate::platform::{api_error, Platform};

/// The diagnostic for a failed call on `workspace` that needs `required` (`"admin"` or
/// `"edit"`); `action` is a phrase such as `list the API keys of workspace "x"`.
pub async fn needs_role(
    platform: &Platform,
    workspace: &str,
    required: &str,
    action: &str,
    err: &Error,
) -> Diagnostic {
    if !matches!(err.status(), Some(403 | 500)) {
        return api_error(action, err);
    }
    let role = match platform.client().access(workspace).await {
        Ok(access) => access.user_role,
        Err(e) => {
            tracing::debug!(workspace, error = %e, "could not ask for the caller's role");
            None
        }
    };
    let cause = err
        .api_message()
        .map_or_else(|| err.to_string(), str::to_string);
    let summary = format!("Unable to {action}");
    match role.as_deref() {
        Some(held) if rank(held) < rank(required) => Diagnostic::error(
            summary,
            format!(
                "This needs the {required} role on workspace {workspace:?}, and the provider's \
                 token has only the {held} role there (the platform said: {cause}). Use a \
                 token whose user has the {required} role, or ask a workspace admin to grant \
                 it (for example with an acp_workspace_share of role {required:?})."
            ),
        ),
        // The platform reports "admin" to edit users too, so a 500 may still be a missing
        // right: keep the platform's answer and say which role is needed.
        Some(_) if err.status() == Some(500) => {
            let mut diag = api_error(action, err);
            diag.detail.push_str(&format!(
                " This needs the {required} role on workspace {workspace:?}. If the token's \
                 user holds only the edit role (which the platform also reports as admin), \
                 that is the cause: use a token whose user has the {required} role there. \
                 Otherwise the platform failed on its own (for example a secret map over its \
                 1 MiB limit), and its answer above is all it said."
            ));
            diag
        }
        _ => Diagnostic::error(
            summary,
            format!(
                "The platform refused the request (HTTP {}: {cause}). This needs the \
                 {required} role on workspace {workspace:?}: check that the workspace exists \
                 and that the provider token's user holds the {required} role there.",
                err.status().unwrap_or_default()
            ),
        ),
    }
}

fn rank(role: &str) -> u8 {
    match role {
        "admin" => 3,
        "edit" => 2,
        "view" => 1,
        _ => 0,
    }
}
