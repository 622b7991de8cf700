//! Typed async client for the Ambient Code Platform (ACP) backend REST API.
//!
//! This crate owns every HTTP call the Terraform provider makes to the
//! platform: it targets the backend's `/api/...` routes (directly, or through
//! the ambient-api-server, which forwards them verbatim), and it owns
//!
//! - the wire models ([`models`]), tolerant of missing optional fields,
//!   `null` maps and fields added by newer platform versions;
//! - authentication and identity headers (`Authorization: Bearer`,
//!   `X-Forwarded-User`, `X-Forwarded-Preferred-Username`);
//! - TLS trust (extra PEM roots or, on request, no verification at all);
//! - the retry policy ([`retry`]) and per-attempt timeouts;
//! - mapping every failure into one [`Error`] type with predicates such as
//!   [`Error::is_not_found`];
//! - request logging through `tracing`, which never records the token or the
//!   bodies of the secrets and access-key endpoints.
//!
//! It does not know about Terraform: read-modify-write of secret maps,
//! per-workspace locking and polling for deletion belong to the provider.
//!
//! ```no_run
//! # async fn demo() -> Result<(), acp_client::Error> {
//! let config = acp_client::ClientConfig::new(
//!     "https://acp.example.com".parse().expect("static url"),
//!     "sha256~token".to_owned(),
//! );
//! let client = acp_client::Client::new(config)?;
//! let project = client.get_project("team-alpha").await?;
//! println!("{} is {}", project.name, project.status);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod api;
mod config;
mod error;
pub mod models;
pub mod retry;
mod secret;
mod transport;

pub use api::Client;
pub use config::ClientConfig;
pub use error::Error;
pub use models::{
    AccessInfo, AccessKey, ClusterInfo, CreateAccessKey, CreateProject, CreatedAccessKey,
    Permission, Project, ProjectPage, SecretMap, UpdateProject,
};
pub use retry::RetryPolicy;
pub use secret::Secret;
