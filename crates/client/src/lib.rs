//! Typed async client for the Ambient Code Platform backend REST API.
