//! Waiting for the platform to catch up with itself.
//!
//! Several of the platform's answers lag behind its writes (§1.6 of the API notes): a grant or
//! key may be missing from a list right after its create, and the backend caches access-review
//! decisions for 30 s, so a user who probed a workspace shortly before being given a role on
//! it keeps getting 403 "Unauthorized to access project". Each wait here polls with backoff.
//! Every wait has its own upper bound, after which the caller reports what it saw; the
//! framework's `timeouts` block cancels it earlier when the operation's limit is shorter.

use std::future::Future;
use std::time::Duration;

use acp_client::Error;

use crate::platform::Platform;

/// The backend's access-review cache keeps a decision this long; wait a little longer.
pub const ACCESS_CACHE_WAIT: Duration = Duration::from_secs(40);

/// How long a freshly created grant or key may be missing from its list.
pub const LIST_LAG_WAIT: Duration = Duration::from_secs(15);

const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Calls `check` until it returns `Some`, sleeping with doubling delays in between; `None`
/// once `limit` has passed without success.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    let mut delay = FIRST_DELAY;
    loop {
        if let Some(found) = check().await {
            return Some(found);
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            tracing::debug!(what, "gave up waiting for the platform");
            return None;
        }
        tracing::debug!(
            what,
            delay_ms = delay.as_millis() as u64,
            "waiting for the platform"
        );
        tokio::time::sleep(delay.min(deadline - now)).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

/// The middleware's answer when the access review (or its cached decision) says no.
const NO_ACCESS: &str = "Unauthorized to access project";

/// Runs a call on a workspace sub-route, waiting out the access-review cache: a 403 "no
/// access" while the workspace itself is readable (which needs a role) and not being deleted
/// is a stale cached decision, so the call is repeated until the cache expires.
pub async fn in_workspace<T, F, Fut>(
    platform: &Platform,
    workspace: &str,
    mut call: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let first = call().await;
    match &first {
        Err(e) if is_stale_denial(platform, workspace, e).await => {}
        _ => return first,
    }
    tracing::info!(
        workspace,
        "access not yet effective; waiting for the platform's cache"
    );
    let mut last = first;
    let outcome = eventually("access to the workspace", ACCESS_CACHE_WAIT, || {
        let attempt = call();
        async move {
            match attempt.await {
                Err(e) if e.is_forbidden() && e.api_message() == Some(NO_ACCESS) => None,
                other => Some(other),
            }
        }
    })
    .await;
    if let Some(result) = outcome {
        last = result;
    }
    last
}

async fn is_stale_denial(platform: &Platform, workspace: &str, err: &Error) -> bool {
    if !(err.is_forbidden() && err.api_message() == Some(NO_ACCESS)) {
        return false;
    }
    matches!(platform.client().get_project(workspace).await, Ok(p) if !p.is_terminating())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn polls_until_found_and_gives_up_at_the_limit() {
        let calls = AtomicU32::new(0);
        let found = eventually("third time", Duration::from_secs(10), || async {
            (calls.fetch_add(1, Ordering::SeqCst) == 2).then_some("yes")
        })
        .await;
        assert_eq!(found, Some("yes"));
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let never: Option<()> =
            eventually("never", Duration::from_millis(300), || async { None }).await;
        assert_eq!(never, None);
    }
}
