//! Terraform values as the provider sees them: the cty value model without types.
//!
//! A [`Value`] is what Terraform sends in a `DynamicValue` once decoded against a schema type:
//! known values, `null`, and values not yet known at plan time. Sets are kept as vectors in the
//! order Terraform sent them; equality on sets ignores order.

use std::collections::BTreeMap;

/// A Terraform number. Terraform numbers are arbitrary precision; every number this provider
/// handles fits an `i64` or an `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number.
    Int(i64),
    /// A number with a fractional part, or one too large for `i64`.
    Float(f64),
}

impl Number {
    /// The number as an `i64`, when it is whole and in range.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Number::Float(_) => None,
        }
    }

    /// The number as an `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// One Terraform value.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// A null value of any type.
    #[default]
    Null,
    /// A value that will be known only after apply.
    Unknown,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list, in order.
    List(Vec<Value>),
    /// A set; the order carries no meaning.
    Set(Vec<Value>),
    /// A map of one element type.
    Map(BTreeMap<String, Value>),
    /// An object with a fixed set of attributes.
    Object(BTreeMap<String, Value>),
}

static NULL: Value = Value::Null;

impl Value {
    /// Builds an object from `(name, value)` pairs.
    pub fn object<I, K>(attributes: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(attributes.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Builds a map of strings.
    pub fn string_map<'a, I>(entries: I) -> Value
    where
        I: IntoIterator<Item = (&'a String, &'a String)>,
    {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for a value not known until apply (only the top level is checked).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) | Value::Set(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().all(Value::is_wholly_known)
            }
            _ => true,
        }
    }

    /// This value with every unknown inside it replaced by `null`.
    pub fn unknowns_to_null(&self) -> Value {
        match self {
            Value::Unknown => Value::Null,
            Value::List(items) => Value::List(items.iter().map(Value::unknowns_to_null).collect()),
            Value::Set(items) => Value::Set(items.iter().map(Value::unknowns_to_null).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.unknowns_to_null()))
                    .collect(),
            ),
            Value::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.unknowns_to_null()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// An attribute of an object; `null` when this is not an object or has no such attribute.
    pub fn get(&self, name: &str) -> &Value {
        match self {
            Value::Object(attributes) => attributes.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Sets an attribute of an object; does nothing on other values.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(attributes) = self {
            attributes.insert(name.to_string(), value);
        }
    }

    /// The string inside, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string inside, owned, if this is a known string.
    pub fn to_opt_string(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }

    /// The boolean inside, if this is a known boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The whole number inside, if this is a known whole number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The entries of a known map of strings; other entries are skipped.
    pub fn as_string_map(&self) -> Option<BTreeMap<String, String>> {
        match self {
            Value::Map(entries) => Some(
                entries
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect(),
            ),
            _ => None,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Unknown, Value::Unknown) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => a.len() == b.len() && a.iter().all(|x| b.contains(x)),
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_compare_without_order() {
        let a = Value::Set(vec!["x".into(), "y".into()]);
        let b = Value::Set(vec!["y".into(), "x".into()]);
        assert_eq!(a, b);
        assert_ne!(a, Value::List(vec!["x".into(), "y".into()]));
    }

    #[test]
    fn get_on_missing_attribute_is_null() {
        let v = Value::object([("a", Value::from("1"))]);
        assert_eq!(v.get("a").as_str(), Some("1"));
        assert!(v.get("b").is_null());
        assert!(Value::from("s").get("a").is_null());
    }

    #[test]
    fn wholly_known_looks_inside() {
        let v = Value::object([("a", Value::Map([("k".into(), Value::Unknown)].into()))]);
        assert!(!v.is_wholly_known());
        assert!(!v.is_unknown());
    }
}
