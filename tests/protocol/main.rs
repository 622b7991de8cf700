//! Protocol tests: the provider binary driven at the gRPC level the way Terraform's plugin
//! client drives it, for what the pinned Terraform CLI cannot show (refused clients, newer
//! protocol features, shutdown and cancellation).

// A test crate has no public API; `pub` in its modules only means "shared between tests".
#![allow(unreachable_pub)]

mod handshake;
mod rpcs;
mod support;
mod write_only;
