//! Serialised read-modify-write of a workspace's two secret maps.
//!
//! The platform stores the runner secret and the integration secret of a workspace each as one
//! whole map, and every PUT replaces the whole map. Several Terraform resources write the same
//! map (one `acp_workspace_secret` per key, plus `acp_workspace_storage`, whose settings are keys
//! of the integration map), and Terraform applies up to ten of them at once. Two unsynchronised
//! GET→PUT cycles would each drop the other's key, so every write goes through [`update_map`],
//! which holds a per-(workspace, map) lock across the GET and the PUT. Keys written outside
//! Terraform survive because each write starts from the map as the platform holds it.
//!
//! The lock only covers this provider process, and the platform offers no version or ETag to
//! detect a writer elsewhere (the UI, another Terraform run). What the provider can do, it does:
//! every write starts from a GET made for it (never a shared or remembered read), and a PUT
//! that must be repeated is preceded by a new GET instead of being resent as it was. A change
//! made elsewhere in the one round trip between our GET being answered and our PUT landing is
//! still overwritten; only the platform could close that gap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use acp_client::{Error, SecretMap};

use crate::framework::{DiagResult, Diagnostic};
use crate::platform::Platform;
use crate::resilience::role::needs_role;
use crate::resilience::wait::in_workspace;

/// Which of a workspace's two secret maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapKind {
    /// `ambient-runner-secrets`: only the model API keys.
    Runner,
    /// `ambient-non-vertex-integrations`: everything else, storage settings included.
    Integration,
}

impl MapKind {
    /// The lowercase name used in state and messages (`runner` or `integration`).
    pub fn as_str(self) -> &'static str {
        match self {
            MapKind::Runner => "runner",
            MapKind::Integration => "integration",
        }
    }
}

/// The async lock of one map.
type MapLock = Arc<tokio::sync::Mutex<()>>;

/// One async lock per (workspace, map), created on first use and kept for the process's life
/// (a provider process manages a bounded number of workspaces).
#[derive(Debug, Default)]
pub struct MapLocks {
    locks: Mutex<HashMap<(String, MapKind), MapLock>>,
}

impl MapLocks {
    /// The lock guarding one map.
    pub fn lock_for(&self, workspace: &str, kind: MapKind) -> MapLock {
        // The registry mutex is held only to look up or insert, never across an await, and
        // the map stays consistent even if a holder panicked, so a poisoned lock is usable.
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        locks
            .entry((workspace.to_string(), kind))
            .or_default()
            .clone()
    }
}

/// GETs one map.
pub async fn get_map(
    platform: &Platform,
    workspace: &str,
    kind: MapKind,
) -> Result<SecretMap, Error> {
    let client = platform.client();
    in_workspace(platform, workspace, || async move {
        match kind {
            MapKind::Runner => client.get_runner_secrets(workspace).await,
            MapKind::Integration => client.get_integration_secrets(workspace).await,
        }
    })
    .await
}

async fn put_map(
    platform: &Platform,
    workspace: &str,
    kind: MapKind,
    map: &SecretMap,
) -> Result<(), Error> {
    let client = platform.client();
    in_workspace(platform, workspace, || async move {
        match kind {
            MapKind::Runner => client.put_runner_secrets(workspace, map).await,
            MapKind::Integration => client.put_integration_secrets(workspace, map).await,
        }
    })
    .await
}

/// True when the workspace does not exist or is being deleted. Map endpoints answer 403 (not
/// 404) for a missing workspace, so a failed map call is explained by asking for the workspace.
pub async fn workspace_gone(platform: &Platform, workspace: &str) -> bool {
    crate::resources::workspace_probe::workspace_absent(platform, workspace).await
}

/// The diagnostic for a failed map call: says so when the workspace is missing, since the
/// platform's 403 or 500 would otherwise suggest a permission problem.
pub async fn map_error(
    platform: &Platform,
    action: &str,
    workspace: &str,
    kind: MapKind,
    err: &Error,
) -> Diagnostic {
    // A cluster admin passes the access check for a missing workspace and then fails with 500.
    if matches!(err.status(), Some(403 | 404 | 500)) && workspace_gone(platform, workspace).await {
        return Diagnostic::error(
            format!("Workspace {workspace:?} not found"),
            format!(
                "Unable to {action}: the workspace {workspace:?} does not exist or is being \
                 deleted. Create it first (for example with an acp_workspace resource \
                 referenced through `workspace = acp_workspace.<name>.name`)."
            ),
        );
    }
    let action = format!(
        "{action} ({} secret of workspace {workspace:?})",
        kind.as_str()
    );
    needs_role(platform, workspace, "admin", &action, err).await
}

