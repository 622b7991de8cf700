//! Implementations of go-plugin's controller, stdio and broker services.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use super::go_plugin::messages::{ConnInfo, Empty, StdioData};
use super::go_plugin::{GrpcBroker, GrpcController, GrpcStdio};

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Answers `Shutdown` by cancelling the server's shutdown token.
pub(crate) struct Controller {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("shutdown requested by terraform");
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// A stdio stream that never carries data: the provider never writes to stdout or stderr
/// outside its logs, which go-plugin reads from the process's stderr directly.
pub(crate) struct Stdio {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<StdioData>;

    async fn stream_stdio(
        &self,
        _request: Request<Empty>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        let shutdown = self.shutdown.clone();
        let idle = futures_util::stream::once(async move { shutdown.cancelled_owned().await })
            .filter_map(|()| async { None });
        Ok(Response::new(Box::pin(idle)))
    }
}

/// A broker that accepts the stream and offers no connections.
pub(crate) struct Broker;

#[tonic::async_trait]
impl GrpcBroker for Broker {
    type StartStreamStream = BoxStream<ConnInfo>;

    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        // Drain what the client sends; end our side when it ends its side.
        let inbound = request.into_inner();
        let drained = inbound.filter_map(|_| async { None });
        Ok(Response::new(Box::pin(drained)))
    }
}
