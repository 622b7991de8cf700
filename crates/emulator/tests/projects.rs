//! Projects: create validation and answers, get/put/delete, terminating, list pagination,
//! OpenShift mode.

mod common;

use std::time::Duration;

use acp_emulator::Config;
use common::*;
use serde_json::json;

const ALICE: (&str, &str) = ("X-Forwarded-User", "alice@example.com");

#[tokio::test]
async fn create_answers_201_with_vanilla_shape_and_echoed_description() {
    let api = Api::new(config());
    let reply = api
        .send(
            "POST",
            "/api/projects",
            Some(ADMIN),
            &[ALICE],
            Some(r#"{"name":"team-alpha","displayName":"Team Alpha","description":"Alpha squad"}"#),
        )
        .await
        .expect(201);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    let body = reply.json();
    let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert_eq!(body["name"], "team-alpha");
    assert_eq!(body["displayName"], "");
    assert_eq!(body["description"], "Alpha squad");
    assert_eq!(body["annotations"], serde_json::Value::Null);
    assert_eq!(body["status"], "Active");
    assert_eq!(body["isOpenShift"], false);
    assert_eq!(
        body["labels"],
        json!({"ambient-code.io/managed": "true", "app.kubernetes.io/managed-by": "ambient-code", "kubernetes.io/metadata.name": "team-alpha"})
    );
    let ts = body["creationTimestamp"].as_str().expect("timestamp");
    assert_eq!(ts.len(), 20, "second precision with Z: {ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T');
    assert_eq!(keys.len(), 8);

    // Vanilla Kubernetes does not store the description: later reads omit it.
    let got = api
        .get("/api/projects/team-alpha", ADMIN)
        .await
        .expect(200)
        .json();
    assert!(got.get("description").is_none(), "{got}");
    assert_eq!(got["displayName"], "");
    // The creator holds the hidden admin binding.
    assert_eq!(
        api.state
            .project("team-alpha")
            .and_then(|p| p.creator)
            .as_deref(),
        Some("alice@example.com")
    );
    assert!(api.state.permissions("team-alpha").is_empty());
}

#[tokio::test]
async fn create_validates_in_documented_order() {
    let api = Api::new(config());
    let create =
        |body: &'static str| api.send("POST", "/api/projects", Some(ADMIN), &[ALICE], Some(body));
    let missing = create(r#"{}"#).await;
    assert_eq!(missing.status, 400);
    assert!(missing.error().contains("'required' tag"));
    assert_eq!(create(r#"{"name":""}"#).await.status, 400);
    let long = format!(r#"{{"name":"{}"}}"#, "a".repeat(64));
    api.send("POST", "/api/projects", Some(ADMIN), &[ALICE], Some(&long))
        .await
        .expect_error(400, "project name must be 63 characters or less");
    for bad in ["Team", "-a", "a-", "a_b"] {
        let body = format!(r#"{{"name":"{bad}"}}"#);
        api.send("POST", "/api/projects", Some(ADMIN), &[ALICE], Some(&body))
            .await
            .expect_error(
                400,
                "project name must be lowercase alphanumeric with hyphens (cannot start or end with hyphen)",
            );
    }
    create(r#"{"name":"kube-system"}"#).await.expect_error(
        400,
        "project name 'kube-system' is reserved and cannot be used",
    );
    create(r#"{"name":"9lives"}"#).await.expect(201);
    create(r#"{"name":"9lives"}"#)
        .await
        .expect_error(409, "Project already exists");
}

#[tokio::test]
async fn create_needs_token_body_and_subject() {
    let api = Api::new(config());
    api.send(
        "POST",
        "/api/projects",
        None,
        &[ALICE],
        Some(r#"{"name":"a"}"#),
    )
    .await
    .expect_error(401, "Invalid or missing token");
    api.send(
        "POST",
        "/api/projects",
        Some(ADMIN),
        &[],
        Some(r#"{"name":"a"}"#),
    )
    .await
    .expect_error(401, "Invalid token");
    let empty = api
        .send("POST", "/api/projects", Some(ADMIN), &[ALICE], None)
        .await;
    empty.expect_error(400, "EOF");
    let garbage = api
        .send("POST", "/api/projects", Some(ADMIN), &[ALICE], Some("{x"))
        .await;
    assert_eq!(garbage.status, 400);
    assert!(!garbage.error().is_empty());
    let wrong_type = api
        .send(
            "POST",
            "/api/projects",
            Some(ADMIN),
            &[ALICE],
            Some(r#"{"name":5}"#),
        )
        .await;
    assert_eq!(wrong_type.status, 400);
    assert!(!wrong_type.error().is_empty());
    assert!(api.state.is_empty());
}

#[tokio::test]
async fn creator_subject_follows_header_precedence() {
    let api = Api::new(config());
    let headers = [
        ("X-Forwarded-Email", "mail@example.com"),
        ("X-Forwarded-User", "user-header"),
        ("X-Forwarded-Preferred-Username", "preferred"),
    ];
    api.send(
        "POST",
        "/api/projects",
        Some(ADMIN),
        &headers,
        Some(r#"{"name":"p1"}"#),
    )
    .await
    .expect(201);
    api.send(
        "POST",
        "/api/projects",
        Some(ADMIN),
        &headers[..2],
        Some(r#"{"name":"p2"}"#),
    )
    .await
    .expect(201);
    api.send(
        "POST",
        "/api/projects",
        Some(ADMIN),
        &headers[..1],
        Some(r#"{"name":"p3"}"#),
    )
    .await
    .expect(201);
    let creator = |p: &str| api.state.project(p).and_then(|p| p.creator);
    assert_eq!(creator("p1").as_deref(), Some("preferred"));
    assert_eq!(creator("p2").as_deref(), Some("user-header"));
    assert_eq!(creator("p3").as_deref(), Some("mail@example.com"));
}

#[tokio::test]
async fn creator_can_use_the_project_and_strangers_cannot() {
    let api = Api::with_team().await;
    api.get("/api/projects/team-a", OWNER).await.expect(200);
    api.get("/api/projects/team-a", STRANGER)
        .await
        .expect_error(403, "Unauthorized to view project");
    api.get("/api/projects/nope", STRANGER)
        .await
        .expect_error(404, "Project not found");
    api.get("/api/projects/team-a", "bogus")
        .await
        .expect_error(500, "Failed to verify permissions");
    api.send("GET", "/api/projects/team-a", None, &[], None)
        .await
        .expect_error(401, "Invalid or missing token");
}

#[tokio::test]
async fn update_and_delete_need_admin() {
    let api = Api::with_team().await;
    for token in [VIEWER, EDITOR] {
        api.put("/api/projects/team-a", token, "{}")
            .await
            .expect_error(403, "Unauthorized to update project");
        api.delete("/api/projects/team-a", token)
            .await
            .expect_error(403, "Insufficient permissions to delete project");
    }
    api.put("/api/projects/team-a", ADMIN_USER, "{}")
        .await
        .expect(200);
    api.put("/api/projects/team-a", ADMIN, r#"{"name":"other"}"#)
        .await
        .expect_error(400, "project name in URL does not match request body");
    api.put("/api/projects/team-a", ADMIN, "")
        .await
        .expect_error(400, "EOF");
    api.put("/api/projects/ghost", ADMIN, "{}")
        .await
        .expect_error(404, "Project not found");
    api.delete("/api/projects/ghost", ADMIN)
        .await
        .expect_error(404, "Project not found");
    let gone = api
        .delete("/api/projects/team-a", ADMIN_USER)
        .await
        .expect(204);
    assert!(gone.text.is_empty());
    assert!(gone.content_type.is_none());
}

#[tokio::test]
async fn vanilla_update_changes_nothing() {
    let api = Api::with_team().await;
    let body = api
        .put(
            "/api/projects/team-a",
            ADMIN,
            r#"{"displayName":"X","description":"Y"}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(body["displayName"], "");
    assert!(body.get("description").is_none());
}

#[tokio::test]
async fn delete_terminates_for_the_configured_period_then_everything_is_gone() {
    let api = Api::new(Config {
        terminating_period: Duration::from_millis(400),
        ..config()
    });
    api.create_project("doomed", ADMIN).await;
    api.state
        .set_integration_secret("doomed", "GITHUB_TOKEN", "x");
    api.delete("/api/projects/doomed", ADMIN).await.expect(204);

    let body = api
        .get("/api/projects/doomed", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(body["status"], "Terminating");
    api.delete("/api/projects/doomed", ADMIN)
        .await
        .expect_error(500, "Failed to delete project");
    api.send(
        "POST",
        "/api/projects",
        Some(ADMIN),
        &[ALICE],
        Some(r#"{"name":"doomed"}"#),
    )
    .await
    .expect_error(409, "Project already exists");
    api.post(
        "/api/projects/doomed/permissions",
        ADMIN,
        r#"{"subjectType":"user","subjectName":"bob","role":"view"}"#,
    )
    .await
    .expect_error(403, "Insufficient permissions to grant permission");
    api.put(
        "/api/projects/doomed/runner-secrets",
        ADMIN,
        r#"{"data":{}}"#,
    )
    .await
    .expect_error(500, "Failed to create runner secrets");
    // The existing Secret may still change while the namespace is dying.
    api.put(
        "/api/projects/doomed/integration-secrets",
        ADMIN,
        r#"{"data":{}}"#,
    )
    .await
    .expect(200);
    assert_eq!(api.state.project_names(), vec!["doomed".to_owned()]);

    tokio::time::sleep(Duration::from_millis(500)).await;
    api.get("/api/projects/doomed", ADMIN)
        .await
        .expect_error(404, "Project not found");
    assert!(api.state.is_empty());
    // Recreating starts from scratch.
    api.create_project("doomed", ADMIN).await;
    assert!(api.state.integration_secrets("doomed").is_empty());
}

#[tokio::test]
async fn zero_period_deletes_at_once() {
    let api = Api::with_team().await;
    api.delete("/api/projects/team-a", ADMIN).await.expect(204);
    api.get("/api/projects/team-a", ADMIN)
        .await
        .expect_error(404, "Project not found");
}

fn names(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn list_is_newest_first_paginated_and_filtered() {
    let api = Api::new(config());
    for name in ["p-0", "p-1", "p-2", "q-3", "p-4"] {
        api.create_project(name, ADMIN).await;
    }
    let all = api.get("/api/projects", ADMIN).await.expect(200).json();
    assert_eq!(names(&all), ["p-4", "q-3", "p-2", "p-1", "p-0"]);
    assert_eq!(all["totalCount"], 5);
    assert_eq!(all["limit"], 20);
    assert_eq!(all["hasMore"], false);
    assert!(all.get("nextOffset").is_none());

    let page = api
        .get("/api/projects?limit=2&offset=1", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(names(&page), ["q-3", "p-2"]);
    assert_eq!(page["hasMore"], true);
    assert_eq!(page["nextOffset"], 3);
    assert_eq!(page["offset"], 1);

    let last = api
        .get("/api/projects?limit=2&offset=4", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(names(&last), ["p-0"]);
    assert!(last.get("nextOffset").is_none());
    let past = api
        .get("/api/projects?offset=9", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(names(&past), Vec::<String>::new());
    assert_eq!(past["hasMore"], false);

    let zero = api
        .get("/api/projects?limit=0&offset=-3", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(zero["limit"], 20);
    assert_eq!(zero["offset"], 0);
    let big = api
        .get("/api/projects?limit=1000", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(big["limit"], 100);

    let search = api
        .get("/api/projects?search=Q-", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(names(&search), ["q-3"]);
    assert_eq!(search["totalCount"], 1);

    api.get("/api/projects?limit=abc", ADMIN)
        .await
        .expect_error(400, "Invalid pagination parameters");
    api.send("GET", "/api/projects", None, &[], None)
        .await
        .expect_error(401, "Invalid or missing token");
}

#[tokio::test]
async fn list_shows_only_accessible_projects() {
    let api = Api::with_team().await;
    api.create_project("private", ADMIN).await;
    let vera = api.get("/api/projects", VIEWER).await.expect(200).json();
    assert_eq!(names(&vera), ["team-a"]);
    let sam = api.get("/api/projects", STRANGER).await.expect(200).json();
    assert_eq!(sam["totalCount"], 0);
    // An unknown token gets an empty list, not 401.
    let bogus = api.get("/api/projects", "bogus").await.expect(200).json();
    assert_eq!(names(&bogus), Vec::<String>::new());
}

#[tokio::test]
async fn openshift_stores_display_metadata_and_cluster_adds_annotations() {
    let api = Api::new(Config {
        openshift: true,
        ..config()
    });
    let created = api
        .send(
            "POST",
            "/api/projects",
            Some(ADMIN),
            &[ALICE],
            Some(r#"{"name":"team-alpha","description":"Alpha squad"}"#),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["displayName"], "team-alpha", "defaults to the name");
    assert_eq!(created["isOpenShift"], true);
    assert_eq!(
        created["annotations"],
        json!({
            "openshift.io/description": "Alpha squad",
            "openshift.io/display-name": "team-alpha",
            "openshift.io/requester": "alice@example.com"
        })
    );
    let got = api
        .get("/api/projects/team-alpha", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(got["description"], "Alpha squad");
    let annotations = got["annotations"].as_object().expect("annotations");
    assert!(annotations
        .keys()
        .any(|k| k.starts_with("openshift.io/sa.scc.")));
    assert_eq!(annotations.len(), 6);

    // Patch-like update: empty means unchanged.
    let updated = api
        .put(
            "/api/projects/team-alpha",
            ADMIN,
            r#"{"displayName":"Team Alpha (prod)","description":""}"#,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(updated["displayName"], "Team Alpha (prod)");
    assert_eq!(updated["description"], "Alpha squad");

    api.state.set_display_name("team-alpha", "Changed Behind");
    let search = api
        .get("/api/projects?search=behind", ADMIN)
        .await
        .expect(200)
        .json();
    assert_eq!(search["totalCount"], 1);
    let info = api
        .send("GET", "/api/cluster-info", None, &[], None)
        .await
        .expect(200);
    assert_eq!(info.text, r#"{"isOpenShift":true,"vertexEnabled":false}"#);
}
