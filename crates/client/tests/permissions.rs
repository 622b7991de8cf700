//! Sharing: listing, granting and revoking subjects.

mod support;

use acp_client::Permission;
use axum::routing::{delete, get, post};
use axum::Router;
use support::{always, empty, fixture, json, serve};

#[tokio::test]
async fn list_permissions_decodes_documented_example() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/permissions",
        get(always(json(200, fixture("permissions_list.json")))),
    ))
    .await;

    let items = support::client(&server)
        .list_permissions("team-alpha")
        .await
        .unwrap();

    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0],
        Permission {
            subject_type: "group".into(),
            subject_name: "platform-eng".into(),
            role: "admin".into(),
        }
    );
    assert_eq!(items[2].subject_name, "carol@example.com");
}

#[tokio::test]
async fn list_permissions_of_fresh_project_is_empty() {
    let server = serve(Router::new().route(
        "/api/projects/fresh/permissions",
        get(always(json(200, r#"{"items": []}"#))),
    ))
    .await;

    let items = support::client(&server)
        .list_permissions("fresh")
        .await
        .unwrap();

    assert!(items.is_empty());
}

#[tokio::test]
async fn grant_permission_posts_camel_case_assignment() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/permissions",
        post(always(json(201, fixture("permission_added.json")))),
    ))
    .await;

    support::client(&server)
        .grant_permission(
            "team-alpha",
            &Permission {
                subject_type: "user".into(),
                subject_name: "bob@example.com".into(),
                role: "edit".into(),
            },
        )
        .await
        .unwrap();

    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.json(),
        serde_json::json!({"subjectType": "user", "subjectName": "bob@example.com", "role": "edit"})
    );
}

#[tokio::test]
async fn duplicate_grant_is_conflict() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/permissions",
        post(always(json(409, fixture("permission_conflict.json")))),
    ))
    .await;

    let error = support::client(&server)
        .grant_permission(
            "team-alpha",
            &Permission {
                subject_type: "user".into(),
                subject_name: "bob@example.com".into(),
                role: "edit".into(),
            },
        )
        .await
        .unwrap_err();

    assert!(error.is_conflict(), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("grant edit to user \"bob@example.com\""),
        "{error}"
    );
}

#[tokio::test]
async fn revoke_subject_encodes_name_as_one_segment() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/permissions/{kind}/{name}",
        delete(always(empty(204))),
    ))
    .await;

    support::client(&server)
        .revoke_subject("team-alpha", "group", "Ops Team/EU#1?x=y")
        .await
        .unwrap();

    let request = server.single_request();
    assert_eq!(
        request.path,
        "/api/projects/team-alpha/permissions/group/Ops%20Team%2FEU%231%3Fx=y"
    );
    assert_eq!(request.query, None);
}

#[tokio::test]
async fn revoke_subject_with_email_keeps_at_sign_readable() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/permissions/user/{name}",
        delete(always(empty(204))),
    ))
    .await;

    support::client(&server)
        .revoke_subject("team-alpha", "user", "bob@example.com")
        .await
        .unwrap();

    assert_eq!(
        server.single_request().path,
        "/api/projects/team-alpha/permissions/user/bob@example.com"
    );
}
