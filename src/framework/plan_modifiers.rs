//! Plan modifiers: per-attribute adjustments to the plan Terraform proposes.

use std::sync::Arc;

use super::value::Value;

/// Decides, for a changed attribute, whether the change needs a replacement.
pub type ReplaceIf = Arc<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// An adjustment to one attribute's planned value.
#[derive(Clone)]
pub enum PlanModifier {
    /// A change to this attribute destroys the object and creates a new one.
    RequiresReplace,
    /// Like `RequiresReplace`, but only when the function, given the prior and the planned
    /// value, says so.
    RequiresReplaceIf(ReplaceIf),
    /// When the framework would plan "known after apply", keep the prior value instead. For
    /// computed attributes that never change once set, such as ids and creation times.
    UseStateForUnknown,
}

impl std::fmt::Debug for PlanModifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PlanModifier::RequiresReplace => "RequiresReplace",
            PlanModifier::RequiresReplaceIf(_) => "RequiresReplaceIf",
            PlanModifier::UseStateForUnknown => "UseStateForUnknown",
        })
    }
}
