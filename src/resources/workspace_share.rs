//! `acp_workspace_share`: one role of one user or group in a workspace.
//!
//! The platform's quirks shape this resource:
//! - there is no update: every attribute forces replacement;
//! - there is no per-role revoke. `DELETE .../permissions/{type}/{name}` removes every role of
//!   the subject at once, so removing one share means: list, revoke the subject, grant back
//!   each other role it held (managed here or not), and check the result. These steps run
//!   under a per-(workspace, subject) lock so that parallel creates and deletes for the same
//!   subject cannot interleave. The subject briefly lacks its other roles in between;
//! - a subject name containing `/` cannot be addressed by that DELETE, so such names are
//!   refused at plan time (which also keeps import ids parseable);
//! - grants are stored under a sanitised subject name, so two names that sanitise alike
//!   collide (409) although they are different subjects;
//! - a missing workspace answers 403 on these routes, not 404; reads check the workspace
//!   itself before calling a 403 an error;
//! - the workspace creator's own admin binding is never listed and is not managed here.

use acp_client::Permission;
use async_trait::async_trait;

use super::workspace::check_name as check_workspace_name;
use super::workspace_probe::workspace_gone;
use crate::framework::validators::{LengthBetween, OneOf, StringRule};
use crate::framework::{Attribute, Ctx, DiagResult, Diagnostic, Plan, Resource, Schema, Value};
use crate::platform::{api_error, Platform};
use crate::resilience::lost::{is_lost_answer, MAX_CREATE_ATTEMPTS};
use crate::resilience::role::needs_role;
use crate::resilience::wait::{eventually, in_workspace};

const SUBJECT_TYPES: &[&str] = &["user", "group"];
const ROLES: &[&str] = &["admin", "edit", "view"];
/// Longest subject name the platform accepts, in bytes.
const MAX_SUBJECT_BYTES: usize = 253;
const ID_SHAPE: &str = "<workspace>/<subject_type>/<subject_name>/<role>";
/// How long a grant whose answer was lost may take to show in the list before it is sent
/// again (a repeat is harmless: the platform answers 409, which then counts as success).
const LOST_GRANT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The `acp_workspace_share` resource type.
pub struct WorkspaceShareResource;

/// Checks a subject name against the platform's rules and the one this resource adds (no `/`).
pub fn check_subject_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_SUBJECT_BYTES {
        return Err(format!(
            "Must be 1 to {MAX_SUBJECT_BYTES} bytes long; this value has {}.",
            name.len()
        ));
    }
    if name.chars().any(|c| (c as u32) < 32 || c as u32 == 127) {
        return Err(
            "Must not contain control characters such as tabs or newlines; the platform \
             refuses them."
                .to_string(),
        );
    }
    if name.trim().is_empty() {
        return Err(
            "Must not be only white space: the platform could grant it but never revoke it."
                .to_string(),
        );
    }
    if name.contains('/') {
        return Err(
            "Must not contain '/'. The platform revokes a subject through the URL path \
             .../permissions/<type>/<name>, where a '/' cannot be addressed, so such a share \
             could never be destroyed."
                .to_string(),
        );
    }
    Ok(())
}

/// The platform's name sanitiser, used to explain 409 collisions: lowercase, each run of
/// characters outside `[a-z0-9]` becomes one `-`, trimmed, at most 63 characters.
fn sanitised(name: &str) -> String {
    let mut out = String::new();
    let mut in_run = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let mut out = out.trim_matches('-').to_string();
    out.truncate(63);
    if out.is_empty() {
        "group".to_string()
    } else {
        out
    }
}

/// One share, as configured or stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Share {
    workspace: String,
    subject_type: String,
    subject_name: String,
    role: String,
}

impl Share {
    fn from_value(value: &Value) -> Share {
        let text = |name: &str| value.get(name).to_opt_string().unwrap_or_default();
        Share {
            workspace: text("workspace"),
            subject_type: text("subject_type"),
            subject_name: text("subject_name"),
            role: text("role"),
        }
    }

