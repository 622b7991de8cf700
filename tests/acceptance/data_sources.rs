//! The data sources under real Terraform: state prepared in the emulator, results read back
//! through `terraform output -json`, and re-plans that must stay empty.

use acp_client::{Client, ClientConfig, CreateAccessKey};
use acp_emulator::{Config, UserToken};
use serde_json::{json, Value};

use crate::support::{Harness, USERNAME};

/// A user whose only role anywhere is the one a test grants.
const VIEWER: &str = "bob@example.com";
const VIEWER_TOKEN: &str = "bob-view-token";

/// `terraform output -json`, reduced to name → value.
fn outputs(h: &Harness) -> Value {
    let raw: Value =
        serde_json::from_str(&h.ok(&["output", "-json"])).expect("output -json is JSON");
    let map = raw.as_object().expect("outputs object");
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), v["value"].clone()))
            .collect(),
    )
}

/// Runs a plan that must fail and returns its combined output, with Terraform's diagnostic
/// box and line wrapping removed so that phrases can be matched whole.
fn failed_plan(h: &Harness) -> String {
    let (code, text) = h.plan();
    assert_eq!(code, 1, "expected the plan to fail, got:\n{text}");
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates an access key through the platform API (the emulator has no state helper for it)
/// and returns the one-time token.
fn create_key(h: &Harness, workspace: &str, name: &str, description: Option<&str>) -> String {
    let endpoint = url::Url::parse(&h.emulator.url()).expect("emulator url");
    let mut config = ClientConfig::new(endpoint, h.emulator.admin_token().to_string());
    config.username = Some(USERNAME.to_string());
    let client = Client::new(config).expect("client");
    let request = CreateAccessKey {
        name: name.to_string(),
        description: description.map(str::to_string),
        role: Some("view".to_string()),
        expiration_seconds: 3600,
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let created = runtime
        .block_on(client.create_key(workspace, &request))
        .expect("create key");
    created.key.into_inner()
}

#[test]
fn workspace_reads_every_attribute_and_replans_empty() {
    let h = Harness::new("ds-workspace");
    let state = h.emulator.state();
    assert!(state.create_project("team-alpha", Some(USERNAME)));
    assert!(state.set_label("team-alpha", "team", "alpha"));
    assert!(state.set_annotation("team-alpha", "owner", "ops"));
    h.write_config(
        r#"
data "acp_workspace" "team" {
  name = "team-alpha"
}

output "workspace" {
  value = data.acp_workspace.team
}
"#,
    );
    h.apply();

    let ws = &outputs(&h)["workspace"];
    let project = state.project("team-alpha").expect("exists");
    assert_eq!(ws["id"], "team-alpha");
    assert_eq!(ws["name"], "team-alpha");
    assert_eq!(ws["status"], "Active");
    assert_eq!(
        ws["creation_timestamp"],
        project.creation_timestamp.as_str()
    );
    assert_eq!(ws["is_openshift"], false);
    assert_eq!(ws["labels"]["team"], "alpha");
    assert_eq!(ws["labels"]["ambient-code.io/managed"], "true");
    assert_eq!(ws["annotations"], json!({"owner": "ops"}));
    assert_eq!(
        ws["display_name"],
        Value::Null,
        "vanilla Kubernetes stores none"
    );
    assert_eq!(ws["description"], Value::Null);

    h.assert_empty_plan();
}

#[test]
fn workspace_on_openshift_reports_display_name_and_description() {
    let config = Config {
        openshift: true,
        ..Config::default()
    };
    let h = Harness::with_emulator("ds-workspace-openshift", config);
    let state = h.emulator.state();
    assert!(state.create_project("team-alpha", Some(USERNAME)));
    assert!(state.set_display_name("team-alpha", "Team Alpha"));
    assert!(state.set_description("team-alpha", "Alpha squad"));
    h.write_config(
        r#"
data "acp_workspace" "team" {
  name = "team-alpha"
}

output "names" {
  value = [data.acp_workspace.team.display_name, data.acp_workspace.team.description]
}

output "is_openshift" {
  value = data.acp_workspace.team.is_openshift
}
"#,
    );
    h.apply();

    let out = outputs(&h);
    assert_eq!(out["names"], json!(["Team Alpha", "Alpha squad"]));
    assert_eq!(out["is_openshift"], true);
    h.assert_empty_plan();
}

#[test]
fn missing_workspace_is_a_clear_error() {
    let h = Harness::new("ds-workspace-missing");
    h.write_config(
        r#"
data "acp_workspace" "gone" {
  name = "no-such-team"
}
"#,
    );
    let text = failed_plan(&h);
    assert!(
        text.contains("No workspace \"no-such-team\" visible to the caller"),
        "{text}"
    );
    assert!(text.contains("check `name`"), "names the attribute: {text}");

    // Sub-routes answer 403 for an absent workspace; the message must be the same.
    h.write_config(
        r#"
data "acp_workspace_shares" "gone" {
  workspace = "no-such-team"
}
"#,
    );
    let text = failed_plan(&h);
    assert!(
        text.contains("No workspace \"no-such-team\" visible to the caller"),
        "{text}"
    );
}

#[test]
fn workspaces_walks_every_page_and_filters_by_search() {
    let h = Harness::new("ds-workspaces");
    let state = h.emulator.state();
    let mut expected: Vec<String> = (0..130).map(|i| format!("ws-{i:03}")).collect();
    for name in &expected {
        assert!(state.create_project(name, Some(USERNAME)));
    }
    expected.sort();
    h.write_config(
        r#"
data "acp_workspaces" "all" {}

data "acp_workspaces" "twelves" {
  search = "WS-12"
}

output "all_names" {
  value = data.acp_workspaces.all.names
}

output "all_objects" {
  value = [for w in data.acp_workspaces.all.workspaces : w.name]
}

output "first" {
  # Direct indexing must work on every Terraform version (it fails on nested attribute lists
  # before Terraform 1.3, which is why these lists are plain list(object) types).
  value = data.acp_workspaces.all.workspaces[0]
}

output "twelves" {
  value = data.acp_workspaces.twelves.names
}
"#,
    );
    h.apply();

    let out = outputs(&h);
    assert_eq!(
        out["all_names"],
        json!(expected),
        "every page, sorted by name"
    );
    assert_eq!(out["all_objects"], out["all_names"]);
    assert_eq!(out["first"]["name"], "ws-000");
    assert_eq!(out["first"]["status"], "Active");
    assert_eq!(
        out["first"]["labels"]["kubernetes.io/metadata.name"],
        "ws-000"
    );
    let twelves: Vec<String> = (120..130).map(|i| format!("ws-{i}")).collect();
    assert_eq!(out["twelves"], json!(twelves), "case-insensitive substring");

    h.assert_empty_plan();
}

#[test]
fn shares_and_api_keys_list_metadata_only() {
    let h = Harness::new("ds-shares-keys");
    let state = h.emulator.state();
    assert!(state.create_project("team-alpha", Some(USERNAME)));
    assert!(state.grant("team-alpha", "user", VIEWER, "view"));
    assert!(state.grant("team-alpha", "group", "devs", "edit"));
    assert!(state.grant("team-alpha", "user", "carol@example.com", "admin"));
    let token = create_key(&h, "team-alpha", "ci-bot", Some("pipeline"));
    create_key(&h, "team-alpha", "dash", None);
    h.write_config(
        r#"
data "acp_workspace_shares" "team" {
  workspace = "team-alpha"
}

data "acp_api_keys" "team" {
  workspace = "team-alpha"
}

output "shares" {
  value = data.acp_workspace_shares.team.shares
}

output "keys" {
  value = data.acp_api_keys.team.keys
}
"#,
    );
    h.apply();

    let out = outputs(&h);
    assert_eq!(
        out["shares"],
        json!([
            {"subject_type": "group", "subject_name": "devs", "role": "edit"},
            {"subject_type": "user", "subject_name": VIEWER, "role": "view"},
            {"subject_type": "user", "subject_name": "carol@example.com", "role": "admin"},
        ]),
        "sorted by type, then name; the creator's binding is not a share"
    );

    let mut emulated = state.keys("team-alpha");
    emulated.sort_by(|a, b| a.id.cmp(&b.id));
    let keys = out["keys"].as_array().expect("keys list");
    assert_eq!(keys.len(), 2);
    for (listed, key) in keys.iter().zip(&emulated) {
        assert_eq!(listed["id"], key.id.as_str());
        assert_eq!(listed["name"], key.name.as_str());
        assert_eq!(listed["role"], "view");
        assert_eq!(listed["created_at"], key.created_at.as_str());
        assert_eq!(listed["last_used_at"], Value::Null, "never used");
    }
    let ci = keys.iter().find(|k| k["name"] == "ci-bot").expect("ci-bot");
    assert_eq!(ci["description"], "pipeline");
    let dash = keys.iter().find(|k| k["name"] == "dash").expect("dash");
    assert_eq!(dash["description"], Value::Null);

    let tfstate = std::fs::read_to_string(h.dir.path().join("terraform.tfstate")).expect("state");
    assert!(!tfstate.contains(&token), "a key value reached the state");

    h.assert_empty_plan();
}

#[test]
fn view_token_sees_workspaces_but_not_shares_or_keys() {
    let config = Config {
        users: vec![UserToken::new(VIEWER_TOKEN, VIEWER, &[])],
        ..Config::default()
    };
    let mut h = Harness::with_emulator("ds-view-token", config);
    h.env("ACP_TOKEN", VIEWER_TOKEN);
    h.env("ACP_USERNAME", VIEWER);
    let state = h.emulator.state();
    assert!(state.create_project("team-alpha", Some(USERNAME)));
    assert!(state.create_project("team-hidden", Some(USERNAME)));
    assert!(state.grant("team-alpha", "user", VIEWER, "view"));
    h.write_config(
        r#"
data "acp_workspaces" "visible" {}

data "acp_workspace" "team" {
  name = "team-alpha"
}

output "names" {
  value = data.acp_workspaces.visible.names
}

output "status" {
  value = data.acp_workspace.team.status
}
"#,
    );
    h.apply();
    let out = outputs(&h);
    assert_eq!(out["names"], json!(["team-alpha"]), "only the shared one");
    assert_eq!(out["status"], "Active");
    h.assert_empty_plan();

    h.write_config(
        r#"
data "acp_workspace" "hidden" {
  name = "team-hidden"
}
"#,
    );
    let text = failed_plan(&h);
    assert!(
        text.contains("No workspace \"team-hidden\" visible to the caller"),
        "{text}"
    );

    for data_source in ["acp_workspace_shares", "acp_api_keys"] {
        h.write_config(&format!(
            "data \"{data_source}\" \"team\" {{\n  workspace = \"team-alpha\"\n}}\n"
        ));
        let text = failed_plan(&h);
        assert!(text.contains("only the view role"), "{data_source}: {text}");
        assert!(text.contains("edit or admin role"), "{data_source}: {text}");
    }
}
