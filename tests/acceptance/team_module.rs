//! The reusable module `examples/modules/team-workspace` under real Terraform: a root
//! configuration that calls it validates, applies against the emulator, re-plans empty and
//! destroys back to an empty platform.

use crate::examples::{copy_tf_files, examples_dir};
use crate::support::Harness;

const TEAM: &str = "team-payments";

/// A root configuration calling the module with every input set.
const ROOT: &str = r#"
variable "anthropic_api_key" {
  type      = string
  sensitive = true
  default   = "sk-ant-module-test"
}

module "payments" {
  source = "./modules/team-workspace"

  team = "team-payments"
  members = {
    edit  = { users = ["erin@example.com"], groups = ["payments-engineers"] }
    admin = { users = ["dana@example.com"], groups = [] }
  }
  secrets = {
    ANTHROPIC_API_KEY = var.anthropic_api_key
    JIRA_URL          = "https://example.atlassian.net"
  }
  storage = {
    endpoint   = "https://s3.eu-west-1.amazonaws.com"
    bucket     = "payments-agent-sessions"
    region     = null
    access_key = "AKIA-module-test"
    secret_key = "s3-secret-module-test"
  }
}

output "workspace" {
  value = module.payments.workspace
}

output "ci_key" {
  value     = module.payments.ci_key
  sensitive = true
}
"#;

/// A harness holding the module under `modules/` and the root configuration; `terraform get`
/// installs the local module (the providers come from `dev_overrides`, so no `init`).
fn harness(test: &str, root: &str) -> Harness {
    let h = Harness::new(test);
    let module = examples_dir().join("modules/team-workspace");
    copy_tf_files(&module, &h.dir.path().join("modules/team-workspace"));
    h.write_config(root);
    h.ok(&["get", "-no-color"]);
    h
}

#[test]
fn module_validates_from_a_calling_configuration() {
    let h = harness("module-validate", ROOT);
    let out = h.ok(&["validate", "-no-color"]);
    assert!(out.contains("The configuration is valid"), "{out}");
}

#[test]
fn module_plans_with_only_the_team_name() {
    // The defaults (no members, no secrets, no storage) exercise the empty merge() and the
    // nonsensitive() calls on values that validate leaves unknown.
    let h = harness(
        "module-defaults",
        "module \"team\" {\n  source = \"./modules/team-workspace\"\n  team   = \"team-min\"\n}\n",
    );
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("Plan: 2 to add"),
        "workspace and CI key only:\n{plan}"
    );
}

#[test]
fn module_applies_replans_empty_and_destroys_to_an_empty_platform() {
    let h = harness("module-apply", ROOT);
    let applied = h.apply();
    for secret in ["sk-ant-module-test", "s3-secret-module-test"] {
        assert!(!applied.contains(secret), "secret leaked:\n{applied}");
    }

    let state = h.emulator.state();
    assert_eq!(state.project_names(), vec![TEAM.to_string()]);
    let mut shares = state.permissions(TEAM);
    shares.sort();
    assert_eq!(shares.len(), 3, "{shares:?}");
    assert_eq!(
        state.runner_secrets(TEAM).get("ANTHROPIC_API_KEY"),
        Some(&"sk-ant-module-test".to_string())
    );
    let integration = state.integration_secrets(TEAM);
    assert_eq!(integration["JIRA_URL"], "https://example.atlassian.net");
    assert_eq!(integration["STORAGE_MODE"], "custom");
    assert_eq!(integration["S3_BUCKET"], "payments-agent-sessions");
    let keys = state.keys(TEAM);
    assert_eq!(keys.len(), 1, "one CI key");

    let outputs: serde_json::Value =
        serde_json::from_str(&h.ok(&["output", "-json"])).expect("output -json is JSON");
    assert_eq!(outputs["workspace"]["value"], TEAM);
    assert_eq!(outputs["ci_key"]["sensitive"], true);
    assert!(
        outputs["ci_key"]["value"]
            .as_str()
            .is_some_and(|k| !k.is_empty()),
        "{outputs}"
    );

    h.assert_empty_plan();
    h.destroy();
    assert!(state.is_empty(), "{:?}", state.project_names());
}
