//! `acp_workspace`: an ACP workspace (a "project" in the platform API).
//!
//! The platform's quirks shape this resource:
//! - display name and description are stored only on OpenShift clusters. On vanilla
//!   Kubernetes the create response echoes the description but nothing is kept, so configured
//!   values are kept in Terraform state only and Read leaves them alone there;
//! - neither field can be cleared through the API, so removing one from the configuration
//!   keeps the current value instead of planning a change that could never apply;
//! - the cluster adds labels and annotations after create, so both are computed and become
//!   "known after apply" whenever the workspace changes;
//! - delete is asynchronous: the workspace reads `Terminating` until it is gone, and the name
//!   cannot be reused until then.

use std::time::Duration;

use acp_client::{CreateProject, Project, UpdateProject};
use async_trait::async_trait;

use super::workspace_create::create_workspace;
use crate::framework::validators::{LengthBetween, NotBlank, StringRule};
use crate::framework::{Attribute, Ctx, DiagResult, Diagnostic, Plan, Resource, Schema, Value};
use crate::platform::{api_error, Platform};

/// Names Kubernetes keeps for itself.
const RESERVED_NAMES: &[&str] = &[
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "openshift",
    "openshift-infra",
    "openshift-node",
];

/// The `acp_workspace` resource type.
pub struct WorkspaceResource;

/// Checks a workspace name against the platform's rules.
pub fn check_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_chars || name.starts_with('-') || name.ends_with('-') {
        return Err(
            "Use only lowercase letters, digits and '-', and start and end with a \
                    letter or digit."
                .to_string(),
        );
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(format!(
            "{name:?} is reserved by the cluster; choose another name."
        ));
    }
    Ok(())
}

fn name_attribute() -> Attribute {
    Attribute::string("name")
        .required()
        .requires_replace()
        .description(
            "Workspace name, also its id in the platform API: 1–63 lowercase letters, digits \
             and `-`, starting and ending with a letter or digit, and not a reserved \
             Kubernetes name such as `default` or `kube-system`. Changing it replaces the \
             workspace.",
        )
        .validator(LengthBetween { min: 1, max: 63 })
        .validator(StringRule {
            description: "a DNS label that is not a reserved namespace name",
            check: check_name,
        })
}

/// The state of a workspace as the platform reports it, with display name and description
/// chosen by the caller (they depend on the cluster type and on the configuration).
fn state_from(project: &Project, display_name: Value, description: Value) -> Value {
    Value::object([
        ("id", Value::from(project.name.as_str())),
        ("name", Value::from(project.name.as_str())),
        ("display_name", display_name),
        ("description", description),
        ("status", Value::from(project.status.as_str())),
        (
            "creation_timestamp",
            Value::from(project.creation_timestamp.as_str()),
        ),
        ("is_openshift", Value::from(project.is_openshift)),
        ("labels", Value::string_map(&project.labels)),
        ("annotations", Value::string_map(&project.annotations)),
    ])
}

/// What the platform stores of the display name: on OpenShift its value, elsewhere nothing.
fn stored_display_name(project: &Project) -> Value {
    if project.is_openshift && !project.display_name.is_empty() {
        Value::from(project.display_name.as_str())
    } else {
        Value::Null
    }
}

fn stored_description(project: &Project) -> Value {
    match &project.description {
        Some(d) if project.is_openshift && !d.is_empty() => Value::from(d.as_str()),
        _ => Value::Null,
    }
}

/// The configured value when there is one, else what the platform stores.
fn configured_or(config: &Value, name: &str, stored: Value) -> Value {
    match config.get(name) {
        Value::String(s) => Value::from(s.as_str()),
        _ => stored,
    }
}

fn not_stored_warning(project: &Project, config: &Value) -> Option<Diagnostic> {
    let set: Vec<&str> = ["display_name", "description"]
        .into_iter()
        .filter(|a| !config.get(a).is_null())
        .collect();
    if project.is_openshift || set.is_empty() {
        return None;
    }
    Some(Diagnostic::warning(
        "Workspace metadata kept in Terraform state only",
        format!(
            "The platform runs on vanilla Kubernetes, which does not store a workspace's {}. \
             The value is kept in Terraform state but is not visible on the platform.",
            set.join(" or ")
        ),
    ))
}

