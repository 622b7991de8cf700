//! Runner and integration secrets, the names list, and their role outcomes.

mod common;

use common::*;

const RUNNER: &str = "/api/projects/team-a/runner-secrets";
const INTEGRATION: &str = "/api/projects/team-a/integration-secrets";

#[tokio::test]
async fn absent_and_empty_both_read_as_empty_data() {
    let api = Api::with_team().await;
    assert_eq!(
        api.get(RUNNER, ADMIN).await.expect(200).text,
        r#"{"data":{}}"#
    );
    api.put(RUNNER, ADMIN, r#"{"data":{}}"#).await.expect(200);
    assert_eq!(
        api.get(RUNNER, ADMIN).await.expect(200).text,
        r#"{"data":{}}"#
    );
}

#[tokio::test]
async fn put_replaces_the_whole_map() {
    let api = Api::with_team().await;
    let reply = api
        .put(
            INTEGRATION,
            ADMIN,
            r#"{"data":{"STORAGE_MODE":"shared","GITHUB_TOKEN":"ghp_1","MY.flag-1":""}}"#,
        )
        .await
        .expect(200);
    assert_eq!(reply.text, r#"{"message":"integration secrets updated"}"#);
    api.put(
        INTEGRATION,
        ADMIN,
        r#"{"data":{"JIRA_URL":"https://j","GITHUB_TOKEN":"ghp_2"}}"#,
    )
    .await
    .expect(200);
    assert_eq!(
        api.get(INTEGRATION, ADMIN).await.expect(200).text,
        r#"{"data":{"GITHUB_TOKEN":"ghp_2","JIRA_URL":"https://j"}}"#
    );
    let runner = api
        .put(RUNNER, ADMIN, r#"{"data":{"ANTHROPIC_API_KEY":"sk-ant"}}"#)
        .await
        .expect(200);
    assert_eq!(runner.text, r#"{"message":"runner secrets updated"}"#);
    assert_eq!(
        api.state
            .runner_secrets("team-a")
            .get("ANTHROPIC_API_KEY")
            .map(String::as_str),
        Some("sk-ant")
    );
}

#[tokio::test]
async fn runner_keys_are_whitelisted() {
    let api = Api::with_team().await;
    api.put(RUNNER, ADMIN, r#"{"data":{"GEMINI_API_KEY":"g","OPENAI_API_KEY":"o"}}"#)
        .await
        .expect_error(
            400,
            "Invalid key 'OPENAI_API_KEY' for ambient-runner-secrets. Allowed keys: map[ANTHROPIC_API_KEY:true GEMINI_API_KEY:true GOOGLE_API_KEY:true]",
        );
    api.put(RUNNER, ADMIN, r#"{"data":{"anthropic_api_key":"x"}}"#)
        .await
        .expect(400);
    assert!(api.state.runner_secrets("team-a").is_empty());
}

#[tokio::test]
async fn data_is_required_and_must_be_json() {
    let api = Api::with_team().await;
    let required = "Key: 'Data' Error:Field validation for 'Data' failed on the 'required' tag";
    api.put(INTEGRATION, ADMIN, "{}")
        .await
        .expect_error(400, required);
    api.put(INTEGRATION, ADMIN, r#"{"data":null}"#)
        .await
        .expect_error(400, required);
    api.put(INTEGRATION, ADMIN, "")
        .await
        .expect_error(400, "EOF");
    let wrong = api.put(INTEGRATION, ADMIN, r#"{"data":{"A":1}}"#).await;
    assert_eq!(wrong.status, 400);
    assert!(!wrong.error().is_empty());
}

#[tokio::test]
async fn invalid_kubernetes_keys_fail_with_500() {
    let api = Api::with_team().await;
    api.put(INTEGRATION, ADMIN, r#"{"data":{"BAD KEY":"x"}}"#)
        .await
        .expect_error(500, "Failed to create integration secrets");
    api.put(INTEGRATION, ADMIN, r#"{"data":{"OK":"x"}}"#)
        .await
        .expect(200);
    api.put(INTEGRATION, ADMIN, r#"{"data":{"bad/key":"x"}}"#)
        .await
        .expect_error(500, "Failed to update integration secrets");
    for dots in [".", "..", "..data"] {
        api.put(
            INTEGRATION,
            ADMIN,
            &format!(r#"{{"data":{{"{dots}":"x"}}}}"#),
        )
        .await
        .expect_error(500, "Failed to update integration secrets");
    }
    let long = format!(r#"{{"data":{{"{}":"x"}}}}"#, "K".repeat(254));
    api.put(INTEGRATION, ADMIN, &long)
        .await
        .expect_error(500, "Failed to update integration secrets");
    assert_eq!(api.state.integration_secrets("team-a").len(), 1);
}

#[tokio::test]
async fn role_outcomes_follow_the_matrix() {
    let api = Api::with_team().await;
    let body = r#"{"data":{"ANTHROPIC_API_KEY":"k"}}"#;
    api.get(RUNNER, VIEWER)
        .await
        .expect_error(500, "Failed to read runner secrets");
    api.put(RUNNER, VIEWER, body)
        .await
        .expect_error(500, "Failed to read runner secrets");
    api.get(RUNNER, EDITOR).await.expect(200);
    // Edit may create the runner secret but not update it.
    api.put(RUNNER, EDITOR, body).await.expect(200);
    api.put(RUNNER, EDITOR, body)
        .await
        .expect_error(500, "Failed to update runner secrets");
    api.put(RUNNER, ADMIN_USER, body).await.expect(200);

    for token in [VIEWER, EDITOR] {
        api.get(INTEGRATION, token)
            .await
            .expect_error(500, "Failed to read integration secrets");
        api.put(INTEGRATION, token, r#"{"data":{}}"#)
            .await
            .expect_error(500, "Failed to read integration secrets");
        api.get("/api/projects/team-a/secrets", token)
            .await
            .expect_error(500, "Failed to list secrets");
    }
    api.get(INTEGRATION, ADMIN_USER).await.expect(200);
}

#[tokio::test]
async fn names_list_shows_existing_secrets_alphabetically() {
    let api = Api::with_team().await;
    let names = "/api/projects/team-a/secrets";
    assert_eq!(
        api.get(names, ADMIN).await.expect(200).text,
        r#"{"items":[]}"#
    );
    api.put(RUNNER, ADMIN, r#"{"data":{}}"#).await.expect(200);
    api.state.set_integration_secret("team-a", "X", "1");
    let items = api.get(names, ADMIN).await.expect(200).json()["items"].clone();
    let items = items.as_array().expect("array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "ambient-non-vertex-integrations");
    assert_eq!(items[1]["name"], "ambient-runner-secrets");
    assert_eq!(items[1]["type"], "Opaque");
    assert!(items[1]["createdAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn state_helpers_show_through_the_api() {
    let api = Api::with_team().await;
    api.state.set_integration_secret("team-a", "B", "2");
    api.state.set_integration_secret("team-a", "A", "1");
    api.state.remove_integration_secret("team-a", "B");
    api.state.set_runner_secret("team-a", "GOOGLE_API_KEY", "g");
    assert_eq!(
        api.get(INTEGRATION, ADMIN).await.text,
        r#"{"data":{"A":"1"}}"#
    );
    assert_eq!(
        api.get(RUNNER, ADMIN).await.text,
        r#"{"data":{"GOOGLE_API_KEY":"g"}}"#
    );
}
