//! Sharing: list, grant validation, collisions, revoke-all, and role outcomes.

mod common;

use common::*;
use serde_json::json;

const PERMS: &str = "/api/projects/team-a/permissions";

fn grant(kind: &str, name: &str, role: &str) -> String {
    json!({"subjectType": kind, "subjectName": name, "role": role}).to_string()
}

#[tokio::test]
async fn grant_then_list_in_binding_name_order_without_creator() {
    let api = Api::new(config());
    api.create_project("team-a", OWNER).await;
    let fresh = api.get(PERMS, OWNER).await.expect(200);
    assert_eq!(fresh.text, r#"{"items":[]}"#);

    let reply = api
        .post(PERMS, OWNER, &grant("User", "carol@example.com", "View"))
        .await
        .expect(201);
    assert_eq!(reply.text, r#"{"message":"Permission added"}"#);
    api.post(PERMS, OWNER, &grant(" group ", "platform-eng", "admin"))
        .await
        .expect(201);
    api.post(PERMS, OWNER, &grant("user", "bob@example.com", "edit"))
        .await
        .expect(201);
    // A second role for the same subject is a separate binding.
    api.post(PERMS, OWNER, &grant("user", "bob@example.com", "view"))
        .await
        .expect(201);

    let list = api.get(PERMS, OWNER).await.expect(200).json();
    assert_eq!(
        list,
        json!({"items": [
            {"subjectType": "group", "subjectName": "platform-eng", "role": "admin"},
            {"subjectType": "user", "subjectName": "bob@example.com", "role": "edit"},
            {"subjectType": "user", "subjectName": "bob@example.com", "role": "view"},
            {"subjectType": "user", "subjectName": "carol@example.com", "role": "view"}
        ]})
    );
    assert_eq!(api.state.permissions("team-a").len(), 4);
}

#[tokio::test]
async fn sanitised_names_collide() {
    let api = Api::with_team().await;
    api.post(PERMS, ADMIN, &grant("user", "Alice@Example.com", "edit"))
        .await
        .expect(201);
    api.post(PERMS, ADMIN, &grant("user", "alice.example.com", "edit"))
        .await
        .expect_error(409, "permission already exists for this subject and role");
    // Different role or type does not collide.
    api.post(PERMS, ADMIN, &grant("user", "alice.example.com", "view"))
        .await
        .expect(201);
    api.post(PERMS, ADMIN, &grant("group", "alice.example.com", "edit"))
        .await
        .expect(201);
}

#[tokio::test]
async fn grant_validation_order_and_messages() {
    let api = Api::with_team().await;
    let missing = api
        .post(PERMS, ADMIN, r#"{"subjectType":"user","role":"edit"}"#)
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.error().contains("SubjectName"));
    api.post(PERMS, ADMIN, &grant("robot", &"x".repeat(254), "boss"))
        .await
        .expect_error(400, "Invalid subject name format");
    api.post(PERMS, ADMIN, &grant("user", "tab\tname", "edit"))
        .await
        .expect_error(400, "Invalid subject name format");
    api.post(PERMS, ADMIN, &grant("robot", "bob", "boss"))
        .await
        .expect_error(400, "subjectType must be one of: group, user");
    api.post(PERMS, ADMIN, &grant("user", "bob", "boss"))
        .await
        .expect_error(400, "role must be one of: admin, edit, view");
    api.post(PERMS, ADMIN, "nope").await.expect(400);
    api.post(PERMS, ADMIN, &grant("user", "Name With Spaces: ok", "view"))
        .await
        .expect(201);
}

#[tokio::test]
async fn revoke_removes_every_role_of_exactly_that_subject() {
    let api = Api::with_team().await;
    for (name, role) in [("bob", "edit"), ("bob", "view"), ("Bob", "admin")] {
        api.post(PERMS, ADMIN, &grant("user", name, role))
            .await
            .expect(201);
    }
    api.post(PERMS, ADMIN, &grant("group", "bob", "view"))
        .await
        .expect(201);
    let reply = api
        .delete(&format!("{PERMS}/user/bob"), ADMIN)
        .await
        .expect(204);
    assert!(reply.text.is_empty());
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let left: Vec<_> = api
        .state
        .permissions("team-a")
        .into_iter()
        .filter(|(_, n, _)| n.eq_ignore_ascii_case("bob"))
        .collect();
    assert_eq!(
        left,
        vec![
            ("user".into(), "Bob".into(), "admin".into()),
            ("group".into(), "bob".into(), "view".into())
        ]
    );
    // Idempotent, URL-decoded names, validation.
    api.delete(&format!("{PERMS}/user/bob"), ADMIN)
        .await
        .expect(204);
    api.post(PERMS, ADMIN, &grant("user", "x y@z", "view"))
        .await
        .expect(201);
    api.delete(&format!("{PERMS}/USER/x%20y%40z"), ADMIN)
        .await
        .expect(204);
    assert!(!api
        .state
        .permissions("team-a")
        .iter()
        .any(|(_, n, _)| n == "x y@z"));
    api.delete(&format!("{PERMS}/robot/bob"), ADMIN)
        .await
        .expect_error(400, "subjectType must be one of: group, user");
    api.delete(&format!("{PERMS}/user/%20"), ADMIN)
        .await
        .expect_error(400, "subjectName is required");
}

#[tokio::test]
async fn role_outcomes_follow_the_matrix() {
    let api = Api::with_team().await;
    api.get(PERMS, VIEWER)
        .await
        .expect_error(500, "Failed to list permissions");
    api.get(PERMS, EDITOR).await.expect(200);
    api.get(PERMS, ADMIN_USER).await.expect(200);

    let denied = "Insufficient permissions to grant permission";
    api.post(PERMS, VIEWER, &grant("user", "n1", "view"))
        .await
        .expect_error(403, denied);
    api.post(PERMS, EDITOR, &grant("user", "n1", "edit"))
        .await
        .expect(201);
    api.post(PERMS, EDITOR, &grant("user", "n2", "admin"))
        .await
        .expect_error(403, denied);
    api.post(PERMS, EDITOR, &grant("user", "n2", "view"))
        .await
        .expect_error(403, denied);
    api.post(PERMS, ADMIN_USER, &grant("user", "n2", "admin"))
        .await
        .expect(201);

    api.delete(&format!("{PERMS}/user/n2"), VIEWER)
        .await
        .expect_error(500, "Failed to remove permission");
    // Edit may remove even admins.
    api.delete(&format!("{PERMS}/user/ada"), EDITOR)
        .await
        .expect(204);
    api.get(PERMS, ADMIN_USER)
        .await
        .expect_error(403, "Unauthorized to access project");
}

#[tokio::test]
async fn groups_grant_access_to_their_members() {
    let api = Api::with_team().await;
    api.get(PERMS, GROUPED)
        .await
        .expect_error(403, "Unauthorized to access project");
    api.post(PERMS, ADMIN, &grant("group", "platform-eng", "edit"))
        .await
        .expect(201);
    api.get(PERMS, GROUPED).await.expect(200);
    let access = api
        .get("/api/projects/team-a/access", GROUPED)
        .await
        .expect(200);
    assert_eq!(
        access.text,
        r#"{"allowed":true,"project":"team-a","reason":"","userRole":"admin"}"#
    );
    let viewer = api
        .get("/api/projects/team-a/access", VIEWER)
        .await
        .expect(200)
        .json();
    assert_eq!(viewer["userRole"], "view");
}

#[tokio::test]
async fn cluster_admin_sees_missing_projects_as_empty() {
    let api = Api::new(config());
    api.get("/api/projects/ghost/permissions", ADMIN)
        .await
        .expect(200);
    api.post(
        "/api/projects/ghost/permissions",
        ADMIN,
        &grant("user", "a", "view"),
    )
    .await
    .expect_error(500, "Failed to grant permission");
    api.delete("/api/projects/ghost/permissions/user/a", ADMIN)
        .await
        .expect(204);
    api.get("/api/projects/ghost/permissions", STRANGER)
        .await
        .expect_error(403, "Unauthorized to access project");
}
