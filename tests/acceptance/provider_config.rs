//! The provider block and its environment variables: what is missing or wrong is reported
//! against the right setting, with a fix.

use acp_emulator::{Config, UserToken};

use crate::support::Harness;

const READ_WORKSPACES: &str = "data \"acp_workspaces\" \"all\" {}\n";

fn stderr_of(h: &Harness, args: &[&str]) -> String {
    let out = h.run(args);
    assert!(!out.status.success(), "terraform {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_empty_token_in_the_block_counts_as_missing() {
    let mut h = Harness::new("cfg-empty-token");
    h.env("ACP_TOKEN", "");
    h.write_config(&format!(
        "provider \"acp\" {{\n  token = \"\"\n}}\n{READ_WORKSPACES}"
    ));
    let stderr = stderr_of(&h, &["plan", "-no-color"]);
    assert!(
        stderr.contains("Missing provider setting: token"),
        "{stderr}"
    );
    assert!(stderr.contains("ACP_TOKEN"), "{stderr}");
    assert!(
        !stderr.contains("[redacted]"),
        "messages are not garbled: {stderr}"
    );
}

#[test]
fn a_blank_or_padded_token_is_refused_before_any_call() {
    for (label, block, env) in [
        ("block", "token = \"  \"", None),
        ("env", "", Some(" ")),
        ("newline", "token = \"abc-token\\n\"", None),
    ] {
        let mut h = Harness::new(&format!("cfg-blank-token-{label}"));
        if let Some(value) = env {
            h.env("ACP_TOKEN", value);
        }
        h.write_config(&format!(
            "provider \"acp\" {{\n  {block}\n}}\n{READ_WORKSPACES}"
        ));
        let stderr = stderr_of(&h, &["plan", "-no-color"]);
        assert!(
            stderr.contains("Invalid provider setting: token") && stderr.contains("ACP_TOKEN"),
            "{label}: {stderr}"
        );
        assert_eq!(h.emulator.state().total_requests(), 0, "{label}");
    }
}

#[test]
fn a_user_name_that_cannot_be_sent_is_reported_against_username() {
    let h = Harness::new("cfg-bad-username");
    h.write_config(&format!(
        "provider \"acp\" {{\n  username = \"a\\nb\"\n}}\n{READ_WORKSPACES}"
    ));
    let stderr = stderr_of(&h, &["plan", "-no-color"]);
    assert!(
        stderr.contains("Invalid provider setting: username"),
        "{stderr}"
    );
    assert!(!stderr.contains("ca_cert_pem"), "{stderr}");
}

#[test]
fn a_wrong_token_reading_a_workspace_points_at_the_token() {
    let mut h = Harness::new("cfg-wrong-token");
    h.emulator
        .state()
        .create_project("team-alpha", Some("alice@example.com"));
    h.env("ACP_TOKEN", "wrong-token-value");
    h.write_config("data \"acp_workspace\" \"w\" {\n  name = \"team-alpha\"\n}\n");
    let stderr = stderr_of(&h, &["plan", "-no-color"]);
    assert!(stderr.contains("ACP_TOKEN"), "{stderr}");
}

#[test]
fn creating_a_workspace_without_a_user_name_asks_for_username() {
    let config = Config {
        users: vec![UserToken::new("bob-token-1234", "bob@example.com", &[])],
        ..Config::default()
    };
    let mut h = Harness::with_emulator("cfg-no-username", config);
    h.env("ACP_TOKEN", "bob-token-1234");
    h.env("ACP_USERNAME", "");
    h.write_config("resource \"acp_workspace\" \"w\" {\n  name = \"bobs\"\n}\n");
    let stderr = stderr_of(&h, &["apply", "-auto-approve", "-no-color"]);
    assert!(stderr.contains("ACP_USERNAME"), "{stderr}");
    assert!(h.emulator.state().is_empty());
}

#[test]
fn imports_name_a_missing_workspace_and_refuse_impossible_names() {
    let h = Harness::new("cfg-imports");
    h.write_config(
        "resource \"acp_workspace\" \"w\" {\n  name = \"nosuch\"\n}\n\
         resource \"acp_workspace_storage\" \"s\" {\n  workspace = \"nosuch\"\n  endpoint = \"https://s3.example.com\"\n  bucket = \"b-b-b\"\n  access_key = \"a\"\n  secret_key = \"b\"\n}\n\
         resource \"acp_api_key\" \"k\" {\n  workspace = \"nosuch\"\n  name = \"k\"\n}\n",
    );
    let stderr = stderr_of(
        &h,
        &["import", "-no-color", "acp_workspace_storage.s", "nosuch"],
    );
    assert!(
        stderr.contains("Workspace \"nosuch\" not found"),
        "{stderr}"
    );
    let stderr = stderr_of(
        &h,
        &[
            "import",
            "-no-color",
            "acp_api_key.k",
            "nosuch/ambient-key-k-1",
        ],
    );
    assert!(
        stderr.contains("Workspace \"nosuch\" not found"),
        "{stderr}"
    );
    let long = "a".repeat(5000);
    let stderr = stderr_of(&h, &["import", "-no-color", "acp_workspace.w", &long]);
    assert!(stderr.contains("Invalid import id"), "{stderr}");
}

#[test]
fn a_storage_endpoint_with_surrounding_white_space_is_refused_at_plan() {
    let h = Harness::new("cfg-endpoint-space");
    h.emulator
        .state()
        .create_project("team-alpha", Some("alice@example.com"));
    h.write_config(
        "resource \"acp_workspace_storage\" \"s\" {\n  workspace = \"team-alpha\"\n  endpoint = \" https://s3.example.com \"\n  bucket = \"b-b-b\"\n  access_key = \"a\"\n  secret_key = \"b\"\n}\n",
    );
    let (code, text) = h.plan();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Invalid value for endpoint"), "{text}");
}

/// An endpoint with an extra `/api` reaches a router that answers every path with a plain
/// "404 page not found". That must never read as "every object was deleted": the run fails
/// with one error about `endpoint`, and the state keeps every object.
#[test]
fn an_endpoint_that_is_not_the_api_fails_and_leaves_the_state_alone() {
    let mut h = Harness::new("cfg-wrong-path");
    crate::robust::team::write_demo(&h);
    h.apply();
    let state_file = h.dir.path().join("terraform.tfstate");
    let before = std::fs::read_to_string(&state_file).expect("state");
    let right = h.emulator.url();
    h.env("ACP_ENDPOINT", &format!("{right}/api"));
    for args in [
        &["plan", "-no-color"][..],
        &["apply", "-auto-approve", "-no-color"][..],
        &["destroy", "-auto-approve", "-no-color"][..],
    ] {
        let stderr = stderr_of(&h, args);
        assert!(
            stderr.contains("`endpoint`") && stderr.contains("ACP_ENDPOINT"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.matches("Error: ").count(), 1, "{args:?}: {stderr}");
    }
    let after = std::fs::read_to_string(&state_file).expect("state");
    assert_eq!(before, after, "the state was rewritten");
    assert_eq!(h.emulator.state().project_names(), ["team-payments"]);
    h.env("ACP_ENDPOINT", &right);
    h.assert_empty_plan();
}
