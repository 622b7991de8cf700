//! The emulated cluster's data (projects and everything inside them) and [`SharedState`], the
//! cheap handle that the router and tests share. All access goes through one std mutex that is
//! never held across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::config::Config;
use crate::faults::{FaultPlan, Faults};
use crate::persist;
use crate::stats::Stats;

/// A project role, ordered by power so that `max` picks the strongest binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    View,
    Edit,
    Admin,
}

impl Role {
    /// Parses a role the way the backend does: trimmed and case-insensitive.
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "view" => Some(Role::View),
            "edit" => Some(Role::Edit),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The lowercase wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::View => "view",
            Role::Edit => "edit",
            Role::Admin => "admin",
        }
    }
}

/// Kind of a permission subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectType {
    User,
    Group,
}

impl SubjectType {
    /// Trimmed, case-insensitive `user`/`group`.
    pub fn parse(text: &str) -> Option<SubjectType> {
        match text.trim().to_ascii_lowercase().as_str() {
            "user" => Some(SubjectType::User),
            "group" => Some(SubjectType::Group),
            _ => None,
        }
    }

    /// The lowercase wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectType::User => "user",
            SubjectType::Group => "group",
        }
    }
}

/// One shared role (a RoleBinding labelled `app=ambient-permission` in the real cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Binding {
    pub(crate) subject_type: SubjectType,
    pub(crate) subject_name: String,
    pub(crate) role: Role,
}

impl Binding {
    /// The RoleBinding name; two grants collide when these are equal.
    pub(crate) fn object_name(&self) -> String {
        format!(
            "ambient-permission-{}-{}-{}",
            self.role.as_str(),
            sanitize_name(&self.subject_name),
            self.subject_type.as_str()
        )
    }
}

/// One of the two fixed Secrets of a project. Absent and empty differ here but not on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Secret {
    pub(crate) created_at: i64,
    pub(crate) data: BTreeMap<String, String>,
}

/// An access key: a ServiceAccount plus (maybe) its RoleBinding plus (maybe) its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AccessKey {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    /// `None` when the RoleBinding was never made or already removed.
    pub(crate) role: Option<Role>,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) last_used_at: Option<i64>,
    /// `None` for keys whose token request failed.
    pub(crate) token: Option<String>,
    pub(crate) created_by: String,
}

/// A project (namespace) with everything stored inside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Project {
    pub(crate) name: String,
    /// Creation order, to sort projects created within the same second.
    pub(crate) seq: u64,
    pub(crate) created_at: i64,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) annotations: BTreeMap<String, String>,
    /// Unix milliseconds after which a deleted project is gone.
    pub(crate) terminating_until_ms: Option<i64>,
    /// Subject of the hidden creator admin binding.
    pub(crate) creator: Option<String>,
    /// OpenShift adds SCC annotations shortly after creation; they appear on the next read.
    pub(crate) cluster_metadata_pending: bool,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) runner: Option<Secret>,
    pub(crate) integration: Option<Secret>,
    pub(crate) keys: BTreeMap<String, AccessKey>,
}

impl Project {
    /// A fresh namespace with the labels the backend sets.
    pub(crate) fn new(name: &str, seq: u64, creator: Option<String>) -> Project {
        let labels = [
            ("ambient-code.io/managed", "true"),
            ("app.kubernetes.io/managed-by", "ambient-code"),
            ("kubernetes.io/metadata.name", name),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        Project {
            name: name.to_owned(),
            seq,
            created_at: now_unix(),
            labels,
            annotations: BTreeMap::new(),
            terminating_until_ms: None,
            creator,
            cluster_metadata_pending: false,
            bindings: Vec::new(),
            runner: None,
            integration: None,
            keys: BTreeMap::new(),
        }
    }

    pub(crate) fn is_terminating(&self) -> bool {
        self.terminating_until_ms.is_some()
    }

    /// Adds the annotations an OpenShift cluster attaches after creation, once.
    pub(crate) fn settle_cluster_metadata(&mut self) -> bool {
        if !self.cluster_metadata_pending {
            return false;
        }
        self.cluster_metadata_pending = false;
        let base = 1_000_600_000 + (self.seq % 100) * 10_000;
        let extra = [
            (
                "openshift.io/sa.scc.mcs",
                format!("s0:c{},c5", 26 + self.seq % 20),
            ),
            (
                "openshift.io/sa.scc.supplemental-groups",
                format!("{base}/10000"),
            ),
            ("openshift.io/sa.scc.uid-range", format!("{base}/10000")),
        ];
        for (k, v) in extra {
            self.annotations.insert(k.to_owned(), v);
        }
        true
    }

    pub(crate) fn secret(&self, runner: bool) -> Option<&Secret> {
        if runner {
            self.runner.as_ref()
        } else {
            self.integration.as_ref()
        }
    }

    pub(crate) fn secret_mut(&mut self, runner: bool) -> &mut Option<Secret> {
        if runner {
            &mut self.runner
        } else {
            &mut self.integration
        }
    }
}

/// Everything that is persisted to the state file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Store {
    pub(crate) projects: BTreeMap<String, Project>,
    pub(crate) next_seq: u64,
    /// Set by every change, cleared when the state file is written.
    #[serde(skip)]
    pub(crate) dirty: bool,
}

