//! The plugin process: go-plugin handshake, private socket, mutual TLS, and the gRPC services
//! Terraform talks to.
//!
//! Terraform starts the provider with a magic cookie and a client certificate in the
//! environment; the provider listens on a unix socket in a fresh private directory, prints one
//! handshake line on stdout and serves until Terraform calls `GRPCController.Shutdown` or goes
//! away. stdout carries that line and nothing else, ever.

pub mod convert;
pub mod go_plugin;
pub mod grpc;
pub mod handshake;
pub mod logging;
mod p521;
mod plugin_services;
pub mod tls;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use magma_protocol::tfplugin6::provider_server::ProviderServer;
use tokio::net::UnixListener;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;

use crate::framework::Provider;
use go_plugin::{GrpcBrokerServer, GrpcControllerServer, GrpcStdioServer};
use grpc::ProviderService;
use plugin_services::{Broker, Controller, Stdio};

/// Terraform exchanges whole states in single messages; allow large ones both ways.
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;
/// How long a client gets to finish the TLS handshake before it is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connections get to close after Shutdown before the process exits regardless.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);
/// How often the provider checks that Terraform is still its parent.
const PARENT_POLL: Duration = Duration::from_secs(1);

/// The registry address Terraform knows this provider by.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/ambient-code/acp";

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The environment is not that of a Terraform-launched plugin.
    #[error(transparent)]
    Handshake(#[from] handshake::HandshakeError),
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] tls::TlsSetupError),
    /// The socket could not be created or served.
    #[error("cannot serve the plugin socket: {0}")]
    Io(#[from] std::io::Error),
    /// The gRPC server failed.
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// How the process was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Launched by Terraform: cookie check, mutual TLS, handshake line.
    Plugin,
    /// Started by a developer (`--debug`): no cookie, no TLS, prints `TF_REATTACH_PROVIDERS`.
    Debug,
}

/// Serves `provider` until Terraform shuts it down.
pub async fn serve<P: Provider>(provider: P, mode: Mode) -> Result<(), ServeError> {
    // The one place Terraform's logs show which build is running: protocol 6 GetMetadata has
    // no version field, so Terraform never learns it (the user agent carries it to the
    // platform).
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        ?mode,
        "provider starting"
    );
    // Taken first, so that a parent gone during start-up is still noticed.
    let parent = std::os::unix::process::parent_id();
    if mode == Mode::Plugin {
        handshake::check(
            std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref(),
            std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref(),
        )?;
    }
    let socket_dir = private_socket_dir()?;
    let socket_path = socket_dir.path().join("plugin.sock");
    let listener = UnixListener::bind(&socket_path)?;

    let shutdown = CancellationToken::new();
    let service = ProviderService::new(provider);
    let stop = service.stop_token();
    let tls = match (mode, std::env::var("PLUGIN_CLIENT_CERT").ok()) {
        (Mode::Plugin, Some(pem)) => {
            let identity = tls::generate_identity()?;
            let config = tls::server_config(&identity, tls::parse_client_cert(&pem)?)?;
            Some((
                identity.cert,
                tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            ))
        }
        _ => None,
    };

    let router = build_router(service, shutdown.clone()).await;
    announce(
        mode,
        &socket_path,
        tls.as_ref().map(|(cert, _)| cert.as_ref()),
    )?;
    spawn_parent_watch(parent, shutdown.clone());
    spawn_interrupt_guard(shutdown.clone());

    let signal = {
        let shutdown = shutdown.clone();
        async move { shutdown.cancelled().await }
    };
    let serving = async {
        match tls {
            Some((_, acceptor)) => {
                let incoming = accept_tls(listener, acceptor, shutdown.clone());
                router.serve_with_incoming_shutdown(incoming, signal).await
            }
            None => {
                let incoming = accept_plain(listener, shutdown.clone());
                router.serve_with_incoming_shutdown(incoming, signal).await
            }
        }
    };
    // A graceful shutdown waits for clients to close their connections; Terraform kills a
    // plugin that has not exited two seconds after Shutdown, so stop waiting well before.
    let grace = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    let result = tokio::select! {
        result = serving => result,
        () = grace => Ok(()),
    };
    stop.cancel();
    drop(socket_dir);
    result.map_err(ServeError::from)
}

