//! go-plugin's three helper services, which Terraform's plugin client expects beside the
//! provider service: the controller (clean shutdown), stdio forwarding, and the broker.
//!
//! This provider writes nothing to stdout after the handshake and brokers no extra
//! connections, so stdio and broker streams stay open and silent until Terraform closes them.

pub mod messages;

#[allow(missing_docs, unreachable_pub, clippy::all, non_camel_case_types)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/plugin.GRPCController.rs"));
    include!(concat!(env!("OUT_DIR"), "/plugin.GRPCStdio.rs"));
    include!(concat!(env!("OUT_DIR"), "/plugin.GRPCBroker.rs"));
}

pub use generated::g_r_p_c_broker_client::GRPCBrokerClient as GrpcBrokerClient;
pub use generated::g_r_p_c_broker_server::{
    GRPCBroker as GrpcBroker, GRPCBrokerServer as GrpcBrokerServer,
};
pub use generated::g_r_p_c_controller_client::GRPCControllerClient as GrpcControllerClient;
pub use generated::g_r_p_c_controller_server::{
    GRPCController as GrpcController, GRPCControllerServer as GrpcControllerServer,
};
pub use generated::g_r_p_c_stdio_client::GRPCStdioClient as GrpcStdioClient;
pub use generated::g_r_p_c_stdio_server::{
    GRPCStdio as GrpcStdio, GRPCStdioServer as GrpcStdioServer,
};
