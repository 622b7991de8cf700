//! Decoding and encoding of Terraform's `DynamicValue`: msgpack (the normal form) and JSON
//! (used for state written by older Terraform versions and state upgrades).
//!
//! Both encodings are read against the schema type, because neither carries enough type
//! information on its own: a msgpack map can be a `map` or an `object`, and an array a `list`,
//! `set` or `tuple`. Unknown values are msgpack extension 0 (refined unknowns from newer
//! Terraform versions use extension 12; both decode to [`Value::Unknown`]). Malformed input gives
//! a [`DecodeError`], never a panic.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::types::Type;
use super::value::{Number, Value};

/// msgpack extension code cty uses for an unknown value.
const UNKNOWN_EXT: i8 = 0;
/// msgpack extension code cty uses for an unknown value carrying refinements.
const REFINED_UNKNOWN_EXT: i8 = 12;
/// Deepest nesting accepted; Terraform's own values are far shallower.
const MAX_DEPTH: usize = 64;

/// Why a `DynamicValue` could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode value{}: {message}", path_suffix(.path))]
pub struct DecodeError {
    message: String,
    path: String,
}

fn path_suffix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

impl DecodeError {
    fn new(path: &str, message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
            path: path.to_string(),
        }
    }
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn from_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut reader = bytes;
    let raw = rmpv::decode::read_value_with_max_depth(&mut reader, MAX_DEPTH)
        .map_err(|e| DecodeError::new("", format!("invalid msgpack: {e}")))?;
    if !reader.is_empty() {
        return Err(DecodeError::new("", "trailing bytes after msgpack value"));
    }
    mp_to_value(&raw, ty, "", 0)
}

/// Encodes a value of type `ty` as msgpack.
pub fn to_msgpack(value: &Value, ty: &Type) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut out, &value_to_mp(value, ty));
    out
}

/// Decodes JSON bytes (as in `DynamicValue.json` or `RawState.json`) as a value of type `ty`.
/// JSON has no unknowns; attributes missing from an object decode as null, so state written
/// before an attribute existed still decodes.
pub fn from_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let raw: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new("", format!("invalid JSON: {e}")))?;
    json_to_value(&raw, ty, "", 0)
}

fn child(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else {
        format!("{path}.{step}")
    }
}

fn mp_to_value(raw: &Mp, ty: &Type, path: &str, depth: usize) -> Result<Value, DecodeError> {
    if depth > MAX_DEPTH {
        return Err(DecodeError::new(path, "value nested too deeply"));
    }
    match raw {
        Mp::Nil => return Ok(Value::Null),
        Mp::Ext(code, _) if *code == UNKNOWN_EXT || *code == REFINED_UNKNOWN_EXT => {
            return Ok(Value::Unknown)
        }
        Mp::Ext(code, _) => {
            return Err(DecodeError::new(
                path,
                format!("unexpected extension type {code}"),
            ))
        }
        _ => {}
    }
    let mismatch = || DecodeError::new(path, format!("expected {}", type_name(ty)));
    match ty {
        Type::Bool => raw.as_bool().map(Value::Bool).ok_or_else(mismatch),
        Type::String => raw
            .as_str()
            .map(|s| Value::String(s.to_string()))
            .ok_or_else(mismatch),
        Type::Number => mp_number(raw).map(Value::Number).ok_or_else(mismatch),
        Type::List(elem) | Type::Set(elem) => {
            let items = raw.as_array().ok_or_else(mismatch)?;
            let values = items
                .iter()
                .enumerate()
                .map(|(i, item)| mp_to_value(item, elem, &child(path, &i.to_string()), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::List(_)) {
                Value::List(values)
            } else {
                Value::Set(values)
            })
        }
        Type::Tuple(elems) => {
            let items = raw.as_array().ok_or_else(mismatch)?;
            if items.len() != elems.len() {
                return Err(mismatch());
            }
            let values = items
                .iter()
                .zip(elems)
                .enumerate()
                .map(|(i, (item, t))| mp_to_value(item, t, &child(path, &i.to_string()), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(values))
        }
        Type::Map(elem) => {
            let entries = raw.as_map().ok_or_else(mismatch)?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| DecodeError::new(path, "map key is not a string"))?;
                out.insert(
                    key.to_string(),
                    mp_to_value(v, elem, &child(path, key), depth + 1)?,
                );
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let entries = raw.as_map().ok_or_else(mismatch)?;
            let mut out: BTreeMap<String, Value> =
                attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| DecodeError::new(path, "object key is not a string"))?;
                let Some(attr_ty) = attrs.get(key) else {
                    return Err(DecodeError::new(
                        path,
                        format!("unexpected attribute {key:?}"),
                    ));
                };
                out.insert(
                    key.to_string(),
                    mp_to_value(v, attr_ty, &child(path, key), depth + 1)?,
                );
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => {
            // A known dynamic value is a two-element array: [type as JSON bytes, value].
            let parts = raw
                .as_array()
                .filter(|p| p.len() == 2)
                .ok_or_else(mismatch)?;
            let type_bytes = match &parts[0] {
                Mp::Binary(b) => b.as_slice(),
                Mp::String(s) => s.as_bytes(),
                _ => return Err(mismatch()),
            };
            let type_json: serde_json::Value = serde_json::from_slice(type_bytes)
                .map_err(|_| DecodeError::new(path, "invalid type in dynamic value"))?;
            let inner = Type::from_json(&type_json)
                .ok_or_else(|| DecodeError::new(path, "unsupported type in dynamic value"))?;
            mp_to_value(&parts[1], &inner, path, depth + 1)
        }
    }
}

