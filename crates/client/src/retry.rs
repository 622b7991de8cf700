//! Retry policy: which failures are retried, how often and how long we wait.
//!
//! Idempotent calls (GET, PUT, DELETE) are retried on connection errors,
//! per-attempt timeouts, other transport errors, and HTTP 429, 502, 503 and
//! 504. POST calls (create project, grant permission, create access key) are
//! retried only on connection errors (the request never left this process)
//! and on 429 and 503. HTTP 500 is not retried by the transport. The
//! whole-map secret PUTs are never resent as they are; their caller repeats
//! the whole read-modify-write instead, also on 500 (the backend's answer to
//! a concurrent-modification conflict), with the delays of this policy.
//!
//! At most [`ClientConfig::max_retries`](crate::ClientConfig::max_retries)
//! extra attempts are made. Before retry `n` (1-based) we sleep for a random
//! duration in `[0, min(max_delay, base_delay * 2^(n-1))]` ("full jitter"),
//! so with the defaults (250 ms base, 8 s cap, 4 retries) a call gives up
//! after at most 0.25 + 0.5 + 1 + 2 = 3.75 s of sleeping plus the attempts
//! themselves, each bounded by the per-attempt timeout. When the server says
//! how long to wait — a `Retry-After` header (seconds or HTTP-date) or a JSON
//! body field `retry_after` (`"1s"`, `"500ms"` or a number of seconds, as the
//! platform's public API sends) — we wait exactly that long instead, capped
//! at [`RetryPolicy::max_retry_after`].
//!
//! # Why POST is treated differently
//!
//! A POST that reached the backend may have created its object even if we
//! never saw the answer; repeating it would then fail with 409 (project,
//! permission) or, worse, mint a second access key. So POST is repeated only
//! when the server provably did not act on it: a failed connect, a 429 (a
//! rate limiter rejects before the handler runs), or a 503 (the backend never
//! sends 503 itself; routers and load balancers send it when no backend is
//! available). 502 and 504 mean a gateway lost the backend's answer, which
//! may come after the work was done, so a POST is not repeated on them, nor
//! on a timeout.

use std::time::{Duration, SystemTime};

/// Backoff timing. `max_retries` lives in [`ClientConfig`](crate::ClientConfig).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Backoff ceiling for the first retry; doubles for each further one.
    pub base_delay: Duration,
    /// Upper bound of the computed backoff.
    pub max_delay: Duration,
    /// Upper bound on a server-requested wait (`Retry-After`).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Full-jitter delay before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.ceiling(retry);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }

    /// The largest delay [`RetryPolicy::backoff`] can return for `retry`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait for a server-suggested delay, capped.
    pub(crate) fn server_delay(&self, suggested: Duration) -> Duration {
        suggested.min(self.max_retry_after)
    }
}

/// How safe it is to repeat a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// GET, PUT, DELETE.
    Idempotent,
    /// A whole-map write, repeated (from a fresh read) also on 500.
    IdempotentEvenOn500,
    /// POST: only repeated when the server provably did not act.
    NotIdempotent,
}

/// What went wrong on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure {
    /// The connection was never established.
    Connect,
    /// The attempt hit the per-attempt deadline.
    Timeout,
    /// Some other transport problem after connecting (reset, broken body).
    Transport,
    /// The server answered with this status.
    Status(u16),
}

/// Whether `failure` may be retried for a call of kind `repeat`.
pub(crate) fn should_retry(repeat: Repeat, failure: Failure) -> bool {
    match (repeat, failure) {
        (_, Failure::Connect) => true,
        (_, Failure::Status(429 | 503)) => true,
        (Repeat::NotIdempotent, _) => false,
        (_, Failure::Timeout | Failure::Transport) => true,
        (_, Failure::Status(502 | 504)) => true,
        (Repeat::IdempotentEvenOn500, Failure::Status(500)) => true,
        (_, Failure::Status(_)) => false,
    }
}

/// Parses a `Retry-After` header: delta-seconds or an HTTP-date.
pub(crate) fn parse_retry_after_header(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    // A date in the past means "now".
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Reads a `retry_after` field from a JSON error body.
///
/// Accepts Go-style durations (`"1s"`, `"500ms"`, `"1.5s"`, `"2m"`), plain
/// numeric strings and JSON numbers, all meaning seconds when unitless.
pub(crate) fn parse_retry_after_body(body: &[u8]) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("retry_after")? {
        serde_json::Value::Number(n) => Duration::try_from_secs_f64(n.as_f64()?).ok(),
        serde_json::Value::String(s) => parse_duration_text(s),
        _ => None,
    }
}

fn parse_duration_text(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" => number * 60.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let p = RetryPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_millis(250));
        assert_eq!(p.ceiling(2), Duration::from_millis(500));
        assert_eq!(p.ceiling(3), Duration::from_secs(1));
        assert_eq!(p.ceiling(6), Duration::from_secs(8));
        assert_eq!(p.ceiling(60), Duration::from_secs(8));
        for retry in 1..10 {
            assert!(p.backoff(retry) <= p.ceiling(retry));
        }
    }

    #[test]
    fn post_only_retries_when_server_did_not_act() {
        use Failure::*;
        let post = Repeat::NotIdempotent;
        assert!(should_retry(post, Connect));
        assert!(should_retry(post, Status(429)));
        assert!(should_retry(post, Status(503)));
        for f in [Timeout, Transport, Status(500), Status(502), Status(504)] {
            assert!(!should_retry(post, f), "{f:?}");
        }
    }

    #[test]
    fn idempotent_retries_gateway_errors_but_500_only_on_opt_in() {
        use Failure::*;
        for f in [
            Connect,
            Timeout,
            Transport,
            Status(429),
            Status(502),
            Status(503),
            Status(504),
        ] {
            assert!(should_retry(Repeat::Idempotent, f), "{f:?}");
        }
        for s in [400, 401, 403, 404, 409, 500] {
            assert!(!should_retry(Repeat::Idempotent, Status(s)), "{s}");
        }
        assert!(should_retry(Repeat::IdempotentEvenOn500, Status(500)));
        assert!(!should_retry(Repeat::IdempotentEvenOn500, Status(404)));
    }

    #[test]
    fn retry_after_header_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            parse_retry_after_header(" 3 ", now),
            Some(Duration::from_secs(3))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            parse_retry_after_header(&later, now),
            Some(Duration::from_secs(7))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(
            parse_retry_after_header(&earlier, now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after_header("soon", now), None);
    }

    #[test]
    fn retry_after_body_forms() {
        let cases: [(&[u8], Option<Duration>); 7] = [
            (
                br#"{"error":"Rate limit exceeded","retry_after":"1s"}"#,
                Some(Duration::from_secs(1)),
            ),
            (
                br#"{"retry_after":"500ms"}"#,
                Some(Duration::from_millis(500)),
            ),
            (
                br#"{"retry_after":"1.5s"}"#,
                Some(Duration::from_millis(1500)),
            ),
            (br#"{"retry_after":2}"#, Some(Duration::from_secs(2))),
            (br#"{"retry_after":"2"}"#, Some(Duration::from_secs(2))),
            (br#"{"retry_after":"soon"}"#, None),
            (b"<html>busy</html>", None),
        ];
        for (body, want) in cases {
            assert_eq!(
                parse_retry_after_body(body),
                want,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
