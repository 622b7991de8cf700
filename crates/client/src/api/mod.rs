//! The [`Client`] and its API methods, one file per area.
//!
//! Every method is a thin description of one call (verb, path, body,
//! whether it carries secrets, how safe it is to repeat); sending, retrying
//! and error mapping all happen in [`crate::transport`].

mod cluster;
mod keys;
mod permissions;
mod projects;
mod secrets;

use std::sync::Arc;

use crate::config::ClientConfig;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// Handle to one ACP backend. Cheap to clone; clones share one connection
/// pool. `Debug` shows the endpoint and username, never the token.
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// Builds a client with the default [`RetryPolicy`].
    ///
    /// Fails with [`Error::InvalidCaCert`] when `ca_cert_pem` holds no
    /// usable certificate, and [`Error::InvalidConfig`] for an endpoint that
    /// is not http(s), a zero timeout, or a token or username that cannot be
    /// sent as a header.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        Self::with_retry_policy(config, RetryPolicy::default())
    }

    /// Builds a client with custom backoff timing (tests use short delays).
    pub fn with_retry_policy(config: ClientConfig, policy: RetryPolicy) -> Result<Client, Error> {
        Ok(Client {
            transport: Arc::new(Transport::new(config, policy)?),
        })
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.transport.endpoint().as_str())
            .field("username", &self.transport.username())
            .field("token", &"[redacted]")
            .finish()
    }
}
