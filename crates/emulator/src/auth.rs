//! Who is calling: token extraction from headers and `?token=`, the identities behind tokens
//! (cluster admin, configured users, API keys), their role in a project, and the
//! project-context middleware that guards every `/api/projects/{p}/...` sub-route.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::collections::HashMap;

use crate::error::ApiError;
use crate::state::{now_unix, Project, Role, SharedState, Store, SubjectType};

/// The authenticated party behind a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    /// The configured admin token: admin in every project, existing or not.
    ClusterAdmin,
    /// A configured user token or an API key (a ServiceAccount).
    Subject {
        username: String,
        groups: Vec<String>,
        /// For API keys: the key's project, id and the user who created it.
        key: Option<KeyRef>,
    },
    /// A token the cluster does not know (or an expired or revoked key).
    Unknown,
}

/// Which access key a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyRef {
    pub(crate) project: String,
    pub(crate) id: String,
    pub(crate) created_by: String,
}

/// What the project-context middleware hands to sub-route handlers.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) identity: Identity,
    /// The caller's current role in the project (`None` when only a cached decision let
    /// them through).
    pub(crate) role: Option<Role>,
    pub(crate) project: String,
}

/// The bearer token of a request: `X-Forwarded-Access-Token` first, then `Authorization`
/// (scheme `Bearer` in any case, or a raw token), then `?token=` when allowed.
pub(crate) fn request_token(headers: &HeaderMap, uri: &Uri, allow_query: bool) -> Option<String> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(token) = header("x-forwarded-access-token") {
        return Some(token.to_owned());
    }
    if let Some(value) = header("authorization") {
        let token = match value.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ => value,
        };
        return (!token.is_empty()).then(|| token.to_owned());
    }
    if !allow_query {
        return None;
    }
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(uri).ok()?;
    query.get("token").filter(|t| !t.is_empty()).cloned()
}

/// Resolves a token. API-key use is recorded in the key's `lastUsedAt`.
pub(crate) fn identify(state: &SharedState, token: &str) -> Identity {
    let config = state.config();
    if token == config.admin_token {
        return Identity::ClusterAdmin;
    }
    if let Some(user) = config.users.iter().find(|u| u.token == token) {
        return Identity::Subject {
            username: user.username.clone(),
            groups: user.groups.clone(),
            key: None,
        };
    }
    let mut store = state.store();
    identify_key(&mut store, token)
}

fn identify_key(store: &mut Store, token: &str) -> Identity {
    let Some(sub) = token_subject(token) else {
        return Identity::Unknown;
    };
    // sub = system:serviceaccount:<project>:<id>
    let mut parts = sub.splitn(4, ':');
    let (Some("system"), Some("serviceaccount"), Some(project), Some(id)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Identity::Unknown;
    };
    let now = now_unix();
    let Some(key) = store
        .projects
        .get_mut(project)
        .and_then(|p| p.keys.get_mut(id))
        .filter(|k| k.token.as_deref() == Some(token) && k.expires_at > now)
    else {
        return Identity::Unknown;
    };
    key.last_used_at = Some(now);
    let created_by = key.created_by.clone();
    SharedState::touch(store);
    Identity::Subject {
        username: sub.to_owned(),
        groups: vec![
            "system:serviceaccounts".to_owned(),
            format!("system:serviceaccounts:{project}"),
        ],
        key: Some(KeyRef {
            project: project.to_owned(),
            id: id.to_owned(),
            created_by,
        }),
    }
}

/// The `sub` claim of a JWT-shaped token, read without checking the signature (as the
/// backend's last-used tracker does).
fn token_subject(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

/// The strongest role `identity` holds in `project` (`None` if the project does not exist,
/// except for the cluster admin).
pub(crate) fn role_in(store: &Store, identity: &Identity, project: &str) -> Option<Role> {
    match identity {
        Identity::ClusterAdmin => Some(Role::Admin),
        Identity::Unknown => None,
        Identity::Subject {
            username,
            groups,
            key,
        } => {
            let p = store.projects.get(project)?;
            let key_role = key
                .as_ref()
                .filter(|k| k.project == project)
                .and_then(|k| p.keys.get(&k.id))
                .and_then(|k| k.role);
            key_role.max(subject_role(p, username, groups))
        }
    }
}

/// Role from permission bindings and the hidden creator binding.
fn subject_role(p: &Project, username: &str, groups: &[String]) -> Option<Role> {
    let creator = (p.creator.as_deref() == Some(username)).then_some(Role::Admin);
    let in_group = |name: &str| name == "system:authenticated" || groups.iter().any(|g| g == name);
    let granted = p
        .bindings
        .iter()
        .filter(|b| match b.subject_type {
            SubjectType::User => b.subject_name == username,
            SubjectType::Group => in_group(&b.subject_name),
        })
        .map(|b| b.role)
        .max();
    creator.max(granted)
}

/// Kubernetes DNS-1123 label: what a namespace name must look like.
pub(crate) fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    let ok = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| ok(b) || *b == b'-')
        && bytes.first().is_some_and(ok)
        && bytes.last().is_some_and(ok)
}

/// Checks, in the backend's order, every request to `/api/projects/{p}/...`: token present
/// (401), project name well-formed (400), token valid (401), access allowed (403).
pub(crate) async fn project_context(
    State(state): State<SharedState>,
    mut request: Request,
    next: Next,
) -> Response {
    match check_project_access(&state, &request) {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) => err.into_response(),
    }
}

fn check_project_access(state: &SharedState, request: &Request) -> Result<Caller, ApiError> {
    let token = request_token(request.headers(), request.uri(), true)
        .ok_or(ApiError::Unauthorized("User token required"))?;
    // The route only matches /api/projects/{p}/..., so the fourth segment is the project.
    let project = request.uri().path().split('/').nth(3).unwrap_or_default();
    if !is_dns_label(project) {
        return Err(ApiError::bad_request("Invalid project name format"));
    }
    let identity = identify(state, &token);
    if identity == Identity::Unknown {
        return Err(ApiError::Unauthorized("Token expired or invalid"));
    }
    let role = role_in(&state.store(), &identity, project);
    if !state.access_decision(&token, project, role.is_some()) {
        return Err(ApiError::Forbidden("Unauthorized to access project"));
    }
    Ok(Caller {
        identity,
        role,
        project: project.to_owned(),
    })
}

/// Token and identity for the top-level project routes, whose missing-token answer differs.
pub(crate) fn top_level_caller(
    state: &SharedState,
    headers: &HeaderMap,
) -> Result<Identity, ApiError> {
    let token = request_token(headers, &Uri::from_static("/"), false)
        .ok_or(ApiError::Unauthorized("Invalid or missing token"))?;
    Ok(identify(state, &token))
}

/// First non-empty value of a header.
pub(crate) fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}