/// Changes one map under its lock: GET, apply `change`, PUT the whole map. `change` may refuse
/// by returning an error, in which case nothing is written. When `change` leaves the map as it
/// was, nothing is written either. `action` names the operation in error messages.
///
/// A PUT that fails in a way worth repeating is never resent as it was: the whole cycle runs
/// again from a fresh GET, so a key written outside Terraform while we waited to repeat (a 503
/// with `Retry-After`, a conflict answered as 500) is kept. `change` therefore runs once per
/// cycle, each time on the map as the platform holds it then. Two things make the repeat safe:
///
/// - The failed PUT may have been carried out (the answer was lost, or came too late). If the
///   fresh map already shows every key our change set and none it removed, the write landed
///   and is not made again; otherwise a create would find its own key and refuse it as
///   someone else's.
/// - The lock is released while waiting to repeat, so the other writers of the map are not
///   held up by one write's backoff (they are likely to meet the same trouble and wait too).
pub async fn update_map<T>(
    platform: &Platform,
    workspace: &str,
    kind: MapKind,
    action: &str,
    mut change: impl FnMut(&mut SecretMap) -> DiagResult<T>,
) -> DiagResult<T> {
    let lock = platform.map_locks().lock_for(workspace, kind);
    // What the previous cycle read, wrote and returned, while its PUT's fate is unknown.
    let mut unsure: Option<(SecretMap, SecretMap, T)> = None;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let guard = lock.lock().await;
        let current = match get_map(platform, workspace, kind).await {
            Ok(map) => map,
            Err(e) => {
                return Err(map_error(platform, action, workspace, kind, &e)
                    .await
                    .into())
            }
        };
        if let Some((before, written, result)) = unsure.take() {
            if landed(&current, &before, &written) {
                tracing::info!(
                    workspace,
                    map = kind.as_str(),
                    "an earlier write whose answer was lost had been carried out"
                );
                return Ok(result);
            }
        }

        let mut updated = current.clone();
        let result = change(&mut updated)?;
        if updated == current {
            tracing::debug!(
                workspace,
                map = kind.as_str(),
                "secret map unchanged; no write"
            );
            return Ok(result);
        }

        let put = put_map(platform, workspace, kind, &updated).await;
        platform.forget_reads(workspace);
        let error = match put {
            Ok(()) => {
                tracing::debug!(
                    workspace,
                    map = kind.as_str(),
                    keys = updated.len(),
                    "secret map written"
                );
                return Ok(result);
            }
            Err(e) => e,
        };
        let Some(delay) = platform.client().repeat_delay(attempt, &error) else {
            return Err(map_error(platform, action, workspace, kind, &error)
                .await
                .into());
        };
        tracing::warn!(
            workspace,
            map = kind.as_str(),
            attempt,
            delay_ms = delay.as_millis() as u64,
            reason = %error,
            "secret map write failed; reading the map again before repeating it"
        );
        unsure = Some((current, updated, result));
        drop(guard);
        tokio::time::sleep(delay).await;
    }
}

