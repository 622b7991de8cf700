//! The two whole-map project secrets (runner and integration).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// A project secret as one key → clear-text value map.
///
/// `Debug` lists the keys but never the values. It dereferences to the
/// underlying map for reading and editing.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretMap(pub BTreeMap<String, String>);

impl SecretMap {
    /// An empty map (a PUT of it empties the secret).
    pub fn new() -> Self {
        Self::default()
    }

    /// Unwraps the map.
    pub fn into_inner(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl std::fmt::Debug for SecretMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, "[redacted]")))
            .finish()
    }
}

impl std::ops::Deref for SecretMap {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for SecretMap {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<BTreeMap<String, String>> for SecretMap {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self(map)
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for SecretMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Wire envelope `{"data": {...}}` used in both directions.
#[derive(Serialize, Deserialize)]
pub(crate) struct SecretData {
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) data: SecretMap,
}
