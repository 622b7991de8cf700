//! `acp_workspace_secret`: one key of a workspace's runner or integration secret.
//!
//! The platform's quirks shape this resource:
//! - there is no per-key endpoint: each workspace has two whole-map secrets, and every PUT
//!   replaces a whole map. Writes go through [`crate::secret_maps::update_map`], which
//!   serialises them per map and re-reads before writing, so parallel applies lose nothing and
//!   keys set outside Terraform survive;
//! - the map is chosen by the key: the three model API keys live in the runner secret (the only
//!   keys it accepts), everything else in the integration secret. `kind` says which, and is
//!   known at plan time;
//! - storage settings are keys of the integration secret too (`STORAGE_MODE`, `S3_*`); they
//!   belong to `acp_workspace_storage`, so this resource refuses them;
//! - GET returns values in clear text, so a value changed outside Terraform is drift. With
//!   `value_wo` nothing is stored to compare and no value drift is reported (see
//!   [`super::sensitive_input`]);
//! - map endpoints answer 403, not 404, for a missing workspace: a failed read asks for the
//!   workspace itself before deciding between "gone" and an error.

use async_trait::async_trait;

use crate::framework::validators::{LengthBetween, StringRule};
use crate::framework::{
    Attribute, Ctx, DiagResult, Diagnostic, Diagnostics, Plan, Resource, Schema, Value,
};
use crate::platform::Platform;
use crate::resources::sensitive_input::SensitiveInput;
use crate::resources::workspace::check_name;
use crate::secret_maps::{get_map, map_error, update_map, workspace_gone, MapKind};

/// The keys of the runner secret; the platform refuses any other key there.
pub const RUNNER_KEYS: [&str; 3] = ["ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"];
/// Longest key Kubernetes accepts in a Secret.
const MAX_NAME_CHARS: usize = 253;

const VALUE: SensitiveInput = SensitiveInput {
    plain: "value",
    write_only: "value_wo",
    version: "value_wo_version",
};

/// The `acp_workspace_secret` resource type.
pub struct WorkspaceSecretResource;

/// The map a key lives in.
pub fn kind_of(name: &str) -> MapKind {
    if RUNNER_KEYS.contains(&name) {
        MapKind::Runner
    } else {
        MapKind::Integration
    }
}

/// True for keys that hold the workspace's storage settings.
pub fn is_storage_key(name: &str) -> bool {
    name == "STORAGE_MODE" || name.starts_with("S3_")
}

/// Checks a secret name: a key the platform stores, and not a storage setting.
pub fn check_secret_name(name: &str) -> Result<(), String> {
    if is_storage_key(name) {
        return Err(format!(
            "{name} is a storage setting of the workspace. Configure custom storage with the \
             acp_workspace_storage resource instead of a secret."
        ));
    }
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    if name.is_empty() || !valid_chars {
        return Err(
            "Use only letters, digits, '-', '.' and '_' (Kubernetes Secret key rules); names \
             used as environment variables should match [A-Za-z_][A-Za-z0-9_]*."
                .to_string(),
        );
    }
    if name.len() > MAX_NAME_CHARS {
        return Err(format!(
            "Must be at most {MAX_NAME_CHARS} characters long; this name has {}.",
            name.len()
        ));
    }
    // Kubernetes keeps Secret keys usable as file names in a volume, so it refuses the names
    // of the current and parent directory and anything starting with "..".
    if name == "." || name.starts_with("..") {
        return Err(
            "Must not be \".\" or start with \"..\" (Kubernetes Secret key rules).".to_string(),
        );
    }
    Ok(())
}

/// A workspace name as `acp_workspace` accepts it, length included.
pub fn check_workspace(workspace: &str) -> Result<(), String> {
    if workspace.is_empty() || workspace.len() > 63 {
        return Err("A workspace name has 1 to 63 characters.".to_string());
    }
    check_name(workspace)
}

