//! The generic part of planning and validation, driven by the schema alone.
//!
//! Planning follows Terraform's contract: configured values stay exactly as written; an
//! optional+computed attribute left unset keeps its prior value or gets its default; a computed
//! attribute the provider may change becomes "known after apply" only when the object actually
//! changes; plan modifiers then refine that per attribute.

use super::diag::{Diagnostic, Diagnostics};
use super::path::AttributePath;
use super::plan_modifiers::PlanModifier;
use super::schema::{Attribute, Nesting, Schema};
use super::value::Value;

/// The framework's plan: `(planned state, attributes forcing replacement)`.
pub fn plan_from_schema(
    schema: &Schema,
    prior: &Value,
    config: &Value,
    proposed: Value,
) -> (Value, Vec<AttributePath>) {
    let mut planned = proposed;
    for attribute in &schema.attributes {
        if attribute.write_only {
            planned.set(attribute.name, Value::Null);
        } else if config.get(attribute.name).is_null() {
            if let Some(default) = &attribute.default {
                planned.set(attribute.name, default.clone());
            }
        }
    }

    let changing = prior.is_null() || planned != *prior;
    if changing {
        for attribute in &schema.attributes {
            let unset = config.get(attribute.name).is_null();
            if attribute.is_computed() && unset && attribute.default.is_none() {
                planned.set(attribute.name, Value::Unknown);
            }
        }
    }

    let mut requires_replace = Vec::new();
    for attribute in &schema.attributes {
        apply_modifiers(attribute, prior, &mut planned, &mut requires_replace);
    }
    (planned, requires_replace)
}

fn apply_modifiers(
    attribute: &Attribute,
    prior: &Value,
    planned: &mut Value,
    requires_replace: &mut Vec<AttributePath>,
) {
    if prior.is_null() {
        return;
    }
    let before = prior.get(attribute.name).clone();
    for modifier in &attribute.plan_modifiers {
        let after = planned.get(attribute.name).clone();
        match modifier {
            PlanModifier::UseStateForUnknown => {
                if after.is_unknown() {
                    planned.set(attribute.name, before.clone());
                }
            }
            PlanModifier::RequiresReplace => {
                if after != before {
                    requires_replace.push(AttributePath::root(attribute.name));
                }
            }
            PlanModifier::RequiresReplaceIf(decide) => {
                if after != before && decide(&before, &after) {
                    requires_replace.push(AttributePath::root(attribute.name));
                }
            }
        }
    }
}

/// Runs every attribute validator on the known values of a configuration.
pub fn validate_config(schema: &Schema, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for attribute in &schema.attributes {
        let path = AttributePath::root(attribute.name);
        validate_attribute(attribute, config.get(attribute.name), &path, &mut diags);
    }
    for block in &schema.blocks {
        let value = config.get(block.name);
        for attribute in &block.attributes {
            let path = AttributePath::root(block.name).attribute(attribute.name);
            validate_attribute(attribute, value.get(attribute.name), &path, &mut diags);
        }
    }
    diags
}

fn validate_attribute(
    attribute: &Attribute,
    value: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    if value.is_null() || value.is_unknown() {
        return;
    }
    for validator in &attribute.validators {
        if let Err(reason) = validator.validate(value) {
            diags.push(invalid_value(path, &reason, value, attribute.sensitive));
        }
    }
    if let Some((Nesting::Single, nested)) = &attribute.nested {
        for inner in nested {
            validate_attribute(
                inner,
                value.get(inner.name),
                &path.attribute(inner.name),
                diags,
            );
        }
    }
}

/// Errors for write-only attributes set in a configuration when the client (Terraform older
/// than 1.11) cannot handle them: it would treat them as ordinary attributes and reject the
/// plan that nulls them as a provider bug, so refuse them at validate time with the reason.
pub fn write_only_not_allowed(schema: &Schema, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for attribute in schema.attributes.iter().filter(|a| a.write_only) {
        if config.get(attribute.name).is_null() {
            continue;
        }
        let path = AttributePath::root(attribute.name);
        diags.push(
            Diagnostic::error(
                format!("Write-only attribute {path} not supported"),
                format!(
                    "{path} is write-only, which needs Terraform 1.11 or later; this Terraform \
                     cannot send write-only values. Upgrade Terraform, or use the attribute \
                     that keeps the value in state instead."
                ),
            )
            .at(path),
        );
    }
    diags
}