/// True when `now` holds the outcome of writing `written` over `before`: every key the write
/// set or changed has the written value and every key it removed is absent. Keys the write did
/// not touch may differ (someone else may have changed them since).
fn landed(now: &SecretMap, before: &SecretMap, written: &SecretMap) -> bool {
    let set = written
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .all(|(key, value)| now.get(key) == Some(value));
    let removed = before
        .keys()
        .filter(|key| !written.contains_key(*key))
        .all(|key| !now.contains_key(key));
    set && removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use acp_client::{Client, ClientConfig};
    use acp_emulator::{Config, Emulator};

    fn platform_for(emulator: &Emulator) -> Platform {
        let config = ClientConfig::new(
            emulator.url().parse().expect("emulator url"),
            emulator.admin_token().to_string(),
        );
        Platform::new(Client::new(config).expect("client"))
    }

    #[test]
    fn a_write_has_landed_when_its_own_keys_show_it() {
        let map = |pairs: &[(&str, &str)]| -> SecretMap {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let before = map(&[("KEEP", "1"), ("GONE", "x")]);
        let written = map(&[("KEEP", "1"), ("NEW", "v")]);
        assert!(landed(&written, &before, &written));
        // Someone else changed a key our write did not touch: still ours.
        assert!(landed(
            &map(&[("KEEP", "2"), ("NEW", "v")]),
            &before,
            &written
        ));
        assert!(!landed(&before, &before, &written), "nothing landed");
        assert!(
            !landed(&map(&[("KEEP", "1"), ("NEW", "other")]), &before, &written),
            "our key holds someone else's value"
        );
        assert!(
            !landed(
                &map(&[("KEEP", "1"), ("NEW", "v"), ("GONE", "x")]),
                &before,
                &written
            ),
            "the removed key is still there"
        );
    }

    #[test]
    fn locks_are_per_workspace_and_map() {
        let locks = MapLocks::default();
        let a = locks.lock_for("ws", MapKind::Integration);
        assert!(Arc::ptr_eq(&a, &locks.lock_for("ws", MapKind::Integration)));
        assert!(!Arc::ptr_eq(&a, &locks.lock_for("ws", MapKind::Runner)));
        assert!(!Arc::ptr_eq(
            &a,
            &locks.lock_for("other", MapKind::Integration)
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_updates_of_one_map_all_survive() {
        let emulator = Emulator::start(Config::default()).expect("emulator");
        let state = emulator.state();
        assert!(state.create_project("team", None));
        assert!(state.set_integration_secret("team", "SET_IN_UI", "keep"));
        let platform = Arc::new(platform_for(&emulator));

        // Many writers at once, so that without the lock one writer's GET would almost
        // certainly see the map before another writer's PUT and drop its key.
        let writers = (0..24).map(|i| {
            let platform = platform.clone();
            tokio::spawn(async move {
                update_map(&platform, "team", MapKind::Integration, "test", |map| {
                    map.insert(format!("KEY_{i}"), format!("value-{i}"));
                    Ok(())
                })
                .await
            })
        });
        for writer in futures_util::future::join_all(writers).await {
            writer.expect("task").expect("update");
        }

        let map = state.integration_secrets("team");
        for i in 0..24 {
            assert_eq!(
                map.get(&format!("KEY_{i}")).map(String::as_str),
                Some(&*format!("value-{i}"))
            );
        }
        assert_eq!(map.get("SET_IN_UI").map(String::as_str), Some("keep"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_of_one_map_wait_out_a_busy_platform_side_by_side() {
        use acp_emulator::{FaultPlan, FaultRule};

        let emulator = Emulator::start(Config::default()).expect("emulator");
        let state = emulator.state();
        assert!(state.create_project("team", None));
        // Every PUT is turned away with `Retry-After: 1`, so each write waits 1 s four times
        // (the client's default max_retries) and then fails.
        state.set_faults(FaultPlan::new(vec![FaultRule::status_retry_after(503, 1)
            .route("/api/projects/*/integration-secrets")
            .method("PUT")]));
        let platform = Arc::new(platform_for(&emulator));

        let started = std::time::Instant::now();
        let writers = (0..3).map(|i| {
            let platform = platform.clone();
            tokio::spawn(async move {
                update_map(&platform, "team", MapKind::Integration, "test", |map| {
                    map.insert(format!("KEY_{i}"), "v".into());
                    Ok(())
                })
                .await
            })
        });
        for writer in futures_util::future::join_all(writers).await {
            assert!(writer.expect("task").is_err());
        }
        // Holding the lock through each wait would take 3 x 4 s; waiting side by side takes
        // one write's 4 s plus the calls.
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(8),
            "writers waited one after another: {took:?}"
        );
        assert_eq!(
            state.request_counts()["PUT /api/projects/{project}/integration-secrets"],
            15,
            "each writer tried once and repeated four times"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_change_writes_nothing_and_a_missing_workspace_is_named() {
        let emulator = Emulator::start(Config::default()).expect("emulator");
        let state = emulator.state();
        assert!(state.create_project("team", None));
        let platform = platform_for(&emulator);

        let refused: DiagResult<()> =
            update_map(&platform, "team", MapKind::Integration, "test", |map| {
                map.insert("K".into(), "v".into());
                Err(Diagnostic::error("no", "refused").into())
            })
            .await;
        assert!(refused.is_err());
        assert!(state.integration_secrets("team").is_empty());

        let missing = update_map(&platform, "absent", MapKind::Runner, "add a key", |map| {
            map.insert("ANTHROPIC_API_KEY".into(), "v".into());
            Ok(())
        })
        .await
        .expect_err("workspace is missing");
        let d = missing.iter().next().expect("one diagnostic");
        assert_eq!(d.summary, "Workspace \"absent\" not found");
    }
}
