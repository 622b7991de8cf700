//! A small framework for Terraform plugin protocol 6 providers.
//!
//! It owns everything between the protocol and a resource's business logic: the value model
//! and its wire encodings, schemas, validation, diagnostics and the generic rules of planning.
//! The gRPC service that drives it lives in [`crate::server`].

pub mod codec;
#[cfg(test)]
mod codec_fuzz;
pub mod diag;
pub mod path;
pub mod plan;
pub mod plan_modifiers;
pub mod resource;
pub mod schema;
pub mod timeouts;
pub mod types;
pub mod validators;
pub mod value;

pub use diag::{DiagResult, Diagnostic, Diagnostics};
pub use path::AttributePath;
pub use resource::{served_schema, Ctx, DataSource, Plan, Provider, Resource};
pub use schema::{Attribute, Block, Mode, Nesting, Schema};
pub use timeouts::Timeouts;
pub use types::Type;
pub use value::Value;
