//! Creating a workspace when the platform's answer may get lost.
//!
//! A `POST /api/projects` answered 502 or 504, or cut off by a timeout or a closed connection,
//! may have created the workspace (see [`crate::resilience::lost`]). Sending it again would then
//! fail with 409 "already exists", and a later apply would fail the same way forever while the
//! workspace sits outside Terraform's state. So after a lost answer the workspace is read
//! back: if it exists and was created no earlier than our first request (less
//! [`CLOCK_SKEW`]), it is taken as ours; if it does not exist, the create is sent again.
//!
//! The limit of that heuristic: the platform does not say who created a workspace in a way
//! the API guarantees, so a workspace of the same name that someone else created within
//! those minutes is adopted as well.

use acp_client::{CreateProject, Project};
use time::OffsetDateTime;

use super::workspace::{already_exists, wait_until_gone};
use crate::framework::{DiagResult, Diagnostic, Diagnostics};
use crate::platform::{api_error, Platform};
use crate::resilience::lost::{created_since, is_lost_answer, CLOCK_SKEW, MAX_CREATE_ATTEMPTS};

/// What a read after a lost answer found.
enum Found {
    /// The workspace exists and is recent enough to be ours.
    Ours(Project),
    /// No such workspace: the create did not happen.
    Absent,
    /// A terminating workspace of that name is in the way.
    Terminating,
}

/// Creates the workspace, recognising one that a lost request created; adds a warning to
/// `warnings` when it adopts one.
pub(super) async fn create_workspace(
    platform: &Platform,
    request: &CreateProject,
    warnings: &mut Diagnostics,
) -> DiagResult<Project> {
    let name = request.name.as_str();
    let action = format!("create workspace {name:?}");
    let started = OffsetDateTime::now_utc();
    let client = platform.client();
    let mut lost = false;
    let mut last_error = None;
    for attempt in 1..=MAX_CREATE_ATTEMPTS {
        let error = match client.create_project(request).await {
            Ok(project) => return Ok(project),
            Err(e) => e,
        };
        // After a lost answer, a 409 most likely means our own earlier request got through.
        if is_lost_answer(&error) || (lost && error.is_conflict()) {
            lost = true;
            tracing::info!(workspace = name, attempt, error = %error, "create answer lost; looking for the workspace");
        } else if !error.is_conflict() {
            return Err(api_error(&action, &error).into());
        }
        match look(platform, name, started, lost, &action).await? {
            Found::Ours(project) => {
                warnings.push(adopted_warning(name));
                return Ok(project);
            }
            Found::Absent => {}
            Found::Terminating => wait_until_gone(platform, name).await?,
        }
        last_error = Some(error);
    }
    let error = last_error.map_or_else(String::new, |e| format!(" Last error: {e}."));
    Err(Diagnostic::error(
        format!("Unable to {action}"),
        format!(
            "The platform's answers to {MAX_CREATE_ATTEMPTS} create requests were lost, and the \
             workspace did not appear.{error} Check that the platform is healthy and run \
             terraform apply again."
        ),
    )
    .into())
}

/// Reads the workspace after a failed create. Without a lost answer (`lost` false) a
/// workspace that exists and is not terminating belongs to someone else.
async fn look(
    platform: &Platform,
    name: &str,
    started: OffsetDateTime,
    lost: bool,
    action: &str,
) -> DiagResult<Found> {
    match platform.client().get_project(name).await {
        Ok(p) if p.is_terminating() => Ok(Found::Terminating),
        Ok(p) if lost && created_since(&p.creation_timestamp, started) => Ok(Found::Ours(p)),
        Ok(_) => Err(already_exists(name).into()),
        Err(e) if e.is_not_found() => Ok(Found::Absent),
        Err(e) => Err(api_error(action, &e).into()),
    }
}

fn adopted_warning(name: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("Workspace {name:?} adopted after a lost answer"),
        format!(
            "The platform's answer to the create request was lost, and a workspace named \
             {name:?} created moments ago (within {} minutes of the request) now exists, so \
             Terraform takes it as the one it created. Should someone else have created a \
             workspace of that name at the same moment, remove it from the state with \
             terraform state rm.",
            CLOCK_SKEW.whole_minutes()
        ),
    )
}
