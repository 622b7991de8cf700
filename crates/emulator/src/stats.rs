//! Request counters: how many requests reached each route (keyed `"<METHOD> <route pattern>"`,
//! the pattern as axum matched it) and how many faults of each kind were injected, plus the
//! middleware that counts.
//!
//! Every platform request counts, faulted or not, so a test sees each call a client made,
//! retries included. `/_emulator/...` requests do not count. Requests that match no route
//! count under `"<METHOD> <unmatched>"`.
//!
//! The hot path takes one short mutex and allocates nothing once a route has been seen: the
//! map is keyed by method, then by pattern, and looked up by `&str`. A benchmark at several
//! thousand requests per second on two cores spends far longer in hyper than here.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::routes::is_admin_path;
use crate::state::SharedState;

/// Key part used for requests that no route matched.
const UNMATCHED: &str = "<unmatched>";

/// The counters of one emulator.
#[derive(Default)]
pub(crate) struct Stats {
    total: AtomicU64,
    requests: Mutex<HashMap<Method, HashMap<String, u64>>>,
    faults: Mutex<BTreeMap<String, u64>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Stats {
    /// Counts one request to `route`.
    pub(crate) fn record(&self, method: &Method, route: &str) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let mut requests = lock(&self.requests);
        if !requests.contains_key(method) {
            requests.insert(method.clone(), HashMap::new());
        }
        let Some(routes) = requests.get_mut(method) else {
            return;
        };
        match routes.get_mut(route) {
            Some(count) => *count += 1,
            None => {
                routes.insert(route.to_owned(), 1);
            }
        }
    }

    /// Counts one injected fault per kind in `kinds`.
    pub(crate) fn record_faults(&self, kinds: &[String]) {
        let mut faults = lock(&self.faults);
        for kind in kinds {
            *faults.entry(kind.clone()).or_default() += 1;
        }
    }

    /// Requests per `"<METHOD> <route>"`.
    pub(crate) fn requests(&self) -> BTreeMap<String, u64> {
        lock(&self.requests)
            .iter()
            .flat_map(|(method, routes)| {
                routes
                    .iter()
                    .map(move |(route, count)| (format!("{method} {route}"), *count))
            })
            .collect()
    }

    /// Injected faults per kind (`status_503`, `latency`, `close`, `late`,
    /// `process_then_close`).
    pub(crate) fn faults(&self) -> BTreeMap<String, u64> {
        lock(&self.faults).clone()
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Sets every counter back to zero.
    pub(crate) fn reset(&self) {
        // Hold both maps so that a reader never sees one reset and the other not.
        let mut requests = lock(&self.requests);
        let mut faults = lock(&self.faults);
        requests.clear();
        faults.clear();
        self.total.store(0, Ordering::Relaxed);
    }
}

/// Counts each platform request before anything else (faults included) happens to it.
pub(crate) async fn count_requests(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_admin_path(request.uri().path()) {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or(UNMATCHED, MatchedPath::as_str);
        state.stats().record(request.method(), route);
    }
    next.run(request).await
}
