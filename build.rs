//! Generates the gRPC stubs for go-plugin's three helper services (controller, stdio, broker).
//!
//! Terraform's own protocol comes ready-made from the `magma-protocol` crate; go-plugin's small
//! services are not in it, so they are declared here in Rust, without a `.proto` file. Their
//! message types are hand-written prost structs in `src/server/go_plugin/messages.rs`.

use tonic_build::manual::{Builder, Method, Service};

const CODEC: &str = "tonic::codec::ProstCodec";
const MESSAGES: &str = "crate::server::go_plugin::messages";

fn method(
    name: &str,
    route: &str,
    input: &str,
    output: &str,
) -> tonic_build::manual::MethodBuilder {
    Method::builder()
        .name(name)
        .route_name(route)
        .input_type(format!("{MESSAGES}::{input}"))
        .output_type(format!("{MESSAGES}::{output}"))
        .codec_path(CODEC)
}

fn main() {
    let controller = Service::builder()
        .name("GRPCController")
        .package("plugin")
        .method(method("shutdown", "Shutdown", "Empty", "Empty").build())
        .build();
    let stdio = Service::builder()
        .name("GRPCStdio")
        .package("plugin")
        .method(
            method("stream_stdio", "StreamStdio", "Empty", "StdioData")
                .server_streaming()
                .build(),
        )
        .build();
    let broker = Service::builder()
        .name("GRPCBroker")
        .package("plugin")
        .method(
            method("start_stream", "StartStream", "ConnInfo", "ConnInfo")
                .client_streaming()
                .server_streaming()
                .build(),
        )
        .build();
    Builder::new().compile(&[controller, stdio, broker]);
}
