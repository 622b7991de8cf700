//! A harness that plays Terraform's part at the gRPC level: it launches the provider binary
//! the way go-plugin does (magic cookie, client certificate, protocol versions), reads the
//! handshake line, and connects over the unix socket with mutual TLS.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hyper_util::rt::TokioIo;
use magma_protocol::tfplugin6::provider_client::ProviderClient;
use rustls::pki_types::{CertificateDer, ServerName};
use terraform_provider_acp::server::go_plugin::GrpcControllerClient;
use terraform_provider_acp::server::handshake::MAGIC_COOKIE_VALUE;
use terraform_provider_acp::server::tls::{generate_identity, Identity, PinnedCertificate};
use tonic::transport::{Channel, Endpoint};

/// The provider binary Cargo built for this test run.
pub fn provider_binary() -> &'static str {
    env!("CARGO_BIN_EXE_terraform-provider-acp")
}

/// PEM of a DER certificate, as Terraform passes it in `PLUGIN_CLIENT_CERT`.
pub fn pem(cert: &CertificateDer<'_>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// A running provider process and what its handshake announced.
pub struct Plugin {
    /// The child process.
    pub child: Child,
    /// The socket path from the handshake line.
    pub socket: PathBuf,
    /// The server certificate from the handshake line.
    pub server_cert: CertificateDer<'static>,
    /// The client identity whose certificate was passed in `PLUGIN_CLIENT_CERT`.
    pub client: Identity,
    /// The whole handshake line.
    pub handshake: String,
}

impl Plugin {
    /// Starts the provider as Terraform would, with extra environment variables.
    pub fn start_with_env(env: &[(&str, &str)]) -> Plugin {
        let client = generate_identity().expect("client identity");
        let mut cmd = Command::new(provider_binary());
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_CLIENT_CERT", pem(&client.cert))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start provider");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read handshake line");
        let handshake = line.trim_end().to_string();
        let parts: Vec<&str> = handshake.split('|').collect();
        assert_eq!(parts.len(), 6, "handshake line {handshake:?}");
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5])
            .expect("unpadded base64 certificate");
        Plugin {
            child,
            socket: PathBuf::from(parts[3]),
            server_cert: CertificateDer::from(der),
            client,
            handshake,
        }
    }

    /// Starts the provider as Terraform would.
    pub fn start() -> Plugin {
        Plugin::start_with_env(&[])
    }

    /// A gRPC channel over the socket, presenting `identity` (or no certificate at all).
    pub async fn channel_as(
        &self,
        identity: Option<&Identity>,
    ) -> Result<Channel, tonic::transport::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(PinnedCertificate::new(self.server_cert.clone()));
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match identity {
            Some(id) => builder
                .with_client_auth_cert(vec![id.cert.clone()], id.key.clone_key())
                .expect("client cert"),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let socket = self.socket.clone();
        Endpoint::from_static("http://localhost")
            .connect_timeout(Duration::from_secs(5))
            .connect_with_connector(tower::service_fn(move |_| {
                let connector = connector.clone();
                let socket = socket.clone();
                async move {
                    let stream = tokio::net::UnixStream::connect(socket).await?;
                    let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                    let tls = connector.connect(name, stream).await?;
                    Ok::<_, std::io::Error>(TokioIo::new(tls))
                }
            }))
            .await
    }

    /// A `tfplugin6.Provider` client presenting the right certificate.
    pub async fn provider_client(&self) -> ProviderClient<Channel> {
        let channel = self.channel_as(Some(&self.client)).await.expect("connect");
        ProviderClient::new(channel)
            .max_decoding_message_size(256 * 1024 * 1024)
            .max_encoding_message_size(256 * 1024 * 1024)
    }

    /// go-plugin's controller client, to ask for a clean shutdown.
    pub async fn controller_client(&self) -> GrpcControllerClient<Channel> {
        GrpcControllerClient::new(self.channel_as(Some(&self.client)).await.expect("connect"))
    }

    /// Waits up to `limit` for the process to exit and returns its status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
