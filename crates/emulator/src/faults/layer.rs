//! The middleware that carries out fault decisions, and what each fault looks like on the
//! wire: the backend's JSON 500, a proxy's HTML 502/503/504, a rate limiter's 429, a closed
//! connection, or a correct answer that arrives too late.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::FaultAction;
use crate::error::{json, ApiError};
use crate::routes::is_admin_path;
use crate::serve::AbortConnection;
use crate::state::SharedState;

/// Applies the fault plan to every platform request; `/_emulator/...` is never touched, so a
/// test can always clear a plan that breaks everything.
pub(crate) async fn inject_faults(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if is_admin_path(path) {
        return next.run(request).await;
    }
    let Some(decision) = state.fault_state().decide(request.method(), path) else {
        return next.run(request).await;
    };
    tracing::info!(
        method = %request.method(),
        path,
        faults = ?decision.kinds,
        latency_ms = decision.latency.as_millis() as u64,
        "injecting fault"
    );
    state.stats().record_faults(&decision.kinds);
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.outcome {
        None | Some(FaultAction::Latency) => next.run(request).await,
        Some(FaultAction::Status {
            status,
            retry_after,
            body,
        }) => status_answer(status, retry_after, body),
        Some(FaultAction::Close) => close(request.extensions().get().cloned()).await,
        Some(FaultAction::Late { delay_ms }) => {
            let response = run_to_completion(request, next).await;
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            response
        }
        Some(FaultAction::ProcessThenClose) => {
            let abort = request.extensions().get().cloned();
            let _answer = run_to_completion(request, next).await;
            close(abort).await
        }
        Some(FaultAction::Malformed { shape }) if shape.runs_handler() => {
            shape.bend(run_to_completion(request, next).await).await
        }
        Some(FaultAction::Malformed { shape }) => shape.replacement(),
    }
}

/// Runs the handler on its own task: a client that gives up and hangs up must not cancel the
/// change these faults exist to make.
async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Internal("Internal server error").into_response(),
    }
}

/// Closes the connection without an answer. Only a request that came through the emulator's
/// own server has a connection to close; a router driven by `oneshot` gets a bodiless 502
/// instead, which is the nearest thing a client could observe without a socket.
async fn close(connection: Option<AbortConnection>) -> Response {
    match connection {
        Some(connection) => {
            connection.trigger();
            // The connection task drops this future together with the connection.
            std::future::pending().await
        }
        None => {
            tracing::warn!("close fault without a connection to close; answering 502");
            StatusCode::BAD_GATEWAY.into_response()
        }
    }
}

/// The answer of a `status` fault.
fn status_answer(status: u16, retry_after: Option<u64>, body: bool) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match (body, code) {
        (false, _) => code.into_response(),
        (true, StatusCode::TOO_MANY_REQUESTS) => {
            // The one 429 shape the platform has: the public API's rate limiter.
            let wait = format!("{}s", retry_after.unwrap_or(1));
            json(
                code,
                &json!({"error": "Rate limit exceeded", "retry_after": wait}),
            )
        }
        (true, StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE)
        | (true, StatusCode::GATEWAY_TIMEOUT) => proxy_page(code),
        (true, _) => json(code, &json!({"error": "Internal server error"})),
    };
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The kind of page an ingress or router in front of the backend sends when the backend is
/// down or slow: HTML, not JSON, so clients must not assume every error body parses.
fn proxy_page(code: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        code.as_u16(),
        code.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
         <center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (
        code,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
