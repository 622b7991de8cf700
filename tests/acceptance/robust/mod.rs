//! Reliability under a hostile platform and hostile input: heavy seeded faults, lost create
//! answers, eventual consistency, bad credentials, malformed answers and malformed
//! configuration values; and applies interrupted by Ctrl-C or approached by another local
//! process on the plugin socket.

mod bad_input;
mod consistency;
mod credentials;
mod heavy_faults;
mod interrupted;
mod lost_answers;
mod malformed;
mod outside_changes;
pub mod team;
