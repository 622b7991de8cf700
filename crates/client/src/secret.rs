//! A wrapper that keeps secret values out of `Debug` output.
//!
//! We use our own ten-line type rather than the `secrecy` crate because the
//! provider needs to clone, compare and serialise these values (they end up in
//! Terraform state anyway), which `secrecy` deliberately makes awkward, and
//! zeroising memory buys nothing for a value Terraform keeps in plain text.

use serde::{Deserialize, Serialize};

/// A value whose `Debug` output is always `[redacted]`.
///
/// Serialises transparently, so it can sit directly in wire models.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Borrows the secret value; call sites that do this are the ones to audit.
    pub fn expose_secret(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
