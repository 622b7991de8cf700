//! The single error type returned by every client call.
//!
//! Messages are lowercase, name the operation and the object
//! (`get project "team-alpha"`), and keep what the platform said. No variant
//! ever holds the bearer token or request headers; response excerpts are
//! shortened and scrubbed before they are stored.

use std::time::Duration;

/// Everything that can go wrong talking to the platform.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform answered with a non-success status.
    ///
    /// `message` is the `error` field of the platform's `{"error": ...}`
    /// body, or a short plain-text excerpt when the body was not that JSON
    /// (for instance an HTML page from a proxy).
    #[error("{operation}: http {status}: {message}")]
    Api {
        /// HTTP status code.
        status: u16,
        /// The platform's message or a body excerpt.
        message: String,
        /// What was being attempted, e.g. `delete project "team-alpha"`.
        operation: String,
        /// How long the platform asked us to wait before trying again
        /// (`Retry-After` header or `retry_after` body field), if it said.
        retry_after: Option<Duration>,
        /// The body was the platform's own `{"error": ...}` JSON, not a router's plain
        /// "404 page not found", a proxy's HTML page or nothing.
        from_platform: bool,
    },

    /// The request could not be sent or the response not read.
    #[error("{operation}: {}: {source}", if *.connect { "could not connect to the platform" } else { "request failed" })]
    Transport {
        /// What was being attempted.
        operation: String,
        /// True when the connection was never established, so the request
        /// provably did not reach the server.
        connect: bool,
        /// The underlying error, stripped of its URL.
        #[source]
        source: reqwest::Error,
    },

    /// One attempt exceeded the configured per-attempt timeout.
    #[error("{operation}: timed out after {}ms", .timeout.as_millis())]
    Timeout {
        /// What was being attempted.
        operation: String,
        /// The per-attempt timeout that was exceeded.
        timeout: Duration,
    },

    /// A success response whose body was not the JSON this call expects.
    #[error("{operation}: unexpected response body (http {status}): {reason}; body starts with {snippet:?}")]
    Decode {
        /// What was being attempted.
        operation: String,
        /// HTTP status of the response.
        status: u16,
        /// Why decoding failed.
        reason: String,
        /// A short, scrubbed excerpt of the body (withheld for secret
        /// and key endpoints).
        snippet: String,
    },

    /// `ca_cert_pem` held no parsable certificate.
    #[error("invalid client configuration: ca_cert_pem could not be parsed: {reason}")]
    InvalidCaCert {
        /// What the parser objected to.
        reason: String,
    },

    /// Some other setting in [`ClientConfig`](crate::ClientConfig) is unusable.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
}

impl Error {
    /// HTTP status of an [`Error::Api`] or [`Error::Decode`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The platform itself answered 404, with its `{"error": ...}` body.
    ///
    /// A 404 in any other form comes from a router or proxy that does not know the path (an
    /// endpoint with an extra `/api`, the UI's host): it says nothing about the object, and
    /// taking it for "gone" would make Terraform forget objects that still exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Error::Api {
                status: 404,
                from_platform: true,
                ..
            }
        )
    }

    /// The platform answered 409 (e.g. the project already exists).
    pub fn is_conflict(&self) -> bool {
        self.api_status() == Some(409)
    }

    /// The platform answered 401 (token missing, invalid or expired).
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(401)
    }

    /// The platform answered 403. Note that project sub-routes answer 403,
    /// not 404, for a project that does not exist.
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(403)
    }

    /// An attempt ran past the per-attempt timeout.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// The connection could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { connect: true, .. })
    }

    /// The platform's own message (or body excerpt) of an [`Error::Api`].
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The operation this error belongs to, if any.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. } => Some(operation),
            Error::InvalidCaCert { .. } | Error::InvalidConfig(_) => None,
        }
    }

    fn api_status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Tokens shorter than this are not searched for in text: replacing a one-letter "token"
/// everywhere would garble every message, and such a value is no credential worth hiding.
const MIN_REDACTED_LEN: usize = 8;

/// `text` with every occurrence of `token` replaced by `[redacted]`.
pub(crate) fn redact(text: &str, token: &str) -> String {
    if token.len() < MIN_REDACTED_LEN {
        return text.to_string();
    }
    text.replace(token, "[redacted]")
}

/// Longest excerpt of a body kept in an error, in characters.
const SNIPPET_CHARS: usize = 200;

/// Shortens a body to a single printable line for error messages and logs.
///
/// HTML tags are dropped (proxies answer with whole pages whose useful part
/// is the text), whitespace runs collapse, control characters vanish, and any
/// occurrence of `scrub` (the bearer token) is replaced.
pub(crate) fn snippet(body: &[u8], scrub: &str) -> String {
    let text = redact(&String::from_utf8_lossy(body), scrub);

    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let looks_like_html = text.trim_start().starts_with('<');
    for c in text.chars() {
        if looks_like_html && c == '<' {
            in_tag = true;
            pending_space = true;
            continue;
        }
        if in_tag {
            in_tag = c != '>';
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
        if out.chars().count() >= SNIPPET_CHARS {
            out.push('…');
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn snippet_strips_html_and_collapses_space() {
        let body = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>Bad   gateway</h1></body></html>";
        assert_eq!(snippet(body, ""), "502 Bad Gateway Bad gateway");
    }

    #[test]
    fn snippet_scrubs_token_and_truncates() {
        let body = format!("token=abc12345 {}", "x".repeat(500));
        let s = snippet(body.as_bytes(), "abc12345");
        assert!(s.starts_with("token=[redacted] "));
        assert!(!s.contains("abc12345"));
        assert!(s.chars().count() <= 201);
    }

    #[test]
    fn snippet_of_json_keeps_angle_brackets_inside() {
        assert_eq!(snippet(br#"{"a": "<b>"}"#, ""), r#"{"a": "<b>"}"#);
    }
}
