//! The `timeouts` block every resource accepts: how long create, read, update and delete may
//! take before the provider gives up and says which limit to raise.
//!
//! The framework adds the block to each resource schema, applies the limit around each
//! operation, and carries the configured block into the new state, so resources never see it.

use std::time::Duration;

use super::schema::{Attribute, Block};
use super::validators::StringRule;
use super::value::Value;

/// Name of the block.
pub const BLOCK: &str = "timeouts";

/// One of the operations a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Creating the object.
    Create,
    /// Reading it (refresh, import).
    Read,
    /// Updating it in place.
    Update,
    /// Deleting it.
    Delete,
}

impl Operation {
    /// The attribute name inside the block.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// Default limits of a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Limit of create.
    pub create: Duration,
    /// Limit of read.
    pub read: Duration,
    /// Limit of update.
    pub update: Duration,
    /// Limit of delete.
    pub delete: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            create: Duration::from_secs(10 * 60),
            read: Duration::from_secs(5 * 60),
            update: Duration::from_secs(10 * 60),
            delete: Duration::from_secs(20 * 60),
        }
    }
}

impl Timeouts {
    fn default_for(&self, op: Operation) -> Duration {
        match op {
            Operation::Create => self.create,
            Operation::Read => self.read,
            Operation::Update => self.update,
            Operation::Delete => self.delete,
        }
    }

    /// The limit for `op`: the one configured in `state`'s block when valid, else the default.
    pub fn limit(&self, state: &Value, op: Operation) -> Duration {
        state
            .get(BLOCK)
            .get(op.name())
            .as_str()
            .and_then(|text| parse(text).ok())
            .unwrap_or_else(|| self.default_for(op))
    }

    /// The schema block, describing these defaults.
    pub fn block(&self) -> Block {
        let attribute = |op: Operation| {
            Attribute::string(op.name())
                .description(format!(
                    "How long {} may take, as a duration such as `30s`, `10m` or `1h`. \
                     Default `{}`.",
                    match op {
                        Operation::Create => "creating the object",
                        Operation::Read => "reading the object",
                        Operation::Update => "updating the object",
                        Operation::Delete =>
                            "deleting the object (including waiting until it is gone)",
                    },
                    humantime::format_duration(self.default_for(op))
                ))
                .validator(StringRule {
                    description: "a positive duration such as `10m`",
                    check: |s| parse(s).map(|_| ()),
                })
        };
        Block {
            name: BLOCK,
            description: "Time limits of the operations on this object. When a limit is \
                          reached the provider stops retrying and reports which limit to raise."
                .to_string(),
            attributes: [
                Operation::Create,
                Operation::Read,
                Operation::Update,
                Operation::Delete,
            ]
            .into_iter()
            .map(attribute)
            .collect(),
        }
    }
}

/// Parses a duration such as `90s`, `10m` or `1h30m`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim())
        .map_err(|_| "Use a duration such as \"30s\", \"10m\" or \"1h30m\".".to_string())?;
    if d.is_zero() {
        return Err("Must be longer than zero.".to_string());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_limits_win_over_defaults() {
        let defaults = Timeouts::default();
        let state = Value::object([(
            BLOCK,
            Value::object([("create", Value::from("90s")), ("delete", Value::Null)]),
        )]);
        assert_eq!(
            defaults.limit(&state, Operation::Create),
            Duration::from_secs(90)
        );
        assert_eq!(defaults.limit(&state, Operation::Delete), defaults.delete);
        assert_eq!(defaults.limit(&Value::Null, Operation::Read), defaults.read);
    }

    #[test]
    fn durations_must_be_positive_and_well_formed() {
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse("0s").is_err());
        assert!(parse("soon").is_err());
        assert!(parse("-5m").is_err());
    }
}
