//! Runner and integration secrets: whole-map reads and writes, redaction.

mod support;

use acp_client::SecretMap;
use axum::routing::get;
use axum::Router;
use support::{always, fixture, json, replay, serve, Hits};

#[tokio::test]
async fn get_runner_secrets_decodes_clear_text_map() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/runner-secrets",
        get(always(json(200, fixture("runner_secrets.json")))),
    ))
    .await;

    let map = support::client(&server)
        .get_runner_secrets("team-alpha")
        .await
        .unwrap();

    assert_eq!(map.len(), 1);
    assert_eq!(
        map["ANTHROPIC_API_KEY"],
        "sk-ant-api03-EXAMPLEEXAMPLEEXAMPLE"
    );
}

#[tokio::test]
async fn get_integration_secrets_decodes_every_key_and_debug_hides_values() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/integration-secrets",
        get(always(json(200, fixture("integration_secrets.json")))),
    ))
    .await;

    let map = support::client(&server)
        .get_integration_secrets("team-alpha")
        .await
        .unwrap();

    assert_eq!(map.len(), 6);
    assert_eq!(map["STORAGE_MODE"], "shared");
    let debug = format!("{map:?}");
    assert!(debug.contains("GITHUB_TOKEN"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert!(!debug.contains("ghp_"), "{debug}");
    assert!(!debug.contains("ATATT"), "{debug}");
}

#[tokio::test]
async fn absent_secret_reads_as_empty_map() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/runner-secrets",
        get(always(json(200, r#"{"data": {}}"#))),
    ))
    .await;

    let map = support::client(&server)
        .get_runner_secrets("team-alpha")
        .await
        .unwrap();

    assert!(map.is_empty());
}

#[tokio::test]
async fn put_integration_secrets_sends_whole_map_in_data_envelope() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/integration-secrets",
        axum::routing::put(always(json(
            200,
            fixture("integration_secrets_updated.json"),
        ))),
    ))
    .await;
    let map: SecretMap = [
        ("GITHUB_TOKEN", "ghp_ExampleExampleExampleExample0000"),
        ("STORAGE_MODE", "shared"),
        ("MY_CUSTOM_FLAG", "1"),
    ]
    .into_iter()
    .collect();

    support::client(&server)
        .put_integration_secrets("team-alpha", &map)
        .await
        .unwrap();

    let request = server.single_request();
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        serde_json::json!({"data": {"GITHUB_TOKEN": "ghp_ExampleExampleExampleExample0000",
            "STORAGE_MODE": "shared", "MY_CUSTOM_FLAG": "1"}})
    );
}

#[tokio::test]
async fn put_empty_runner_map_sends_empty_object_not_null() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/runner-secrets",
        axum::routing::put(always(json(200, r#"{"message":"runner secrets updated"}"#))),
    ))
    .await;

    support::client(&server)
        .put_runner_secrets("team-alpha", &SecretMap::new())
        .await
        .unwrap();

    assert_eq!(server.single_request().body, br#"{"data":{}}"#);
}

#[tokio::test]
async fn put_integration_secrets_is_sent_once_and_says_when_to_repeat() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/integration-secrets",
        axum::routing::put(replay(
            &hits,
            vec![
                json(500, r#"{"error":"Failed to update integration secrets"}"#),
                json(200, fixture("integration_secrets_updated.json")),
            ],
        )),
    ))
    .await;
    let client = support::client(&server);

    let err = client
        .put_integration_secrets("team-alpha", &SecretMap::new())
        .await
        .unwrap_err();

    // Resending the same map could undo a change made meanwhile, so the client leaves the
    // repeat (from a fresh read) to its caller and only says how long to wait.
    assert_eq!(hits.count(), 1);
    assert_eq!(err.status(), Some(500));
    assert!(client.repeat_delay(1, &err).is_some());
    assert!(
        client.repeat_delay(99, &err).is_none(),
        "max_retries bounds the repeats"
    );
}

#[tokio::test]
async fn repeat_delay_honours_retry_after_and_refuses_final_errors() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/integration-secrets",
        axum::routing::put(|| async {
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "3")],
                "busy",
            )
        }),
    ))
    .await;
    let client = support::client(&server);

    let busy = client
        .put_integration_secrets("team-alpha", &SecretMap::new())
        .await
        .unwrap_err();
    assert_eq!(
        client.repeat_delay(1, &busy),
        Some(std::time::Duration::from_secs(3))
    );

    let refused = serve(Router::new().route(
        "/api/projects/team-alpha/integration-secrets",
        axum::routing::put(always(json(400, r#"{"error":"bad"}"#))),
    ))
    .await;
    let client = support::client(&refused);
    let err = client
        .put_integration_secrets("team-alpha", &SecretMap::new())
        .await
        .unwrap_err();
    assert_eq!(client.repeat_delay(1, &err), None);
}

#[tokio::test]
async fn unexpected_secret_body_is_decode_error_without_values() {
    // Valid JSON of the wrong shape: serde would normally quote the value.
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/runner-secrets",
        get(always(json(
            200,
            r#"{"data": {"ANTHROPIC_API_KEY": ["sk-ant-LEAKME"]}}"#,
        ))),
    ))
    .await;

    let error = support::client(&server)
        .get_runner_secrets("team-alpha")
        .await
        .unwrap_err();

    assert!(
        matches!(error, acp_client::Error::Decode { .. }),
        "{error:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("LEAKME"), "{text}");
        assert!(text.contains("runner-secrets"), "{text}");
    }
}

#[tokio::test]
async fn secret_bodies_never_reach_logs_even_at_trace() {
    let (logs, _guard) = support::capture_logs();
    let server = serve(
        Router::new()
            .route(
                "/api/projects/team-alpha/integration-secrets",
                get(always(json(200, fixture("integration_secrets.json")))),
            )
            .route(
                "/api/projects/team-alpha",
                get(always(json(200, fixture("project_get.json")))),
            ),
    )
    .await;
    let client = support::client(&server);

    client.get_integration_secrets("team-alpha").await.unwrap();
    client.get_project("team-alpha").await.unwrap();

    let text = logs.text();
    assert!(
        text.contains("path=/api/projects/team-alpha/integration-secrets"),
        "{text}"
    );
    assert!(!text.contains("ghp_Example"), "{text}");
    assert!(!text.contains("ATATTexampletoken"), "{text}");
    // Project bodies are allowed at trace, which proves trace was on.
    assert!(text.contains("kubernetes.io/metadata.name"), "{text}");
}
