//! Conversions between protocol messages and framework values and diagnostics.

use magma_protocol::tfplugin6::{Diagnostic as ProtoDiag, DynamicValue};

use crate::framework::codec;
use crate::framework::{Diagnostic, Diagnostics, Type, Value};

/// Decodes a `DynamicValue` against a type; a missing or empty one is null.
pub(crate) fn decode(value: Option<&DynamicValue>, ty: &Type) -> Result<Value, Diagnostics> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    let decoded = if !value.msgpack.is_empty() {
        codec::from_msgpack(&value.msgpack, ty)
    } else if !value.json.is_empty() {
        codec::from_json(&value.json, ty)
    } else {
        return Ok(Value::Null);
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            "Unable to decode a value from Terraform",
            format!(
                "The provider could not read a value Terraform sent: {e}. This is a bug in the \
                 provider or a Terraform version it does not support; please report it."
            ),
        )
        .into()
    })
}

/// Encodes a value as a msgpack `DynamicValue`.
pub(crate) fn encode(value: &Value, ty: &Type) -> DynamicValue {
    DynamicValue {
        msgpack: codec::to_msgpack(value, ty),
        json: Vec::new(),
    }
}

/// The diagnostic for a type name this provider does not know.
pub(crate) fn unknown_type(kind: &str, name: &str) -> Vec<ProtoDiag> {
    Diagnostics::from(Diagnostic::error(
        format!("Unknown {kind} type"),
        format!(
            "This provider has no {kind} type named {name:?}. Check the spelling, and that the \
             configuration and the provider version match."
        ),
    ))
    .to_proto()
}

/// The diagnostic for a protocol feature this provider does not offer.
pub(crate) fn not_supported(feature: &str) -> Vec<ProtoDiag> {
    Diagnostics::from(Diagnostic::error(
        format!("{feature} not supported"),
        format!(
            "The ACP provider does not offer {}. Remove it from the configuration, or use a \
             provider version that supports it.",
            feature.to_lowercase()
        ),
    ))
    .to_proto()
}

/// The diagnostic for an operation that needs a configured provider when there is none.
pub(crate) fn not_configured() -> Diagnostics {
    Diagnostic::error(
        "Provider not configured",
        "The provider block could not be configured, so the platform cannot be reached. \
         Check the errors reported for the provider block (endpoint and token must be known \
         before apply).",
    )
    .into()
}
