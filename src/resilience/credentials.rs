//! One question to the platform when the provider is configured: does it accept our token,
//! and does its certificate pass? Without it a rejected token surfaces once per resource,
//! each in its own words, after every resource has made its own call.
//!
//! The question is `GET /api/projects/{p}/access` for a name nobody needs to own: the
//! backend's project middleware checks the token before anything else and answers 401 when
//! the token is expired or invalid, whereas a valid token gets 403 (no access to that name)
//! or 200. The answer has no side effects and is cached by nobody that matters.
//!
//! The same question tells a wrong endpoint: every backend serves that route, so a 404 that
//! is not the platform's own JSON error comes from something else (a router, a proxy).
//!
//! Only a definite verdict stops the run. A slow, failing or odd answer is no evidence
//! against the credentials, so configuration carries on and each operation meets the problem
//! with its own retries, as it would without the check.

use std::time::Duration;

use acp_client::{Client, Error};

/// The workspace the check asks about. Any valid name works; this one says who asked.
pub const PROBE_WORKSPACE: &str = "terraform-provider-acp-credential-check";

/// The check never holds up configuration for longer than this.
const PROBE_LIMIT: Duration = Duration::from_secs(5);

/// Why the platform cannot be used with these settings.
#[derive(Debug)]
pub enum CredentialProblem {
    /// The platform answered 401: the token is missing, expired or invalid.
    TokenRejected(String),
    /// The TLS handshake failed on the platform's certificate.
    CertificateRejected(String),
    /// Something other than the backend API answered: the route every backend serves was
    /// unknown there (a plain 404 from a router or a proxy's page).
    NotTheApi(String),
}

/// Asks the platform once, within `request_timeout` and at most [`PROBE_LIMIT`].
pub async fn check(client: &Client, request_timeout: Duration) -> Result<(), CredentialProblem> {
    let limit = request_timeout.min(PROBE_LIMIT);
    let Ok(outcome) = tokio::time::timeout(limit, client.access_once(PROBE_WORKSPACE)).await else {
        tracing::debug!(
            limit_ms = limit.as_millis() as u64,
            "credential check unanswered; carrying on"
        );
        return Ok(());
    };
    outcome.map(drop).or_else(|err| verdict(&err))
}

/// What a failed check says about the credentials.
fn verdict(err: &Error) -> Result<(), CredentialProblem> {
    if err.is_unauthorized() {
        let said = err.api_message().unwrap_or("401").to_string();
        return Err(CredentialProblem::TokenRejected(said));
    }
    if err.is_connect() && crate::platform::mentions_certificate(err) {
        return Err(CredentialProblem::CertificateRejected(format!(
            "{}.{}",
            crate::platform::cause_chain(err),
            crate::platform::self_signed_ca_hint(err)
        )));
    }
    if err.status() == Some(404) && !err.is_not_found() {
        let said = err.api_message().unwrap_or("404").to_string();
        return Err(CredentialProblem::NotTheApi(said));
    }
    // 403 is the expected answer for a valid token; anything else is no verdict.
    tracing::debug!(error = %err, "credential check inconclusive; carrying on");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, message: &str) -> Error {
        Error::Api {
            status,
            message: message.into(),
            operation: "check access".into(),
            retry_after: None,
            from_platform: true,
        }
    }

    #[test]
    fn only_a_401_condemns_the_token() {
        assert!(matches!(
            verdict(&api(401, "Token expired or invalid")),
            Err(CredentialProblem::TokenRejected(m)) if m == "Token expired or invalid"
        ));
        for status in [403, 404, 429, 500, 502, 503] {
            assert!(verdict(&api(status, "x")).is_ok(), "{status}");
        }
    }

    #[test]
    fn a_404_that_is_not_the_platforms_means_a_wrong_endpoint() {
        let mut router = api(404, "404 page not found");
        if let Error::Api { from_platform, .. } = &mut router {
            *from_platform = false;
        }
        assert!(matches!(
            verdict(&router),
            Err(CredentialProblem::NotTheApi(m)) if m == "404 page not found"
        ));
    }
}