/// Splits an import id `<workspace>/<name>`.
fn parse_id(id: &str) -> Result<(&str, &str), String> {
    let Some((workspace, name)) = id.split_once('/') else {
        return Err(format!(
            "Expected <workspace>/<name>, for example team-alpha/GITHUB_TOKEN; got {id:?}."
        ));
    };
    check_workspace(workspace)
        .map_err(|reason| format!("Invalid workspace in {id:?}: {reason}"))?;
    check_secret_name(name).map_err(|reason| format!("Invalid name in {id:?}: {reason}"))?;
    Ok((workspace, name))
}

fn state_from(workspace: &str, name: &str, value: Value, wo_version: Value) -> Value {
    Value::object([
        ("id", Value::from(format!("{workspace}/{name}"))),
        ("workspace", Value::from(workspace)),
        ("name", Value::from(name)),
        ("kind", Value::from(kind_of(name).as_str())),
        ("value", value),
        ("value_wo", Value::Null),
        ("value_wo_version", wo_version),
    ])
}

fn names(value: &Value) -> (String, String) {
    (
        value.get("workspace").to_opt_string().unwrap_or_default(),
        value.get("name").to_opt_string().unwrap_or_default(),
    )
}

fn already_exists(workspace: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Secret {name:?} already exists in workspace {workspace:?}"),
        format!(
            "The workspace already has a secret named {name:?}, set outside this Terraform \
             state. To manage it here, import it:\n\n  terraform import \
             acp_workspace_secret.<name> {workspace}/{name}\n\nor remove it on the platform \
             first."
        ),
    )
}

/// Writes one key's value into its map.
async fn put_value(
    platform: &Platform,
    workspace: &str,
    name: &str,
    value: String,
    must_be_new: bool,
) -> DiagResult<()> {
    let action = format!("set secret {name:?}");
    update_map(platform, workspace, kind_of(name), &action, |map| {
        if must_be_new && map.contains_key(name) {
            return Err(already_exists(workspace, name).into());
        }
        map.insert(name.to_string(), value.clone());
        Ok(())
    })
    .await
}

fn missing_value(name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("No value for secret {name:?}"),
        "Neither `value` nor `value_wo` reached the provider. Set one of them; `value_wo` \
         needs Terraform 1.11 or later.",
    )
}

