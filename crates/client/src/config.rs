//! Connection settings for a [`Client`](crate::Client).

use std::time::Duration;

/// Everything needed to build a [`Client`](crate::Client).
///
/// `Debug` never prints the token.
#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL of the backend, e.g. `http://127.0.0.1:8080` or
    /// `https://acp.example.com`; request paths (`/api/...`) are appended to
    /// whatever path it already has.
    pub endpoint: url::Url,
    /// Bearer token (OpenShift OAuth token, OIDC JWT or ACP access key).
    /// When empty, no `Authorization` header is sent.
    pub token: String,
    /// Sent as `X-Forwarded-User` and `X-Forwarded-Preferred-Username` on
    /// every request; legacy-mode backends need it to create projects and
    /// access keys.
    pub username: Option<String>,
    /// Extra trusted root certificate(s), PEM encoded.
    pub ca_cert_pem: Option<String>,
    /// Accept any server certificate. For test clusters only.
    pub insecure_skip_tls_verify: bool,
    /// Deadline for one attempt (connect, send, and read the whole body).
    pub request_timeout: Duration,
    /// Extra attempts allowed after the first one; see [`crate::retry`].
    pub max_retries: u32,
    /// `User-Agent` header value.
    pub user_agent: String,
}

impl ClientConfig {
    /// A config with sensible defaults: 30 s per attempt, 4 retries, no
    /// username, the bundled Mozilla trust roots, and a `terraform-provider-acp` user agent.
    pub fn new(endpoint: url::Url, token: String) -> Self {
        Self {
            endpoint,
            token,
            username: None,
            ca_cert_pem: None,
            insecure_skip_tls_verify: false,
            request_timeout: Duration::from_secs(30),
            max_retries: 4,
            user_agent: concat!("terraform-provider-acp/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint.as_str())
            .field("token", &"[redacted]")
            .field("username", &self.username)
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|_| "<pem>"))
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}
