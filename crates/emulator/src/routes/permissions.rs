//! Sharing a project: list, grant and revoke-all-roles-of-a-subject. The hidden creator
//! binding is never listed.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use axum::Router;
use serde::{Deserialize, Serialize};

use super::{required, ApiPath, JsonBody, ProjectCaller};
use crate::error::{json, ApiError, ApiResult, Message};
use crate::state::{
    insert_binding, remove_subject, sorted_bindings, Binding, Role, SharedState, SubjectType,
};
use axum::extract::State;

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/api/projects/{project}/permissions",
            get(permissions_list).post(permissions_grant),
        )
        .route(
            "/api/projects/{project}/permissions/{subject_type}/{subject_name}",
            delete(permissions_revoke),
        )
        .route("/api/projects/{project}/access", get(access_get))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Assignment {
    subject_type: &'static str,
    subject_name: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
}

const TYPE_ERROR: &str = "subjectType must be one of: group, user";
const ROLE_ERROR: &str = "role must be one of: admin, edit, view";

async fn permissions_list(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    // The view role cannot list RoleBindings; the backend reports that as a 500.
    if !caller.has(Role::Edit) {
        return Err(ApiError::Internal("Failed to list permissions"));
    }
    let store = state.store();
    let mut items: Vec<Assignment> = Vec::new();
    if let Some(p) = store.projects.get(&caller.project) {
        for b in sorted_bindings(p) {
            items.push(Assignment {
                subject_type: b.subject_type.as_str(),
                subject_name: b.subject_name.clone(),
                role: b.role.as_str(),
            });
        }
    }
    Ok(json(StatusCode::OK, &Items { items }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrantRequest {
    subject_type: Option<String>,
    subject_name: Option<String>,
    role: Option<String>,
}

fn non_empty(value: Option<String>, field: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| required(field))
}

fn parse_grant(body: GrantRequest) -> Result<Binding, ApiError> {
    let subject_type = non_empty(body.subject_type, "PermissionAssignment.SubjectType")?;
    let subject_name = non_empty(body.subject_name, "PermissionAssignment.SubjectName")?;
    let role = non_empty(body.role, "PermissionAssignment.Role")?;
    let control = |c: char| (c as u32) < 32 || c as u32 == 127;
    if subject_name.len() > 253 || subject_name.chars().any(control) {
        return Err(ApiError::bad_request("Invalid subject name format"));
    }
    let subject_type =
        SubjectType::parse(&subject_type).ok_or_else(|| ApiError::bad_request(TYPE_ERROR))?;
    let role = Role::parse(&role).ok_or_else(|| ApiError::bad_request(ROLE_ERROR))?;
    Ok(Binding {
        subject_type,
        subject_name,
        role,
    })
}

async fn permissions_grant(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    JsonBody(body): JsonBody<GrantRequest>,
) -> ApiResult {
    let binding = parse_grant(body)?;
    let forbidden = ApiError::Forbidden("Insufficient permissions to grant permission");
    // Kubernetes escalation rule: only a holder of every permission of a role may bind it.
    // Edit lacks some rights of both admin and view, so it may only grant edit.
    let allowed = match caller.role {
        Some(Role::Admin) => true,
        Some(Role::Edit) => binding.role == Role::Edit,
        _ => false,
    };
    if !allowed {
        return Err(forbidden);
    }
    let mut store = state.store();
    let Some(project) = store.projects.get_mut(&caller.project) else {
        return Err(ApiError::Internal("Failed to grant permission"));
    };
    if project.is_terminating() {
        return Err(forbidden);
    }
    if !insert_binding(project, binding) {
        return Err(ApiError::Conflict(
            "permission already exists for this subject and role",
        ));
    }
    SharedState::touch(&mut store);
    Ok(json(
        StatusCode::CREATED,
        &Message {
            message: "Permission added",
        },
    ))
}

async fn permissions_revoke(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    ApiPath((_, subject_type, subject_name)): ApiPath<(String, String, String)>,
) -> ApiResult {
    let subject_type =
        SubjectType::parse(&subject_type).ok_or_else(|| ApiError::bad_request(TYPE_ERROR))?;
    if subject_name.trim().is_empty() {
        return Err(ApiError::bad_request("subjectName is required"));
    }
    if !caller.has(Role::Edit) {
        return Err(ApiError::Internal("Failed to remove permission"));
    }
    let mut store = state.store();
    if let Some(project) = store.projects.get_mut(&caller.project) {
        if remove_subject(project, subject_type, &subject_name) > 0 {
            SharedState::touch(&mut store);
        }
    }
    // This one 204 carries a JSON content type in the real backend.
    Ok((
        StatusCode::NO_CONTENT,
        [(header::CONTENT_TYPE, "application/json")],
    )
        .into_response())
}

/// `GET .../access` (a map in the backend: alphabetical fields).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessReport {
    allowed: bool,
    project: String,
    reason: &'static str,
    user_role: &'static str,
}

async fn access_get(ProjectCaller(caller): ProjectCaller) -> ApiResult {
    // The backend reports "admin" to anyone who may create RoleBindings, i.e. edit as well.
    let user_role = match caller.role {
        Some(Role::Admin | Role::Edit) => "admin",
        _ => "view",
    };
    let body = AccessReport {
        allowed: caller.role.is_some(),
        project: caller.project,
        reason: "",
        user_role,
    };
    Ok(json(StatusCode::OK, &body))
}
