//! `acp_api_key`: a workspace access key, a bearer token with one role in one workspace.
//!
//! The platform's quirks shape this resource:
//! - there is no update: name, description, role and lifetime are immutable, so every
//!   platform-side attribute forces replacement;
//! - the token is returned once, by create, and never again. Read keeps it from state; an
//!   imported key has none (a warning says so);
//! - the platform never reports when a key expires. `expires_at` is computed once, at create,
//!   from the platform's creation time plus the requested lifetime. An imported key has no
//!   known expiry and no known lifetime: `expiration_seconds` stays null after import, and a
//!   configuration that leaves it unset does not replace the key because of that;
//! - expired keys are still listed, so expiry is not drift. `rotate_before_seconds` plans a
//!   replacement once the expiry is that close, so a scheduled `terraform apply` rotates keys
//!   before they stop working;
//! - `lastUsedAt` changes on every use of the key, so it is not exposed here (the
//!   `acp_api_keys` data source reports it);
//! - there is no single-key GET: read lists the workspace's keys and looks for the id;
//! - a create that fails half-way can leave a key without a token behind; see
//!   [`super::api_key_create`].

use acp_client::{AccessKey, CreateAccessKey};
use async_trait::async_trait;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::api_key_create::create_key;
use super::workspace::check_name as check_workspace_name;
use super::workspace_probe::workspace_gone;
use crate::framework::plan_modifiers::PlanModifier;
use crate::framework::validators::{IntBetween, LengthBetween, NotBlank, OneOf, StringRule};
use crate::framework::{
    Attribute, AttributePath, Ctx, DiagResult, Diagnostic, Diagnostics, Plan, Resource, Schema,
    Value,
};
use crate::platform::Platform;
use crate::resilience::role::needs_role;
use crate::resilience::wait::in_workspace;

const ROLES: &[&str] = &["admin", "edit", "view"];
/// Default lifetime: 90 days.
const DEFAULT_EXPIRATION: i64 = 7_776_000;
/// Kubernetes issues no token for less than ten minutes.
const MIN_EXPIRATION: i64 = 600;
/// The platform refuses more than one year.
const MAX_EXPIRATION: i64 = 31_536_000;

/// The `acp_api_key` resource type.
pub struct ApiKeyResource;

/// Whether a key expiring at `expires_at` is due for rotation at `now`, given the window.
pub fn rotation_due(
    expires_at: OffsetDateTime,
    rotate_before_seconds: i64,
    now: OffsetDateTime,
) -> bool {
    now + Duration::seconds(rotate_before_seconds) >= expires_at
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

fn format_time(t: OffsetDateTime) -> Option<String> {
    t.format(&Rfc3339).ok()
}

/// `expires_at` of a key created at `created_at` (RFC 3339) living `seconds`.
fn expiry(created_at: &str, seconds: i64) -> Option<String> {
    format_time(parse_time(created_at)? + Duration::seconds(seconds))
}

fn schema_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("id")
            .computed()
            .use_state_for_unknown()
            .description(
                "The key's id on the platform (`ambient-key-<name>-<8 hex>`, the name of its \
                 ServiceAccount).",
            ),
        Attribute::string("workspace")
            .required()
            .requires_replace()
            .validator(LengthBetween { min: 1, max: 63 })
            .validator(StringRule {
                description: "a workspace name",
                check: check_workspace_name,
            })
            .description(
                "Name of the workspace the key gives access to. Changing it replaces the key.",
            ),
        Attribute::string("name")
            .required()
            .requires_replace()
            .validator(NotBlank)
            .description(
                "Display name. Need not be unique; the platform derives the id from it. \
                 Changing it replaces the key.",
            ),
        Attribute::string("description")
            .requires_replace()
            .validator(NotBlank)
            .description("Free text shown with the key. Changing it replaces the key."),
        Attribute::string("role")
            .default("edit")
            .requires_replace()
            .validator(OneOf(ROLES))
            .description(
                "Role of the key in the workspace: `view`, `edit` (default) or `admin`. Creating \
                 an `admin` or `view` key needs the admin role. Changing it replaces the key.",
            ),
        Attribute::number("expiration_seconds")
            .default(DEFAULT_EXPIRATION)
            .plan_modifier(PlanModifier::RequiresReplaceIf(std::sync::Arc::new(
                // An imported key has no known lifetime (null); recording one is not a change
                // on the platform.
                |before: &Value, _after: &Value| !before.is_null(),
            )))
            .validator(IntBetween {
                min: MIN_EXPIRATION,
                max: MAX_EXPIRATION,
            })
            .description(
                "Lifetime of the key in seconds, from 600 (10 minutes) to 31536000 (one \
                 year); default 7776000 (90 days). Changing it replaces the key. The cluster \
                 may issue a shorter lifetime than asked for. Null after import, since the \
                 platform does not report it.",
            ),
        Attribute::number("rotate_before_seconds")
            .validator(IntBetween {
                min: 1,
                max: MAX_EXPIRATION,
            })
            .description(
                "When set, a plan made less than this many seconds before `expires_at` \
                 replaces the key, so a regularly scheduled `terraform apply` rotates it before \
                 it expires. Must be less than `expiration_seconds`. Changing it only changes \
                 when the next rotation happens. Imported keys have no known expiry and are \
                 not rotated until replaced once.",
            ),
        Attribute::string("created_at")
            .computed()
            .use_state_for_unknown()
            .description("When the platform created the key (RFC 3339)."),
        Attribute::string("expires_at")
            .computed()
            .use_state_for_unknown()
            .description(
                "When the key stops working (RFC 3339): creation time plus \
                 `expiration_seconds`. The platform does not report it; it is computed at \
                 create and is null for imported keys.",
            ),
        Attribute::string("key")
            .computed()
            .sensitive()
            .use_state_for_unknown()
            .description(
                "The secret token: send it as `Authorization: Bearer <key>`. The platform \
                 returns it only once, when the key is created; it is null for imported keys.",
            ),
    ]
}

