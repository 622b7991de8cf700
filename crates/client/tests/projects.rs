//! Projects: decoding the documented examples, what the client sends, and
//! pagination.

mod support;

use acp_client::{CreateProject, UpdateProject};
use axum::routing::{get, post};
use axum::Router;
use support::{always, empty, fixture, json, replay, serve, Hits, TOKEN, USERNAME};

#[tokio::test]
async fn get_project_decodes_null_annotations_and_missing_description() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(200, fixture("project_get.json")))),
    ))
    .await;

    let project = support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    assert_eq!(project.name, "team-alpha");
    assert_eq!(project.display_name, "");
    assert_eq!(project.description, None);
    assert!(project.annotations.is_empty());
    assert_eq!(project.labels.len(), 3);
    assert_eq!(project.labels["ambient-code.io/managed"], "true");
    assert_eq!(project.creation_timestamp, "2026-08-18T09:15:02Z");
    assert_eq!(project.status, "Active");
    assert!(!project.is_openshift);
    assert!(!project.is_terminating());
}

#[tokio::test]
async fn get_project_ignores_unknown_fields_and_missing_annotations() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(200, fixture("project_get_extra_fields.json")))),
    ))
    .await;

    let project = support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    assert!(project.annotations.is_empty());
    assert!(project.is_terminating());
}

#[tokio::test]
async fn get_project_sends_auth_identity_and_accept_headers() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(200, fixture("project_get.json")))),
    ))
    .await;

    support::client(&server)
        .get_project("team-alpha")
        .await
        .unwrap();

    let request = server.single_request();
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(request.header("x-forwarded-user"), Some(USERNAME));
    assert_eq!(
        request.header("x-forwarded-preferred-username"),
        Some(USERNAME)
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some("acp-client-tests/1"));
    assert_eq!(request.header("content-type"), None, "a GET has no body");
}

#[tokio::test]
async fn identity_headers_are_omitted_without_username() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        get(always(json(200, fixture("project_get.json")))),
    ))
    .await;

    support::client_with(&server, |c| c.username = None)
        .get_project("team-alpha")
        .await
        .unwrap();

    let request = server.single_request();
    assert_eq!(request.header("x-forwarded-user"), None);
    assert_eq!(request.header("x-forwarded-preferred-username"), None);
    assert!(request.header("authorization").is_some());
}

#[tokio::test]
async fn create_project_posts_camel_case_body_and_decodes_vanilla_answer() {
    let server = serve(Router::new().route(
        "/api/projects",
        post(always(json(201, fixture("project_created_vanilla.json")))),
    ))
    .await;

    let created = support::client(&server)
        .create_project(&CreateProject {
            name: "team-alpha".into(),
            display_name: Some("Team Alpha".into()),
            description: Some("Alpha squad sandbox".into()),
        })
        .await
        .unwrap();

    assert_eq!(created.description.as_deref(), Some("Alpha squad sandbox"));
    assert!(created.annotations.is_empty());
    let request = server.single_request();
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        serde_json::json!({"name": "team-alpha", "displayName": "Team Alpha", "description": "Alpha squad sandbox"})
    );
}

