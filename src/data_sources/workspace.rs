//! `data "acp_workspace"`: one workspace, looked up by name.
//!
//! Any role on the workspace (view included) is enough. A workspace being deleted is still
//! returned, with `status = "Terminating"`, because that is what the platform reports.

use async_trait::async_trait;

use super::access::not_visible;
use super::workspace_fields::{computed_attributes, computed_values, workspace_name_argument};
use crate::framework::{Attribute, Ctx, DataSource, DiagResult, Schema, Value};
use crate::platform::{api_error, Platform};

/// The `acp_workspace` data source type.
pub struct WorkspaceDataSource;

#[async_trait]
impl DataSource<Platform> for WorkspaceDataSource {
    fn type_name(&self) -> &'static str {
        "acp_workspace"
    }

    fn schema(&self) -> Schema {
        let mut attributes = vec![
            workspace_name_argument(
                "name",
                "Name of the workspace to read. The provider's token needs at least the view \
                 role on it.",
            ),
            Attribute::string("id")
                .computed()
                .description("The workspace name."),
            Attribute::bool("is_openshift")
                .computed()
                .description("Whether the platform runs on OpenShift."),
        ];
        attributes.extend(computed_attributes());
        Schema::new(
            "Reads one ACP workspace (a project in the platform API) that the provider's token \
             may see. Fails when no workspace of that name is visible.",
            attributes,
        )
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, config: &Value) -> DiagResult<Value> {
        let name = config.get("name").to_opt_string().unwrap_or_default();

        let project = match ctx.data.client().get_project(&name).await {
            Ok(project) => project,
            // 404 for an absent workspace, 403 for one the caller holds no role on.
            Err(e) if e.is_not_found() || e.is_forbidden() => {
                return Err(not_visible(&name, "name").into())
            }
            Err(e) => return Err(api_error(&format!("read workspace {name:?}"), &e).into()),
        };

        let mut state = Value::object(computed_values(&project));
        state.set("name", Value::from(name.as_str()));
        state.set("id", Value::from(name));
        state.set("is_openshift", Value::from(project.is_openshift));
        Ok(state)
    }
}
