//! Project access keys: list, create (ServiceAccount, RoleBinding, token — without rollback
//! between the steps, as in the backend) and idempotent delete.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::{required, ApiPath, JsonBody, ProjectCaller};
use crate::auth::{header_value, Identity};
use crate::error::{json, no_content, ApiError, ApiResult};
use crate::state::{now_unix, rfc3339, sanitize_name, AccessKey, Role, SharedState};

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/api/projects/{project}/keys",
            get(keys_list).post(keys_create),
        )
        .route("/api/projects/{project}/keys/{key_id}", delete(keys_delete))
}

/// Longest lifetime the backend accepts (one year).
const MAX_EXPIRATION: i64 = 31_536_000;
/// Shortest token lifetime Kubernetes issues (ten minutes).
const MIN_TOKEN_SECONDS: i64 = 600;

/// A list item: a struct in the backend, so declaration order is kept.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyInfo {
    id: String,
    name: String,
    created_at: String,
    last_used_at: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
}

#[derive(Serialize)]
struct KeyList {
    items: Vec<KeyInfo>,
}

async fn keys_list(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    if !caller.has(Role::Edit) {
        return Err(ApiError::Internal("Failed to list access keys"));
    }
    let store = state.store();
    let items = store
        .projects
        .get(&caller.project)
        .map(|p| {
            p.keys
                .values()
                .map(|k| KeyInfo {
                    id: k.id.clone(),
                    name: k.name.clone(),
                    created_at: rfc3339(k.created_at),
                    last_used_at: k.last_used_at.map(rfc3339).unwrap_or_default(),
                    description: k.description.clone(),
                    role: k.role.map(Role::as_str),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(json(StatusCode::OK, &KeyList { items }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateKey {
    name: Option<String>,
    description: Option<String>,
    role: Option<String>,
    expiration_seconds: Option<i64>,
}

/// The create answer (a map in the backend: alphabetical fields).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedKey {
    description: String,
    id: String,
    key: String,
    last_used_at: String,
    name: String,
    role: &'static str,
}

async fn keys_create(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CreateKey>,
) -> ApiResult {
    let name = body
        .name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| required("CreateKeyRequest.Name"))?;
    let role = match body.role.as_deref() {
        None | Some("") => Role::Edit,
        Some(text) => Role::parse(text)
            .ok_or_else(|| ApiError::bad_request("role must be one of: admin, edit, view"))?,
    };
    let created_by = header_value(&headers, "x-forwarded-user")
        .or_else(|| match &caller.identity {
            Identity::Subject { key: Some(k), .. } => Some(k.created_by.clone()),
            _ => None,
        })
        .ok_or_else(|| ApiError::bad_request("User identity required to create access keys"))?;
    let seconds = body.expiration_seconds.unwrap_or(0);
    if seconds <= 0 {
        return Err(ApiError::bad_request(
            "expirationSeconds is required and must be greater than 0",
        ));
    }
    if seconds > MAX_EXPIRATION {
        return Err(ApiError::bad_request(
            "expirationSeconds must not exceed 31536000 (1 year)",
        ));
    }

    // Step 1: the ServiceAccount (view callers and dying namespaces fail here).
    let service_account_error = ApiError::Internal("Failed to create service account");
    if !caller.has(Role::Edit) {
        return Err(service_account_error);
    }
    let mut store = state.store();
    let Some(project) = store
        .projects
        .get_mut(&caller.project)
        .filter(|p| !p.is_terminating())
    else {
        return Err(service_account_error);
    };
    let id = format!("ambient-key-{}-{}", sanitize_name(&name), random_hex()?);
    let now = now_unix();
    let description = body.description.unwrap_or_default();
    project.keys.insert(
        id.clone(),
        AccessKey {
            id: id.clone(),
            name: name.clone(),
            description: description.clone(),
            role: None,
            created_at: now,
            expires_at: now + seconds,
            last_used_at: None,
            token: None,
            created_by,
        },
    );
    SharedState::touch(&mut store);
    let Some(key) = store
        .projects
        .get_mut(&caller.project)
        .and_then(|p| p.keys.get_mut(&id))
    else {
        return Err(service_account_error);
    };

    // Step 2: the RoleBinding, subject to the escalation rule (edit may bind only edit).
    if !(caller.has(Role::Admin) || role == Role::Edit) {
        return Err(ApiError::Internal("Failed to bind service account"));
    }
    key.role = Some(role);

    // Step 3: the token; Kubernetes refuses lifetimes under ten minutes.
    if seconds < MIN_TOKEN_SECONDS {
        return Err(ApiError::Internal("Failed to generate access token"));
    }
    let token = mint_token(&caller.project, &id, now, now + seconds)?;
    key.token = Some(token.clone());
    Ok(json(
        StatusCode::CREATED,
        &CreatedKey {
            description,
            id,
            key: token,
            last_used_at: String::new(),
            name,
            role: role.as_str(),
        },
    ))
}

async fn keys_delete(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    ApiPath((_, key_id)): ApiPath<(String, String)>,
) -> ApiResult {
    let failure = ApiError::Internal("Failed to delete access key");
    let mut store = state.store();
    let project = store.projects.get_mut(&caller.project);
    match caller.role {
        Some(Role::Admin) => {
            if let Some(p) = project {
                p.keys.remove(&key_id);
            }
            SharedState::touch(&mut store);
            Ok(no_content())
        }
        Some(Role::Edit) => {
            // Edit may delete the key's RoleBindings but not the ServiceAccount itself.
            if let Some(key) = project.and_then(|p| p.keys.get_mut(&key_id)) {
                key.role = None;
            }
            SharedState::touch(&mut store);
            Err(failure)
        }
        _ => Err(failure),
    }
}

/// Eight lowercase hex characters from the OS random source.
fn random_hex() -> Result<String, ApiError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)
        .map_err(|_| ApiError::Internal("Failed to create service account"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: [&'a str; 1],
    exp: i64,
    iat: i64,
    iss: &'a str,
    sub: String,
}

/// A ServiceAccount-style JWT: real header and claims, random bytes as signature (nothing in
/// the platform verifies it without the cluster).
fn mint_token(project: &str, id: &str, iat: i64, exp: i64) -> Result<String, ApiError> {
    let failure = || ApiError::Internal("Failed to generate access token");
    let issuer = "https://kubernetes.default.svc";
    let header = br#"{"alg":"RS256","kid":"acp-emulator"}"#;
    let claims = Claims {
        aud: [issuer],
        exp,
        iat,
        iss: issuer,
        sub: format!("system:serviceaccount:{project}:{id}"),
    };
    let claims = serde_json::to_vec(&claims).map_err(|_| failure())?;
    let mut signature = [0u8; 32];
    getrandom::fill(&mut signature).map_err(|_| failure())?;
    Ok(format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode(signature)
    ))
}
