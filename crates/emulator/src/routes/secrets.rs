//! The two fixed per-project Secrets (runner and integration), each read and replaced as a
//! whole map, plus the `/secrets` names list. Also the shared read-modify-write helper used by
//! the storage view.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::{required, JsonBody, ProjectCaller};
use crate::auth::Caller;
use crate::error::{json, ApiError, ApiResult, Message};
use crate::state::{now_unix, rfc3339, Role, Secret, SharedState};

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/api/projects/{project}/runner-secrets",
            get(runner_secrets_get).put(runner_secrets_put),
        )
        .route(
            "/api/projects/{project}/integration-secrets",
            get(integration_secrets_get).put(integration_secrets_put),
        )
        .route("/api/projects/{project}/secrets", get(secrets_list))
}

/// Which of the two Secrets, with its messages and rights.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Runner,
    Integration,
}

impl Kind {
    fn is_runner(self) -> bool {
        matches!(self, Kind::Runner)
    }

    fn read_error(self) -> ApiError {
        ApiError::Internal(match self {
            Kind::Runner => "Failed to read runner secrets",
            Kind::Integration => "Failed to read integration secrets",
        })
    }

    fn create_error(self) -> ApiError {
        ApiError::Internal(match self {
            Kind::Runner => "Failed to create runner secrets",
            Kind::Integration => "Failed to create integration secrets",
        })
    }

    fn update_error(self) -> ApiError {
        ApiError::Internal(match self {
            Kind::Runner => "Failed to update runner secrets",
            Kind::Integration => "Failed to update integration secrets",
        })
    }

    fn updated(self) -> &'static str {
        match self {
            Kind::Runner => "runner secrets updated",
            Kind::Integration => "integration secrets updated",
        }
    }

    /// The edit role may `get` the runner secret only; admin may read both.
    fn readable_by(self, caller: &Caller) -> bool {
        caller.has(match self {
            Kind::Runner => Role::Edit,
            Kind::Integration => Role::Admin,
        })
    }
}

/// Runner keys the backend accepts, and its error text printed like a Go `map[string]bool`.
const RUNNER_KEYS: [&str; 3] = ["ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"];
const RUNNER_KEYS_GO_MAP: &str =
    "map[ANTHROPIC_API_KEY:true GEMINI_API_KEY:true GOOGLE_API_KEY:true]";

/// Largest Secret Kubernetes stores.
const MAX_SECRET_BYTES: usize = 1024 * 1024;

#[derive(Serialize)]
struct SecretData<'a> {
    data: &'a BTreeMap<String, String>,
}

/// Reads a map, answering like the backend when the caller may not.
pub(super) fn read_map(
    state: &SharedState,
    caller: &Caller,
    kind: Kind,
) -> Result<BTreeMap<String, String>, ApiError> {
    if !kind.readable_by(caller) {
        return Err(kind.read_error());
    }
    let store = state.store();
    Ok(store
        .projects
        .get(&caller.project)
        .and_then(|p| p.secret(kind.is_runner()))
        .map(|s| s.data.clone())
        .unwrap_or_default())
}

/// Replaces a whole map: read, then update (admin only) or create (edit may create).
pub(super) fn write_map(
    state: &SharedState,
    caller: &Caller,
    kind: Kind,
    data: BTreeMap<String, String>,
) -> Result<(), ApiError> {
    modify_map(state, caller, kind, |_| data)
}

