//! A secret input given in one of two ways: a sensitive attribute kept in state (`value`), or a
//! write-only attribute that never reaches plan or state (`value_wo`) with a version number
//! whose change asks for the write-only value to be sent again (`value_wo_version`).
//!
//! Shared by `acp_workspace_secret` (`value`) and `acp_workspace_storage` (`secret_key`).
//!
//! With the write-only form the state holds no value, so Read cannot compare the stored value
//! with anything and reports no drift for it: the platform's value is not copied into state
//! either, because a value appearing there would contradict the configuration. Only a change of
//! `*_wo_version` (or of the other attributes) makes Terraform write the value again.

use crate::framework::{Attribute, AttributePath, Diagnostic, Diagnostics, Value};

/// The most a Kubernetes Secret holds, and so the most any one value can be.
const MAX_SECRET_BYTES: usize = 1024 * 1024;

/// The three attribute names of one secret input.
pub(crate) struct SensitiveInput {
    /// The attribute kept in state, e.g. `value`.
    pub(crate) plain: &'static str,
    /// The write-only attribute, e.g. `value_wo`.
    pub(crate) write_only: &'static str,
    /// The version attribute, e.g. `value_wo_version`.
    pub(crate) version: &'static str,
}

impl SensitiveInput {
    /// The schema attributes; `what` names the secret in descriptions ("The secret value").
    pub(crate) fn attributes(&self, what: &str) -> Vec<Attribute> {
        let (plain, write_only, version) = (self.plain, self.write_only, self.version);
        vec![
            Attribute::string(plain).sensitive().description(format!(
                "{what}, stored in Terraform state (marked sensitive). Exactly one of `{plain}` \
                 and `{write_only}` must be set. A value changed outside Terraform shows as a \
                 change in the next plan."
            )),
            Attribute::string(write_only)
                .sensitive()
                .write_only()
                .description(format!(
                    "{what}, write-only: sent to the platform but never stored in plan or state \
                     (needs Terraform 1.11 or later). Exactly one of `{plain}` and \
                     `{write_only}` must be set. Terraform cannot see changes to it, so change \
                     `{version}` to send a new value; changes made outside Terraform are not \
                     detected."
                )),
            Attribute::number(version).description(format!(
                "Any number; changing it sends `{write_only}` to the platform again. Only \
                 meaningful together with `{write_only}`."
            )),
        ]
    }

