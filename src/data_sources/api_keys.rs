//! `data "acp_api_keys"`: metadata of the access keys of one workspace.
//!
//! The platform never returns a key's token after creation, and this data source has no
//! attribute that could hold one. Listing needs the edit or admin role: a view-only caller
//! gets a bare 500 from the platform, which [`needs_edit_role`] explains.

use acp_client::AccessKey;
use async_trait::async_trait;

use super::access::{ensure_visible, needs_edit_role};
use super::workspace_fields::workspace_name_argument;
use crate::framework::{Attribute, Ctx, DataSource, DiagResult, Schema, Value};
use crate::platform::Platform;

/// The `acp_api_keys` data source type.
pub struct ApiKeysDataSource;

/// `""` and absent both mean "none" on the platform; Terraform users test for null.
fn non_empty(text: Option<&str>) -> Value {
    text.filter(|s| !s.is_empty()).map(Value::from).into()
}

fn key_object(key: &AccessKey) -> Value {
    Value::object([
        ("id", Value::from(key.id.as_str())),
        ("name", Value::from(key.name.as_str())),
        ("description", non_empty(key.description.as_deref())),
        ("role", non_empty(key.role.as_deref())),
        ("created_at", Value::from(key.created_at.as_str())),
        ("last_used_at", non_empty(Some(&key.last_used_at))),
    ])
}

fn key_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("id").computed().description(
            "The key's id (`ambient-key-<name>-<8 hex digits>`), as `acp_api_key` uses it.",
        ),
        Attribute::string("name")
            .computed()
            .description("Display name given at creation; several keys may share it."),
        Attribute::string("description")
            .computed()
            .description("Free-text description; null when none was given."),
        Attribute::string("role").computed().description(
            "`view`, `edit` or `admin`; null for a key whose creation failed half-way.",
        ),
        Attribute::string("created_at")
            .computed()
            .description("When the key was created (RFC 3339)."),
        Attribute::string("last_used_at").computed().description(
            "When the key last authenticated a request (RFC 3339); null if never used. \
             Changes whenever the key is used.",
        ),
    ]
}

#[async_trait]
impl DataSource<Platform> for ApiKeysDataSource {
    fn type_name(&self) -> &'static str {
        "acp_api_keys"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Lists the API keys (access keys) of a workspace: metadata only, never key values, \
             which the platform returns once at creation. Expired keys are still listed. The \
             provider's token needs the edit or admin role on the workspace.",
            vec![
                workspace_name_argument("workspace", "Name of the workspace."),
                Attribute::object_list("keys", key_attributes())
                    .computed()
                    .description("The workspace's keys, sorted by `id`."),
            ],
        )
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, config: &Value) -> DiagResult<Value> {
        let workspace = config.get("workspace").to_opt_string().unwrap_or_default();

        ensure_visible(ctx.data, &workspace, "workspace").await?;
        let action = format!("list API keys of workspace {workspace:?}");
        let mut keys = match ctx.data.client().list_keys(&workspace).await {
            Ok(keys) => keys,
            Err(e) => {
                return Err(
                    needs_edit_role(ctx.data, &workspace, &action, "workspace", &e)
                        .await
                        .into(),
                )
            }
        };
        // Kubernetes lists by id already; sorting here keeps that promise for any backend.
        keys.sort_by(|a, b| a.id.cmp(&b.id));

        Ok(Value::object([
            ("workspace", Value::from(workspace)),
            ("keys", Value::List(keys.iter().map(key_object).collect())),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_key_without_description_has_nulls() {
        let key = AccessKey {
            id: "ambient-key-ci-1a2b3c4d".into(),
            name: "ci".into(),
            created_at: "2026-08-18T10:02:44Z".into(),
            last_used_at: String::new(),
            description: None,
            role: Some("edit".into()),
        };
        let object = key_object(&key);
        assert!(object.get("last_used_at").is_null());
        assert!(object.get("description").is_null());
        assert_eq!(object.get("role").as_str(), Some("edit"));
        assert_eq!(object.get("id").as_str(), Some("ambient-key-ci-1a2b3c4d"));
    }
}
