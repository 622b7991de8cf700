//! The read-only description of a workspace shared by `acp_workspace` and `acp_workspaces`:
//! the computed attributes (with their documentation) and how a platform project fills them.
//!
//! Data sources report what the platform stores and nothing else, so unlike the resource they
//! never fall back to configured values: a display name or description the platform does not
//! keep (vanilla Kubernetes) reads as null.

use acp_client::Project;

use crate::framework::validators::{LengthBetween, StringRule};
use crate::framework::{Attribute, Value};
use crate::resources::workspace::check_name;

/// A required workspace-name argument, validated like the resource's `name` so that a typo is
/// caught at plan time instead of surfacing as "not visible".
pub(super) fn workspace_name_argument(name: &'static str, description: &str) -> Attribute {
    Attribute::string(name)
        .required()
        .description(description)
        .validator(LengthBetween { min: 1, max: 63 })
        .validator(StringRule {
            description: "a DNS label that is not a reserved namespace name",
            check: check_name,
        })
}

/// The computed attributes every workspace carries, in schema order.
pub(super) fn computed_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("display_name").computed().description(
            "Human-friendly name. Only OpenShift clusters store one; null on vanilla \
             Kubernetes or when it is empty.",
        ),
        Attribute::string("description").computed().description(
            "Free-text description. Only OpenShift clusters store one; null on vanilla \
             Kubernetes or when it is empty.",
        ),
        Attribute::string("status")
            .computed()
            .description("`Active`, or `Terminating` while the platform deletes the workspace."),
        Attribute::string("creation_timestamp")
            .computed()
            .description("When the workspace was created (RFC 3339, UTC)."),
        Attribute::string_map("labels")
            .computed()
            .description("Labels of the workspace's namespace, including those the cluster adds."),
        Attribute::string_map("annotations").computed().description(
            "Annotations of the workspace's namespace, including those the cluster adds \
             (for example OpenShift security annotations). Empty when there are none.",
        ),
    ]
}

/// Values for [`computed_attributes`] from a project as the platform reports it.
pub(super) fn computed_values(project: &Project) -> Vec<(&'static str, Value)> {
    vec![
        ("display_name", non_empty(Some(&project.display_name))),
        ("description", non_empty(project.description.as_ref())),
        ("status", Value::from(project.status.as_str())),
        (
            "creation_timestamp",
            Value::from(project.creation_timestamp.as_str()),
        ),
        ("labels", Value::string_map(&project.labels)),
        ("annotations", Value::string_map(&project.annotations)),
    ]
}

/// The platform sends `""` (or omits the field) for "not stored"; Terraform users test for
/// null, so both become null.
fn non_empty(text: Option<&String>) -> Value {
    match text {
        Some(s) if !s.is_empty() => Value::from(s.as_str()),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cover_every_computed_attribute() {
        let names: Vec<_> = computed_attributes().iter().map(|a| a.name).collect();
        let valued: Vec<_> = computed_values(&Project::default())
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, valued);
    }

    #[test]
    fn empty_display_name_and_missing_description_read_as_null() {
        let mut project = Project {
            name: "team".into(),
            ..Project::default()
        };
        let values: std::collections::BTreeMap<_, _> =
            computed_values(&project).into_iter().collect();
        assert!(values["display_name"].is_null());
        assert!(values["description"].is_null());

        project.display_name = "Team".into();
        project.description = Some("Squad".into());
        let values: std::collections::BTreeMap<_, _> =
            computed_values(&project).into_iter().collect();
        assert_eq!(values["display_name"].as_str(), Some("Team"));
        assert_eq!(values["description"].as_str(), Some("Squad"));
    }
}