    fn parse_id(id: &str) -> Result<Share, String> {
        let parts: Vec<&str> = id.split('/').collect();
        let [workspace, subject_type, subject_name, role] = parts.as_slice() else {
            return Err(format!(
                "Expected {ID_SHAPE} with four parts separated by '/', for example \
                 team-alpha/user/bob@example.com/edit; got {id:?}."
            ));
        };
        check_workspace_name(workspace).map_err(|e| format!("Invalid workspace: {e}"))?;
        if !SUBJECT_TYPES.contains(subject_type) {
            return Err(format!(
                "The subject type must be user or group; got {subject_type:?} in {id:?}."
            ));
        }
        check_subject_name(subject_name).map_err(|e| format!("Invalid subject name: {e}"))?;
        if !ROLES.contains(role) {
            return Err(format!(
                "The role must be admin, edit or view; got {role:?} in {id:?}."
            ));
        }
        Ok(Share {
            workspace: (*workspace).to_string(),
            subject_type: (*subject_type).to_string(),
            subject_name: (*subject_name).to_string(),
            role: (*role).to_string(),
        })
    }

    fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.workspace, self.subject_type, self.subject_name, self.role
        )
    }

    /// The lock shared by every operation on this subject in this workspace.
    fn lock_key(&self) -> String {
        format!(
            "share/{}/{}/{}",
            self.workspace, self.subject_type, self.subject_name
        )
    }

    fn to_value(&self) -> Value {
        Value::object([
            ("id", Value::from(self.id())),
            ("workspace", Value::from(self.workspace.as_str())),
            ("subject_type", Value::from(self.subject_type.as_str())),
            ("subject_name", Value::from(self.subject_name.as_str())),
            ("role", Value::from(self.role.as_str())),
        ])
    }

    fn to_permission(&self, role: &str) -> Permission {
        Permission {
            subject_type: self.subject_type.clone(),
            subject_name: self.subject_name.clone(),
            role: role.to_string(),
        }
    }

    /// A phrase for messages, e.g. `share edit with user "bob" in workspace "team-alpha"`.
    fn describe(&self) -> String {
        format!(
            "{} role of {} {:?} in workspace {:?}",
            self.role, self.subject_type, self.subject_name, self.workspace
        )
    }

    fn is_subject_of(&self, p: &Permission) -> bool {
        p.subject_type == self.subject_type && p.subject_name == self.subject_name
    }

    /// The roles this share's subject holds according to a listing, without duplicates.
    fn roles_held(&self, listed: &[Permission]) -> Vec<String> {
        let mut roles: Vec<String> = listed
            .iter()
            .filter(|p| self.is_subject_of(p))
            .map(|p| p.role.clone())
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

/// Lists the workspace's grants; `None` when the workspace itself is gone.
async fn list_grants(platform: &Platform, share: &Share) -> DiagResult<Option<Vec<Permission>>> {
    let listed = in_workspace(platform, &share.workspace, || {
        platform.client().list_permissions(&share.workspace)
    })
    .await;
    match listed {
        Ok(items) => Ok(Some(items)),
        Err(e) if workspace_gone(platform, &share.workspace, &e).await => Ok(None),
        Err(e) => {
            let action = format!("list the shares of workspace {:?}", share.workspace);
            Err(needs_role(platform, &share.workspace, "admin", &action, &e)
                .await
                .into())
        }
    }
}

/// Like [`list_grants`], for refreshes: overlapping refreshes of one workspace's shares share
/// one request.
async fn refresh_grants(platform: &Platform, share: &Share) -> DiagResult<Option<Vec<Permission>>> {
    match platform.read_permissions(&share.workspace).await {
        Ok(_) if platform.workspace_going(&share.workspace).await => Ok(None),
        Ok(items) => Ok(Some(items)),
        Err(e) if workspace_gone(platform, &share.workspace, &e).await => Ok(None),
        // A refused refresh may be the access-review cache; the uncached path waits it out.
        Err(_) => list_grants(platform, share).await,
    }
}

/// The error for a grant the platform refuses as a duplicate, telling a real duplicate (show
/// the import command) from a sanitised-name collision with another subject.
fn conflict(share: &Share, listed: &[Permission]) -> Diagnostic {
    let exact = listed
        .iter()
        .any(|p| share.is_subject_of(p) && p.role == share.role);
    let twin = listed.iter().find(|p| {
        p.subject_type == share.subject_type
            && p.role == share.role
            && p.subject_name != share.subject_name
            && sanitised(&p.subject_name) == sanitised(&share.subject_name)
    });
    match (exact, twin) {
        (false, Some(other)) => Diagnostic::error(
            "Share collides with another subject",
            format!(
                "The platform stores grants under a simplified subject name, and {} {:?} \
                 simplifies to the same name ({:?}) as {} {:?}, which already has the {} role \
                 in workspace {:?}. The platform cannot grant both. Remove one of the two \
                 shares, or grant a group that contains both subjects instead.",
                share.subject_type,
                share.subject_name,
                sanitised(&share.subject_name),
                other.subject_type,
                other.subject_name,
                share.role,
                share.workspace
            ),
        ),
        _ => Diagnostic::error(
            "Share already exists",
            format!(
                "The {} is already granted on the platform, outside this Terraform state. To \
                 manage it here, import it:\n\n  terraform import acp_workspace_share.<name> \
                 {}\n\nor remove it from the configuration.",
                share.describe(),
                share.id()
            ),
        ),
    }
}

/// Grants the share. A grant is idempotent on the platform's side, so after a lost answer
/// (see [`crate::resilience::lost`]) the list tells whether it happened, and a 409 on our own
/// repeat means the lost request did.
async fn grant(ctx: &mut Ctx<'_, Platform>, share: &Share) -> DiagResult<()> {
    let platform = ctx.data;
    let permission = share.to_permission(&share.role);
    let mut lost = false;
    let mut attempt = 0;
    let e = loop {
        attempt += 1;
        let granted = in_workspace(platform, &share.workspace, || {
            platform
                .client()
                .grant_permission(&share.workspace, &permission)
        })
        .await;
        platform.forget_reads(&share.workspace);
        let e = match granted {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        if is_lost_answer(&e) && attempt < MAX_CREATE_ATTEMPTS {
            lost = true;
            tracing::info!(share = %share.id(), error = %e, "grant answer lost; checking the list");
            if granted_eventually(platform, share).await? {
                return Ok(());
            }
            continue;
        }
        break e;
    };
    if e.is_conflict() {
        let listed = list_grants(platform, share).await?.unwrap_or_default();
        let exact = share.roles_held(&listed).contains(&share.role);
        // Our own earlier request got through; only a sanitised-name twin makes it an error.
        if lost && exact {
            return Ok(());
        }
        return Err(conflict(share, &listed).into());
    }
    if workspace_gone(platform, &share.workspace, &e).await {
        return Err(Diagnostic::error(
            format!("Workspace {:?} not found", share.workspace),
            format!(
                "Cannot grant the {}: the workspace does not exist or is being deleted. \
                 Create the workspace first (reference acp_workspace.<name>.name in \
                 `workspace` so Terraform orders the two).",
                share.describe()
            ),
        )
        .into());
    }
    let action = format!("grant the {}", share.describe());
    Err(needs_role(platform, &share.workspace, "admin", &action, &e)
        .await
        .into())
}

/// After a lost grant answer: whether the grant shows in the list within a short wait (it
/// may lag behind the grant itself).
async fn granted_eventually(platform: &Platform, share: &Share) -> DiagResult<bool> {
    let Some(listed) = list_grants(platform, share).await? else {
        return Ok(false);
    };
    if share.roles_held(&listed).contains(&share.role) {
        return Ok(true);
    }
    let seen = eventually("the grant to be listed", LOST_GRANT_WAIT, || async {
        match platform.client().list_permissions(&share.workspace).await {
            Ok(listed) if share.roles_held(&listed).contains(&share.role) => Some(()),
            _ => None,
        }
    })
    .await;
    Ok(seen.is_some())
}

/// Removes one role of a subject while keeping its others: the platform can only revoke the
/// subject as a whole. Must run under the subject's lock.
async fn revoke_keeping_others(platform: &Platform, share: &Share) -> DiagResult<()> {
    let Some(listed) = list_grants(platform, share).await? else {
        return Ok(());
    };
    let held = share.roles_held(&listed);
    if !held.contains(&share.role) {
        tracing::debug!(share = %share.id(), "share already gone");
        return Ok(());
    }
    let keep: Vec<String> = held.into_iter().filter(|r| *r != share.role).collect();
    let client = platform.client();
    client
        .revoke_subject(&share.workspace, &share.subject_type, &share.subject_name)
        .await
        .map_err(|e| api_error(&format!("revoke the {}", share.describe()), &e))?;
    // Forgotten again below once the other roles are back; forgetting now keeps a refresh
    // from reusing the list read before the revoke.
    platform.forget_reads(&share.workspace);
    let mut causes = Vec::new();
    for role in &keep {
        // Repeated on gateway errors: giving up here takes a role away from the subject.
        match client
            .grant_permission_repeatedly(&share.workspace, &share.to_permission(role))
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_conflict() => {}
            Err(e) => causes.push(format!(
                "{role}: {}",
                e.api_message()
                    .map_or_else(|| e.to_string(), str::to_string)
            )),
        }
    }
    tracing::debug!(share = %share.id(), kept = ?keep, "revoked subject and granted back its other roles");
    platform.forget_reads(&share.workspace);

    // Check the outcome: the other roles must be back and this one gone.
    let after = list_grants(platform, share).await?.unwrap_or_default();
    let now_held = share.roles_held(&after);
    let lost: Vec<&String> = keep.iter().filter(|r| !now_held.contains(r)).collect();
    if !lost.is_empty() {
        let lost: Vec<&str> = lost.iter().map(|r| r.as_str()).collect();
        let causes = if causes.is_empty() {
            String::new()
        } else {
            format!(" The platform said: {}.", causes.join("; "))
        };
        return Err(Diagnostic::error(
            format!(
                "{} {:?} lost other roles",
                share.subject_type, share.subject_name
            ),
            format!(
                "Removing the {} needs revoking every role of the subject and granting back \
                 the others, and granting back these failed: {}.{causes} The subject no \
                 longer holds them in workspace {:?}. Run terraform apply again to re-create \
                 the ones Terraform manages, and grant any others again on the platform.",
                share.describe(),
                lost.join(", "),
                share.workspace
            ),
        )
        .into());
    }
    if now_held.contains(&share.role) {
        return Err(Diagnostic::error(
            "Share still present after revoke",
            format!(
                "The {} was granted again while it was being removed, probably by someone \
                 else at the same time. Check the workspace's shares and run the command again.",
                share.describe()
            ),
        )
        .into());
    }
    Ok(())
}

#[async_trait]
impl Resource<Platform> for WorkspaceShareResource {
    fn type_name(&self) -> &'static str {
        "acp_workspace_share"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Gives a user or a group one role (`view`, `edit` or `admin`) in a workspace. A \
             subject with several roles has one share per role. The platform can only revoke \
             all roles of a subject at once, so destroying a share revokes the subject and \
             grants its other roles back (also roles granted outside Terraform); for a moment \
             in between the subject holds none of them. The workspace creator's own admin \
             access is invisible to the platform API and is not managed by this resource.",
            vec![
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description(
                        "`<workspace>/<subject_type>/<subject_name>/<role>`, also the import id.",
                    ),
                Attribute::string("workspace")
                    .required()
                    .requires_replace()
                    .validator(LengthBetween { min: 1, max: 63 })
                    .validator(StringRule {
                        description: "a workspace name",
                        check: check_workspace_name,
                    })
                    .description("Name of the workspace to share. Changing it replaces the share."),
                Attribute::string("subject_type")
                    .required()
                    .requires_replace()
                    .validator(OneOf(SUBJECT_TYPES))
                    .description("`user` or `group` (lowercase). Changing it replaces the share."),
                Attribute::string("subject_name")
                    .required()
                    .requires_replace()
                    .validator(StringRule {
                        description: "1–253 bytes, no control characters, no `/`",
                        check: check_subject_name,
                    })
                    .description(
                        "User or group name exactly as the cluster's RBAC knows it (e-mail, \
                         LDAP name, `system:authenticated`, …): 1–253 bytes, no control \
                         characters, and no `/` (the platform cannot revoke such a name). \
                         Case matters. Two names that differ only in case or punctuation \
                         (`Bob@Example.com`, `bob.example.com`) cannot both hold the same role: \
                         the platform stores them under one simplified name. Changing it \
                         replaces the share.",
                    ),
                Attribute::string("role")
                    .required()
                    .requires_replace()
                    .validator(OneOf(ROLES))
                    .description(
                        "`view` (read sessions and settings), `edit` (run sessions, create API \
                         keys with role `edit`) or `admin` (everything, including secrets and \
                         sharing). Changing it replaces the share; the subject's other roles \
                         are kept.",
                    ),
            ],
        )
    }

    async fn modify_plan(&self, _data: Option<&Platform>, plan: &mut Plan<'_>) -> DiagResult<()> {
        if !plan.is_create() {
            return Ok(());
        }
        // The id is derived from configuration alone, so it is known whenever the rest is.
        let known = ["workspace", "subject_type", "subject_name", "role"]
            .iter()
            .all(|a| plan.config.get(a).as_str().is_some());
        if known {
            let id = Share::from_value(plan.config).id();
            plan.planned.set("id", Value::from(id));
        }
        Ok(())
    }

    async fn create(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        planned: &Value,
        _config: &Value,
    ) -> DiagResult<Value> {
        let share = Share::from_value(planned);
        let _guard = ctx.data.op_locks().lock(&share.lock_key()).await;
        grant(ctx, &share).await?;
        tracing::debug!(share = %share.id(), "granted share");
        Ok(share.to_value())
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, state: &Value) -> DiagResult<Option<Value>> {
        let share = Share::from_value(state);
        // Waiting for the lock keeps a read from seeing a subject mid-way through a revoke.
        let _guard = ctx.data.op_locks().lock(&share.lock_key()).await;
        let Some(listed) = refresh_grants(ctx.data, &share).await? else {
            tracing::debug!(share = %share.id(), "workspace is gone; removing share from state");
            return Ok(None);
        };
        if share.roles_held(&listed).contains(&share.role) {
            Ok(Some(share.to_value()))
        } else {
            tracing::debug!(share = %share.id(), "share no longer granted; removing from state");
            Ok(None)
        }
    }

    async fn update(
        &self,
        _ctx: &mut Ctx<'_, Platform>,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> DiagResult<Value> {
        // Every attribute forces replacement, so Terraform never plans an update; should one
        // arrive anyway, the planned state is what the platform holds.
        Ok(Share::from_value(planned).to_value())
    }

    async fn delete(&self, ctx: &mut Ctx<'_, Platform>, prior: &Value) -> DiagResult<()> {
        let share = Share::from_value(prior);
        let _guard = ctx.data.op_locks().lock(&share.lock_key()).await;
        revoke_keeping_others(ctx.data, &share).await
    }

    async fn import(&self, ctx: &mut Ctx<'_, Platform>, id: &str) -> DiagResult<Value> {
        let share = Share::parse_id(id).map_err(|reason| {
            Diagnostic::error(
                "Invalid import id",
                format!("The import id of acp_workspace_share is {ID_SHAPE}. {reason}"),
            )
        })?;
        let _guard = ctx.data.op_locks().lock(&share.lock_key()).await;
        let listed = list_grants(ctx.data, &share).await?.ok_or_else(|| {
            Diagnostic::error(
                format!("Workspace {:?} not found", share.workspace),
                "The workspace in the import id does not exist or is being deleted.",
            )
        })?;
        let held = share.roles_held(&listed);
        if !held.contains(&share.role) {
            let holds = if held.is_empty() {
                "no role".to_string()
            } else {
                format!("only {}", held.join(", "))
            };
            return Err(Diagnostic::error(
                "Share not found",
                format!(
                    "The platform does not grant the {}: the subject holds {holds} there \
                     (the workspace creator's own admin access is never listed).",
                    share.describe()
                ),
            )
            .into());
        }
        Ok(share.to_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_names_follow_the_platform_rules_and_refuse_slashes() {
        for good in ["bob@example.com", "system:authenticated", "Team A", "é"] {
            assert!(
                check_subject_name(good).is_ok(),
                "{good} should be accepted"
            );
        }
        let too_long = "a".repeat(254);
        for bad in ["", " ", "a\tb", "a\u{7f}", "team/a", too_long.as_str()] {
            assert!(
                check_subject_name(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        // The limit is in bytes: 127 two-byte characters are 254 bytes.
        assert!(check_subject_name(&"é".repeat(127)).is_err());
        assert!(check_subject_name(&"é".repeat(126)).is_ok());
    }

    #[test]
    fn import_ids_round_trip_and_malformed_ones_show_the_shape() {
        let share = Share::parse_id("team-alpha/user/Bob@Example.com/edit").expect("valid id");
        assert_eq!(share.subject_name, "Bob@Example.com");
        assert_eq!(share.id(), "team-alpha/user/Bob@Example.com/edit");
        for bad in [
            "team-alpha/user/bob",
            "team-alpha/user/a/b/edit",
            "team-alpha/robot/bob/edit",
            "team-alpha/user/bob/owner",
            "Team/user/bob/edit",
        ] {
            assert!(Share::parse_id(bad).is_err(), "{bad} should be refused");
        }
        let msg = Share::parse_id("x").unwrap_err();
        assert!(msg.contains("four parts"), "{msg}");
    }

    #[test]
    fn sanitised_names_match_the_platform() {
        assert_eq!(sanitised("Alice@Example.com"), "alice-example-com");
        assert_eq!(sanitised("alice.example.com"), "alice-example-com");
        assert_eq!(sanitised("--"), "group");
        assert_eq!(sanitised(&"a".repeat(70)).len(), 63);
    }

    #[test]
    fn conflict_tells_a_duplicate_from_a_sanitised_collision() {
        let share = Share::parse_id("ws/user/alice.example.com/edit").expect("valid");
        let twin = Permission {
            subject_type: "user".into(),
            subject_name: "Alice@Example.com".into(),
            role: "edit".into(),
        };
        let d = conflict(&share, std::slice::from_ref(&twin));
        assert_eq!(d.summary, "Share collides with another subject");
        assert!(d.detail.contains("Alice@Example.com"), "{}", d.detail);

        let same = share.to_permission("edit");
        let d = conflict(&share, &[same]);
        assert_eq!(d.summary, "Share already exists");
        assert!(d.detail.contains(
            "terraform import acp_workspace_share.<name> ws/user/alice.example.com/edit"
        ));
    }

    #[test]
    fn roles_held_ignore_other_subjects_and_duplicates() {
        let share = Share::parse_id("ws/user/bob/edit").expect("valid");
        let listed = vec![
            share.to_permission("view"),
            share.to_permission("edit"),
            share.to_permission("edit"),
            Permission {
                subject_type: "group".into(),
                subject_name: "bob".into(),
                role: "admin".into(),
            },
        ];
        assert_eq!(share.roles_held(&listed), vec!["edit", "view"]);
    }
}
