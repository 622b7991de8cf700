//! Offline emulator of the Ambient Code Platform backend REST API (`/api/...`).
//!
//! This crate owns a faithful, in-memory imitation of the backend that the provider talks to:
//! projects, permissions, runner and integration secrets, access keys, the storage view and the
//! helper routes, with the platform's exact status codes and `{"error": ...}` bodies (see
//! `shared/acp-api.md`). It is used three ways:
//!
//! - [`app`] gives the whole router for in-process `oneshot` tests;
//! - [`Emulator::start`] runs it on a free local port on a background thread, for synchronous
//!   tests that drive the `terraform` CLI;
//! - the `acp-emulator` binary serves it for users' own module tests.
//!
//! Beyond the platform it can inject faults (see [`FaultPlan`]), counts the requests it
//! serves ([`SharedState::request_counts`]), serves HTTPS ([`Config::tls`]) and answers a few
//! control routes under `/_emulator/` that the real platform does not have (see
//! `routes/admin.rs`): `GET|PUT|DELETE /_emulator/faults` and `GET|DELETE /_emulator/stats`,
//! for the admin token only.

mod auth;
pub mod config;
mod error;
pub mod faults;
mod persist;
mod routes;
mod serve;
pub mod state;
mod stats;
mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use config::{Config, UserToken};
pub use error::ApiError;
pub use faults::{BodyShape, FaultAction, FaultPlan, FaultRule};
pub use state::{sanitize_name, KeyView, ProjectView, Role, SharedState};

/// The whole router, bound to `state`.
pub fn app(state: SharedState) -> Router {
    routes::router(state)
}

/// Serves the emulator on `listener` until SIGINT or SIGTERM.
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    let state = SharedState::new(config)?;
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves `state` on `listener` until `shutdown` completes, over HTTPS when the state's
/// config has [`Config::tls`].
pub async fn serve_until(
    listener: TcpListener,
    state: SharedState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tls = tls_acceptor(state.config())?;
    serve::serve_connections(listener, app(state), tls, shutdown).await
}

fn tls_acceptor(config: &Config) -> std::io::Result<Option<tokio_rustls::TlsAcceptor>> {
    config
        .tls
        .as_ref()
        .map(|(cert, key)| tls::acceptor(cert, key))
        .transpose()
}

/// `http` or `https`, as the emulator with this config serves.
pub fn scheme(config: &Config) -> &'static str {
    if config.tls.is_some() {
        "https"
    } else {
        "http"
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, wait forever rather than exit at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// An emulator running on `127.0.0.1` on a free port, on its own thread with its own tokio
/// runtime, so that synchronous tests can use it. Dropping it stops the server.
pub struct Emulator {
    url: String,
    state: SharedState,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds a free port and starts serving; returns once the port accepts connections.
    /// Unusable TLS material is reported here rather than on the serving thread.
    pub fn start(config: Config) -> std::io::Result<Emulator> {
        let tls = tls_acceptor(&config)?;
        let state = SharedState::new(config)?;
        // Bind before spawning so that the port is known and bind errors reach the caller.
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        listener.set_nonblocking(true)?;
        let url = format!("{}://{}", scheme(state.config()), listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name("acp-emulator".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let result = match TcpListener::from_std(listener) {
                        Ok(listener) => {
                            let shutdown = async {
                                let _ = stopped.await;
                            };
                            serve::serve_connections(listener, app(served), tls, shutdown).await
                        }
                        Err(err) => Err(err),
                    };
                    if let Err(err) = result {
                        tracing::error!(error = %err, "emulator stopped with an error");
                    }
                });
            })?;
        Ok(Emulator {
            url,
            state,
            shutdown: Some(stop),
            thread: Some(thread),
        })
    }

    /// Base URL without trailing slash, e.g. `http://127.0.0.1:41235` (`https://` with TLS).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The cluster-admin token.
    pub fn admin_token(&self) -> &str {
        &self.state.config().admin_token
    }

    /// Direct access to the data, to inspect or change it behind the API's back.
    pub fn state(&self) -> SharedState {
        self.state.clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
