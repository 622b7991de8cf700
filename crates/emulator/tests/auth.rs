//! Token extraction and the project-context middleware.

mod common;

use acp_emulator::Config;
use common::*;

const SECRETS: &str = "/api/projects/team-a/runner-secrets";

#[tokio::test]
async fn missing_token_on_sub_routes_is_user_token_required() {
    let api = Api::with_team().await;
    api.send("GET", SECRETS, None, &[], None)
        .await
        .expect_error(401, "User token required");
    api.send("GET", SECRETS, None, &[("Authorization", "")], None)
        .await
        .expect_error(401, "User token required");
}

#[tokio::test]
async fn every_token_source_is_accepted() {
    let api = Api::with_team().await;
    let sources: [&[(&str, &str)]; 4] = [
        &[("Authorization", "Bearer editor-token")],
        &[("Authorization", "bEaReR editor-token")],
        &[("Authorization", "editor-token")],
        &[("X-Forwarded-Access-Token", "editor-token")],
    ];
    for headers in sources {
        api.send("GET", SECRETS, None, headers, None)
            .await
            .expect(200);
    }
    // The forwarded token wins over Authorization.
    api.send(
        "GET",
        SECRETS,
        None,
        &[
            ("X-Forwarded-Access-Token", "editor-token"),
            ("Authorization", "Bearer bogus"),
        ],
        None,
    )
    .await
    .expect(200);
    api.send(
        "GET",
        &format!("{SECRETS}?token=editor-token"),
        None,
        &[],
        None,
    )
    .await
    .expect(200);
    // Headers win over the query parameter.
    api.send(
        "GET",
        &format!("{SECRETS}?token=editor-token"),
        Some("bogus"),
        &[],
        None,
    )
    .await
    .expect_error(401, "Token expired or invalid");
    // ?token= is not honoured on the top-level project routes.
    api.send(
        "GET",
        "/api/projects/team-a?token=admin-token",
        None,
        &[],
        None,
    )
    .await
    .expect_error(401, "Invalid or missing token");
}

#[tokio::test]
async fn middleware_checks_run_in_order() {
    let api = Api::with_team().await;
    api.get("/api/projects/Bad_Name/permissions", "bogus")
        .await
        .expect_error(400, "Invalid project name format");
    api.get("/api/projects/team-a/permissions", "bogus")
        .await
        .expect_error(401, "Token expired or invalid");
    api.get("/api/projects/team-a/permissions", STRANGER)
        .await
        .expect_error(403, "Unauthorized to access project");
    // A project that does not exist looks the same as one without access.
    api.get("/api/projects/ghost/keys", VIEWER)
        .await
        .expect_error(403, "Unauthorized to access project");
}

#[tokio::test]
async fn unmatched_routes_are_plain_text_404() {
    let api = Api::with_team().await;
    for (method, path) in [
        ("GET", "/api/nothing"),
        ("PATCH", "/api/projects/team-a"),
        ("POST", "/health"),
        ("GET", "/api/projects/team-a/settings"),
    ] {
        let reply = api.send(method, path, Some(ADMIN), &[], None).await;
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.text, "404 page not found");
        assert!(reply
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("text/plain")));
    }
}

#[tokio::test]
async fn health_and_cluster_info_need_no_token() {
    let api = Api::new(config());
    let health = api
        .send("GET", "/health", None, &[], None)
        .await
        .expect(200);
    assert_eq!(health.text, r#"{"status":"healthy"}"#);
    let info = api
        .send("GET", "/api/cluster-info", None, &[], None)
        .await
        .expect(200);
    assert_eq!(info.text, r#"{"isOpenShift":false,"vertexEnabled":false}"#);
}

#[tokio::test]
async fn access_cache_keeps_a_denial_until_cleared() {
    let api = Api::new(Config {
        access_cache: true,
        ..config()
    });
    api.create_project("team-a", OWNER).await;
    api.get(SECRETS, EDITOR)
        .await
        .expect_error(403, "Unauthorized to access project");
    api.state.grant("team-a", "user", "eddie", "edit");
    // Just shared, but the cached denial still answers.
    api.get(SECRETS, EDITOR)
        .await
        .expect_error(403, "Unauthorized to access project");
    api.state.clear_access_cache();
    api.get(SECRETS, EDITOR).await.expect(200);
    // Revoked: the cached allow lets the request through, the handler's own call fails.
    api.state.revoke_subject("team-a", "user", "eddie");
    api.get(SECRETS, EDITOR)
        .await
        .expect_error(500, "Failed to read runner secrets");
}

#[tokio::test]
async fn without_the_cache_sharing_takes_effect_at_once() {
    let api = Api::with_team().await;
    api.get(SECRETS, STRANGER).await.expect(403);
    api.state.grant("team-a", "user", "sam", "edit");
    api.get(SECRETS, STRANGER).await.expect(200);
}