/// Polls until the workspace no longer exists. The operation's `timeouts` limit, applied by
/// the framework, bounds the wait.
pub(super) async fn wait_until_gone(platform: &Platform, name: &str) -> DiagResult<()> {
    let mut delay = Duration::from_millis(200);
    loop {
        match platform.client().get_project(name).await {
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                return Err(api_error(&format!("check deletion of workspace {name:?}"), &e).into())
            }
            Ok(project) => {
                tracing::debug!(workspace = name, status = %project.status, "waiting for workspace to go away");
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

pub(super) fn already_exists(name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Workspace {name:?} already exists"),
        format!(
            "The platform already has a workspace named {name:?}, created outside this \
             Terraform state. To manage it here, import it:\n\n  terraform import \
             acp_workspace.<name> {name}\n\nor choose another name."
        ),
    )
}

#[async_trait]
impl Resource<Platform> for WorkspaceResource {
    fn type_name(&self) -> &'static str {
        "acp_workspace"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An ACP workspace: the container for agent sessions, secrets and settings of one \
             team. Called a project in the platform API. Deleting it deletes everything \
             inside it, including shares, secrets and API keys.\n\n\
             `display_name` and `description` are stored by the platform only on OpenShift. \
             On vanilla Kubernetes the platform drops them: the provider keeps the configured \
             values in Terraform state only, so they show nowhere else and cannot drift. Once \
             set, a value cannot be cleared, only changed: removing the attribute keeps it.\n\n\
             Deletion is asynchronous: the workspace stays `Terminating` for a while, and a \
             workspace of the same name cannot be created until it is gone. The provider \
             waits for it on destroy and on re-create.",
            vec![
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The workspace name."),
                name_attribute(),
                Attribute::string("display_name")
                    .optional_computed()
                    .use_state_for_unknown()
                    .validator(NotBlank)
                    .description(
                        "Human-friendly name. The platform stores it only on OpenShift, where \
                         it defaults to `name`; on vanilla Kubernetes the value is kept in \
                         Terraform state only (and reads back as null when not configured). \
                         The platform cannot clear it: removing the attribute keeps the current \
                         value.",
                    ),
                Attribute::string("description")
                    .optional_computed()
                    .use_state_for_unknown()
                    .validator(NotBlank)
                    .description(
                        "Free-text description. Stored only on OpenShift; on vanilla \
                         Kubernetes it is kept in Terraform state only. The platform cannot \
                         clear it: removing the attribute keeps the current value.",
                    ),
                Attribute::string("status")
                    .computed()
                    .description("`Active`, or `Terminating` while the platform deletes it."),
                Attribute::string("creation_timestamp")
                    .computed()
                    .use_state_for_unknown()
                    .description("When the workspace was created (RFC 3339, UTC)."),
                Attribute::bool("is_openshift")
                    .computed()
                    .use_state_for_unknown()
                    .description("Whether the platform runs on OpenShift."),
                Attribute::string_map("labels").computed().description(
                    "Labels of the workspace's namespace, including those the cluster adds \
                     after create. Read-only.",
                ),
                Attribute::string_map("annotations").computed().description(
                    "Annotations of the workspace's namespace, including those the cluster \
                     adds after create (for example OpenShift security annotations). \
                     Read-only.",
                ),
            ],
        )
    }

    async fn modify_plan(&self, data: Option<&Platform>, plan: &mut Plan<'_>) -> DiagResult<()> {
        if !plan.is_create() {
            return Ok(());
        }
        // Everything the create response will say is known now, except the creation time and
        // the labels and annotations the cluster adds.
        let name = plan.config.get("name").clone();
        plan.planned.set("id", name.clone());
        plan.planned.set("status", Value::from("Active"));
        let openshift = match data {
            Some(platform) => platform.is_openshift().await,
            None => None,
        };
        let Some(openshift) = openshift else {
            return Ok(());
        };
        plan.planned.set("is_openshift", Value::from(openshift));
        if plan.config.get("display_name").is_null() {
            let default = if openshift { name } else { Value::Null };
            plan.planned.set("display_name", default);
        }
        if plan.config.get("description").is_null() {
            plan.planned.set("description", Value::Null);
        }
        Ok(())
    }

    async fn create(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let name = planned.get("name").to_opt_string().unwrap_or_default();
        let request = CreateProject {
            name: name.clone(),
            display_name: config.get("display_name").to_opt_string(),
            description: config.get("description").to_opt_string(),
        };
        let project = create_workspace(ctx.data, &request, &mut ctx.warnings).await?;
        tracing::debug!(workspace = %name, "created workspace");
        if let Some(w) = not_stored_warning(&project, config) {
            ctx.warnings.push(w);
        }
        Ok(state_from(
            &project,
            configured_or(config, "display_name", stored_display_name(&project)),
            configured_or(config, "description", stored_description(&project)),
        ))
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, state: &Value) -> DiagResult<Option<Value>> {
        let name = state.get("name").to_opt_string().unwrap_or_default();
        let project = match ctx.data.client().get_project(&name).await {
            Ok(project) => project,
            Err(e) if e.is_not_found() => {
                tracing::debug!(workspace = %name, "workspace is gone; removing from state");
                return Ok(None);
            }
            Err(e) => return Err(api_error(&format!("read workspace {name:?}"), &e).into()),
        };
        if project.is_terminating() {
            ctx.warnings.push(Diagnostic::warning(
                format!("Workspace {name:?} is being deleted"),
                "The workspace was deleted outside Terraform and is terminating. Terraform \
                 plans to create it again; the create waits until the old one is gone.",
            ));
            return Ok(None);
        }
        // On OpenShift the platform is the source of truth, so edits made elsewhere show as
        // drift. Elsewhere nothing is stored, and the state keeps what was configured.
        let (display_name, description) = if project.is_openshift {
            (stored_display_name(&project), stored_description(&project))
        } else {
            (
                state.get("display_name").clone(),
                state.get("description").clone(),
            )
        };
        Ok(Some(state_from(&project, display_name, description)))
    }

    async fn update(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let name = planned.get("name").to_opt_string().unwrap_or_default();
        let changed = |attr: &str| {
            let value = planned.get(attr);
            (value != prior.get(attr))
                .then(|| value.to_opt_string())
                .flatten()
        };
        let request = UpdateProject {
            name: Some(name.clone()),
            display_name: changed("display_name"),
            description: changed("description"),
        };
        let project = ctx
            .data
            .client()
            .update_project(&name, &request)
            .await
            .map_err(|e| api_error(&format!("update workspace {name:?}"), &e))?;
        if let Some(w) = not_stored_warning(&project, config) {
            ctx.warnings.push(w);
        }
        Ok(state_from(
            &project,
            planned.get("display_name").clone(),
            planned.get("description").clone(),
        ))
    }

    async fn delete(&self, ctx: &mut Ctx<'_, Platform>, prior: &Value) -> DiagResult<()> {
        let name = prior.get("name").to_opt_string().unwrap_or_default();
        let client = ctx.data.client();
        match client.delete_project(&name).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            // A repeated delete of a terminating workspace is answered 500; what matters is
            // whether the workspace is on its way out.
            Err(e) if e.status() == Some(500) => match client.get_project(&name).await {
                Err(g) if g.is_not_found() => return Ok(()),
                Ok(p) if p.is_terminating() => {}
                _ => return Err(api_error(&format!("delete workspace {name:?}"), &e).into()),
            },
            Err(e) => return Err(api_error(&format!("delete workspace {name:?}"), &e).into()),
        }
        wait_until_gone(ctx.data, &name).await
    }

    async fn import(&self, ctx: &mut Ctx<'_, Platform>, id: &str) -> DiagResult<Value> {
        let checked = match id.chars().count() {
            1..=63 => check_name(id),
            _ => Err("It must be 1 to 63 characters long.".to_string()),
        };
        if let Err(reason) = checked {
            return Err(Diagnostic::error(
                "Invalid import id",
                format!("The import id of acp_workspace is the workspace name. {reason}"),
            )
            .into());
        }
        let project = ctx.data.client().get_project(id).await.map_err(|e| {
            if e.is_not_found() {
                Diagnostic::error(
                    format!("Workspace {id:?} not found"),
                    "No workspace of that name exists on the platform. The import id of \
                     acp_workspace is the workspace name.",
                )
            } else {
                api_error(&format!("import workspace {id:?}"), &e)
            }
        })?;
        Ok(state_from(
            &project,
            stored_display_name(&project),
            stored_description(&project),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_platform_rules() {
        assert!(check_name("team-alpha").is_ok());
        assert!(check_name("9lives").is_ok());
        for bad in [
            "Team",
            "-a",
            "a-",
            "a_b",
            "a.b",
            "kube-system",
            "default",
            "é",
        ] {
            assert!(check_name(bad).is_err(), "{bad} should be refused");
        }
    }
}
