//! The non-upstream `/storage` view (§5.3 of the API doc): per-project S3 settings read and
//! written as keys of the integration Secret, so both endpoints always agree.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::secrets::{modify_map, read_map, Kind};
use super::{JsonBody, ProjectCaller};
use crate::error::{json, no_content, ApiError, ApiResult, Message};
use crate::state::SharedState;

pub(super) fn router() -> Router<SharedState> {
    Router::new().route(
        "/api/projects/{project}/storage",
        get(storage_get).put(storage_put).delete(storage_delete),
    )
}

const MODE: &str = "STORAGE_MODE";
/// Field of the view ↔ key of the integration Secret.
const FIELDS: [(&str, &str); 5] = [
    ("endpoint", "S3_ENDPOINT"),
    ("bucket", "S3_BUCKET"),
    ("region", "S3_REGION"),
    ("accessKey", "S3_ACCESS_KEY"),
    ("secretKey", "S3_SECRET_KEY"),
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StorageView {
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_key: Option<String>,
}

async fn storage_get(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    let data = read_map(&state, &caller, Kind::Integration)?;
    // Like the operator: only exactly "custom" counts as custom storage.
    if data.get(MODE).map(String::as_str) != Some("custom") {
        let shared = StorageView {
            mode: "shared",
            endpoint: None,
            bucket: None,
            region: None,
            access_key: None,
            secret_key: None,
        };
        return Ok(json(StatusCode::OK, &shared));
    }
    let field = |key: &str| data.get(key).filter(|v| !v.is_empty()).cloned();
    let view = StorageView {
        mode: "custom",
        endpoint: field("S3_ENDPOINT"),
        bucket: field("S3_BUCKET"),
        region: field("S3_REGION"),
        access_key: field("S3_ACCESS_KEY"),
        secret_key: field("S3_SECRET_KEY"),
    };
    Ok(json(StatusCode::OK, &view))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageRequest {
    endpoint: Option<String>,
    bucket: Option<String>,
    region: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
}

/// Drops all `S3_*` keys, as the UI does when it rewrites the map.
fn without_s3(mut data: BTreeMap<String, String>) -> BTreeMap<String, String> {
    data.retain(|k, _| !FIELDS.iter().any(|(_, key)| key == k));
    data
}

async fn storage_put(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
    JsonBody(body): JsonBody<StorageRequest>,
) -> ApiResult {
    let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !present(&body.endpoint) {
        return Err(ApiError::bad_request("endpoint is required"));
    }
    if !present(&body.bucket) {
        return Err(ApiError::bad_request("bucket is required"));
    }
    let values = [
        body.endpoint,
        body.bucket,
        body.region,
        body.access_key,
        body.secret_key,
    ];
    modify_map(&state, &caller, Kind::Integration, |current| {
        let mut data = without_s3(current);
        data.insert(MODE.to_owned(), "custom".to_owned());
        for ((_, key), value) in FIELDS.iter().zip(values) {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                data.insert((*key).to_owned(), value);
            }
        }
        data
    })?;
    Ok(json(
        StatusCode::OK,
        &Message {
            message: "storage updated",
        },
    ))
}

async fn storage_delete(
    State(state): State<SharedState>,
    ProjectCaller(caller): ProjectCaller,
) -> ApiResult {
    modify_map(&state, &caller, Kind::Integration, |current| {
        let mut data = without_s3(current);
        data.insert(MODE.to_owned(), "shared".to_owned());
        data
    })?;
    Ok(no_content())
}