#[tokio::test]
async fn create_project_decodes_openshift_annotations_and_omits_unset_fields() {
    let server = serve(Router::new().route(
        "/api/projects",
        post(always(json(201, fixture("project_created_openshift.json")))),
    ))
    .await;

    let created = support::client(&server)
        .create_project(&CreateProject {
            name: "team-alpha".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    assert!(created.is_openshift);
    assert_eq!(created.display_name, "Team Alpha");
    assert_eq!(created.annotations.len(), 3);
    assert_eq!(
        created.annotations["openshift.io/requester"],
        "alice@example.com"
    );
    assert_eq!(
        server.single_request().json(),
        serde_json::json!({"name": "team-alpha"})
    );
}

#[tokio::test]
async fn create_existing_project_is_conflict_with_platform_message() {
    let server = serve(Router::new().route(
        "/api/projects",
        post(always(json(409, fixture("project_conflict.json")))),
    ))
    .await;

    let error = support::client(&server)
        .create_project(&CreateProject {
            name: "team-alpha".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();

    assert!(error.is_conflict(), "{error:?}");
    assert_eq!(error.status(), Some(409));
    assert_eq!(error.api_message(), Some("Project already exists"));
    assert_eq!(
        error.to_string(),
        "create project \"team-alpha\": http 409: Project already exists"
    );
}

#[tokio::test]
async fn update_project_with_nothing_sends_empty_object() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        axum::routing::put(always(json(200, fixture("project_get.json")))),
    ))
    .await;
    let client = support::client(&server);

    client
        .update_project("team-alpha", &UpdateProject::default())
        .await
        .unwrap();
    client
        .update_project(
            "team-alpha",
            &UpdateProject {
                display_name: Some("Team Alpha (prod)".into()),
                description: Some("Production agents".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].body, b"{}");
    assert_eq!(
        requests[1].json(),
        serde_json::json!({"displayName": "Team Alpha (prod)", "description": "Production agents"})
    );
}

#[tokio::test]
async fn delete_project_accepts_204_without_body() {
    let server = serve(Router::new().route(
        "/api/projects/team-alpha",
        axum::routing::delete(always(empty(204))),
    ))
    .await;

    support::client(&server)
        .delete_project("team-alpha")
        .await
        .unwrap();

    assert_eq!(server.single_request().method, "DELETE");
}

#[tokio::test]
async fn missing_project_is_not_found() {
    let server = serve(Router::new().route(
        "/api/projects/ghost",
        get(always(json(404, fixture("project_not_found.json")))),
    ))
    .await;

    let error = support::client(&server)
        .get_project("ghost")
        .await
        .unwrap_err();

    assert!(error.is_not_found(), "{error:?}");
    assert!(!error.is_conflict());
    assert_eq!(error.api_message(), Some("Project not found"));
}

#[tokio::test]
async fn list_projects_sends_pagination_and_search_and_decodes_page() {
    let server = serve(Router::new().route(
        "/api/projects",
        get(always(json(200, fixture("projects_page.json")))),
    ))
    .await;

    let page = support::client(&server)
        .list_projects(1, 0, Some("alpha team"))
        .await
        .unwrap();

    assert_eq!(page.items.len(), 1);
    assert_eq!(page.total_count, 3);
    assert_eq!(page.limit, 1);
    assert!(page.has_more);
    assert_eq!(page.next_offset, Some(1));
    let query = server.single_request().query.unwrap();
    assert_eq!(query, "limit=1&offset=0&search=alpha+team");
}

fn page(names: &[&str], offset: u32, next: Option<u32>) -> String {
    let items: Vec<_> = names
        .iter()
        .map(|n| {
            serde_json::json!({"name": n, "displayName": "", "labels": {}, "annotations": null,
            "creationTimestamp": "2026-08-18T09:15:02Z", "status": "Active", "isOpenShift": false})
        })
        .collect();
    let mut body = serde_json::json!({
        "items": items, "totalCount": 5, "limit": 100, "offset": offset, "hasMore": next.is_some()
    });
    if let Some(next) = next {
        body["nextOffset"] = next.into();
    }
    body.to_string()
}

#[tokio::test]
async fn list_all_projects_walks_every_page() {
    let hits = Hits::default();
    let server = serve(Router::new().route(
        "/api/projects",
        get(replay(
            &hits,
            vec![
                json(200, page(&["p1", "p2"], 0, Some(2))),
                json(200, page(&["p3", "p4"], 2, Some(4))),
                json(200, page(&["p5"], 4, None)),
            ],
        )),
    ))
    .await;

    let all = support::client(&server)
        .list_all_projects(None)
        .await
        .unwrap();

    let names: Vec<_> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["p1", "p2", "p3", "p4", "p5"]);
    let offsets: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap())
        .collect();
    assert_eq!(
        offsets,
        [
            "limit=100&offset=0",
            "limit=100&offset=2",
            "limit=100&offset=4"
        ]
    );
}

#[tokio::test]
async fn list_all_projects_stops_when_pagination_does_not_advance() {
    let server = serve(Router::new().route(
        "/api/projects",
        get(always(json(200, page(&["p1"], 0, Some(0))))),
    ))
    .await;

    let error = support::client(&server)
        .list_all_projects(None)
        .await
        .unwrap_err();

    assert!(
        error.to_string().contains("pagination did not advance"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn endpoint_with_base_path_keeps_it() {
    let server = serve(Router::new().route(
        "/acp/api/projects/team-alpha",
        get(always(json(200, fixture("project_get.json")))),
    ))
    .await;
    let base = server.url.join("/acp/").unwrap();

    let client = support::client_with(&server, |c| c.endpoint = base);
    client.get_project("team-alpha").await.unwrap();

    assert_eq!(server.single_request().path, "/acp/api/projects/team-alpha");
}