impl Store {
    /// Drops projects whose terminating period has run out.
    fn purge_terminated(&mut self) {
        let now = now_unix_ms();
        let before = self.projects.len();
        self.projects
            .retain(|_, p| p.terminating_until_ms.is_none_or(|until| until > now));
        if self.projects.len() != before {
            self.dirty = true;
        }
    }
}

struct Inner {
    config: Config,
    store: Mutex<Store>,
    /// Serialises state-file writes so that a newer snapshot never loses to an older one.
    save_lock: Mutex<()>,
    /// Access-review decisions by (token, project), when `config.access_cache` is on.
    access_cache: Mutex<HashMap<(String, String), (bool, Instant)>>,
    /// The armed fault plan.
    faults: Faults,
    /// Request and fault counters.
    stats: Stats,
}

/// Handle to the emulator's state; clones share the same data.
#[derive(Clone)]
pub struct SharedState {
    inner: Arc<Inner>,
}

/// Read-only copy of a project for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectView {
    pub name: String,
    /// As the API would show it (always `""` on vanilla Kubernetes).
    pub display_name: String,
    /// As stored (always `""` on vanilla Kubernetes).
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// `"Active"` or `"Terminating"`.
    pub status: String,
    pub creation_timestamp: String,
    /// Subject of the hidden creator admin binding.
    pub creator: Option<String>,
}

/// Read-only copy of an access key for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub role: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    /// The secret token, if one was issued (tests may use it to act as the key).
    pub token: Option<String>,
}

impl SharedState {
    /// Builds the state, loading the state file if one is configured and present.
    pub fn new(config: Config) -> std::io::Result<SharedState> {
        let store = match &config.state_file {
            Some(path) => persist::load(path)?.unwrap_or_default(),
            None => Store::default(),
        };
        let faults = Faults::new(config.faults.clone());
        Ok(SharedState {
            inner: Arc::new(Inner {
                config,
                store: Mutex::new(store),
                save_lock: Mutex::new(()),
                access_cache: Mutex::new(HashMap::new()),
                faults,
                stats: Stats::default(),
            }),
        })
    }

    pub(crate) fn fault_state(&self) -> &Faults {
        &self.inner.faults
    }

