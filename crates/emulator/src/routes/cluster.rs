//! Unauthenticated helpers: `/api/cluster-info` and `/health`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::error::json;
use crate::state::SharedState;

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/cluster-info", get(cluster_info_get))
        .route("/health", get(health_get))
}

// Map-based bodies in the backend: fields in alphabetical order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterInfo {
    is_open_shift: bool,
    vertex_enabled: bool,
}

async fn cluster_info_get(State(state): State<SharedState>) -> Response {
    let body = ClusterInfo {
        is_open_shift: state.config().openshift,
        vertex_enabled: false,
    };
    json(StatusCode::OK, &body)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

async fn health_get() -> Response {
    json(StatusCode::OK, &Health { status: "healthy" })
}
