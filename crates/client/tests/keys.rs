//! Access keys: listing, creating (token handling) and deleting.

mod support;

use acp_client::CreateAccessKey;
use axum::routing::{delete, get, post};
use axum::Router;
use support::{always, empty, fixture, json, replay, serve, Hits};

const KEY_PREFIX: &str = "eyJhbGciOiJSUzI1NiIs";

#[tokio::test]
async fn list_keys_decodes_optional_fields_and_unused_keys() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        get(always(json(200, fixture("keys_list.json")))),
    ))
    .await;

    let keys = support::client(&server)
        .list_keys("team-alpha")
        .await
        .unwrap();

    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].id, "ambient-key-ci-bot-3f9a1c2e");
    assert_eq!(
        keys[0].description.as_deref(),
        Some("GitHub Actions pipeline")
    );
    assert_eq!(keys[0].last_used_at, "2026-08-18T11:30:05Z");
    assert_eq!(keys[1].name, "readonly dash");
    assert_eq!(keys[1].description, None);
    assert_eq!(keys[1].last_used_at, "");
    assert_eq!(keys[1].role.as_deref(), Some("view"));
    assert_eq!(keys[1].created_at, "2026-08-18T10:05:12Z");
}

#[tokio::test]
async fn half_created_key_without_role_decodes() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        get(always(json(
            200,
            r#"{"items":[{"id":"ambient-key-x-00000000","name":"x","createdAt":"2026-08-18T10:02:44Z","lastUsedAt":""}]}"#,
        ))),
    ))
    .await;

    let keys = support::client(&server)
        .list_keys("team-alpha")
        .await
        .unwrap();

    assert_eq!(keys[0].role, None);
}

#[tokio::test]
async fn create_key_sends_expiration_and_returns_redacted_token() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        post(always(json(201, fixture("key_created.json")))),
    ))
    .await;

    let created = support::client(&server)
        .create_key(
            "team-alpha",
            &CreateAccessKey {
                name: "ci-bot".into(),
                description: Some("GitHub Actions pipeline".into()),
                role: Some("edit".into()),
                expiration_seconds: 7_776_000,
            },
        )
        .await
        .unwrap();

    assert_eq!(created.id, "ambient-key-ci-bot-3f9a1c2e");
    assert!(created.key.expose_secret().starts_with(KEY_PREFIX));
    assert_eq!(created.key.expose_secret().split('.').count(), 3);
    assert_eq!(created.role, "edit");
    assert_eq!(created.last_used_at, "");
    let debug = format!("{created:?}");
    assert!(!debug.contains(KEY_PREFIX), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_eq!(
        server.single_request().json(),
        serde_json::json!({"name": "ci-bot", "description": "GitHub Actions pipeline",
            "role": "edit", "expirationSeconds": 7_776_000})
    );
}

#[tokio::test]
async fn create_key_omits_unset_optional_fields() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        post(always(json(201, fixture("key_created.json")))),
    ))
    .await;

    support::client(&server)
        .create_key(
            "team-alpha",
            &CreateAccessKey {
                name: "ci-bot".into(),
                expiration_seconds: 600,
                ..Default::default()
            },
        )
        .await
        .unwrap();

    assert_eq!(
        server.single_request().json(),
        serde_json::json!({"name": "ci-bot", "expirationSeconds": 600})
    );
}

#[tokio::test]
async fn create_key_is_not_retried_after_a_gateway_error() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        post(replay(
            &hits,
            vec![json(502, "{}"), json(201, fixture("key_created.json"))],
        )),
    ))
    .await;

    let error = support::client(&server)
        .create_key(
            "team-alpha",
            &CreateAccessKey {
                name: "ci-bot".into(),
                expiration_seconds: 600,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(502));
    assert_eq!(hits.count(), 1, "a second POST could mint a second key");
}

#[tokio::test]
async fn create_key_logs_never_contain_the_new_key() {
    let (logs, _guard) = support::capture_logs();
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys",
        post(always(json(201, fixture("key_created.json")))),
    ))
    .await;

    support::client(&server)
        .create_key(
            "team-alpha",
            &CreateAccessKey {
                name: "ci-bot".into(),
                expiration_seconds: 600,
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let text = logs.text();
    assert!(text.contains("status=201"), "{text}");
    assert!(!text.contains(KEY_PREFIX), "{text}");
}

#[tokio::test]
async fn delete_key_targets_the_id() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/keys/ambient-key-ci-bot-3f9a1c2e",
        delete(always(empty(204))),
    ))
    .await;

    support::client(&server)
        .delete_key("team-alpha", "ambient-key-ci-bot-3f9a1c2e")
        .await
        .unwrap();

    assert_eq!(server.single_request().method, "DELETE");
}