    pub(crate) fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    /// Replaces the fault plan (the one from [`Config::faults`] included) and restarts its
    /// random stream from the plan's seed, or from a fresh one that is logged.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.inner.faults.set(plan);
    }

    /// Stops injecting faults.
    pub fn clear_faults(&self) {
        self.inner.faults.set(FaultPlan::default());
    }

    /// The armed plan: its seed, and each rule's `count` as still left.
    pub fn faults(&self) -> FaultPlan {
        self.inner.faults.current()
    }

    /// Requests served per `"<METHOD> <route pattern>"`, e.g. `"GET /api/projects/{project}"`,
    /// faulted ones included; `/_emulator/...` is not counted.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.inner.stats.requests()
    }

    /// Faults injected per kind: `status_<code>`, `latency`, `close`, `late`,
    /// `process_then_close`.
    pub fn fault_counts(&self) -> BTreeMap<String, u64> {
        self.inner.stats.faults()
    }

    /// All requests counted since start or the last reset.
    pub fn total_requests(&self) -> u64 {
        self.inner.stats.total()
    }

    /// Sets the request and fault counters back to zero.
    pub fn reset_request_counts(&self) {
        self.inner.stats.reset();
    }

    /// The configuration the emulator was started with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Locks the store, recovering from a poisoned lock (a panicking handler cannot leave the
    /// data half-written in a way that matters for an emulator) and dropping expired projects.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        let mut guard = self
            .inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.purge_terminated();
        guard
    }

    /// Runs `change` on the store, marks it dirty and writes the state file.
    fn mutate<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        let result = {
            let mut store = self.store();
            store.dirty = true;
            change(&mut store)
        };
        self.save_if_dirty();
        result
    }

    /// Runs `change` on one project, if it exists.
    fn mutate_project<R>(&self, name: &str, change: impl FnOnce(&mut Project) -> R) -> Option<R> {
        self.mutate(|store| store.projects.get_mut(name).map(change))
    }

    /// Writes the state file if one is configured and something changed since the last write.
    pub(crate) fn save_if_dirty(&self) {
        let Some(path) = &self.inner.config.state_file else {
            return;
        };
        let _writer = self
            .inner
            .save_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let snapshot = {
            let mut store = self.store();
            if !store.dirty {
                return;
            }
            store.dirty = false;
            serde_json::to_vec_pretty(&*store)
        };
        let result = snapshot
            .map_err(std::io::Error::other)
            .and_then(|bytes| persist::write_atomically(path, &bytes));
        if let Err(err) = result {
            tracing::error!(path = %path.display(), error = %err, "failed to write state file");
        }
    }

    /// Looks up (and records) a cached access decision; `fresh` is the decision right now.
    pub(crate) fn access_decision(&self, token: &str, project: &str, fresh: bool) -> bool {
        if !self.inner.config.access_cache {
            return fresh;
        }
        let mut cache = self
            .inner
            .access_cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (token.to_owned(), project.to_owned());
        let now = Instant::now();
        match cache.get(&key) {
            Some((decision, at)) if now.duration_since(*at) < ACCESS_CACHE_TTL => *decision,
            _ => {
                cache.insert(key, (fresh, now));
                fresh
            }
        }
    }

    /// Forgets all cached access decisions, as if 30 s had passed.
    pub fn clear_access_cache(&self) {
        self.inner
            .access_cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// Names of all projects, terminating ones included, alphabetically.
    pub fn project_names(&self) -> Vec<String> {
        self.store().projects.keys().cloned().collect()
    }

    /// `true` when no project exists at all.
    pub fn is_empty(&self) -> bool {
        self.store().projects.is_empty()
    }

    /// A copy of one project as the emulator currently holds it.
    pub fn project(&self, name: &str) -> Option<ProjectView> {
        let openshift = self.inner.config.openshift;
        self.store().projects.get(name).map(|p| ProjectView {
            name: p.name.clone(),
            display_name: if openshift {
                annotation(p, DISPLAY_NAME)
            } else {
                String::new()
            },
            description: annotation(p, DESCRIPTION),
            labels: p.labels.clone(),
            annotations: p.annotations.clone(),
            status: status_of(p).to_owned(),
            creation_timestamp: rfc3339(p.created_at),
            creator: p.creator.clone(),
        })
    }

    /// Creates an active project directly, with `creator` holding the hidden admin binding.
    /// Returns `false` if the name is taken.
    pub fn create_project(&self, name: &str, creator: Option<&str>) -> bool {
        self.mutate(|store| {
            if store.projects.contains_key(name) {
                return false;
            }
            let seq = store.next_seq;
            store.next_seq += 1;
            let project = Project::new(name, seq, creator.map(str::to_owned));
            store.projects.insert(name.to_owned(), project);
            true
        })
    }

    /// Starts deleting a project as `DELETE /api/projects/{name}` does: it reads `Terminating`
    /// for the configured period, then disappears. False when absent or already terminating.
    pub fn start_deleting_project(&self, name: &str) -> bool {
        let period =
            i64::try_from(self.config().terminating_period.as_millis()).unwrap_or(i64::MAX);
        self.mutate_project(name, |p| {
            if p.is_terminating() {
                return false;
            }
            p.terminating_until_ms = Some(now_unix_ms().saturating_add(period));
            true
        })
        .unwrap_or(false)
    }

    /// Removes a project and everything in it at once, without a terminating period.
    pub fn remove_project_now(&self, name: &str) -> bool {
        self.mutate(|store| store.projects.remove(name).is_some())
    }

    /// Sets the OpenShift display-name annotation (visible through the API only in OpenShift
    /// mode, exactly like on a real vanilla cluster).
    pub fn set_display_name(&self, name: &str, value: &str) -> bool {
        self.set_annotation(name, DISPLAY_NAME, value)
    }

    /// Sets the OpenShift description annotation.
    pub fn set_description(&self, name: &str, value: &str) -> bool {
        self.set_annotation(name, DESCRIPTION, value)
    }

    /// Sets any namespace annotation, as another cluster actor might.
    pub fn set_annotation(&self, name: &str, key: &str, value: &str) -> bool {
        self.mutate_project(name, |p| {
            p.annotations.insert(key.to_owned(), value.to_owned());
        })
        .is_some()
    }

    /// Sets any namespace label, as another cluster actor might.
    pub fn set_label(&self, name: &str, key: &str, value: &str) -> bool {
        self.mutate_project(name, |p| {
            p.labels.insert(key.to_owned(), value.to_owned());
        })
        .is_some()
    }

    /// Listed permissions as `(subject_type, subject_name, role)`, in API list order; the
    /// hidden creator binding is not included.
    pub fn permissions(&self, project: &str) -> Vec<(String, String, String)> {
        let store = self.store();
        let Some(p) = store.projects.get(project) else {
            return Vec::new();
        };
        sorted_bindings(p)
            .into_iter()
            .map(|b| {
                (
                    b.subject_type.as_str().to_owned(),
                    b.subject_name.clone(),
                    b.role.as_str().to_owned(),
                )
            })
            .collect()
    }

    /// Adds a permission binding, bypassing all checks except the sanitised-name collision.
    /// Returns `false` if the project or a parse failed, or the binding exists already.
    pub fn grant(&self, project: &str, subject_type: &str, subject_name: &str, role: &str) -> bool {
        let (Some(subject_type), Some(role)) =
            (SubjectType::parse(subject_type), Role::parse(role))
        else {
            return false;
        };
        let binding = Binding {
            subject_type,
            subject_name: subject_name.to_owned(),
            role,
        };
        self.mutate_project(project, |p| insert_binding(p, binding))
            .unwrap_or(false)
    }

    /// Removes every role of a subject (exact name); returns how many bindings went.
    pub fn revoke_subject(&self, project: &str, subject_type: &str, subject_name: &str) -> usize {
        let Some(subject_type) = SubjectType::parse(subject_type) else {
            return 0;
        };
        self.mutate_project(project, |p| remove_subject(p, subject_type, subject_name))
            .unwrap_or(0)
    }

    /// The runner secret map (empty when absent).
    pub fn runner_secrets(&self, project: &str) -> BTreeMap<String, String> {
        self.secret_map(project, true)
    }

    /// The integration secret map (empty when absent).
    pub fn integration_secrets(&self, project: &str) -> BTreeMap<String, String> {
        self.secret_map(project, false)
    }

    fn secret_map(&self, project: &str, runner: bool) -> BTreeMap<String, String> {
        let store = self.store();
        store
            .projects
            .get(project)
            .and_then(|p| p.secret(runner))
            .map(|s| s.data.clone())
            .unwrap_or_default()
    }

    /// Sets one key of the integration secret, creating the secret if needed.
    pub fn set_integration_secret(&self, project: &str, key: &str, value: &str) -> bool {
        self.set_secret_key(project, false, key, Some(value))
    }

    /// Removes one key of the integration secret.
    pub fn remove_integration_secret(&self, project: &str, key: &str) -> bool {
        self.set_secret_key(project, false, key, None)
    }

    /// Sets one key of the runner secret (no whitelist check), creating the secret if needed.
    pub fn set_runner_secret(&self, project: &str, key: &str, value: &str) -> bool {
        self.set_secret_key(project, true, key, Some(value))
    }

    /// Removes one key of the runner secret.
    pub fn remove_runner_secret(&self, project: &str, key: &str) -> bool {
        self.set_secret_key(project, true, key, None)
    }

    fn set_secret_key(&self, project: &str, runner: bool, key: &str, value: Option<&str>) -> bool {
        self.mutate_project(project, |p| {
            let secret = p.secret_mut(runner).get_or_insert_with(|| Secret {
                created_at: now_unix(),
                data: BTreeMap::new(),
            });
            match value {
                Some(v) => secret.data.insert(key.to_owned(), v.to_owned()),
                None => secret.data.remove(key),
            };
        })
        .is_some()
    }

    /// All access keys of a project, by id.
    pub fn keys(&self, project: &str) -> Vec<KeyView> {
        let store = self.store();
        let Some(p) = store.projects.get(project) else {
            return Vec::new();
        };
        p.keys
            .values()
            .map(|k| KeyView {
                id: k.id.clone(),
                name: k.name.clone(),
                description: k.description.clone(),
                role: k.role.map(|r| r.as_str().to_owned()),
                created_at: rfc3339(k.created_at),
                expires_at: rfc3339(k.expires_at),
                last_used_at: k.last_used_at.map(rfc3339),
                token: k.token.clone(),
            })
            .collect()
    }

    /// Deletes an access key; its token stops working at once.
    pub fn revoke_key(&self, project: &str, id: &str) -> bool {
        self.mutate_project(project, |p| p.keys.remove(id).is_some())
            .unwrap_or(false)
    }

    /// Moves a key's expiry to the past, so it is still listed but no longer authenticates.
    pub fn expire_key(&self, project: &str, id: &str) -> bool {
        self.mutate_project(project, |p| match p.keys.get_mut(id) {
            Some(key) => {
                key.expires_at = now_unix() - 1;
                true
            }
            None => false,
        })
        .unwrap_or(false)
    }

    /// Marks the store as changed (for handlers, which then rely on the save layer).
    pub(crate) fn touch(store: &mut Store) {
        store.dirty = true;
    }
}