/// The diagnostic for a configured value that breaks a rule. Sensitive values are never quoted.
pub fn invalid_value(
    path: &AttributePath,
    reason: &str,
    value: &Value,
    sensitive: bool,
) -> Diagnostic {
    let shown = match value.as_str() {
        Some(s) if !sensitive => format!(" Got {s:?}."),
        _ => String::new(),
    };
    Diagnostic::error(
        format!("Invalid value for {path}"),
        format!("The value of {path} is not valid. {reason}{shown}"),
    )
    .at(path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::LengthBetween;

    fn schema() -> Schema {
        Schema::new(
            "t",
            vec![
                Attribute::string("name").required().requires_replace(),
                Attribute::string("role").default("edit"),
                Attribute::string("id").computed().use_state_for_unknown(),
                Attribute::string("status").computed(),
                Attribute::string("note").validator(LengthBetween { min: 1, max: 3 }),
                Attribute::string("secret_wo").write_only(),
            ],
        )
    }

    /// An object of the test schema, as Terraform sends it: every attribute present.
    fn obj(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object(schema().attributes.iter().map(|a| (a.name, Value::Null)));
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    #[test]
    fn create_plans_defaults_and_unknown_computed_values() {
        let config = obj(&[("name", "a".into()), ("secret_wo", "s".into())]);
        let proposed = config.clone();
        let (planned, replace) = plan_from_schema(&schema(), &Value::Null, &config, proposed);
        assert_eq!(planned.get("role").as_str(), Some("edit"));
        assert!(planned.get("id").is_unknown());
        assert!(planned.get("status").is_unknown());
        assert!(
            planned.get("secret_wo").is_null(),
            "write-only values never enter the plan"
        );
        assert!(replace.is_empty());
    }

    #[test]
    fn unchanged_update_keeps_every_computed_value() {
        let prior = obj(&[
            ("name", "a".into()),
            ("role", "edit".into()),
            ("id", "x".into()),
            ("status", "Active".into()),
        ]);
        let config = obj(&[("name", "a".into())]);
        let (planned, replace) = plan_from_schema(&schema(), &prior, &config, prior.clone());
        assert_eq!(planned, prior);
        assert!(replace.is_empty());
    }

    #[test]
    fn changed_update_marks_volatile_computed_values_unknown_and_replaces() {
        let prior = obj(&[
            ("name", "a".into()),
            ("role", "edit".into()),
            ("id", "x".into()),
            ("status", "Active".into()),
        ]);
        let config = obj(&[("name", "b".into())]);
        let mut proposed = prior.clone();
        proposed.set("name", "b".into());
        let (planned, replace) = plan_from_schema(&schema(), &prior, &config, proposed);
        assert_eq!(planned.get("id").as_str(), Some("x"));
        assert!(planned.get("status").is_unknown());
        assert_eq!(replace, vec![AttributePath::root("name")]);
    }

    #[test]
    fn validation_names_the_attribute_and_skips_unknowns() {
        let config = obj(&[("note", "toolong".into())]);
        let diags = validate_config(&schema(), &config);
        let d = diags.iter().next().expect("one diagnostic");
        assert_eq!(d.summary, "Invalid value for note");
        assert_eq!(d.path, Some(AttributePath::root("note")));
        assert!(d.detail.contains("\"toolong\""));
        let unknown = obj(&[("note", Value::Unknown)]);
        assert!(validate_config(&schema(), &unknown).is_empty());
    }

    #[test]
    fn write_only_values_are_refused_for_clients_without_support() {
        let config = obj(&[("name", "a".into()), ("secret_wo", "s".into())]);
        let diags = write_only_not_allowed(&schema(), &config);
        let d = diags.iter().next().expect("one diagnostic");
        assert_eq!(d.path, Some(AttributePath::root("secret_wo")));
        assert!(!d.detail.contains("\"s\""));
        let unset = obj(&[("name", "a".into())]);
        assert!(write_only_not_allowed(&schema(), &unset).is_empty());
    }

    #[test]
    fn sensitive_values_are_not_quoted() {
        let d = invalid_value(
            &AttributePath::root("token"),
            "Bad.",
            &"hunter2".into(),
            true,
        );
        assert!(!d.detail.contains("hunter2"));
    }
}
