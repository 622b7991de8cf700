//! Attribute paths: where in a configuration a diagnostic points.

use std::fmt;

use magma_protocol::tfplugin6::attribute_path::{step::Selector, Step};
use magma_protocol::tfplugin6::AttributePath as ProtoPath;

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An attribute of an object.
    Attribute(String),
    /// An element of a map, by key.
    Key(String),
    /// An element of a list, by position.
    Index(i64),
}

/// A path to an attribute, e.g. `timeouts.create` or `labels["team"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributePath(Vec<PathStep>);

impl AttributePath {
    /// The path to a top-level attribute.
    pub fn root(name: &str) -> AttributePath {
        AttributePath(vec![PathStep::Attribute(name.to_string())])
    }

    /// This path extended by an attribute name.
    pub fn attribute(&self, name: &str) -> AttributePath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Attribute(name.to_string()));
        AttributePath(steps)
    }

    /// This path extended by a map key.
    pub fn key(&self, key: &str) -> AttributePath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Key(key.to_string()));
        AttributePath(steps)
    }

    /// The protocol form of the path.
    pub fn to_proto(&self) -> ProtoPath {
        ProtoPath {
            steps: self
                .0
                .iter()
                .map(|step| Step {
                    selector: Some(match step {
                        PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                        PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                        PathStep::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(idx) => write!(f, "[{idx}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_terraform_addresses() {
        let p = AttributePath::root("timeouts").attribute("create");
        assert_eq!(p.to_string(), "timeouts.create");
        assert_eq!(
            AttributePath::root("labels").key("team").to_string(),
            r#"labels["team"]"#
        );
        assert_eq!(p.to_proto().steps.len(), 2);
    }
}
