//! Sharing of identical platform reads within one refresh.
//!
//! When Terraform refreshes a workspace with forty secrets, it reads forty resources, ten at a
//! time, and each would fetch the same secret map; shares and API keys likewise each fetch
//! their workspace's whole list. Reads of the same collection share one request: the first
//! caller fetches, callers arriving while it is in flight wait for its answer, and callers
//! arriving within [`LINGER`] after it take the same answer. That window is far shorter than
//! the gap between two Terraform commands (each of which starts its own provider process), so
//! every plan still sees drift made before it; and anything this process writes to a
//! collection is forgotten at once ([`SharedReads::forget`]). Writes never read through here:
//! they re-read under their own locks.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt, Shared};

/// The error of a shared read, shared by every caller that waited for it.
pub type SharedError = Arc<acp_client::Error>;

/// How long a finished read keeps answering later callers.
pub const LINGER: Duration = Duration::from_secs(2);

type InFlight<V> = Shared<BoxFuture<'static, Result<V, SharedError>>>;

enum Entry<V> {
    InFlight(InFlight<V>),
    Done { value: V, at: Instant },
}

/// Reads in flight or just finished, by collection key (for example `integration/team-alpha`).
pub struct SharedReads<V: Clone> {
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V: Clone> Default for SharedReads<V> {
    fn default() -> Self {
        SharedReads {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> std::fmt::Debug for SharedReads<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedReads").finish_non_exhaustive()
    }
}

impl<V: Clone + Send + Sync + 'static> SharedReads<V> {
    /// The result of `fetch` for `key`, from a request in flight or just finished for the same
    /// key when there is one.
    pub async fn get<Fut>(&self, key: &str, fetch: impl FnOnce() -> Fut) -> Result<V, SharedError>
    where
        Fut: Future<Output = Result<V, acp_client::Error>> + Send + 'static,
    {
        let (shared, leader) = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            match entries.get(key) {
                Some(Entry::Done { value, at }) if at.elapsed() < LINGER => {
                    return Ok(value.clone());
                }
                Some(Entry::InFlight(request)) => (request.clone(), false),
                _ => {
                    let request = fetch().map(|r| r.map_err(Arc::new)).boxed().shared();
                    entries.insert(key.to_string(), Entry::InFlight(request.clone()));
                    (request, true)
                }
            }
        };
        let result = shared.await;
        if leader {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            // Keep a success for late callers, unless a write forgot the key meanwhile;
            // never keep an error.
            let still_ours = matches!(entries.get(key), Some(Entry::InFlight(_)));
            match &result {
                Ok(value) if still_ours => {
                    let done = Entry::Done {
                        value: value.clone(),
                        at: Instant::now(),
                    };
                    entries.insert(key.to_string(), done);
                }
                _ if still_ours => {
                    entries.remove(key);
                }
                _ => {}
            }
        }
        result
    }

    /// Forgets what is known of `key`, after this process changed it on the platform.
    pub fn forget(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn counting_fetch(
        calls: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> BoxFuture<'static, Result<u32, acp_client::Error>> {
        let calls = calls.clone();
        move || {
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(7)
            }
            .boxed()
        }
    }

    #[tokio::test]
    async fn reads_share_one_request_until_forgotten_or_stale() {
        let reads: Arc<SharedReads<u32>> = Arc::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let reads = reads.clone();
                let fetch = counting_fetch(&calls);
                tokio::spawn(async move { reads.get("k", fetch).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("task").expect("read"), 7);
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "ten overlapping reads, one request"
        );

        reads.get("k", counting_fetch(&calls)).await.expect("read");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "a read just after shares the answer"
        );
        reads
            .get("other", counting_fetch(&calls))
            .await
            .expect("read");
        assert_eq!(calls.load(Ordering::SeqCst), 2, "keys do not share");

        reads.forget("k");
        reads.get("k", counting_fetch(&calls)).await.expect("read");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "a forgotten key is fetched again"
        );

        // Staleness is measured on the real clock (Instant), so the test waits it out.
        std::thread::sleep(LINGER);
        reads.get("k", counting_fetch(&calls)).await.expect("read");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            4,
            "an answer older than LINGER is not reused"
        );
    }

    #[tokio::test]
    async fn errors_are_shared_but_never_kept() {
        let reads: SharedReads<u32> = SharedReads::default();
        let calls = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            let calls = calls.clone();
            let result = reads
                .get("k", move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err(acp_client::Error::InvalidConfig("boom".into()))
                })
                .await;
            assert!(result.is_err());
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "a failed read is retried next time"
        );
    }
}