async fn build_router<P: Provider>(
    service: ProviderService<P>,
    shutdown: CancellationToken,
) -> tonic::transport::server::Router {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    Server::builder()
        .add_service(health_service)
        .add_service(
            ProviderServer::new(service)
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
        )
        .add_service(GrpcControllerServer::new(Controller {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcStdioServer::new(Stdio { shutdown }))
        .add_service(GrpcBrokerServer::new(Broker))
}

/// A fresh directory only this user can enter, in `PLUGIN_UNIX_SOCKET_DIR` when Terraform
/// names one, else in the system temp directory. Removed when the server stops.
fn private_socket_dir() -> std::io::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let parent = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(std::env::temp_dir, PathBuf::from);
    let dir = tempfile::Builder::new()
        .prefix("acp-plugin")
        .tempdir_in(parent)?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
    Ok(dir)
}

/// Prints the handshake line (plugin mode) or the reattach instructions (debug mode).
fn announce(mode: Mode, socket: &Path, cert: Option<&[u8]>) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match mode {
        Mode::Plugin => writeln!(stdout, "{}", handshake::line(socket, cert))?,
        Mode::Debug => {
            let reattach = serde_json::json!({
                PROVIDER_ADDRESS: {
                    "Protocol": "grpc",
                    "ProtocolVersion": handshake::PROTOCOL_VERSION,
                    "Pid": std::process::id(),
                    "Test": true,
                    "Addr": { "Network": "unix", "String": socket.display().to_string() },
                }
            });
            writeln!(
                stdout,
                "Provider started in debug mode. In another shell, run:\n"
            )?;
            writeln!(stdout, "    export TF_REATTACH_PROVIDERS='{reattach}'\n")?;
            writeln!(
                stdout,
                "then run terraform there. Stop the provider with Ctrl-C."
            )?;
        }
    }
    stdout.flush()
}

/// Stops the server when Terraform exits without calling Shutdown (the provider is then
/// re-parented, so its parent process id changes).
fn spawn_parent_watch(parent: u32, shutdown: CancellationToken) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(PARENT_POLL) => {}
            }
            if std::os::unix::process::parent_id() != parent {
                tracing::warn!("terraform went away; shutting down");
                shutdown.cancel();
                return;
            }
        }
    });
}

/// Ctrl-C reaches every process of the terminal's group. Terraform answers it by calling
/// StopProvider and then Shutdown, so the plugin must not die on SIGINT itself: it would take
/// in-flight work down with it and leave state unwritten.
fn spawn_interrupt_guard(shutdown: CancellationToken) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                received = tokio::signal::ctrl_c() => {
                    if received.is_err() {
                        return;
                    }
                    tracing::debug!("interrupt received; waiting for terraform to stop the provider");
                }
            }
        }
    });
}

fn accept_plain(
    listener: UnixListener,
    shutdown: CancellationToken,
) -> ReceiverStream<std::io::Result<tokio::net::UnixStream>> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = shutdown.cancelled() => return,
                accepted = listener.accept() => accepted,
            };
            let item = accepted.map(|(stream, _)| stream);
            if tx.send(item).await.is_err() {
                return;
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Accepts connections and completes the TLS handshake before gRPC sees them, so a client
/// without Terraform's certificate never reaches an RPC.
fn accept_tls(
    listener: UnixListener,
    acceptor: tokio_rustls::TlsAcceptor,
    shutdown: CancellationToken,
) -> ReceiverStream<std::io::Result<tokio_rustls::server::TlsStream<tokio::net::UnixStream>>> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let (stream, _) = tokio::select! {
                () = shutdown.cancelled() => return,
                accepted = listener.accept() => match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a plugin connection failed");
                        continue;
                    }
                },
            };
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "refused a plugin connection without terraform's client certificate");
                    }
                    Err(_) => tracing::warn!("dropped a plugin connection that did not finish TLS"),
                }
            });
        }
    });
    ReceiverStream::new(rx)
}
