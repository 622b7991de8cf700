//! `terraform-provider-acp`: a Terraform provider for the Ambient Code Platform.
//!
//! The binary speaks Terraform's plugin protocol 6 itself. [`server`] owns the process side
//! (go-plugin handshake, mutual TLS, gRPC services, logging), [`framework`] the protocol-level
//! provider model, and [`provider`], [`resources`] and [`data_sources`] what ACP users see.

pub mod data_sources;
pub mod framework;
pub mod keyed_locks;
pub mod platform;
pub mod provider;
pub mod resilience;
pub mod resources;
pub mod secret_maps;
pub mod server;
pub mod shared_reads;
