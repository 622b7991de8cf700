//! `data "acp_workspaces"`: every workspace the caller may see, optionally filtered.
//!
//! The platform pages its answer (at most 100 per page) and sorts it newest first. Walking
//! pages while workspaces come and go can shift items across page boundaries, and workspaces
//! created in the same second have no defined order, so the result is sorted by name and
//! de-duplicated here: the same set of workspaces always yields the same list.

use std::collections::BTreeMap;

use acp_client::Project;
use async_trait::async_trait;

use super::workspace_fields::{computed_attributes, computed_values};
use crate::framework::{Attribute, Ctx, DataSource, DiagResult, Schema, Type, Value};
use crate::platform::{api_error, Platform};

/// The `acp_workspaces` data source type.
pub struct WorkspacesDataSource;

fn workspace_object(project: &Project) -> Value {
    let mut object = Value::object(computed_values(project));
    object.set("name", Value::from(project.name.as_str()));
    object
}

/// The projects sorted by name, one entry per name (the later page wins, being the fresher
/// answer).
fn by_name(projects: Vec<Project>) -> Vec<Project> {
    let unique: BTreeMap<String, Project> =
        projects.into_iter().map(|p| (p.name.clone(), p)).collect();
    unique.into_values().collect()
}

#[async_trait]
impl DataSource<Platform> for WorkspacesDataSource {
    fn type_name(&self) -> &'static str {
        "acp_workspaces"
    }

    fn schema(&self) -> Schema {
        let mut fields = vec![Attribute::string("name")
            .computed()
            .description("Workspace name.")];
        fields.extend(computed_attributes());
        Schema::new(
            "Lists every ACP workspace the provider's token may see (any role, view \
             included), sorted by name.",
            vec![
                Attribute::string("search").description(
                    "Case-insensitive substring to filter by. The platform matches it against \
                     the workspace name, and on OpenShift also against the display name. \
                     Unset or empty lists every workspace.",
                ),
                Attribute::object_list("workspaces", fields)
                    .computed()
                    .description(
                        "The visible workspaces matching `search`, sorted by name, including \
                         ones being deleted (`status = \"Terminating\"`).",
                    ),
                Attribute::new("names", Type::List(Box::new(Type::String)))
                    .computed()
                    .description("The names of `workspaces`, in the same order."),
            ],
        )
    }

    async fn read(&self, ctx: &mut Ctx<'_, Platform>, config: &Value) -> DiagResult<Value> {
        let search = config.get("search").to_opt_string();

        let projects = ctx
            .data
            .client()
            .list_all_projects(search.as_deref())
            .await
            .map_err(|e| api_error("list workspaces", &e))?;
        let projects = by_name(projects);
        tracing::debug!(count = projects.len(), "listed workspaces");

        Ok(Value::object([
            ("search", Value::from(search)),
            (
                "workspaces",
                Value::List(projects.iter().map(workspace_object).collect()),
            ),
            (
                "names",
                Value::List(
                    projects
                        .iter()
                        .map(|p| Value::from(p.name.as_str()))
                        .collect(),
                ),
            ),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, status: &str) -> Project {
        Project {
            name: name.into(),
            status: status.into(),
            ..Project::default()
        }
    }

    #[test]
    fn sorted_by_name_without_duplicates() {
        let listed = vec![
            project("b", "Active"),
            project("a", "Active"),
            project("b", "Terminating"),
        ];
        let result = by_name(listed);
        let names: Vec<_> = result.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(result[1].status, "Terminating", "later answer kept");
    }
}
