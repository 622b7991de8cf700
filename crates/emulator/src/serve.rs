//! The accept loop: one hyper HTTP/1 connection per TCP (or TLS) stream, graceful shutdown,
//! and the per-connection switch that lets a fault close a connection without answering.
//!
//! `axum::serve` offers no way to drop one connection from inside a handler, so we run
//! hyper ourselves. Each connection task races its hyper connection against an
//! [`AbortConnection`] handle that rides in every request's extensions; when a fault triggers
//! it, the task drops the connection future, which closes the socket while the request is
//! still unanswered. The client sees the connection end, not an HTTP status.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How long a client may take to finish the TLS handshake before we give up on it.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Closes the connection a request arrived on; present in the extensions of every request
/// served through [`serve_connections`].
#[derive(Clone)]
pub(crate) struct AbortConnection(Arc<Notify>);

impl AbortConnection {
    /// Asks the connection task to drop the connection. `notify_one` keeps the signal even if
    /// the task is not waiting yet, so it cannot be lost.
    pub(crate) fn trigger(&self) {
        self.0.notify_one();
    }
}

/// Serves `router` on `listener` (through TLS when `tls` is set) until `shutdown` completes,
/// then lets open connections finish their current request.
pub(crate) async fn serve_connections(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Usually a connection reset before accept or running out of file
                    // descriptors; neither should end the server. Back off a little.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small request/response pairs: do not let Nagle hold back the last segment.
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stopping = stopping.clone();
        match tls.clone() {
            None => {
                tokio::spawn(serve_one(stream, router, stopping));
            }
            Some(acceptor) => {
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => serve_one(stream, router, stopping).await,
                        Ok(Err(err)) => tracing::debug!(error = %err, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        }
    }
    drop(listener);
    drop(stopping);
    // Tell every connection to finish, then wait until each task dropped its receiver.
    let _ = stop.send(());
    stop.closed().await;
    Ok(())
}

async fn serve_one<S>(io: S, router: Router, mut stopping: watch::Receiver<()>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let abort = Arc::new(Notify::new());
    let handle = AbortConnection(abort.clone());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    let mut draining = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            // Returning drops the connection and with it the socket: no answer is written.
            () = abort.notified() => return,
            _ = stopping.changed(), if !draining => {
                // Closes the connection now if idle, else after the answer in flight.
                draining = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}
