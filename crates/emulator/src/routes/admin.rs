//! `/_emulator/...`: the emulator's own control endpoints, which the real platform does not
//! have. They set the fault plan and read the request counters while the emulator runs.
//!
//! | route | answer |
//! |---|---|
//! | `GET /_emulator/faults` | 200, the armed plan (seed filled in, counts as still left) |
//! | `PUT /_emulator/faults` | 200, the plan as armed; 400 `{"error": ...}` if it does not parse |
//! | `DELETE /_emulator/faults` | 204, no faults any more |
//! | `GET /_emulator/stats` | 200, `{"total": n, "requests": {...}, "faults": {...}}` |
//! | `DELETE /_emulator/stats` | 204, all counters back to zero |
//!
//! Only the admin token may call them: without a token the answer is 401
//! `{"error":"User token required"}`, with any other token 403
//! `{"error":"Only the emulator admin token may use /_emulator"}` (the caller is known but
//! not allowed, which is what 403 means elsewhere in the API). They are never faulted or
//! counted.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::JsonBody;
use crate::auth::request_token;
use crate::error::{json, no_content, ApiError};
use crate::faults::FaultPlan;
use crate::state::SharedState;

pub(super) fn router(state: &SharedState) -> Router<SharedState> {
    Router::new()
        .route(
            "/_emulator/faults",
            get(faults_show).put(faults_replace).delete(faults_clear),
        )
        .route("/_emulator/stats", get(stats_show).delete(stats_reset))
        .route_layer(middleware::from_fn_with_state(state.clone(), admin_only))
}

async fn admin_only(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    match request_token(request.headers(), request.uri(), false) {
        None => ApiError::Unauthorized("User token required").into_response(),
        Some(token) if token == state.config().admin_token => next.run(request).await,
        Some(_) => {
            ApiError::Forbidden("Only the emulator admin token may use /_emulator").into_response()
        }
    }
}

async fn faults_show(State(state): State<SharedState>) -> Response {
    json(StatusCode::OK, &state.faults())
}

async fn faults_replace(
    State(state): State<SharedState>,
    JsonBody(plan): JsonBody<FaultPlan>,
) -> Response {
    json(StatusCode::OK, &state.fault_state().set(plan))
}

async fn faults_clear(State(state): State<SharedState>) -> Response {
    state.clear_faults();
    no_content()
}

async fn stats_show(State(state): State<SharedState>) -> Response {
    let stats = state.stats();
    json(
        StatusCode::OK,
        &json!({
            "total": stats.total(),
            "requests": stats.requests(),
            "faults": stats.faults(),
        }),
    )
}

async fn stats_reset(State(state): State<SharedState>) -> Response {
    state.reset_request_counts();
    no_content()
}
