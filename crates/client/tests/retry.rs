//! The retry policy as seen from the wire.

mod support;

use std::time::{Duration, Instant};

use acp_client::{CreateProject, Permission};
use axum::routing::{get, post};
use axum::Router;
use support::{fixture, json, replay, serve, Hits};

fn new_project() -> CreateProject {
    CreateProject {
        name: "team-alpha".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn get_succeeds_after_two_503s_in_three_attempts() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(
            &hits,
            vec![
                json(503, "{}"),
                json(503, "{}"),
                json(200, fixture("project_get.json")),
            ],
        )),
    ))
    .await;

    let project = support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    assert_eq!(project.name, "team-alpha");
    assert_eq!(hits.count(), 3);
}

#[tokio::test]
async fn gateway_errors_on_get_are_retried() {
    for status in [502, 504, 429] {
        let hits = Hits::default();
        let server = serve(Router::new().route(
            "/api/projects/team-alpha",
            get(replay(
                &hits,
                vec![json(status, "{}"), json(200, fixture("project_get.json"))],
            )),
        ))
        .await;

        support::client(&server)
            .get_project("team-alpha")
            .await
            .unwrap();

        assert_eq!(hits.count(), 2, "status {status}");
    }
}

#[tokio::test]
async fn retry_after_header_is_honoured() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(
            &hits,
            vec![
                json(429, r#"{"error":"slow down"}"#).header("retry-after", "1"),
                json(200, fixture("project_get.json")),
            ],
        )),
    ))
    .await;
    let started = Instant::now();

    support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    let waited = started.elapsed();
    assert_eq!(hits.count(), 2);
    // The fast test policy alone would wait at most 10 ms.
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn retry_after_body_field_is_honoured() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(
            &hits,
            vec![
                json(
                    429,
                    r#"{"error":"Rate limit exceeded","retry_after":"500ms"}"#,
                ),
                json(200, fixture("project_get.json")),
            ],
        )),
    ))
    .await;
    let started = Instant::now();

    support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    let waited = started.elapsed();
    assert_eq!(hits.count(), 2);
    assert!(waited >= Duration::from_millis(450), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}

#[tokio::test]
async fn retries_stop_at_max_retries() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(&hits, vec![json(503, r#"{"error":"still down"}"#)])),
    ))
    .await;

    let error = support::client_with(&server, |c| c.max_retries = 2)
        .get_project("team-alpha")
        .await
        .unwrap_err();

    assert_eq!(hits.count(), 3, "one attempt plus two retries");
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.api_message(), Some("still down"));
}

#[tokio::test]
async fn zero_max_retries_means_one_attempt() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(&hits, vec![json(503, "{}")])),
    ))
    .await;

    support::client_with(&server, |c| c.max_retries = 0)
        .get_project("team-alpha")
        .await
        .unwrap_err();

    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn get_is_not_retried_on_500_or_client_errors() {
    for status in [500, 400, 404, 409] {
        let hits = Hits::default();
        let server = serve(Router::new().route(
            "/api/projects/team-alpha",
            get(replay(
                &hits,
                vec![
                    json(status, r#"{"error":"no"}"#),
                    json(200, fixture("project_get.json")),
                ],
            )),
        ))
        .await;

        let error = support::client(&server)
            .get_project("team-alpha")
            .await
            .unwrap_err();

        assert_eq!(error.status(), Some(status));
        assert_eq!(hits.count(), 1, "status {status}");
    }
}

#[tokio::test]
async fn post_is_not_retried_on_502_or_504() {
    for status in [502, 504] {
        let hits = Hits::default();
        let server = serve(Router::new().route(
            "/api/projects",
            post(replay(
                &hits,
                vec![
                    json(status, "{}"),
                    json(201, fixture("project_created_vanilla.json")),
                ],
            )),
        ))
        .await;

        let error = support::client(&server)
            .create_project(&new_project())
            .await
            .unwrap_err();

        assert_eq!(error.status(), Some(status));
        assert_eq!(hits.count(), 1, "status {status}");
    }
}

#[tokio::test]
async fn post_is_retried_on_429_and_503() {
    for status in [429, 503] {
        let hits = Hits::default();
        let server = serve(Router::new().route(
            "/api/projects/team-alpha/permissions",
            post(replay(
                &hits,
                vec![
                    json(status, "{}"),
                    json(201, fixture("permission_added.json")),
                ],
            )),
        ))
        .await;

        support::client(&server)
            .grant_permission(
                "team-alpha",
                &Permission {
                    subject_type: "user".into(),
                    subject_name: "bob@example.com".into(),
                    role: "view".into(),
                },
            )
            .await
            .unwrap();

        assert_eq!(hits.count(), 2, "status {status}");
    }
}

#[tokio::test]
async fn post_is_not_retried_after_a_timeout() {
    let hits = Hits::default();
    let counter = hits.clone();
    let server = serve(Router::new().route(
        "/api/projects",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.hit();
                tokio::time::sleep(Duration::from_secs(2)).await;
                "{}"
            }
        }),
    ))
    .await;

    let error = support::client_with(&server, |c| c.request_timeout = Duration::from_millis(200))
        .create_project(&new_project())
        .await
        .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn get_is_retried_after_a_timeout() {
    let hits = Hits::default();
    let counter = hits.clone();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(move || {
            let counter = counter.clone();
            async move {
                counter.hit();
                tokio::time::sleep(Duration::from_secs(2)).await;
                "{}"
            }
        }),
    ))
    .await;

    let error = support::client_with(&server, |c| {
        c.request_timeout = Duration::from_millis(150);
        c.max_retries = 2;
    })
    .get_project("team-alpha")
    .await
    .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(hits.count(), 3);
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post() {
    let (logs, _guard) = support::capture_logs();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url: url::Url = format!("http://{}", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    drop(listener);
    let mut config = support::config(&url);
    config.max_retries = 2;
    let client = acp_client::Client::with_retry_policy(config, support::fast_retries()).unwrap();

    let error = client.create_project(&new_project()).await.unwrap_err();

    assert!(error.is_connect(), "{error:?}");
    let text = logs.text();
    assert_eq!(text.matches("retrying acp request").count(), 2, "{text}");
    assert_eq!(text.matches("acp request failed").count(), 3, "{text}");
    assert!(text.contains("method=POST"), "{text}");
}

#[tokio::test]
async fn each_attempt_is_logged_with_status_and_attempt_number() {
    let (logs, _guard) = support::capture_logs();
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(replay(
            &hits,
            vec![json(503, "{}"), json(200, fixture("project_get.json"))],
        )),
    ))
    .await;

    support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    let text = logs.text();
    assert!(text.contains("status=503 attempt=1"), "{text}");
    assert!(text.contains("status=200 attempt=2"), "{text}");
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains("http 503"), "{text}");
}
