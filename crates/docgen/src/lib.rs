//! `acp-docgen`: the Terraform Registry documentation of the provider, generated from the
//! provider's own schema.
//!
//! The markdown descriptions in the provider, resource and data source schemas are the single
//! source of what the pages say about each type and attribute; `examples/` supplies the usage
//! snippets and import commands, and `templates/index.md.tmpl` the prose of the provider page
//! (authentication, environment, pointing at a real platform).
//!
//! [`generate`] renders every page into memory. The `acp-docgen` binary (`make docs`) writes
//! them to `docs/`; the crate's test renders them again and fails when the committed pages
//! differ, or when a type lacks a description, an example or an import command.
//!
//! # Layout
//!
//! Pages follow the layout the Terraform Registry renders for providers (the one
//! `tfplugindocs` writes): `docs/index.md`, `docs/resources/<name>.md` and
//! `docs/data-sources/<name>.md`, where `<name>` is the type name without the `acp_` prefix,
//! each with YAML front matter (`page_title`, `subcategory`, `description`).

pub mod check;
pub mod render;
pub mod site;

pub use site::{data_source_schemas, generate, resource_schemas, Page, Site};
