//! The platform's wire shapes for answers: `{"error": "..."}` bodies with exact messages, the
//! JSON content type the backend sends, and the bodiless 204.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Content type of every JSON answer of the real backend (Gin adds the charset).
const JSON_UTF8: &str = "application/json; charset=utf-8";

/// An error answer. Each variant fixes the status; the message is the exact text the
/// platform puts into `{"error": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400, also used for request-binding failures whose text is only loosely specified.
    BadRequest(String),
    /// 401.
    Unauthorized(&'static str),
    /// 403.
    Forbidden(&'static str),
    /// 404.
    NotFound(&'static str),
    /// 409.
    Conflict(&'static str),
    /// 500: the backend reports most Kubernetes refusals this way.
    Internal(&'static str),
}

impl ApiError {
    /// Builds a 400 from anything printable.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(message.into())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The text that goes into the `error` field.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadRequest(m) => m,
            ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Internal(m) => m,
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json(
            self.status(),
            &ErrorBody {
                error: self.message(),
            },
        )
    }
}

/// `{"message": ...}` body used by grants and secret updates.
#[derive(Serialize)]
pub(crate) struct Message {
    pub(crate) message: &'static str,
}

/// Serialises `body` with the backend's JSON content type.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
            bytes,
        )
            .into_response(),
        // Our own types always serialise; answer like a failing backend if one ever does not.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A 204 without body or content type.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Result type of every handler.
pub(crate) type ApiResult = Result<Response, ApiError>;