fn mp_number(raw: &Mp) -> Option<Number> {
    match raw {
        Mp::Integer(i) => i
            .as_i64()
            .map(Number::Int)
            .or_else(|| i.as_u64().map(|u| Number::Float(u as f64))),
        Mp::F32(f) => Some(Number::Float(f64::from(*f))),
        Mp::F64(f) => Some(Number::Float(*f)),
        // cty writes numbers that do not fit a float64 exactly as decimal strings.
        Mp::String(s) => parse_number(s.as_str()?),
        _ => None,
    }
}

fn parse_number(s: &str) -> Option<Number> {
    s.parse::<i64>().map(Number::Int).ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Number::Float)
    })
}

fn value_to_mp(value: &Value, ty: &Type) -> Mp {
    match value {
        Value::Null => Mp::Nil,
        Value::Unknown => Mp::Ext(UNKNOWN_EXT, vec![0]),
        _ if matches!(ty, Type::Dynamic) => {
            // Only values of known simple shape are ever written as dynamic by this provider.
            let inner = infer_type(value);
            Mp::Array(vec![
                Mp::Binary(inner.to_json_bytes()),
                value_to_mp(value, &inner),
            ])
        }
        Value::Bool(b) => Mp::Boolean(*b),
        Value::Number(Number::Int(i)) => Mp::from(*i),
        Value::Number(Number::Float(f)) => Mp::F64(*f),
        Value::String(s) => Mp::from(s.as_str()),
        Value::List(items) | Value::Set(items) => {
            let elem_ty = |i: usize| match ty {
                Type::List(t) | Type::Set(t) => (**t).clone(),
                Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Dynamic),
                _ => Type::Dynamic,
            };
            Mp::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| value_to_mp(v, &elem_ty(i)))
                    .collect(),
            )
        }
        Value::Map(entries) | Value::Object(entries) => match ty {
            // An object is written with exactly the attributes of its type: a missing one as
            // null, one the type does not know not at all, as Terraform requires.
            Type::Object(attrs) => Mp::Map(
                attrs
                    .iter()
                    .map(|(k, attr_ty)| {
                        let v = entries.get(k).unwrap_or(&Value::Null);
                        (Mp::from(k.as_str()), value_to_mp(v, attr_ty))
                    })
                    .collect(),
            ),
            _ => Mp::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let entry_ty = match ty {
                            Type::Map(t) => (**t).clone(),
                            _ => Type::Dynamic,
                        };
                        (Mp::from(k.as_str()), value_to_mp(v, &entry_ty))
                    })
                    .collect(),
            ),
        },
    }
}

fn infer_type(value: &Value) -> Type {
    match value {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => Type::List(Box::new(items.first().map_or(Type::Dynamic, infer_type))),
        Value::Set(items) => Type::Set(Box::new(items.first().map_or(Type::Dynamic, infer_type))),
        Value::Map(entries) => Type::Map(Box::new(
            entries.values().next().map_or(Type::Dynamic, infer_type),
        )),
        Value::Object(attrs) => Type::Object(
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), infer_type(v)))
                .collect(),
        ),
        Value::Null | Value::Unknown => Type::Dynamic,
    }
}

