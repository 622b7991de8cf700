//! Helper endpoints: cluster info and access checks.

mod support;

use axum::routing::get;
use axum::Router;
use support::{always, fixture, json, serve};

#[tokio::test]
async fn cluster_info_decodes_open_shift_flag_spelling() {
    let server = serve(Router::new().route(
        "/api/cluster-info",
        get(always(json(
            200,
            r#"{"isOpenShift": true, "vertexEnabled": true}"#,
        ))),
    ))
    .await;

    let info = support::client(&server).cluster_info().await.unwrap();

    assert!(info.is_openshift);
    assert!(info.vertex_enabled);
}

#[tokio::test]
async fn cluster_info_from_fixture_is_vanilla() {
    let server = serve(Router::new().route(
        "/api/cluster-info",
        get(always(json(200, fixture("cluster_info.json")))),
    ))
    .await;

    let info = support::client(&server).cluster_info().await.unwrap();

    assert!(!info.is_openshift);
    assert!(!info.vertex_enabled);
}

#[tokio::test]
async fn access_decodes_role_and_decision() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha/access",
        get(always(json(200, fixture("access.json")))),
    ))
    .await;

    let access = support::client(&server).access("team-alpha").await.unwrap();

    assert!(access.allowed);
    assert_eq!(access.project, "team-alpha");
    assert_eq!(access.user_role.as_deref(), Some("admin"));
}

#[tokio::test]
async fn access_denied_for_unknown_project_is_forbidden() {
    let server = serve(Router::new().route(
        "/api/projects/ghost/access",
        get(always(json(
            403,
            r#"{"error":"Unauthorized to access project"}"#,
        ))),
    ))
    .await;

    let error = support::client(&server).access("ghost").await.unwrap_err();

    assert!(error.is_forbidden(), "{error:?}");
    assert!(!error.is_not_found());
}
