//! The complete team configuration of `examples/demo` and a check that the platform holds
//! exactly what it says.

use std::collections::BTreeMap;

use crate::support::Harness;

/// The workspace `examples/demo/main.tf` creates.
pub const WS: &str = "team-payments";

/// Writes the demo configuration (which has its own `terraform` block) as `main.tf`.
pub fn write_demo(h: &Harness) {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo/main.tf");
    std::fs::copy(demo, h.dir.path().join("main.tf")).expect("copy the demo configuration");
}

/// Asserts that the emulator holds what the demo configuration declares, and only that.
/// `context` (the fault seed, for instance) is added to every failure message.
pub fn assert_platform_matches_demo(h: &Harness, context: &str) {
    let state = h.emulator.state();
    assert_eq!(state.project_names(), vec![WS.to_string()], "{context}");

    let mut grants = state.permissions(WS);
    grants.sort();
    let want = vec![
        ("group".into(), "payments-engineers".into(), "edit".into()),
        ("user".into(), "dana@example.com".into(), "admin".into()),
    ];
    assert_eq!(grants, want, "{context}");

    let runner = state.runner_secrets(WS);
    let expected_runner: BTreeMap<String, String> =
        [("ANTHROPIC_API_KEY", "sk-ant-demo-not-a-real-key")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(runner, expected_runner, "{context}");

    let integration = state.integration_secrets(WS);
    for (key, value) in [
        ("GITHUB_TOKEN", "ghp_demo_not_a_real_token"),
        ("JIRA_URL", "https://example.atlassian.net"),
        ("STORAGE_MODE", "custom"),
        ("S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com"),
        ("S3_BUCKET", "payments-agent-sessions"),
        ("S3_REGION", "eu-west-1"),
        ("S3_ACCESS_KEY", "AKIADEMOEXAMPLE"),
        ("S3_SECRET_KEY", "demo-secret-access-key"),
    ] {
        assert_eq!(
            integration.get(key).map(String::as_str),
            Some(value),
            "integration secret {key}; {context}"
        );
    }
    assert_eq!(integration.len(), 8, "{integration:?}; {context}");

    let keys = state.keys(WS);
    assert_eq!(keys.len(), 1, "exactly one API key; {keys:?}; {context}");
    assert_eq!(keys[0].name, "ci-pipeline", "{context}");
    assert_eq!(
        h.state_values("acp_api_key.ci")["id"],
        keys[0].id.as_str(),
        "the key in state is the one on the platform; {context}"
    );
}
