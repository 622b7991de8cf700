//! Diagnostics for reads that depend on the caller's role in a workspace.
//!
//! The platform's answers here are indirect (§1.3–1.4 of the API notes): a workspace that does
//! not exist and one the caller has no role on both answer 403 on sub-routes, and a view-role
//! caller gets a bare 500 where it lacks a Kubernetes permission. These helpers turn both into
//! errors that say what the user can do about it.

use acp_client::Error;

use crate::framework::{AttributePath, Diagnostic};
use crate::platform::{api_error, Platform};

/// The workspace does not exist, or the caller holds no role on it; the platform does not
/// say which on purpose, so neither do we.
pub(super) fn not_visible(workspace: &str, attribute: &str) -> Diagnostic {
    Diagnostic::error(
        format!("No workspace {workspace:?} visible to the caller"),
        format!(
            "The platform has no workspace named {workspace:?} that the provider's token may \
             see: either it does not exist (check `{attribute}`) or the token's user holds no \
             role on it (ask a workspace admin to share it)."
        ),
    )
    .at(AttributePath::root(attribute))
}

/// Fails unless `workspace` exists and the caller holds a role on it.
///
/// Sub-route listings cannot tell: the platform lets a cluster admin list the (empty)
/// contents of a workspace that does not exist. Asking for the workspace itself first turns
/// a typo into an error instead of an empty list.
pub(super) async fn ensure_visible(
    platform: &Platform,
    workspace: &str,
    attribute: &str,
) -> Result<(), Diagnostic> {
    match platform.client().get_project(workspace).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() || e.is_forbidden() => Err(not_visible(workspace, attribute)),
        Err(e) => Err(api_error(&format!("read workspace {workspace:?}"), &e)),
    }
}

/// What a failed sub-route listing of `workspace` (for example "list shares of workspace
/// \"x\"") means, given that the edit or admin role is needed for it.
///
/// A 500 is ambiguous, so the caller's role is asked for once to tell a view-only token from a
/// genuine platform failure.
pub(super) async fn needs_edit_role(
    platform: &Platform,
    workspace: &str,
    action: &str,
    attribute: &str,
    err: &Error,
) -> Diagnostic {
    match err.status() {
        Some(403) => return not_visible(workspace, attribute),
        Some(500) => {}
        _ => return api_error(action, err),
    }
    let role = match platform.client().access(workspace).await {
        Ok(access) => access.user_role,
        Err(e) => {
            tracing::debug!(workspace, error = %e, "could not ask for the caller's role");
            None
        }
    };
    match role.as_deref() {
        Some("view") => Diagnostic::error(
            format!("Unable to {action}"),
            format!(
                "The provider's token has only the view role on workspace {workspace:?}, and \
                 the platform lets only the edit or admin role read this. Use a token whose \
                 user has the edit or admin role there, or ask a workspace admin to grant it."
            ),
        ),
        // The caller may read it, so the 500 is a real platform failure.
        Some(_) => api_error(action, err),
        None => {
            let mut diag = api_error(action, err);
            diag.detail.push_str(
                " The platform answers this way when the token's user has only the view role \
                 on the workspace; reading this needs the edit or admin role.",
            );
            diag
        }
    }
}