    /// Checks that exactly one of the two forms is set, and the version only with the
    /// write-only form. Unknown values count as set.
    pub(crate) fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let plain_set = !config.get(self.plain).is_null();
        let wo_set = !config.get(self.write_only).is_null();
        let version_set = !config.get(self.version).is_null();
        let (plain, write_only, version) = (self.plain, self.write_only, self.version);
        if plain_set && wo_set {
            diags.push(
                Diagnostic::error(
                    format!("Conflicting {plain} and {write_only}"),
                    format!(
                        "Set only one of `{plain}` and `{write_only}`: `{plain}` keeps the \
                         value in state, `{write_only}` never stores it. Remove one of them."
                    ),
                )
                .at(AttributePath::root(write_only)),
            );
        } else if !plain_set && !wo_set {
            diags.push(
                Diagnostic::error(
                    format!("Missing {plain}"),
                    format!(
                        "Set `{plain}`, or `{write_only}` (write-only, Terraform 1.11 or \
                         later) together with `{version}`."
                    ),
                )
                .at(AttributePath::root(plain)),
            );
        }
        for attribute in [plain, write_only] {
            if let Some(len) = config.get(attribute).as_str().map(str::len) {
                if len > MAX_SECRET_BYTES {
                    diags.push(
                        Diagnostic::error(
                            format!("{attribute} too large"),
                            format!(
                                "The platform keeps a workspace's secrets in one Kubernetes \
                                 Secret, which holds at most 1 MiB in all; this value alone \
                                 has {len} bytes. Keep large data elsewhere (for example in \
                                 the workspace's storage) and pass a reference."
                            ),
                        )
                        .at(AttributePath::root(attribute)),
                    );
                }
            }
        }
        if version_set && !wo_set {
            diags.push(
                Diagnostic::error(
                    format!("{version} without {write_only}"),
                    format!(
                        "`{version}` only tells Terraform when to send `{write_only}` again. \
                         Remove it, or set `{write_only}`."
                    ),
                )
                .at(AttributePath::root(version)),
            );
        }
    }

    /// The value to send to the platform: the plain attribute from the configuration, else the
    /// write-only one (the framework nulls write-only values in the plan, so only the
    /// configuration carries them).
    pub(crate) fn value_to_send(&self, config: &Value) -> Option<String> {
        config
            .get(self.plain)
            .to_opt_string()
            .or_else(|| config.get(self.write_only).to_opt_string())
    }

    /// What Read puts in state for the plain attribute: the platform's value when the prior
    /// state holds a plain value (drift becomes visible), null when the write-only form is in
    /// use (the prior plain value is null and nothing can be compared).
    pub(crate) fn read_value(&self, prior: &Value, on_platform: &str) -> Value {
        if prior.get(self.plain).is_null() {
            Value::Null
        } else {
            Value::from(on_platform)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: SensitiveInput = SensitiveInput {
        plain: "value",
        write_only: "value_wo",
        version: "value_wo_version",
    };

    fn config(value: Value, wo: Value, version: Value) -> Value {
        Value::object([
            ("value", value),
            ("value_wo", wo),
            ("value_wo_version", version),
        ])
    }

    fn paths(config: &Value) -> Vec<AttributePath> {
        let mut diags = Diagnostics::new();
        INPUT.validate(config, &mut diags);
        diags.iter().filter_map(|d| d.path.clone()).collect()
    }

    #[test]
    fn exactly_one_form_is_accepted() {
        assert!(paths(&config("s".into(), Value::Null, Value::Null)).is_empty());
        assert!(paths(&config(Value::Null, "s".into(), 1.into())).is_empty());
        assert!(paths(&config(Value::Unknown, Value::Null, Value::Null)).is_empty());
        assert_eq!(
            paths(&config("s".into(), "t".into(), Value::Null)),
            vec![AttributePath::root("value_wo")]
        );
        assert_eq!(
            paths(&config(Value::Null, Value::Null, Value::Null)),
            vec![AttributePath::root("value")]
        );
        assert_eq!(
            paths(&config("s".into(), Value::Null, 2.into())),
            vec![AttributePath::root("value_wo_version")]
        );
    }

    #[test]
    fn values_larger_than_a_kubernetes_secret_are_refused() {
        let at_limit = "x".repeat(MAX_SECRET_BYTES);
        assert!(paths(&config(at_limit.as_str().into(), Value::Null, Value::Null)).is_empty());
        // Counted in bytes: 2-byte characters reach the limit at half the characters.
        let over = "é".repeat(MAX_SECRET_BYTES / 2 + 1);
        assert_eq!(
            paths(&config(over.as_str().into(), Value::Null, Value::Null)),
            vec![AttributePath::root("value")]
        );
        assert_eq!(
            paths(&config(Value::Null, over.as_str().into(), 1.into())),
            vec![AttributePath::root("value_wo")]
        );
    }

    #[test]
    fn diagnostics_never_quote_the_value() {
        let mut diags = Diagnostics::new();
        INPUT.validate(
            &config("hunter2".into(), "hunter3".into(), Value::Null),
            &mut diags,
        );
        assert!(diags.has_errors());
        for d in diags.iter() {
            assert!(!d.detail.contains("hunter") && !d.summary.contains("hunter"));
        }
    }

    #[test]
    fn the_write_only_value_is_sent_when_there_is_no_plain_one() {
        assert_eq!(
            INPUT.value_to_send(&config(Value::Null, "wo".into(), 1.into())),
            Some("wo".to_string())
        );
        assert_eq!(
            INPUT.value_to_send(&config("plain".into(), Value::Null, Value::Null)),
            Some("plain".to_string())
        );
    }

    #[test]
    fn read_compares_only_plain_values() {
        let plain = config("old".into(), Value::Null, Value::Null);
        assert_eq!(INPUT.read_value(&plain, "new").as_str(), Some("new"));
        let wo = config(Value::Null, Value::Null, 1.into());
        assert!(INPUT.read_value(&wo, "new").is_null());
    }
}