/// How long an access-review decision is reused.
const ACCESS_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(30);

pub(crate) const DISPLAY_NAME: &str = "openshift.io/display-name";
pub(crate) const DESCRIPTION: &str = "openshift.io/description";
pub(crate) const REQUESTER: &str = "openshift.io/requester";

fn annotation(p: &Project, key: &str) -> String {
    p.annotations.get(key).cloned().unwrap_or_default()
}

/// `"Active"` or `"Terminating"`.
pub(crate) fn status_of(p: &Project) -> &'static str {
    if p.is_terminating() {
        "Terminating"
    } else {
        "Active"
    }
}

/// Bindings in Kubernetes list order (by RoleBinding name).
pub(crate) fn sorted_bindings(p: &Project) -> Vec<&Binding> {
    let mut bindings: Vec<&Binding> = p.bindings.iter().collect();
    bindings.sort_by_key(|b| b.object_name());
    bindings
}

/// Adds a binding unless one with the same RoleBinding name exists.
pub(crate) fn insert_binding(p: &mut Project, binding: Binding) -> bool {
    let name = binding.object_name();
    if p.bindings.iter().any(|b| b.object_name() == name) {
        return false;
    }
    p.bindings.push(binding);
    true
}

/// Removes all bindings of a subject (exact, case-sensitive name).
pub(crate) fn remove_subject(p: &mut Project, kind: SubjectType, name: &str) -> usize {
    let before = p.bindings.len();
    p.bindings
        .retain(|b| !(b.subject_type == kind && b.subject_name == name));
    before - p.bindings.len()
}

/// The backend's name sanitiser: lowercase, every run outside `[a-z0-9]` becomes one `-`,
/// trimmed of `-`, cut to 63 characters, `"group"` if nothing is left.
pub fn sanitize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let mut out = out.trim_matches('-').to_owned();
    out.truncate(63);
    if out.is_empty() {
        "group".to_owned()
    } else {
        out
    }
}

/// Current Unix time in seconds.
pub(crate) fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Current Unix time in milliseconds.
pub(crate) fn now_unix_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// RFC 3339 in UTC with `Z` and second precision, as Kubernetes prints timestamps.
pub(crate) fn rfc3339(unix: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}