/// The state of a listed key, with what the list cannot tell taken from `kept` (the prior
/// state, or null on import).
fn state_from(workspace: &str, key: &AccessKey, kept: &Value) -> Value {
    let description = match key.description.as_deref() {
        Some(d) if !d.is_empty() => Value::from(d),
        _ => Value::Null,
    };
    Value::object([
        ("id", Value::from(key.id.as_str())),
        ("workspace", Value::from(workspace)),
        ("name", Value::from(key.name.as_str())),
        ("description", description),
        // A key without a role (its binding was removed) grants nothing: show it as drift.
        ("role", Value::from(key.role.clone())),
        ("created_at", Value::from(key.created_at.as_str())),
        ("expiration_seconds", kept.get("expiration_seconds").clone()),
        (
            "rotate_before_seconds",
            kept.get("rotate_before_seconds").clone(),
        ),
        ("expires_at", kept.get("expires_at").clone()),
        ("key", kept.get("key").clone()),
    ])
}

/// Lists the workspace's keys; `None` when the workspace itself is gone.
async fn list_keys(platform: &Platform, workspace: &str) -> DiagResult<Option<Vec<AccessKey>>> {
    let listed = in_workspace(platform, workspace, || {
        platform.client().list_keys(workspace)
    })
    .await;
    match listed {
        Ok(keys) => Ok(Some(keys)),
        Err(e) if workspace_gone(platform, workspace, &e).await => Ok(None),
        Err(e) => {
            let action = format!("list the API keys of workspace {workspace:?}");
            Err(needs_role(platform, workspace, "admin", &action, &e)
                .await
                .into())
        }
    }
}

/// Like [`list_keys`], for refreshes: overlapping refreshes of one workspace's keys share one
/// request.
async fn refresh_keys(platform: &Platform, workspace: &str) -> DiagResult<Option<Vec<AccessKey>>> {
    match platform.read_keys(workspace).await {
        Ok(_) if platform.workspace_going(workspace).await => Ok(None),
        Ok(keys) => Ok(Some(keys)),
        Err(e) if workspace_gone(platform, workspace, &e).await => Ok(None),
        // A refused refresh may be the access-review cache; the uncached path waits it out.
        Err(_) => list_keys(platform, workspace).await,
    }
}

fn parse_import_id(id: &str) -> Result<(String, String), String> {
    match id.split_once('/') {
        Some((workspace, key_id))
            if check_workspace_name(workspace).is_ok()
                && !key_id.is_empty()
                && !key_id.contains('/') =>
        {
            Ok((workspace.to_string(), key_id.to_string()))
        }
        _ => Err(format!(
            "Expected <workspace>/<key id>, for example team-alpha/ambient-key-ci-bot-3f9a1c2e \
             (key ids are listed by the acp_api_keys data source); got {id:?}."
        )),
    }
}

