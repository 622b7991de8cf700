//! Route table: every area contributes a small `router()`; this module merges them, puts the
//! project-context middleware in front of the sub-routes, and owns the request extractors that
//! turn axum's rejections into the platform's `{"error": ...}` shape. Around every route sit,
//! from the outside in: request logging, request counting and fault injection.

mod admin;
mod cluster;
mod keys;
mod permissions;
mod projects;
mod secrets;
mod storage;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::faults::layer::inject_faults;
use crate::state::{Role, SharedState};
use crate::stats::count_requests;

/// Builds the complete router.
pub(crate) fn router(state: SharedState) -> Router {
    let project_scoped = Router::new()
        .merge(permissions::router())
        .merge(secrets::router())
        .merge(keys::router())
        .merge(storage::router())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::project_context,
        ));
    Router::new()
        .merge(projects::router())
        .merge(cluster::router())
        .merge(project_scoped)
        .merge(admin::router(&state))
        // Gin answers unknown paths and unknown methods alike with a plain-text 404.
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        // The last layer added runs first.
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), after_request))
        .with_state(state)
}

/// `true` for the emulator's own control paths, which the platform does not have.
pub(crate) fn is_admin_path(path: &str) -> bool {
    path == "/_emulator" || path.starts_with("/_emulator/")
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain")],
        "404 page not found",
    )
        .into_response()
}

/// Logs each request (never its query, which may carry `?token=`) and writes the state file
/// when the request changed anything.
async fn after_request(
    axum::extract::State(state): axum::extract::State<SharedState>,
    request: Request,
    next: middleware::Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(%method, %path, status = response.status().as_u16(), "request");
    state.save_if_dirty();
    response
}

/// A JSON request body decoded like Gin does: empty body is `EOF`, any decoding failure is a
/// 400 with the decoder's message.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|err| ApiError::bad_request(err.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("EOF"));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|err| ApiError::bad_request(err.to_string()))
    }
}

/// Path parameters, with failures answered in the platform's error shape.
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|err| ApiError::bad_request(err.body_text()))
    }
}

/// The caller as established by the project-context middleware.
pub(crate) struct ProjectCaller(pub(crate) Caller);

impl<S: Send + Sync> FromRequestParts<S> for ProjectCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .map(ProjectCaller)
            // Only reachable if a route were registered outside the middleware.
            .ok_or(ApiError::Internal("Failed to perform access review"))
    }
}

impl Caller {
    /// `true` when the caller holds at least `role` in the project.
    pub(crate) fn has(&self, role: Role) -> bool {
        self.role.is_some_and(|r| r >= role)
    }
}

/// The message Gin's validator produces for a missing required field.
pub(crate) fn required(field: &str) -> ApiError {
    let short = field.rsplit('.').next().unwrap_or(field);
    ApiError::bad_request(format!(
        "Key: '{field}' Error:Field validation for '{short}' failed on the 'required' tag"
    ))
}