#[async_trait]
impl Resource<Platform> for WorkspaceSecretResource {
    fn type_name(&self) -> &'static str {
        "acp_workspace_secret"
    }

    fn schema(&self) -> Schema {
        let mut attributes =
            vec![
            Attribute::string("id")
                .computed()
                .use_state_for_unknown()
                .description("`<workspace>/<name>`, also the import id."),
            Attribute::string("workspace")
                .required()
                .requires_replace()
                .validator(LengthBetween { min: 1, max: 63 })
                .validator(StringRule {
                    description: "a workspace name",
                    check: check_name,
                })
                .description("Name of the workspace that holds the secret. Changing it moves \
                              the secret (destroy, then create)."),
            Attribute::string("name")
                .required()
                .requires_replace()
                .validator(StringRule {
                    description: "a Kubernetes Secret key that is not a storage setting",
                    check: check_secret_name,
                })
                .description(
                    "The key, exposed to agent sessions as an environment variable of that \
                     name: letters, digits, `-`, `.` and `_`, at most 253 characters, not \
                     `.` and not starting with `..`. \
                     `ANTHROPIC_API_KEY`, `GOOGLE_API_KEY` and `GEMINI_API_KEY` go to the \
                     runner secret, every other name to the integration secret. \
                     `STORAGE_MODE` and `S3_*` are refused: use `acp_workspace_storage`. \
                     Changing it replaces the secret.",
                ),
            Attribute::string("kind").computed().description(
                "Which of the workspace's secrets holds the key: `runner` (the model API keys) \
                 or `integration` (everything else).",
            ),
        ];
        attributes.extend(VALUE.attributes("The secret value"));
        Schema::new(
            "One secret of an ACP workspace, injected into its agent sessions as an \
             environment variable. Keys of the workspace's secrets that Terraform does not \
             manage are left alone.\n\n\
             The platform has no endpoint per secret: a workspace has two secret maps (runner \
             and integration), each read and replaced as a whole, and the integration map also \
             holds the `acp_workspace_storage` settings. The provider re-reads a map and writes \
             it back while holding a lock on it, so secrets and storage applied in parallel do \
             not overwrite each other, and a write the platform turns away (busy, rate \
             limited) is repeated from a fresh read, so a key changed elsewhere meanwhile is \
             kept. The platform offers no version check, so a write made elsewhere (web UI, \
             another Terraform run) between the provider's read and its write (one round trip \
             to the platform, longer when the platform is slow) can still be lost.",
            attributes,
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        VALUE.validate(config, diags);
    }

    async fn modify_plan(&self, _data: Option<&Platform>, plan: &mut Plan<'_>) -> DiagResult<()> {
        // Both follow from configured names, so they are known before apply.
        let workspace = plan.config.get("workspace").as_str().map(str::to_string);
        let name = plan.config.get("name").as_str().map(str::to_string);
        if let (Some(workspace), Some(name)) = (&workspace, &name) {
            plan.planned
                .set("id", Value::from(format!("{workspace}/{name}")));
        }
        if let Some(name) = &name {
            plan.planned
                .set("kind", Value::from(kind_of(name).as_str()));
        }
        Ok(())
    }

    async fn create(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let (workspace, name) = names(planned);
        let value = VALUE
            .value_to_send(config)
            .ok_or_else(|| missing_value(&name))?;
        put_value(ctx.data, &workspace, &name, value, true).await?;
        tracing::debug!(workspace = %workspace, name = %name, "created secret");
        Ok(state_from(
            &workspace,
            &name,
            planned.get("value").clone(),
            planned.get("value_wo_version").clone(),
        ))
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, state: &Value) -> DiagResult<Option<Value>> {
        let (workspace, name) = names(state);
        let kind = kind_of(&name);
        let map = match ctx.data.read_map(&workspace, kind).await {
            Ok(_) if ctx.data.workspace_going(&workspace).await => return Ok(None),
            Ok(map) => map,
            Err(e) => {
                if workspace_gone(ctx.data, &workspace).await {
                    tracing::debug!(workspace = %workspace, "workspace is gone; so is the secret");
                    return Ok(None);
                }
                let action = format!("read secret {name:?}");
                return Err(map_error(ctx.data, &action, &workspace, kind, &e)
                    .await
                    .into());
            }
        };
        let Some(on_platform) = map.get(&name) else {
            tracing::debug!(workspace = %workspace, name = %name, "secret is gone");
            return Ok(None);
        };
        Ok(Some(state_from(
            &workspace,
            &name,
            VALUE.read_value(state, on_platform),
            state.get("value_wo_version").clone(),
        )))
    }

    async fn update(
        &self,
        ctx: &mut Ctx<'_, Platform>,
        _prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value> {
        let (workspace, name) = names(planned);
        let value = VALUE
            .value_to_send(config)
            .ok_or_else(|| missing_value(&name))?;
        put_value(ctx.data, &workspace, &name, value, false).await?;
        Ok(state_from(
            &workspace,
            &name,
            planned.get("value").clone(),
            planned.get("value_wo_version").clone(),
        ))
    }

    async fn delete(&self, ctx: &mut Ctx<'_, Platform>, prior: &Value) -> DiagResult<()> {
        let (workspace, name) = names(prior);
        let action = format!("remove secret {name:?}");
        let removed = update_map(ctx.data, &workspace, kind_of(&name), &action, |map| {
            map.remove(&name);
            Ok(())
        })
        .await;
        match removed {
            Ok(()) => Ok(()),
            // The workspace took the secret with it.
            Err(_) if workspace_gone(ctx.data, &workspace).await => Ok(()),
            Err(diags) => Err(diags),
        }
    }

    async fn import(&self, ctx: &mut Ctx<'_, Platform>, id: &str) -> DiagResult<Value> {
        let (workspace, name) = parse_id(id).map_err(|reason| {
            Diagnostic::error(
                "Invalid import id",
                format!("The import id of acp_workspace_secret is <workspace>/<name>. {reason}"),
            )
        })?;
        let kind = kind_of(name);
        let map = get_map(ctx.data, workspace, kind).await;
        let value = match map {
            Ok(map) => map.get(name).cloned(),
            Err(e) if workspace_gone(ctx.data, workspace).await => {
                tracing::debug!(error = %e, "import of a secret in a missing workspace");
                None
            }
            Err(e) => {
                let action = format!("import secret {name:?}");
                return Err(map_error(ctx.data, &action, workspace, kind, &e)
                    .await
                    .into());
            }
        };
        let Some(value) = value else {
            return Err(Diagnostic::error(
                format!("Secret {name:?} not found in workspace {workspace:?}"),
                format!(
                    "The {} secret of workspace {workspace:?} has no key {name:?}, or the \
                     workspace does not exist. Check the import id <workspace>/<name>.",
                    kind.as_str()
                ),
            )
            .into());
        };
        Ok(state_from(workspace, name, Value::from(value), Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_keys_go_to_the_runner_secret_and_others_to_integrations() {
        for key in RUNNER_KEYS {
            assert_eq!(kind_of(key), MapKind::Runner);
        }
        assert_eq!(kind_of("anthropic_api_key"), MapKind::Integration);
        assert_eq!(kind_of("GITHUB_TOKEN"), MapKind::Integration);
    }

    #[test]
    fn storage_keys_point_to_the_storage_resource() {
        for key in ["STORAGE_MODE", "S3_BUCKET", "S3_SECRET_KEY", "S3_ANYTHING"] {
            let reason = check_secret_name(key).expect_err(key);
            assert!(reason.contains("acp_workspace_storage"), "{reason}");
        }
        assert!(
            check_secret_name("storage_mode").is_ok(),
            "keys are case-sensitive"
        );
    }

    #[test]
    fn names_follow_kubernetes_secret_key_rules() {
        for good in ["GITHUB_TOKEN", "a.b-c_d", "9", &"K".repeat(253)] {
            assert!(check_secret_name(good).is_ok(), "{good} should be accepted");
        }
        for good in [".env", "a..b"] {
            assert!(check_secret_name(good).is_ok(), "{good} should be accepted");
        }
        for bad in [
            "",
            "WITH SPACE",
            "a/b",
            "ключ",
            "a=b",
            &"K".repeat(254),
            ".",
            "..",
            "..foo",
        ] {
            assert!(check_secret_name(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn import_ids_name_the_expected_shape() {
        assert_eq!(parse_id("team/GITHUB_TOKEN"), Ok(("team", "GITHUB_TOKEN")));
        let no_slash = parse_id("GITHUB_TOKEN").expect_err("no slash");
        assert!(no_slash.contains("<workspace>/<name>"), "{no_slash}");
        assert!(parse_id("Team/X").is_err());
        assert!(parse_id("team/").is_err());
        assert!(parse_id("team/a/b").is_err());
        assert!(parse_id("team/S3_BUCKET").is_err());
    }

    #[test]
    fn state_carries_kind_and_id_and_never_the_write_only_value() {
        let s = state_from("team", "GEMINI_API_KEY", Value::Null, 3.into());
        assert_eq!(s.get("id").as_str(), Some("team/GEMINI_API_KEY"));
        assert_eq!(s.get("kind").as_str(), Some("runner"));
        assert!(s.get("value_wo").is_null());
        assert_eq!(s.get("value_wo_version").as_i64(), Some(3));
    }
}
