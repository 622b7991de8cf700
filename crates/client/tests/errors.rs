//! Error mapping and what errors may (not) contain.

mod support;

use std::time::Duration;

use acp_client::{Client, Error};
use axum::routing::get;
use axum::Router;
use support::{always, empty, fixture, json, serve, Canned, TOKEN};

async fn get_error(canned: Canned) -> Error {
    let server = serve(Router::new().route("/api/projects/team-alpha", get(always(canned)))).await;
    support::client_with(&server, |c| c.max_retries = 0)
        .get_project("team-alpha")
        .await
        .unwrap_err()
}

fn assert_token_hidden(error: &Error) {
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("TopSecretToken"), "token leaked: {text}");
    }
}

#[tokio::test]
async fn status_predicates_follow_the_status() {
    type Predicate = fn(&Error) -> bool;
    let cases: [(u16, Predicate); 4] = [
        (401, Error::is_unauthorized),
        (403, Error::is_forbidden),
        (404, Error::is_not_found),
        (409, Error::is_conflict),
    ];
    for (status, predicate) in cases {
        let error = get_error(json(status, r#"{"error":"nope"}"#)).await;
        assert!(predicate(&error), "{status}: {error:?}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.api_message(), Some("nope"));
        assert!(!error.is_timeout() && !error.is_connect());
        let others = cases.iter().filter(|(s, _)| *s != status);
        for (other, p) in others {
            assert!(!p(&error), "{status} also matched {other}");
        }
        assert_token_hidden(&error);
    }
}

#[tokio::test]
async fn html_502_from_a_proxy_becomes_api_error_with_excerpt() {
    let error = get_error(Canned {
        status: 502,
        headers: vec![("content-type", "text/html".into())],
        body: fixture("bad_gateway.html"),
    })
    .await;

    assert_eq!(error.status(), Some(502));
    assert_eq!(
        error.api_message(),
        Some("502 Bad Gateway 502 Bad Gateway nginx")
    );
    assert_eq!(
        error.to_string(),
        "get project \"team-alpha\": http 502: 502 Bad Gateway 502 Bad Gateway nginx"
    );
}

#[tokio::test]
async fn empty_error_body_still_names_the_status() {
    let error = get_error(empty(503)).await;

    assert_eq!(error.status(), Some(503));
    assert_eq!(
        error.api_message(),
        Some("empty response body (Service Unavailable)")
    );
}

#[tokio::test]
async fn router_plain_text_404_is_not_an_object_not_found() {
    // Gin's answer for a path no route matches (a wrong endpoint), not the platform saying
    // that an object does not exist: callers must not take it for "deleted".
    for body in ["404 page not found", "<html>Not Found</html>", ""] {
        let error = get_error(Canned {
            status: 404,
            headers: vec![("content-type", "text/plain".into())],
            body: body.into(),
        })
        .await;
        assert!(!error.is_not_found(), "{body:?}: {error:?}");
        assert_eq!(error.status(), Some(404));
    }
    // A gateway's JSON that merely has an `error` field among others.
    let gateway =
        r#"{"timestamp":"2026-01-01T00:00:00Z","status":404,"error":"Not Found","path":"/x"}"#;
    let error = get_error(json(404, gateway)).await;
    assert!(!error.is_not_found(), "{error:?}");
    let error = get_error(json(404, r#"{"error":"Project not found"}"#)).await;
    assert!(error.is_not_found());
}

#[tokio::test]
async fn empty_200_body_is_decode_error() {
    let error = get_error(empty(200)).await;

    match &error {
        Error::Decode { status, reason, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(reason, "empty body");
        }
        other => panic!("expected decode error, got {other:?}"),
    }
    assert_eq!(error.status(), Some(200));
    assert!(!error.is_not_found());
}

#[tokio::test]
async fn invalid_200_body_is_decode_error_with_short_snippet() {
    let body = format!(
        "<html><body>Sign in to continue {}</body></html>",
        "x".repeat(1000)
    );
    let error = get_error(json(200, body)).await;

    let Error::Decode { snippet, .. } = &error else {
        panic!("expected decode error, got {error:?}");
    };
    assert!(snippet.starts_with("Sign in to continue"), "{snippet}");
    assert!(snippet.chars().count() <= 201, "{}", snippet.len());
    assert!(error
        .to_string()
        .starts_with("get project \"team-alpha\": unexpected response body"));
}

#[tokio::test]
async fn token_echoed_by_a_server_is_scrubbed_from_errors() {
    let echo = format!("<html>bad credentials: Bearer {TOKEN}</html>");
    for canned in [
        json(400, format!(r#"{{"error":"bad token {TOKEN}"}}"#)),
        json(401, echo.clone()),
        json(200, echo),
    ] {
        let error = get_error(canned).await;
        assert_token_hidden(&error);
        assert!(format!("{error}").contains("[redacted]"), "{error}");
    }
}

#[tokio::test]
async fn refused_connection_is_connect_error() {
    // Bind then drop to get a port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url: url::Url = format!("http://{}", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    drop(listener);
    let mut config = support::config(&url);
    config.max_retries = 0;
    let client = Client::new(config).unwrap();

    let error = client.get_project("team-alpha").await.unwrap_err();

    assert!(error.is_connect(), "{error:?}");
    assert!(!error.is_timeout());
    assert_eq!(error.status(), None);
    assert!(
        error
            .to_string()
            .starts_with("get project \"team-alpha\": could not connect"),
        "{error}"
    );
    assert_token_hidden(&error);
}

#[tokio::test]
async fn slow_server_is_timeout() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            "{}"
        }),
    ))
    .await;
    let client = support::client_with(&server, |c| {
        c.max_retries = 0;
        c.request_timeout = Duration::from_millis(200);
    });

    let error = client.get_project("team-alpha").await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        error.to_string(),
        "get project \"team-alpha\": timed out after 200ms"
    );
}

#[test]
fn bad_ca_pem_is_a_typed_error() {
    for pem in [
        "not a certificate at all",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
    ] {
        let mut config = support::config(&"https://acp.example.com".parse().unwrap());
        config.ca_cert_pem = Some(pem.to_owned());
        let error = Client::new(config).unwrap_err();
        assert!(
            matches!(error, Error::InvalidCaCert { .. }),
            "{pem:?}: {error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("ca_cert_pem could not be parsed"),
            "{error}"
        );
    }
}

#[test]
fn unusable_settings_are_config_errors_without_the_token() {
    let mut config = support::config(&"ftp://acp.example.com".parse().unwrap());
    let error = Client::new(config.clone()).unwrap_err();
    assert!(matches!(error, Error::InvalidConfig(_)), "{error:?}");

    config.endpoint = "https://acp.example.com".parse().unwrap();
    config.token = format!("{TOKEN}\n");
    let error = Client::new(config).unwrap_err();
    assert!(matches!(error, Error::InvalidConfig(_)), "{error:?}");
    assert_token_hidden(&error);
}

#[test]
fn client_and_config_debug_redact_the_token() {
    let config = support::config(&"https://acp.example.com".parse().unwrap());
    let client = Client::new(config.clone()).unwrap();

    for text in [format!("{config:?}"), format!("{client:?}")] {
        assert!(!text.contains("TopSecretToken"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        assert!(text.contains("acp.example.com"), "{text}");
    }
}

#[tokio::test]
async fn token_never_appears_in_logs_even_when_requests_fail_and_retry() {
    let (logs, _guard) = support::capture_logs();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(
            503,
            format!(r#"{{"error":"down, token {TOKEN}"}}"#),
        ))),
    ))
    .await;

    let error = support::client_with(&server, |c| c.max_retries = 2)
        .get_project("team-alpha")
        .await
        .unwrap_err();

    let text = logs.text();
    assert_eq!(text.matches("retrying acp request").count(), 2, "{text}");
    assert!(text.contains("status=503"), "{text}");
    assert!(!text.contains("TopSecretToken"), "{text}");
    assert_token_hidden(&error);
}
