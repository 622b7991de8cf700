//! The `/storage` view over the integration secret.

mod common;

use common::*;
use serde_json::json;

const STORAGE: &str = "/api/projects/team-a/storage";

#[tokio::test]
async fn storage_is_a_view_over_the_integration_secret() {
    let api = Api::with_team().await;
    assert_eq!(
        api.get(STORAGE, ADMIN).await.expect(200).text,
        r#"{"mode":"shared"}"#
    );
    api.state
        .set_integration_secret("team-a", "GITHUB_TOKEN", "ghp");
    api.state
        .set_integration_secret("team-a", "S3_REGION", "stale");

    let reply = api
        .put(
            STORAGE,
            ADMIN,
            r#"{"endpoint":"https://s3.example","bucket":"b","accessKey":"AK","secretKey":"SK"}"#,
        )
        .await
        .expect(200);
    assert_eq!(reply.text, r#"{"message":"storage updated"}"#);
    let secrets = api.state.integration_secrets("team-a");
    assert_eq!(
        serde_json::to_value(&secrets).expect("json"),
        json!({"GITHUB_TOKEN": "ghp", "STORAGE_MODE": "custom", "S3_ENDPOINT": "https://s3.example",
               "S3_BUCKET": "b", "S3_ACCESS_KEY": "AK", "S3_SECRET_KEY": "SK"})
    );
    assert_eq!(
        api.get(STORAGE, ADMIN).await.expect(200).text,
        r#"{"mode":"custom","endpoint":"https://s3.example","bucket":"b","accessKey":"AK","secretKey":"SK"}"#
    );

    // Changes through integration-secrets show up in the view.
    api.state
        .set_integration_secret("team-a", "S3_REGION", "eu-west-1");
    assert_eq!(api.get(STORAGE, ADMIN).await.json()["region"], "eu-west-1");

    let deleted = api.delete(STORAGE, ADMIN).await.expect(204);
    assert!(deleted.text.is_empty());
    assert_eq!(
        serde_json::to_value(api.state.integration_secrets("team-a")).expect("json"),
        json!({"GITHUB_TOKEN": "ghp", "STORAGE_MODE": "shared"})
    );
    assert_eq!(api.get(STORAGE, ADMIN).await.text, r#"{"mode":"shared"}"#);
}

#[tokio::test]
async fn storage_validation_and_roles() {
    let api = Api::with_team().await;
    api.put(STORAGE, ADMIN, r#"{"bucket":"b"}"#)
        .await
        .expect_error(400, "endpoint is required");
    api.put(STORAGE, ADMIN, r#"{"endpoint":"e"}"#)
        .await
        .expect_error(400, "bucket is required");
    api.put(STORAGE, ADMIN, "[").await.expect(400);
    for token in [VIEWER, EDITOR] {
        api.get(STORAGE, token)
            .await
            .expect_error(500, "Failed to read integration secrets");
    }
    api.put(
        STORAGE,
        ADMIN,
        r#"{"endpoint":"e","bucket":"b","region":"r"}"#,
    )
    .await
    .expect(200);
    // Only exactly "custom" counts as customised.
    api.state
        .set_integration_secret("team-a", "STORAGE_MODE", "Custom");
    assert_eq!(api.get(STORAGE, ADMIN).await.text, r#"{"mode":"shared"}"#);
}