#[async_trait]
impl Resource<Platform> for ApiKeyResource {
    fn type_name(&self) -> &'static str {
        "acp_api_key"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An API key of a workspace: a bearer token that acts with one role (`view`, `edit` \
             or `admin`) in that workspace only. The token is available only from the \
             resource that created the key (attribute `key`, sensitive). Keys cannot be \
             changed: any change replaces the key, which issues a new token and revokes the \
             old one. Set `rotate_before_seconds` to replace keys automatically before they \
             expire.\n\n\
             The platform shows a key's token once, in the response that creates it: it is in \
             the state of the resource that created the key and nowhere else. An imported key \
             has no token, and neither the token nor the expiry can be read back later. Treat \
             the state as secret, and read the token with `terraform output` from a sensitive \
             output.\n\n\
             Rotation with `rotate_before_seconds`: once a plan is made less than that many \
             seconds before `expires_at`, it replaces the key: Terraform revokes the old key, \
             then creates the new one (add `lifecycle { create_before_destroy = true }` to keep \
             the old one working until the new one exists), and consumers of `key` must pick \
             up the new token after that apply. Nothing rotates without an apply: schedule one more often than \
             `rotate_before_seconds`.",
            schema_attributes(),
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let expiration = match config.get("expiration_seconds") {
            Value::Null => Some(DEFAULT_EXPIRATION),
            v => v.as_i64(),
        };
        if let (Some(rotate), Some(expiration)) =
            (config.get("rotate_before_seconds").as_i64(), expiration)
        {
            if rotate >= expiration {
                let path = AttributePath::root("rotate_before_seconds");
                diags.push(
                    Diagnostic::error(
                        "Invalid value for rotate_before_seconds",
                        format!(
                            "rotate_before_seconds ({rotate}) must be less than \
                             expiration_seconds ({expiration}); otherwise every plan would \
                             replace the key. Lower it or raise expiration_seconds."
                        ),
                    )
                    .at(path),
                );
            }
        }
    }

    async fn modify_plan(&self, _data: Option<&Platform>, plan: &mut Plan<'_>) -> DiagResult<()> {
        if plan.is_create() {
            return Ok(());
        }
        // An imported key has no known lifetime. Without a configured one, keep it unknown
        // (null) instead of planning the default, which would claim a lifetime nobody knows.
        if plan.prior.get("expiration_seconds").is_null()
            && plan.config.get("expiration_seconds").is_null()
        {
            plan.planned.set("expiration_seconds", Value::Null);
        }
        let due = match (
            plan.prior.get("expires_at").as_str().and_then(parse_time),
            plan.planned.get("rotate_before_seconds").as_i64(),
        ) {
            (Some(expires_at), Some(window)) => {
                rotation_due(expires_at, window, OffsetDateTime::now_utc())
            }
            _ => false,
        };
        if due {
            tracing::debug!(key = ?plan.prior.get("id").as_str(), "key is due for rotation");
            for computed in ["id", "created_at", "expires_at", "key"] {
                plan.planned.set(computed, Value::Unknown);
            }
            plan.require_replace("expires_at");
        }
        Ok(())
    }

    async fn create(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        planned: &Value,
        _config: &Value,
    ) -> DiagResult<Value> {
        let workspace = planned.get("workspace").to_opt_string().unwrap_or_default();
        let seconds = planned
            .get("expiration_seconds")
            .as_i64()
            .unwrap_or(DEFAULT_EXPIRATION);
        let request = CreateAccessKey {
            name: planned.get("name").to_opt_string().unwrap_or_default(),
            description: planned.get("description").to_opt_string(),
            role: planned.get("role").to_opt_string(),
            expiration_seconds: seconds,
        };
        let created = {
            let lock = format!("key/{workspace}/{}", request.name);
            let _guard = ctx.data.op_locks().lock(&lock).await;
            create_key(ctx.data, &workspace, &request).await?
        };
        for warning in created.warnings {
            ctx.warnings.push(warning);
        }
        let key = created.key;
        tracing::debug!(key = %key.id, workspace = %workspace, "created API key");
        // The platform's creation time when it listed the key, else ours (seconds resolution,
        // like the platform's).
        let created_at = created.created_at.unwrap_or_else(|| {
            let now = OffsetDateTime::now_utc();
            format_time(now.replace_nanosecond(0).unwrap_or(now)).unwrap_or_default()
        });
        let description = if key.description.is_empty() {
            Value::Null
        } else {
            Value::from(key.description.as_str())
        };
        Ok(Value::object([
            ("id", Value::from(key.id.as_str())),
            ("workspace", Value::from(workspace.as_str())),
            ("name", planned.get("name").clone()),
            ("description", description),
            ("role", Value::from(key.role.as_str())),
            ("expiration_seconds", Value::from(seconds)),
            (
                "rotate_before_seconds",
                planned.get("rotate_before_seconds").clone(),
            ),
            ("expires_at", Value::from(expiry(&created_at, seconds))),
            ("created_at", Value::from(created_at)),
            ("key", Value::from(key.key.expose_secret().as_str())),
        ]))
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, state: &Value) -> DiagResult<Option<Value>> {
        let workspace = state.get("workspace").to_opt_string().unwrap_or_default();
        let id = state.get("id").to_opt_string().unwrap_or_default();
        let Some(keys) = refresh_keys(ctx.data, &workspace).await? else {
            tracing::debug!(key = %id, "workspace is gone; removing key from state");
            return Ok(None);
        };
        let Some(key) = keys.into_iter().find(|k| k.id == id) else {
            tracing::debug!(key = %id, "key was revoked; removing from state");
            return Ok(None);
        };
        if let Some(expires_at) = state.get("expires_at").as_str().and_then(parse_time) {
            if expires_at <= OffsetDateTime::now_utc()
                && state.get("rotate_before_seconds").is_null()
            {
                ctx.warnings.push(Diagnostic::warning(
                    format!("API key {:?} has expired", key.name),
                    format!(
                        "Key {id} in workspace {workspace:?} expired at {}. Replace it with \
                         terraform apply -replace=<address>, or set rotate_before_seconds to \
                         rotate keys automatically.",
                        state.get("expires_at").as_str().unwrap_or_default()
                    ),
                ));
            }
        }
        Ok(Some(state_from(&workspace, &key, state)))
    }

    async fn update(
        &self,
        _ctx: &mut Ctx<'_, Platform>,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> DiagResult<Value> {
        // Only attributes that live in Terraform alone update in place: the rotation window,
        // and the lifetime of an imported key being recorded. Nothing changes on the platform.
        Ok(planned.clone())
    }

    async fn delete(&self, ctx: &mut Ctx<'_, Platform>, prior: &Value) -> DiagResult<()> {
        let workspace = prior.get("workspace").to_opt_string().unwrap_or_default();
        let id = prior.get("id").to_opt_string().unwrap_or_default();
        let deleted = ctx.data.client().delete_key(&workspace, &id).await;
        ctx.data.forget_reads(&workspace);
        match deleted {
            Ok(()) => Ok(()),
            Err(e) if workspace_gone(ctx.data, &workspace, &e).await => Ok(()),
            Err(e) => {
                let action = format!("delete API key {id} of workspace {workspace:?}");
                Err(needs_role(ctx.data, &workspace, "admin", &action, &e)
                    .await
                    .into())
            }
        }
    }

    async fn import(&self, ctx: &mut Ctx<'_, Platform>, id: &str) -> DiagResult<Value> {
        let (workspace, key_id) = parse_import_id(id).map_err(|reason| {
            Diagnostic::error(
                "Invalid import id",
                format!("The import id of acp_api_key is <workspace>/<key id>. {reason}"),
            )
        })?;
        let keys = list_keys(ctx.data, &workspace).await?;
        // A cluster admin lists an empty key list for a workspace that does not exist.
        let keys = if ctx.data.workspace_going(&workspace).await {
            None
        } else {
            keys
        };
        let keys = keys.ok_or_else(|| {
            Diagnostic::error(
                format!("Workspace {workspace:?} not found"),
                "The workspace in the import id does not exist or is being deleted.",
            )
        })?;
        let Some(key) = keys.into_iter().find(|k| k.id == key_id) else {
            return Err(Diagnostic::error(
                format!("API key {key_id:?} not found"),
                format!(
                    "Workspace {workspace:?} has no key with id {key_id:?}. The import id is \
                     <workspace>/<key id>; the id is not the key's name."
                ),
            )
            .into());
        };
        ctx.warnings.push(Diagnostic::warning(
            "Imported API key has no token",
            format!(
                "The platform returns a key's token only when the key is created, so the \
                 imported key {key_id} has `key` = null. Its expiry and lifetime are unknown \
                 too (`expires_at` and `expiration_seconds` are null), so it is not rotated. \
                 To get a token in Terraform, replace the key: terraform apply \
                 -replace=<address>."
            ),
        ));
        Ok(state_from(&workspace, &key, &Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn rotation_is_due_inside_the_window_only() {
        let expires = datetime!(2026-08-18 12:00:00 UTC);
        let window = 600;
        assert!(!rotation_due(
            expires,
            window,
            datetime!(2026-08-18 11:49:59 UTC)
        ));
        assert!(rotation_due(
            expires,
            window,
            datetime!(2026-08-18 11:50:00 UTC)
        ));
        assert!(rotation_due(
            expires,
            window,
            datetime!(2026-08-18 13:00:00 UTC)
        ));
    }

    #[test]
    fn expiry_is_creation_time_plus_lifetime() {
        assert_eq!(
            expiry("2026-08-18T10:02:44Z", 7_776_000).as_deref(),
            Some("2026-11-16T10:02:44Z")
        );
        assert_eq!(expiry("not a time", 600), None);
    }

    #[test]
    fn import_ids_need_a_workspace_and_a_key_id() {
        assert_eq!(
            parse_import_id("team-alpha/ambient-key-ci-3f9a1c2e"),
            Ok(("team-alpha".into(), "ambient-key-ci-3f9a1c2e".into()))
        );
        for bad in ["team-alpha", "team-alpha/", "Team/x", "a/b/c"] {
            let err = parse_import_id(bad).unwrap_err();
            assert!(err.contains("<workspace>/<key id>"), "{bad}: {err}");
        }
    }

    #[test]
    fn rotate_window_must_be_shorter_than_the_lifetime() {
        let config = |rotate: i64, expiration: Value| {
            Value::object([
                ("rotate_before_seconds", Value::from(rotate)),
                ("expiration_seconds", expiration),
            ])
        };
        let mut diags = Diagnostics::new();
        ApiKeyResource.validate(&config(700, Value::from(700)), &mut diags);
        assert!(diags.has_errors());
        let mut diags = Diagnostics::new();
        ApiKeyResource.validate(&config(699, Value::from(700)), &mut diags);
        ApiKeyResource.validate(&config(86_400, Value::Null), &mut diags);
        ApiKeyResource.validate(&config(1, Value::Unknown), &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
    }

    #[tokio::test]
    async fn imported_keys_keep_a_null_lifetime_without_replacement() {
        let prior = Value::object([
            ("id", Value::from("k")),
            ("expiration_seconds", Value::Null),
            ("expires_at", Value::Null),
            ("rotate_before_seconds", Value::Null),
        ]);
        let config = Value::object([("expiration_seconds", Value::Null)]);
        let mut planned = prior.clone();
        planned.set("expiration_seconds", Value::from(DEFAULT_EXPIRATION));
        let mut plan = Plan {
            prior: &prior,
            config: &config,
            planned,
            requires_replace: Vec::new(),
        };
        ApiKeyResource
            .modify_plan(None, &mut plan)
            .await
            .expect("planned");
        assert!(plan.planned.get("expiration_seconds").is_null());
        assert!(plan.requires_replace.is_empty());
    }

    #[tokio::test]
    async fn a_key_inside_its_window_is_planned_for_replacement() {
        let soon = OffsetDateTime::now_utc() + Duration::seconds(100);
        let prior = Value::object([
            ("id", Value::from("k")),
            ("expiration_seconds", Value::from(700)),
            ("expires_at", Value::from(format_time(soon))),
            ("rotate_before_seconds", Value::from(600)),
            ("key", Value::from("secret")),
        ]);
        let mut plan = Plan {
            prior: &prior,
            config: &prior,
            planned: prior.clone(),
            requires_replace: Vec::new(),
        };
        ApiKeyResource
            .modify_plan(None, &mut plan)
            .await
            .expect("planned");
        assert_eq!(
            plan.requires_replace,
            vec![AttributePath::root("expires_at")]
        );
        assert!(plan.planned.get("key").is_unknown());
        assert!(plan.planned.get("expires_at").is_unknown());
    }
}
