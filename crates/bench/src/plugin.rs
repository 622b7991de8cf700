//! Starting a provider the way Terraform's go-plugin client does, and talking gRPC to it.
//!
//! The same launcher serves the provider under test and the Go peer, so both see an identical
//! environment: the magic cookie, `PLUGIN_PROTOCOL_VERSIONS=5,6` and a freshly generated client
//! certificate in `PLUGIN_CLIENT_CERT`. The handshake line says which protocol the plugin chose.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use magma_protocol::tfplugin6::provider_client::ProviderClient;
use rustls::pki_types::{CertificateDer, ServerName};
use terraform_provider_acp::server::handshake::MAGIC_COOKIE_VALUE;
use terraform_provider_acp::server::tls::{generate_identity, Identity, PinnedCertificate};
use tonic::transport::{Channel, Endpoint};

/// A started plugin process and what its handshake line announced.
pub(crate) struct Plugin {
    child: Child,
    /// Time from `spawn` to the complete handshake line on stdout.
    pub(crate) startup: Duration,
    /// The protocol version the plugin chose (5 or 6).
    pub(crate) protocol: u32,
    socket: PathBuf,
    server_cert: CertificateDer<'static>,
    client: Identity,
}

/// PEM text of a DER certificate.
fn pem(cert: &CertificateDer<'_>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

impl Plugin {
    /// Starts `binary` and waits for its handshake line. The client certificate is generated
    /// before the clock starts: Terraform has it ready before it forks the plugin too.
    pub(crate) fn start(binary: &Path) -> Result<Plugin, String> {
        let client = generate_identity().map_err(|e| format!("client identity: {e}"))?;
        let mut cmd = Command::new(binary);
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_CLIENT_CERT", pem(&client.cert))
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("stdout not piped")?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let startup = started.elapsed();
        if let Err(err) = read {
            let _ = child.kill();
            return Err(format!("read handshake of {}: {err}", binary.display()));
        }
        let parts: Vec<&str> = line.trim_end().split('|').collect();
        if parts.len() != 6 {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{}: bad handshake line {line:?}", binary.display()));
        }
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(parts[5].trim_end_matches('='))
            .map_err(|e| format!("handshake certificate: {e}"))?;
        Ok(Plugin {
            child,
            startup,
            protocol: parts[1].parse().unwrap_or(0),
            socket: PathBuf::from(parts[3]),
            server_cert: CertificateDer::from(der),
            client,
        })
    }

    /// The process id, to read its memory from `/proc`.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `tfplugin6.Provider` client over the plugin's unix socket with mutual TLS.
    pub(crate) async fn provider_client(&self) -> Result<ProviderClient<Channel>, String> {
        let crypto = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(PinnedCertificate::new(self.server_cert.clone()));
        let mut config = rustls::ClientConfig::builder_with_provider(crypto)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_auth_cert(vec![self.client.cert.clone()], self.client.key.clone_key())
            .map_err(|e| e.to_string())?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let socket = self.socket.clone();
        let channel = Endpoint::from_static("http://localhost")
            .connect_timeout(Duration::from_secs(10))
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
            .map_err(|e| format!("connect to plugin: {e}"))?;
        Ok(ProviderClient::new(channel)
            .max_decoding_message_size(256 * 1024 * 1024)
            .max_encoding_message_size(256 * 1024 * 1024))
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