/// Read-modify-write of a map under one lock, so that the storage view and concurrent
/// whole-map writers never interleave between the read and the write.
pub(super) fn modify_map(
    state: &SharedState,
    caller: &Caller,
    kind: Kind,
    change: impl FnOnce(BTreeMap<String, String>) -> BTreeMap<String, String>,
) -> Result<(), ApiError> {
    if !kind.readable_by(caller) {
        return Err(kind.read_error());
    }
    let mut store = state.store();
    let project = store.projects.get_mut(&caller.project);
    let current = project
        .as_ref()
        .and_then(|p| p.secret(kind.is_runner()))
        .map(|s| s.data.clone())
        .unwrap_or_default();
    let data = change(current);
    let exists = project
        .as_ref()
        .is_some_and(|p| p.secret(kind.is_runner()).is_some());
    let failure = if exists {
        kind.update_error()
    } else {
        kind.create_error()
    };
    if exists && !caller.has(Role::Admin) {
        return Err(failure);
    }
    if !valid_secret_data(&data) {
        return Err(failure);
    }
    let Some(project) = project else {
        return Err(failure);
    };
    // A terminating namespace refuses new objects but still lets existing ones change.
    if !exists && project.is_terminating() {
        return Err(failure);
    }
    let slot = project.secret_mut(kind.is_runner());
    let created_at = slot.as_ref().map_or_else(now_unix, |s| s.created_at);
    *slot = Some(Secret { created_at, data });
    crate::state::SharedState::touch(&mut store);
    Ok(())
}

/// What the Kubernetes API accepts as Secret keys and size.
fn valid_secret_data(data: &BTreeMap<String, String>) -> bool {
    let key_ok = |k: &str| {
        !k.is_empty()
            && k.len() <= 253
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
            // Kubernetes also refuses "." and names starting with "..".
            && k != "."
            && !k.starts_with("..")
    };
    let size: usize = data.iter().map(|(k, v)| k.len() + v.len()).sum();
    data.keys().all(|k| key_ok(k)) && size <= MAX_SECRET_BYTES
}

#[derive(Deserialize)]
struct PutRequest {
    data: Option<BTreeMap<String, String>>,
}

fn secrets_get(state: &SharedState, caller: &Caller, kind: Kind) -> ApiResult {
    let data = read_map(state, caller, kind)?;
    Ok(json(StatusCode::OK, &SecretData { data: &data }))
}

fn secrets_put(state: &SharedState, caller: &Caller, kind: Kind, body: PutRequest) -> ApiResult {
    let data = body.data.ok_or_else(|| required("Data"))?;
    if kind.is_runner() {
        // Several bad keys: the backend reports an arbitrary one; we report the first.
        if let Some(bad) = data.keys().find(|k| !RUNNER_KEYS.contains(&k.as_str())) {
            return Err(ApiError::bad_request(format!(
                "Invalid key '{bad}' for ambient-runner-secrets. Allowed keys: {RUNNER_KEYS_GO_MAP}"
            )));
        }
    }
    write_map(state, caller, kind, data)?;
    Ok(json(
        StatusCode::OK,
        &Message {
            message: kind.updated(),
        },
    ))
}

async fn runner_secrets_get(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    secrets_get(&state, &caller, Kind::Runner)
}

async fn runner_secrets_put(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    JsonBody(body): JsonBody<PutRequest>,
) -> ApiResult {
    secrets_put(&state, &caller, Kind::Runner, body)
}

async fn integration_secrets_get(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    secrets_get(&state, &caller, Kind::Integration)
}

async fn integration_secrets_put(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    JsonBody(body): JsonBody<PutRequest>,
) -> ApiResult {
    secrets_put(&state, &caller, Kind::Integration, body)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretName {
    name: &'static str,
    created_at: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SecretNames {
    items: Vec<SecretName>,
}

async fn secrets_list(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    // Listing Secrets needs `list secrets`, which only the admin role has.
    if !caller.has(Role::Admin) {
        return Err(ApiError::Internal("Failed to list secrets"));
    }
    let store = state.store();
    let mut items = Vec::new();
    if let Some(p) = store.projects.get(&caller.project) {
        // Kubernetes list order is alphabetical by name.
        let named = [
            ("ambient-non-vertex-integrations", &p.integration),
            ("ambient-runner-secrets", &p.runner),
        ];
        for (name, secret) in named {
            if let Some(secret) = secret {
                items.push(SecretName {
                    name,
                    created_at: rfc3339(secret.created_at),
                    kind: "Opaque",
                });
            }
        }
    }
    Ok(json(StatusCode::OK, &SecretNames { items }))
}
