//! Projects (namespaces): list with pagination, create, get, update display metadata, delete
//! with a terminating period.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::{required, ApiPath, JsonBody};
use crate::auth::{header_value, role_in, top_level_caller, Identity};
use crate::error::{json, no_content, ApiError, ApiResult};
use crate::state::{
    now_unix_ms, rfc3339, status_of, Project, Role, SharedState, DESCRIPTION, DISPLAY_NAME,
    REQUESTER,
};

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/projects", get(projects_list).post(projects_create))
        .route(
            "/api/projects/{project}",
            get(projects_get)
                .put(projects_update)
                .delete(projects_delete),
        )
}

/// `types.AmbientProject`: a struct in the backend, so declaration order is kept.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectJson {
    name: String,
    display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    labels: BTreeMap<String, String>,
    annotations: Option<BTreeMap<String, String>>,
    creation_timestamp: String,
    status: &'static str,
    is_open_shift: bool,
}

fn project_json(p: &Project, openshift: bool) -> ProjectJson {
    let annotation = |key: &str| p.annotations.get(key).cloned().unwrap_or_default();
    ProjectJson {
        name: p.name.clone(),
        display_name: if openshift {
            annotation(DISPLAY_NAME)
        } else {
            String::new()
        },
        description: if openshift {
            annotation(DESCRIPTION)
        } else {
            String::new()
        },
        labels: p.labels.clone(),
        // A namespace without annotations serialises as null, not {}.
        annotations: (!p.annotations.is_empty()).then(|| p.annotations.clone()),
        creation_timestamp: rfc3339(p.created_at),
        status: status_of(p),
        is_open_shift: openshift,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectList {
    items: Vec<ProjectJson>,
    total_count: usize,
    limit: usize,
    offset: usize,
    has_more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_offset: Option<usize>,
}

/// Parses `limit`/`offset` as the backend does: ≤0 limit → 20, capped at 100, negative
/// offset → 0, non-integers rejected.
fn pagination(query: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let invalid = || ApiError::bad_request("Invalid pagination parameters");
    let number = |key: &str, default: i64| match query.get(key) {
        None => Ok(default),
        Some(v) => v.trim().parse::<i64>().map_err(|_| invalid()),
    };
    let limit = match number("limit", 20)? {
        l if l <= 0 => 20,
        l => l.min(100),
    };
    let offset = number("offset", 0)?.max(0);
    let to_usize = |n: i64| usize::try_from(n).map_err(|_| invalid());
    Ok((to_usize(limit)?, to_usize(offset)?))
}

async fn projects_list(
    State(state): State<SharedState>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult {
    let identity = top_level_caller(&state, &headers)?;
    let Query(query) = query.map_err(|_| ApiError::bad_request("Invalid pagination parameters"))?;
    let (limit, offset) = pagination(&query)?;
    let search = query
        .get("search")
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    let openshift = state.config().openshift;

    let mut store = state.store();
    let mut visible: Vec<String> = store
        .projects
        .keys()
        .filter(|name| role_in(&store, &identity, name).is_some())
        .cloned()
        .collect();
    visible.retain(|name| {
        let Some(p) = store.projects.get(name) else {
            return false;
        };
        let display = p.annotations.get(DISPLAY_NAME).map(|d| d.to_lowercase());
        search.is_empty()
            || name.to_lowercase().contains(&search)
            || (openshift && display.is_some_and(|d| d.contains(&search)))
    });
    let mut changed = false;
    let mut projects: Vec<&Project> = Vec::new();
    for name in &visible {
        if let Some(p) = store.projects.get_mut(name) {
            changed |= p.settle_cluster_metadata();
        }
    }
    if changed {
        SharedState::touch(&mut store);
    }
    projects.extend(visible.iter().filter_map(|n| store.projects.get(n)));
    // Newest first; within one second the later-created project comes first.
    projects.sort_by_key(|p| std::cmp::Reverse((p.created_at, p.seq)));

    let total = projects.len();
    let items: Vec<ProjectJson> = projects
        .iter()
        .skip(offset)
        .take(limit)
        .map(|p| project_json(p, openshift))
        .collect();
    let has_more = offset + items.len() < total;
    let body = ProjectList {
        total_count: total,
        limit,
        offset,
        has_more,
        next_offset: has_more.then_some(offset + items.len()),
        items,
    };
    Ok(json(StatusCode::OK, &body))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateProject {
    name: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
}

const RESERVED: [&str; 7] = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "openshift",
    "openshift-infra",
    "openshift-node",
];

fn validate_new_name(name: &str) -> Result<(), ApiError> {
    if name.len() > 63 {
        return Err(ApiError::bad_request(
            "project name must be 63 characters or less",
        ));
    }
    if !crate::auth::is_dns_label(name) {
        return Err(ApiError::bad_request(
            "project name must be lowercase alphanumeric with hyphens (cannot start or end with hyphen)",
        ));
    }
    if RESERVED.contains(&name) {
        return Err(ApiError::bad_request(format!(
            "project name '{name}' is reserved and cannot be used"
        )));
    }
    Ok(())
}

/// The subject that gets the creator admin binding (§1.2 precedence).
fn creator_subject(headers: &HeaderMap, identity: &Identity) -> Option<String> {
    let remote_sa = header_value(headers, "x-remote-user")
        .filter(|u| u.starts_with("system:serviceaccount:") && u.split(':').count() == 4);
    remote_sa
        .or_else(|| header_value(headers, "x-forwarded-preferred-username"))
        .or_else(|| header_value(headers, "x-forwarded-user"))
        .or_else(|| header_value(headers, "x-forwarded-email"))
        .or_else(|| match identity {
            Identity::Subject { key: Some(k), .. } => Some(k.created_by.clone()),
            _ => None,
        })
}

async fn projects_create(
    State(state): State<SharedState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CreateProject>,
) -> ApiResult {
    // Namespaces are created with the backend's own account: any token builds a client, so
    // even an unknown token may create a project (legacy mode).
    let identity = top_level_caller(&state, &headers)?;
    let name = body
        .name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| required("CreateProjectRequest.Name"))?;
    validate_new_name(&name)?;
    let subject =
        creator_subject(&headers, &identity).ok_or(ApiError::Unauthorized("Invalid token"))?;
    let openshift = state.config().openshift;
    let description = body.description.unwrap_or_default();

    let mut store = state.store();
    if store.projects.contains_key(&name) {
        return Err(ApiError::Conflict("Project already exists"));
    }
    let seq = store.next_seq;
    store.next_seq += 1;
    let mut project = Project::new(&name, seq, Some(subject.clone()));
    if openshift {
        let display = body
            .display_name
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| name.clone());
        project.annotations.insert(DISPLAY_NAME.to_owned(), display);
        if !description.is_empty() {
            project
                .annotations
                .insert(DESCRIPTION.to_owned(), description.clone());
        }
        project.annotations.insert(REQUESTER.to_owned(), subject);
        project.cluster_metadata_pending = true;
    }
    let mut reply = project_json(&project, openshift);
    // The create answer echoes the requested description even where it is not stored.
    reply.description = description;
    reply.status = "Active";
    store.projects.insert(name, project);
    SharedState::touch(&mut store);
    Ok(json(StatusCode::CREATED, &reply))
}

/// Existence and permission checks shared by get, update and delete: 404 before the access
/// review, an unknown token fails the review with 500, too weak a role gets `forbidden`.
fn authorize(
    state: &SharedState,
    headers: &HeaderMap,
    name: &str,
    need: Role,
    forbidden: &'static str,
) -> Result<(), ApiError> {
    let identity = top_level_caller(state, headers)?;
    let store = state.store();
    if !store.projects.contains_key(name) {
        return Err(ApiError::NotFound("Project not found"));
    }
    if identity == Identity::Unknown {
        return Err(ApiError::Internal("Failed to verify permissions"));
    }
    match role_in(&store, &identity, name) {
        Some(role) if role >= need => Ok(()),
        _ => Err(ApiError::Forbidden(forbidden)),
    }
}

/// Answers with the current project, letting pending cluster metadata appear first.
fn current(state: &SharedState, name: &str) -> ApiResult {
    let openshift = state.config().openshift;
    let mut store = state.store();
    let project = store
        .projects
        .get_mut(name)
        .ok_or(ApiError::NotFound("Project not found"))?;
    let changed = project.settle_cluster_metadata();
    let reply = project_json(project, openshift);
    if changed {
        SharedState::touch(&mut store);
    }
    Ok(json(StatusCode::OK, &reply))
}

async fn projects_get(
    State(state): State<SharedState>,
    headers: HeaderMap,
    ApiPath(name): ApiPath<String>,
) -> ApiResult {
    authorize(
        &state,
        &headers,
        &name,
        Role::View,
        "Unauthorized to view project",
    )?;
    current(&state, &name)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateProject {
    name: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
}

async fn projects_update(
    State(state): State<SharedState>,
    headers: HeaderMap,
    ApiPath(name): ApiPath<String>,
    body: Result<JsonBody<UpdateProject>, ApiError>,
) -> ApiResult {
    top_level_caller(&state, &headers)?;
    let JsonBody(body) = body?;
    if body
        .name
        .as_deref()
        .is_some_and(|n| !n.is_empty() && n != name)
    {
        return Err(ApiError::bad_request(
            "project name in URL does not match request body",
        ));
    }
    authorize(
        &state,
        &headers,
        &name,
        Role::Admin,
        "Unauthorized to update project",
    )?;
    if state.config().openshift {
        let mut store = state.store();
        if let Some(p) = store.projects.get_mut(&name) {
            // Patch-like: an empty string means "leave unchanged".
            let updates = [
                (DISPLAY_NAME, body.display_name),
                (DESCRIPTION, body.description),
            ];
            for (key, value) in updates {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    p.annotations.insert(key.to_owned(), value);
                }
            }
        }
        SharedState::touch(&mut store);
    }
    current(&state, &name)
}

async fn projects_delete(
    State(state): State<SharedState>,
    headers: HeaderMap,
    ApiPath(name): ApiPath<String>,
) -> ApiResult {
    authorize(
        &state,
        &headers,
        &name,
        Role::Admin,
        "Insufficient permissions to delete project",
    )?;
    let period = state.config().terminating_period;
    let period_ms = i64::try_from(period.as_millis()).unwrap_or(i64::MAX);
    let mut store = state.store();
    let project = store
        .projects
        .get_mut(&name)
        .ok_or(ApiError::NotFound("Project not found"))?;
    if project.is_terminating() {
        // Kubernetes refuses a second delete with 409, which the backend maps to 500.
        return Err(ApiError::Internal("Failed to delete project"));
    }
    project.terminating_until_ms = Some(now_unix_ms().saturating_add(period_ms));
    SharedState::touch(&mut store);
    Ok(no_content())
}
