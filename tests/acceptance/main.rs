//! Acceptance tests: the real `terraform` CLI (pinned v1.0.3) drives the provider binary
//! against a fresh in-process emulator of the platform for every test.

// A test crate has no public API; `pub` in its modules only means "shared between tests".
#![allow(unreachable_pub)]

mod api_key;
mod data_sources;
mod deleted_workspace;
mod examples;
mod provider_config;
mod refresh_calls;
mod release;
mod robust;
mod security;
mod support;
mod team_module;
mod workspace;
mod workspace_secret;
mod workspace_share;
mod workspace_storage;