fn json_to_value(
    raw: &serde_json::Value,
    ty: &Type,
    path: &str,
    depth: usize,
) -> Result<Value, DecodeError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(DecodeError::new(path, "value nested too deeply"));
    }
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let mismatch = || DecodeError::new(path, format!("expected {}", type_name(ty)));
    match (ty, raw) {
        (Type::Bool, J::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::String, J::String(s)) => Ok(Value::String(s.clone())),
        (Type::Number, J::Number(n)) => n
            .as_i64()
            .map(Number::Int)
            .or_else(|| n.as_f64().map(Number::Float))
            .map(Value::Number)
            .ok_or_else(mismatch),
        (Type::Number, J::String(s)) => parse_number(s).map(Value::Number).ok_or_else(mismatch),
        (Type::List(elem) | Type::Set(elem), J::Array(items)) => {
            let values = items
                .iter()
                .enumerate()
                .map(|(i, item)| json_to_value(item, elem, &child(path, &i.to_string()), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::List(_)) {
                Value::List(values)
            } else {
                Value::Set(values)
            })
        }
        (Type::Map(elem), J::Object(entries)) => entries
            .iter()
            .map(|(k, v)| {
                Ok((
                    k.clone(),
                    json_to_value(v, elem, &child(path, k), depth + 1)?,
                ))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Value::Map),
        (Type::Object(attrs), J::Object(entries)) => {
            let mut out = BTreeMap::new();
            for (name, attr_ty) in attrs {
                let v = match entries.get(name) {
                    Some(raw) => json_to_value(raw, attr_ty, &child(path, name), depth + 1)?,
                    None => Value::Null,
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Object(out))
        }
        (Type::Dynamic, J::Object(parts)) => {
            let inner = parts
                .get("type")
                .and_then(Type::from_json)
                .ok_or_else(mismatch)?;
            let value = parts.get("value").ok_or_else(mismatch)?;
            json_to_value(value, &inner, path, depth + 1)
        }
        _ => Err(mismatch()),
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "a bool",
        Type::Number => "a number",
        Type::String => "a string",
        Type::List(_) => "a list",
        Type::Set(_) => "a set",
        Type::Map(_) => "a map",
        Type::Object(_) => "an object",
        Type::Tuple(_) => "a tuple",
        Type::Dynamic => "a dynamic value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_type() -> Type {
        Type::Object(
            [
                ("name".to_string(), Type::String),
                ("count".to_string(), Type::Number),
                ("flag".to_string(), Type::Bool),
                ("labels".to_string(), Type::string_map()),
                ("tags".to_string(), Type::Set(Box::new(Type::String))),
            ]
            .into(),
        )
    }

    #[test]
    fn msgpack_round_trip_keeps_null_unknown_and_empty_apart() {
        let v = Value::object([
            ("name", Value::from("team-alpha")),
            ("count", Value::Unknown),
            ("flag", Value::Null),
            ("labels", Value::Map(BTreeMap::new())),
            ("tags", Value::Set(vec!["a".into()])),
        ]);
        let bytes = to_msgpack(&v, &obj_type());
        let back = from_msgpack(&bytes, &obj_type()).expect("decodes");
        assert_eq!(back, v);
        assert!(back.get("count").is_unknown());
        assert!(back.get("flag").is_null());
        assert_eq!(back.get("labels"), &Value::Map(BTreeMap::new()));
    }

    #[test]
    fn decodes_unknown_extension_of_any_length_and_refined_unknowns() {
        for bytes in [
            vec![0xd4, 0x00, 0x00],
            vec![0xc7, 0x00, 0x00],
            vec![0xd4, 0x0c, 0x01],
        ] {
            assert!(from_msgpack(&bytes, &Type::String)
                .expect("decodes")
                .is_unknown());
        }
    }

    #[test]
    fn numbers_decode_from_int_float_and_string() {
        assert_eq!(
            from_msgpack(&[0x05], &Type::Number).unwrap().as_i64(),
            Some(5)
        );
        let f = to_msgpack(&Value::Number(Number::Float(1.5)), &Type::Number);
        assert_eq!(
            from_msgpack(&f, &Type::Number).unwrap(),
            Value::Number(Number::Float(1.5))
        );
        let s = to_msgpack(&Value::from("12"), &Type::String);
        assert_eq!(from_msgpack(&s, &Type::Number).unwrap().as_i64(), Some(12));
    }

    #[test]
    fn type_mismatch_and_garbage_are_errors_not_panics() {
        let s = to_msgpack(&Value::from("x"), &Type::String);
        let err = from_msgpack(&s, &Type::Bool).unwrap_err();
        assert!(err.to_string().contains("expected a bool"), "{err}");
        assert!(from_msgpack(&[0xd9], &Type::String).is_err());
        assert!(from_msgpack(&[], &Type::String).is_err());
        assert!(from_msgpack(&[0x01, 0x02], &Type::Number).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bytes = vec![0x91; 10_000];
        bytes.push(0xc0);
        let mut ty = Type::String;
        for _ in 0..10_000 {
            ty = Type::List(Box::new(ty));
        }
        assert!(from_msgpack(&bytes, &ty).is_err());
        std::mem::forget(ty); // dropping a 10k-deep Box chain recursively is itself deep
    }

    #[test]
    fn json_state_decodes_with_missing_attributes_as_null() {
        // State written by an older provider version may lack newer attributes and carry
        // removed ones; neither may break the upgrade.
        let v = from_json(br#"{"name":"a","count":3,"removed_attr":1}"#, &obj_type()).unwrap();
        assert_eq!(v.get("name").as_str(), Some("a"));
        assert_eq!(v.get("count").as_i64(), Some(3));
        assert!(v.get("flag").is_null());
        assert!(from_json(br#"{"name":5}"#, &obj_type()).is_err());
    }

    #[test]
    fn objects_are_written_with_exactly_their_type_attributes() {
        let partial = Value::object([("name", Value::from("a")), ("stray", Value::from("x"))]);
        let back = from_msgpack(&to_msgpack(&partial, &obj_type()), &obj_type()).unwrap();
        assert_eq!(back.get("name").as_str(), Some("a"));
        assert!(back.get("flag").is_null());
        let Value::Object(attrs) = back else {
            panic!("object")
        };
        assert_eq!(attrs.len(), 5, "every attribute of the type, nothing else");
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let v = Value::from("x");
        let bytes = to_msgpack(&v, &Type::Dynamic);
        assert_eq!(from_msgpack(&bytes, &Type::Dynamic).unwrap(), v);
    }
}
