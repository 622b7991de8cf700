//! HTTPS: turns the PEM certificate chain and private key of [`Config::tls`] into a rustls
//! acceptor, with the ring provider the rest of the workspace uses.
//!
//! [`Config::tls`]: crate::Config::tls

use std::io::{Error, ErrorKind};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// Builds the acceptor; errors name which half of the pair is wrong.
pub(crate) fn acceptor(cert_pem: &str, key_pem: &str) -> std::io::Result<TlsAcceptor> {
    let certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| invalid(format!("TLS certificate is not valid PEM: {err}")))?;
    if certs.is_empty() {
        return Err(invalid(
            "TLS certificate PEM holds no certificate".to_owned(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|err| invalid(format!("TLS private key is not valid PEM: {err}")))?;
    // An explicit provider: relying on the process default would panic if another crate in
    // the same binary enabled a second rustls provider.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| invalid(format!("TLS setup failed: {err}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|err| invalid(format!("TLS certificate and key do not fit: {err}")))?;
    // We only speak HTTP/1.1; say so, so that clients do not try h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}
