//! Shared test harness: a recording in-process axum server per test, canned
//! responses, fixtures, client construction and log capture.

// Each test binary uses a different subset of these helpers, and `pub` items
// in a private test module are never reachable from outside.
#![allow(dead_code, unreachable_pub)]

pub mod tls;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acp_client::{Client, ClientConfig, RetryPolicy};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;

/// The bearer token every test client uses; tests grep for it in errors
/// and logs, so it is distinctive.
pub const TOKEN: &str = "sha256~TopSecretToken-7f3c9e1d-never-print-me";
/// The username every test client sends.
pub const USERNAME: &str = "alice@example.com";

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    /// Raw (still percent-encoded) path.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// A running test server; stops when dropped.
pub struct Server {
    pub url: url::Url,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("request log").clone()
    }

    /// The only request received; fails if there were more or none.
    pub fn single_request(&self) -> Recorded {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.remove(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `routes` over plain HTTP on 127.0.0.1:0.
pub async fn serve(routes: Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind test server");
    let addr = listener.local_addr().expect("local addr");
    let (app, requests) = instrument(routes);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("test server");
    });
    Server {
        url: format!("http://{addr}").parse().expect("server url"),
        requests,
        task,
    }
}

/// Serves `routes` over TLS with the given certificate.
pub async fn serve_tls(routes: Router, tls: tls::ServerTls) -> Server {
    let listener = tls::TlsListener::bind(tls).await;
    let addr = listener.addr();
    let (app, requests) = instrument(routes);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("tls test server");
    });
    Server {
        url: format!("https://{addr}").parse().expect("server url"),
        requests,
        task,
    }
}

/// Adds request recording and the loud catch-all routes.
fn instrument(routes: Router) -> (Router, Arc<Mutex<Vec<Recorded>>>) {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    let app = routes
        .fallback(unexpected)
        .method_not_allowed_fallback(unexpected)
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let log = log.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let body = axum::body::to_bytes(body, usize::MAX)
                        .await
                        .expect("read request body");
                    log.lock().expect("request log").push(Recorded {
                        method: parts.method.clone(),
                        path: parts.uri.path().to_owned(),
                        query: parts.uri.query().map(str::to_owned),
                        headers: parts.headers.clone(),
                        body: body.to_vec(),
                    });
                    next.run(Request::from_parts(parts, Body::from(body))).await
                }
            },
        ));
    (app, requests)
}

/// Any call a test did not set up answers 500 naming the call.
async fn unexpected(method: Method, uri: Uri) -> Response {
    let message = format!("test server did not expect {method} {uri}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

/// Reads `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A canned HTTP response.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Canned {
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// A JSON response like the backend's.
pub fn json(status: u16, body: impl Into<String>) -> Canned {
    Canned {
        status,
        headers: vec![("content-type", "application/json; charset=utf-8".into())],
        body: body.into(),
    }
}

/// A response with no body.
pub fn empty(status: u16) -> Canned {
    Canned {
        status,
        headers: Vec::new(),
        body: String::new(),
    }
}

impl IntoResponse for Canned {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).expect("valid status");
        for (name, value) in self.headers {
            response
                .headers_mut()
                .insert(name, value.parse().expect("valid header"));
        }
        response
    }
}

/// Counts how often a route was hit.
#[derive(Debug, Clone, Default)]
pub struct Hits(Arc<AtomicUsize>);

impl Hits {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Records a hit and returns how many came before it.
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

/// A handler answering `steps` in order, repeating the last one forever.
pub fn replay(
    hits: &Hits,
    steps: Vec<Canned>,
) -> impl Fn() -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    assert!(!steps.is_empty());
    let steps = Arc::new(steps);
    let hits = hits.clone();
    move || {
        let n = hits.hit().min(steps.len() - 1);
        std::future::ready(steps[n].clone().into_response())
    }
}

/// A handler that always answers `canned`.
pub fn always(
    canned: Canned,
) -> impl Fn() -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    replay(&Hits::default(), vec![canned])
}

/// Millisecond-scale backoff so retry tests run fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

/// The config every test starts from.
pub fn config(url: &url::Url) -> ClientConfig {
    ClientConfig {
        endpoint: url.clone(),
        token: TOKEN.to_owned(),
        username: Some(USERNAME.to_owned()),
        ca_cert_pem: None,
        insecure_skip_tls_verify: false,
        request_timeout: Duration::from_secs(5),
        max_retries: 3,
        user_agent: "acp-client-tests/1".to_owned(),
    }
}

/// A client for `server` with fast retries.
pub fn client(server: &Server) -> Client {
    client_with(server, |_| {})
}

/// A client for `server` after `tweak` adjusts the config.
pub fn client_with(server: &Server, tweak: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = config(&server.url);
    tweak(&mut config);
    Client::with_retry_policy(config, fast_retries()).expect("client builds")
}

/// Everything written by a `tracing` subscriber installed for this thread.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Routes events to the capture buffer of the thread that emitted them.
struct ThreadRouter;

/// The writer for one event: the current thread's buffer, if capturing.
pub struct ThreadWriter(Option<Logs>);

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Logs>> = const { std::cell::RefCell::new(None) };
}

impl Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.0 {
            Some(logs) => logs.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadRouter {
    type Writer = ThreadWriter;

    fn make_writer(&'a self) -> Self::Writer {
        ThreadWriter(CAPTURE.with(|c| c.borrow().clone()))
    }
}

/// Stops capturing on this thread when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|c| c.borrow_mut().take());
    }
}

/// Captures every event at TRACE level and above emitted on the current
/// thread (`#[tokio::test]` runs client and server on it) until the guard
/// drops.
///
/// One global TRACE subscriber is installed for the whole test binary.
/// Thread-scoped subscribers (`set_default`) are not enough: tracing caches
/// per-callsite interest globally, so a test running in parallel without a
/// subscriber can switch our callsites off and the capture comes back empty.
pub fn capture_logs() -> (Logs, CaptureGuard) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(ThreadRouter)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("install test subscriber");
    });
    let logs = Logs::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(logs.clone()));
    (logs, CaptureGuard)
}
