//! HTTPS: served with a certificate from a private CA minted here, trusted by a client that
//! knows that CA and refused by one that does not; also through the binary's flags.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::time::Duration;

use acp_emulator::{Config, Emulator};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
use reqwest::blocking::Client;

/// A CA certificate, and a server certificate and key it signed for `localhost` and
/// `127.0.0.1`, all PEM.
struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA cert");

    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let cert = params.signed_by(&key, &ca, &ca_key).expect("server cert");
    Pki {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

fn client_trusting(ca_pem: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .timeout(Duration::from_secs(10))
        .tls_built_in_root_certs(false);
    if let Some(pem) = ca_pem {
        builder = builder
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).expect("CA"));
    }
    builder.build().expect("client")
}

#[test]
fn serves_https_to_a_client_that_trusts_the_ca() {
    let pki = pki();
    let emulator = Emulator::start(Config {
        tls: Some((pki.cert_pem.clone(), pki.key_pem.clone())),
        ..Config::default()
    })
    .expect("start");
    let url = emulator.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let answer = client_trusting(Some(&pki.ca_pem))
        .get(format!("{url}/api/projects"))
        .bearer_auth(emulator.admin_token())
        .send()
        .expect("answer over TLS");
    assert_eq!(answer.status().as_u16(), 200);
    let body = answer.text().expect("body");
    assert!(body.starts_with(r#"{"items":[]"#), "{body}");

    let stranger = client_trusting(None).get(format!("{url}/health")).send();
    assert!(
        stranger.is_err(),
        "a client without the CA must refuse the certificate"
    );

    let plain = client_trusting(None)
        .get(url.replace("https://", "http://") + "/health")
        .send();
    assert!(
        plain.map_or(true, |r| !r.status().is_success()),
        "plain HTTP must not be served"
    );
}

#[test]
fn unusable_pem_is_reported_by_start() {
    let pki = pki();
    let err = Emulator::start(Config {
        tls: Some((pki.cert_pem, "not a key".to_owned())),
        ..Config::default()
    })
    .err()
    .expect("must fail");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("private key"), "{err}");
}

#[test]
fn the_binary_serves_https_with_tls_flags() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, &pki.cert_pem).expect("write cert");
    std::fs::write(&key, &pki.key_pem).expect("write key");

    let mut child = Command::new(env!("CARGO_BIN_EXE_acp-emulator"))
        .args(["--token", "t0ken", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("url");
    let url = url.trim_end().to_owned();
    let status = client_trusting(Some(&pki.ca_pem))
        .get(format!("{url}/api/projects"))
        .bearer_auth("t0ken")
        .send()
        .map(|r| r.status().as_u16());
    let _ = child.kill();
    let _ = child.wait();

    assert!(url.starts_with("https://127.0.0.1:"), "{url:?}");
    assert_eq!(status.expect("answer over TLS"), 200);
}
