//! Terraform's type system (cty types) and its JSON form, which schemas carry on the wire.

use std::collections::BTreeMap;

use serde_json::json;

/// A cty type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number`
    Number,
    /// `string`
    String,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`
    Map(Box<Type>),
    /// `object({...})`
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`
    Tuple(Vec<Type>),
    /// `dynamic`: the value carries its own type on the wire.
    Dynamic,
}

impl Type {
    /// `map(string)`, the most common collection in this provider.
    pub fn string_map() -> Type {
        Type::Map(Box::new(Type::String))
    }

    /// The JSON encoding Terraform expects in `Schema.Attribute.type`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::Dynamic => json!("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(attrs) => {
                let attrs: serde_json::Map<_, _> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                json!(["object", attrs])
            }
        }
    }

    /// The JSON encoding as bytes, as `Schema.Attribute.type` carries it.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the JSON encoding of a type, as found inside dynamic values.
    pub fn from_json(value: &serde_json::Value) -> Option<Type> {
        use serde_json::Value as J;
        match value {
            J::String(s) => match s.as_str() {
                "bool" => Some(Type::Bool),
                "number" => Some(Type::Number),
                "string" => Some(Type::String),
                "dynamic" => Some(Type::Dynamic),
                _ => None,
            },
            J::Array(parts) if parts.len() == 2 => {
                let kind = parts[0].as_str()?;
                match kind {
                    "list" => Some(Type::List(Box::new(Type::from_json(&parts[1])?))),
                    "set" => Some(Type::Set(Box::new(Type::from_json(&parts[1])?))),
                    "map" => Some(Type::Map(Box::new(Type::from_json(&parts[1])?))),
                    "tuple" => parts[1]
                        .as_array()?
                        .iter()
                        .map(Type::from_json)
                        .collect::<Option<Vec<_>>>()
                        .map(Type::Tuple),
                    "object" => parts[1]
                        .as_object()?
                        .iter()
                        .map(|(k, v)| Type::from_json(v).map(|t| (k.clone(), t)))
                        .collect::<Option<BTreeMap<_, _>>>()
                        .map(Type::Object),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_encoding_matches_terraform() {
        assert_eq!(Type::String.to_json_bytes(), br#""string""#);
        assert_eq!(Type::string_map().to_json_bytes(), br#"["map","string"]"#);
        let obj = Type::Object([("a".to_string(), Type::Bool)].into());
        assert_eq!(obj.to_json_bytes(), br#"["object",{"a":"bool"}]"#);
    }

    #[test]
    fn json_round_trips() {
        let t = Type::List(Box::new(Type::Object(
            [
                ("n".to_string(), Type::Number),
                ("s".to_string(), Type::Set(Box::new(Type::String))),
            ]
            .into(),
        )));
        assert_eq!(Type::from_json(&t.to_json()), Some(t));
        assert_eq!(Type::from_json(&json!("nope")), None);
    }
}
