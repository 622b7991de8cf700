//! Access keys: create validation, the one-time key, list, delete, and using a key.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use serde_json::{json, Value};

const KEYS: &str = "/api/projects/team-a/keys";
const ALICE: (&str, &str) = ("X-Forwarded-User", "alice");

async fn create(api: &Api, token: &str, body: Value) -> Reply {
    api.send("POST", KEYS, Some(token), &[ALICE], Some(&body.to_string()))
        .await
}

#[tokio::test]
async fn create_returns_the_key_once() {
    let api = Api::with_team().await;
    let reply = create(
        &api,
        ADMIN,
        json!({"name": "CI bot", "description": "GitHub Actions", "role": " Edit ", "expirationSeconds": 7776000}),
    )
    .await
    .expect(201);
    let body = reply.json();
    let fields: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert_eq!(
        fields,
        ["description", "id", "key", "lastUsedAt", "name", "role"]
    );
    assert_eq!(body["role"], "edit");
    assert_eq!(body["lastUsedAt"], "");
    assert_eq!(body["name"], "CI bot");
    let id = body["id"].as_str().expect("id");
    let hex = id.strip_prefix("ambient-key-ci-bot-").expect("id pattern");
    assert!(
        hex.len() == 8
            && hex
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );

    let key = body["key"].as_str().expect("key");
    let segments: Vec<&str> = key.split('.').collect();
    assert_eq!(segments.len(), 3);
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segments[1]).expect("b64")).expect("claims");
    assert_eq!(claims["sub"], format!("system:serviceaccount:team-a:{id}"));
    let (iat, exp) = (
        claims["iat"].as_i64().expect("iat"),
        claims["exp"].as_i64().expect("exp"),
    );
    assert_eq!(exp - iat, 7776000);

    let list = api.get(KEYS, ADMIN).await.expect(200);
    assert!(!list.text.contains(key));
    let items = list.json()["items"].clone();
    assert_eq!(items.as_array().map(Vec::len), Some(1));
    let item = &items[0];
    let fields: Vec<&String> = item.as_object().expect("object").keys().collect();
    assert_eq!(fields.len(), 6);
    assert_eq!(item["lastUsedAt"], "");
    assert_eq!(item["description"], "GitHub Actions");
    assert!(item["createdAt"].as_str().is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn defaults_and_omitted_fields() {
    let api = Api::with_team().await;
    let body = create(
        &api,
        ADMIN,
        json!({"name": "!!!", "expirationSeconds": 600}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(body["role"], "edit");
    assert_eq!(body["description"], "");
    assert!(body["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("ambient-key-group-")));
    let item = api.get(KEYS, ADMIN).await.expect(200).json()["items"][0].clone();
    assert!(item.get("description").is_none());
}

#[tokio::test]
async fn create_validation_order_and_messages() {
    let api = Api::with_team().await;
    let missing_name = create(&api, ADMIN, json!({"role": "boss"})).await;
    assert_eq!(missing_name.status, 400);
    assert!(missing_name.error().contains("'required' tag"));
    create(&api, ADMIN, json!({"name": "k", "role": "boss"}))
        .await
        .expect_error(400, "role must be one of: admin, edit, view");
    api.send("POST", KEYS, Some(ADMIN), &[], Some(r#"{"name":"k"}"#))
        .await
        .expect_error(400, "User identity required to create access keys");
    create(&api, ADMIN, json!({"name": "k"}))
        .await
        .expect_error(
            400,
            "expirationSeconds is required and must be greater than 0",
        );
    create(&api, ADMIN, json!({"name": "k", "expirationSeconds": -5}))
        .await
        .expect_error(
            400,
            "expirationSeconds is required and must be greater than 0",
        );
    create(
        &api,
        ADMIN,
        json!({"name": "k", "expirationSeconds": 31536001}),
    )
    .await
    .expect_error(400, "expirationSeconds must not exceed 31536000 (1 year)");
    assert!(api.state.keys("team-a").is_empty());
    create(
        &api,
        ADMIN,
        json!({"name": "k", "expirationSeconds": 31536000}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn short_lifetimes_fail_after_leaving_an_orphan() {
    let api = Api::with_team().await;
    create(
        &api,
        ADMIN,
        json!({"name": "short", "role": "view", "expirationSeconds": 599}),
    )
    .await
    .expect_error(500, "Failed to generate access token");
    let keys = api.state.keys("team-a");
    assert_eq!(keys.len(), 1);
    assert!(keys[0].token.is_none());
    assert!(keys[0].id.starts_with("ambient-key-short-"));
    let listed = api.get(KEYS, ADMIN).await.expect(200).json();
    assert_eq!(listed["items"][0]["name"], "short");
}

#[tokio::test]
async fn role_outcomes_follow_the_matrix() {
    let api = Api::with_team().await;
    let ok = json!({"name": "k", "expirationSeconds": 3600});
    api.get(KEYS, VIEWER)
        .await
        .expect_error(500, "Failed to list access keys");
    create(&api, VIEWER, ok.clone())
        .await
        .expect_error(500, "Failed to create service account");
    assert!(api.state.keys("team-a").is_empty());

    api.get(KEYS, EDITOR).await.expect(200);
    create(&api, EDITOR, ok.clone()).await.expect(201);
    create(
        &api,
        EDITOR,
        json!({"name": "boss", "role": "admin", "expirationSeconds": 3600}),
    )
    .await
    .expect_error(500, "Failed to bind service account");
    let orphan = api
        .state
        .keys("team-a")
        .into_iter()
        .find(|k| k.name == "boss")
        .expect("orphan service account");
    assert_eq!(orphan.role, None);
    let listed = api.get(KEYS, EDITOR).await.expect(200).json();
    let boss = listed["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == "boss").cloned())
        .expect("listed");
    assert!(boss.get("role").is_none());

    let path = format!("{KEYS}/{}", orphan.id);
    api.delete(&path, VIEWER)
        .await
        .expect_error(500, "Failed to delete access key");
    api.delete(&path, EDITOR)
        .await
        .expect_error(500, "Failed to delete access key");
    api.delete(&path, ADMIN_USER).await.expect(204);
    api.delete(&path, ADMIN_USER).await.expect(204);
    assert_eq!(api.state.keys("team-a").len(), 1);
}

#[tokio::test]
async fn a_key_acts_as_its_role_in_its_project_only() {
    let api = Api::with_team().await;
    api.create_project("team-b", ADMIN).await;
    let body = create(
        &api,
        ADMIN,
        json!({"name": "viewer", "role": "view", "expirationSeconds": 3600}),
    )
    .await
    .expect(201)
    .json();
    let key = body["key"].as_str().expect("key").to_owned();
    let id = body["id"].as_str().expect("id").to_owned();

    api.get("/api/projects/team-a", &key).await.expect(200);
    api.get(KEYS, &key)
        .await
        .expect_error(500, "Failed to list access keys");
    api.get("/api/projects/team-b", &key)
        .await
        .expect_error(403, "Unauthorized to view project");
    api.get("/api/projects/team-b/keys", &key)
        .await
        .expect_error(403, "Unauthorized to access project");
    let visible = api.get("/api/projects", &key).await.expect(200).json();
    assert_eq!(visible["totalCount"], 1);

    let used = api.state.keys("team-a")[0]
        .last_used_at
        .clone()
        .expect("lastUsedAt set");
    let item = api.get(KEYS, ADMIN).await.json()["items"][0].clone();
    assert_eq!(item["lastUsedAt"], used.as_str());

    assert!(api.state.expire_key("team-a", &id));
    api.get("/api/projects/team-a/access", &key)
        .await
        .expect_error(401, "Token expired or invalid");
    assert_eq!(
        api.state.keys("team-a").len(),
        1,
        "expired keys stay listed"
    );
    assert!(api.state.revoke_key("team-a", &id));
    api.get("/api/projects/team-a", &key)
        .await
        .expect_error(500, "Failed to verify permissions");
}

#[tokio::test]
async fn an_admin_key_can_create_keys_and_projects_as_its_creator() {
    let api = Api::with_team().await;
    let body = api
        .send(
            "POST",
            KEYS,
            Some(ADMIN),
            &[("X-Forwarded-User", "olive@example.com")],
            Some(r#"{"name":"robot","role":"admin","expirationSeconds":3600}"#),
        )
        .await
        .expect(201)
        .json();
    let key = body["key"].as_str().expect("key");
    // No identity header needed: the key's creator is used.
    api.post(KEYS, key, r#"{"name":"child","expirationSeconds":3600}"#)
        .await
        .expect(201);
    api.post("/api/projects", key, r#"{"name":"made-by-key"}"#)
        .await
        .expect(201);
    assert_eq!(
        api.state
            .project("made-by-key")
            .and_then(|p| p.creator)
            .as_deref(),
        Some("olive@example.com")
    );
    api.get("/api/projects/made-by-key", OWNER)
        .await
        .expect(200);
}

#[tokio::test]
async fn deleting_the_project_deletes_its_keys() {
    let api = Api::with_team().await;
    let body = create(&api, ADMIN, json!({"name": "k", "expirationSeconds": 3600}))
        .await
        .expect(201)
        .json();
    let key = body["key"].as_str().expect("key").to_owned();
    api.delete("/api/projects/team-a", ADMIN).await.expect(204);
    api.create_project("team-a", ADMIN).await;
    assert!(api.state.keys("team-a").is_empty());
    api.get("/api/projects/team-a/access", &key)
        .await
        .expect_error(401, "Token expired or invalid");
}
