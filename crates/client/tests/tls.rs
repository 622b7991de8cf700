//! Custom trust: a private CA generated per test with rcgen.

mod support;

use axum::routing::get;
use axum::Router;
use support::tls::ServerTls;
use support::{always, fixture, json, serve_tls};

/// The error and all its sources, to see why the handshake failed.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

fn routes() -> Router {
    Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(200, fixture("project_get.json")))),
    )
}

#[tokio::test]
async fn private_ca_is_refused_without_ca_cert_pem() {
    let server = serve_tls(routes(), ServerTls::generate()).await;

    let error = support::client_with(&server, |c| c.max_retries = 0)
        .get_project("team-alpha")
        .await
        .unwrap_err();

    assert!(error.is_connect(), "{error:?}");
    assert!(chain(&error).contains("certificate"), "{}", chain(&error));
    assert!(
        server.requests().is_empty(),
        "no request may pass the handshake"
    );
}

#[tokio::test]
async fn private_ca_is_accepted_with_ca_cert_pem() {
    let tls = ServerTls::generate();
    let ca_pem = tls.ca_pem.clone();
    let server = serve_tls(routes(), tls).await;

    let project = support::client_with(&server, |c| c.ca_cert_pem = Some(ca_pem))
        .get_project("team-alpha")
        .await
        .unwrap();

    assert_eq!(project.name, "team-alpha");
    assert_eq!(server.single_request().path, "/api/projects/team-alpha");
}

#[tokio::test]
async fn another_ca_is_still_refused() {
    let other_ca = ServerTls::generate().ca_pem;
    let server = serve_tls(routes(), ServerTls::generate()).await;

    let error = support::client_with(&server, |c| {
        c.max_retries = 0;
        c.ca_cert_pem = Some(other_ca);
    })
    .get_project("team-alpha")
    .await
    .unwrap_err();

    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn insecure_skip_tls_verify_accepts_the_private_ca() {
    let server = serve_tls(routes(), ServerTls::generate()).await;

    let project = support::client_with(&server, |c| c.insecure_skip_tls_verify = true)
        .get_project("team-alpha")
        .await
        .unwrap();

    assert_eq!(project.name, "team-alpha");
}
