//! `data "acp_workspace_shares"`: the grants (user and group roles) of one workspace.
//!
//! The platform never lists the creator's own admin binding, so neither does this. Listing
//! needs the edit or admin role: a view-only caller gets a bare 500 from the platform, which
//! [`needs_edit_role`] explains.

use acp_client::Permission;
use async_trait::async_trait;

use super::access::{ensure_visible, needs_edit_role};
use super::workspace_fields::workspace_name_argument;
use crate::framework::{Attribute, Ctx, DataSource, DiagResult, Schema, Value};
use crate::platform::Platform;

/// The `acp_workspace_shares` data source type.
pub struct WorkspaceSharesDataSource;

fn share_object(permission: &Permission) -> Value {
    Value::object([
        (
            "subject_type",
            Value::from(permission.subject_type.as_str()),
        ),
        (
            "subject_name",
            Value::from(permission.subject_name.as_str()),
        ),
        ("role", Value::from(permission.role.as_str())),
    ])
}

#[async_trait]
impl DataSource<Platform> for WorkspaceSharesDataSource {
    fn type_name(&self) -> &'static str {
        "acp_workspace_shares"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Lists who a workspace is shared with: every user and group role granted on it. \
             The provider's token needs the edit or admin role on the workspace.",
            vec![
                workspace_name_argument("workspace", "Name of the workspace."),
                Attribute::object_list(
                    "shares",
                    vec![
                        Attribute::string("subject_type")
                            .computed()
                            .description("`user` or `group`."),
                        Attribute::string("subject_name")
                            .computed()
                            .description("The user or group name as the cluster knows it."),
                        Attribute::string("role")
                            .computed()
                            .description("`view`, `edit` or `admin`."),
                    ],
                )
                .computed()
                .description(
                    "The grants, sorted by subject type, subject name and role. A subject with \
                     several roles appears once per role. The workspace creator's own admin \
                     access is not a grant and is not listed.",
                ),
            ],
        )
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, config: &Value) -> DiagResult<Value> {
        let workspace = config.get("workspace").to_opt_string().unwrap_or_default();

        ensure_visible(ctx.data, &workspace, "workspace").await?;
        let action = format!("list shares of workspace {workspace:?}");
        let mut permissions = match ctx.data.client().list_permissions(&workspace).await {
            Ok(permissions) => permissions,
            Err(e) => {
                return Err(
                    needs_edit_role(ctx.data, &workspace, &action, "workspace", &e)
                        .await
                        .into(),
                )
            }
        };
        // The platform's order follows its internal binding names; sort on what users see.
        permissions.sort_by(|a, b| {
            (&a.subject_type, &a.subject_name, &a.role).cmp(&(
                &b.subject_type,
                &b.subject_name,
                &b.role,
            ))
        });
        permissions.dedup();

        Ok(Value::object([
            ("workspace", Value::from(workspace)),
            (
                "shares",
                Value::List(permissions.iter().map(share_object).collect()),
            ),
        ]))
    }
}
