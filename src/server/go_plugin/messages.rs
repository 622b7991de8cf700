//! Message types of go-plugin's helper services, declared by hand (field numbers as go-plugin
//! defines them on the wire).

/// An empty message (`google.protobuf.Empty` and go-plugin's own `Empty` look alike on the wire).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct Empty {}

/// A chunk of the plugin's stdout or stderr, for go-plugin's stdio forwarding.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct StdioData {
    /// 1 = stdout, 2 = stderr.
    #[prost(int32, tag = "1")]
    pub channel: i32,
    /// The bytes written.
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

/// Connection details exchanged over go-plugin's broker stream.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct ConnInfo {
    /// Broker service id.
    #[prost(uint32, tag = "1")]
    pub service_id: u32,
    /// Network type.
    #[prost(string, tag = "2")]
    pub network: String,
    /// Address.
    #[prost(string, tag = "3")]
    pub address: String,
    /// Multiplexing handshake, unused here.
    #[prost(message, optional, tag = "4")]
    pub knock: Option<Knock>,
}

/// go-plugin's connection multiplexing handshake; carried for wire compatibility only.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Knock {
    /// Asks for a connection.
    #[prost(bool, tag = "1")]
    pub knock: bool,
    /// Acknowledges one.
    #[prost(bool, tag = "2")]
    pub ack: bool,
    /// Why it failed.
    #[prost(string, tag = "3")]
    pub error: String,
}
