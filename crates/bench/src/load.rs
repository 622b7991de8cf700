//! Measurement 5: requests per second the emulator serves, from a second process over
//! loopback. A few client threads each keep one HTTP/1.1 connection open and send reads of a
//! workspace and of its permissions, until a fixed number of requests is done or a time limit
//! passes, whichever comes first.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::emulator::{EmulatorProcess, TOKEN};
use crate::http::Connection;

/// The bounds of one load run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoadPlan {
    /// Client connections, one thread each.
    pub(crate) connections: usize,
    /// Requests to send in all.
    pub(crate) requests: u64,
    /// Stop early after this long.
    pub(crate) limit: Duration,
}

/// What one load run achieved.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LoadResult {
    /// Requests answered.
    pub(crate) completed: u64,
    /// Answers that were not 200.
    pub(crate) failures: u64,
    /// Elapsed time.
    pub(crate) elapsed: Duration,
    /// Client connections used.
    pub(crate) connections: usize,
}

impl LoadResult {
    /// Answered requests per second.
    pub(crate) fn per_second(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Creates a few workspaces, then drives the load.
pub(crate) fn measure(emulator: &EmulatorProcess, plan: LoadPlan) -> Result<LoadResult, String> {
    let mut setup = Connection::open(&emulator.url)?;
    for i in 0..plan.connections {
        let body = format!(r#"{{"name":"load-{i}","displayName":"Load {i}"}}"#);
        let (status, text) = setup.request_with(
            "POST",
            "/api/projects",
            TOKEN,
            "X-Forwarded-User: bench@example.com\r\n",
            body.as_bytes(),
        )?;
        if status != 201 && status != 200 {
            return Err(format!(
                "creating load-{i} answered {status}: {}",
                String::from_utf8_lossy(&text)
            ));
        }
    }
    emulator.reset_stats()?;

    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + plan.limit;
    let threads: Vec<_> = (0..plan.connections)
        .map(|i| {
            let (issued, url) = (issued.clone(), emulator.url.clone());
            let paths = [
                format!("/api/projects/load-{i}"),
                format!("/api/projects/load-{i}/permissions"),
            ];
            std::thread::spawn(move || -> Result<(u64, u64), String> {
                let mut conn = Connection::open(&url)?;
                let (mut done, mut failed) = (0u64, 0u64);
                while issued.fetch_add(1, Ordering::Relaxed) < plan.requests
                    && Instant::now() < deadline
                {
                    let (status, _) = conn.request("GET", &paths[(done % 2) as usize], TOKEN)?;
                    done += 1;
                    failed += u64::from(status != 200);
                }
                Ok((done, failed))
            })
        })
        .collect();
    let mut result = LoadResult {
        connections: plan.connections,
        ..LoadResult::default()
    };
    for thread in threads {
        let (done, failed) = thread.join().map_err(|_| "load thread panicked")??;
        result.completed += done;
        result.failures += failed;
    }
    result.elapsed = started.elapsed();
    let counted = emulator.total_requests()?;
    if counted != result.completed {
        return Err(format!(
            "the emulator counted {counted} requests, the load generator {}",
            result.completed
        ));
    }
    Ok(result)
}
