//! Acceptance tests: the real `terraform` CLI (pinned v1.0.3) drives the provider binary
//! against a fresh in-process emulator of the platform for every test.

mod api_key;
mod data_sources;
mod support;
mod workspace;
mod workspace_secret;
mod workspace_share;
mod workspace_storage;
