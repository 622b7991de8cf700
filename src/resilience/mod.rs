//! Surviving a platform that loses answers, lags behind its own writes and words its refusals
//! badly: the pieces every resource shares.
//!
//! - [`credentials`]: asking once, at configuration, whether the platform accepts the token,
//!   so that a bad token fails the run with one error instead of one per resource;
//! - [`lost`]: which failures may hide a create the platform did carry out, and whether an
//!   object found afterwards is recent enough to be ours;
//! - [`wait`]: polling with backoff until the platform catches up (a grant or key not yet
//!   listed, the backend's 30 s access-review cache), bounded by the operation's timeout;
//! - [`role`]: turning a 403 or a bare 500 into an error that names the role the operation
//!   needs, by asking the platform for the caller's role.

pub mod credentials;
pub mod lost;
pub mod role;
pub mod wait;
