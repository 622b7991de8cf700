//! Creates whose answer got lost.
//!
//! The client repeats a POST only when the platform provably did not act on it (see
//! `acp_client`'s retry module). A POST answered 502 or 504 by a gateway, or one whose
//! connection timed out or closed after the request was sent, may still have created its
//! object: the caller must look before it creates again.

use acp_client::Error;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// How far the platform's clock may be behind ours when we compare a creation time with the
/// moment our request started.
pub const CLOCK_SKEW: Duration = Duration::minutes(2);

/// How many times a create is sent in all when answers keep getting lost.
pub const MAX_CREATE_ATTEMPTS: u32 = 5;

/// True when the platform may have acted on a request whose answer we did not get: a gateway
/// answered 502 or 504, the attempt timed out, the connection broke after it was made, or a
/// success answer arrived that could not be read (the platform certainly acted then).
pub fn is_lost_answer(err: &Error) -> bool {
    matches!(err.status(), Some(502 | 504))
        || err.is_timeout()
        || (matches!(err, Error::Transport { .. }) && !err.is_connect())
        || matches!(err, Error::Decode { .. })
}

/// True when `creation_timestamp` (RFC 3339) lies after `started` minus [`CLOCK_SKEW`]: the
/// object may then be the one our lost request created.
///
/// This is a heuristic with a known limit: an object of the same name created by someone else
/// within those minutes looks the same, and is adopted too.
pub fn created_since(creation_timestamp: &str, started: OffsetDateTime) -> bool {
    match OffsetDateTime::parse(creation_timestamp, &Rfc3339) {
        Ok(created) => created >= started - CLOCK_SKEW,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recent_creation_times_count_as_ours() {
        let started = OffsetDateTime::parse("2025-03-01T12:00:00Z", &Rfc3339).expect("time");
        assert!(created_since("2025-03-01T12:00:01Z", started));
        // The platform's clock may run a little behind ours.
        assert!(created_since("2025-03-01T11:59:00Z", started));
        assert!(!created_since("2025-03-01T11:50:00Z", started));
        assert!(!created_since("", started));
        assert!(!created_since("yesterday", started));
    }
}
