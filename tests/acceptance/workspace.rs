//! `acp_workspace` under real Terraform.

use std::time::Duration;

use acp_emulator::Config;

use crate::support::Harness;

const WORKSPACE: &str = r#"
resource "acp_workspace" "team" {
  name         = "team-alpha"
  display_name = "Team Alpha"
  description  = "Alpha squad sandbox"
}
"#;

fn openshift() -> Config {
    Config {
        openshift: true,
        ..Config::default()
    }
}

#[test]
fn apply_creates_the_workspace_and_following_plans_are_empty() {
    let h = Harness::new("ws-apply");
    h.write_config(WORKSPACE);
    h.apply();

    let project = h
        .emulator
        .state()
        .project("team-alpha")
        .expect("workspace exists");
    assert_eq!(project.status, "Active");
    let values = h.state_values("acp_workspace.team");
    assert_eq!(values["id"], "team-alpha");
    assert_eq!(
        values["display_name"], "Team Alpha",
        "configured value kept in state"
    );
    assert_eq!(values["is_openshift"], false);
    assert_eq!(values["labels"]["ambient-code.io/managed"], "true");

    h.assert_empty_plan();
    h.ok(&["refresh", "-no-color"]);
    h.assert_empty_plan();
}

#[test]
fn openshift_cluster_annotations_added_after_create_cause_no_diff() {
    let h = Harness::with_emulator("ws-openshift", openshift());
    h.write_config(WORKSPACE);
    h.apply();
    h.assert_empty_plan();
    h.ok(&["refresh", "-no-color"]);
    let values = h.state_values("acp_workspace.team");
    let annotations = values["annotations"].as_object().expect("annotations map");
    assert!(
        annotations
            .keys()
            .any(|k| k.starts_with("openshift.io/sa.scc")),
        "refresh picks up cluster-added annotations: {annotations:?}"
    );
    assert_eq!(values["display_name"], "Team Alpha");
    h.assert_empty_plan();
}

#[test]
fn updating_the_display_name_updates_in_place() {
    let h = Harness::with_emulator("ws-update", openshift());
    h.write_config(WORKSPACE);
    h.apply();
    let created = h
        .emulator
        .state()
        .project("team-alpha")
        .expect("exists")
        .creation_timestamp;

    h.write_config(&WORKSPACE.replace("\"Team Alpha\"", "\"Team Alpha (prod)\""));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    h.apply();

    let project = h
        .emulator
        .state()
        .project("team-alpha")
        .expect("still exists");
    assert_eq!(project.display_name, "Team Alpha (prod)");
    assert_eq!(project.creation_timestamp, created, "updated, not replaced");
    h.assert_empty_plan();
}

#[test]
fn removing_display_name_from_config_keeps_the_stored_value_without_a_diff() {
    let h = Harness::with_emulator("ws-remove-attr", openshift());
    h.write_config(WORKSPACE);
    h.apply();
    h.write_config("resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n}\n");
    h.assert_empty_plan();
}

#[test]
fn display_name_changed_outside_terraform_shows_as_drift_on_openshift() {
    let h = Harness::with_emulator("ws-drift", openshift());
    h.write_config(WORKSPACE);
    h.apply();
    h.emulator
        .state()
        .set_display_name("team-alpha", "Renamed in the UI");
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("\"Renamed in the UI\" -> \"Team Alpha\""),
        "{plan}"
    );
    h.apply();
    h.assert_empty_plan();
}

#[test]
fn import_into_empty_state_gives_an_empty_plan() {
    for (label, config, hcl) in [
        ("openshift", openshift(), WORKSPACE.to_string()),
        (
            "vanilla",
            Config::default(),
            "resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n}\n".to_string(),
        ),
    ] {
        let h = Harness::with_emulator(&format!("ws-import-{label}"), config);
        h.write_config(&hcl);
        h.apply();
        h.forget_state();
        h.ok(&["import", "-no-color", "acp_workspace.team", "team-alpha"]);
        let (code, plan) = h.plan();
        assert_eq!(
            code, 0,
            "{label}: expected an empty plan after import:\n{plan}"
        );
    }
}

#[test]
fn import_of_a_missing_workspace_says_so() {
    let h = Harness::new("ws-import-missing");
    h.write_config(WORKSPACE);
    let out = h.run(&["import", "-no-color", "acp_workspace.team", "nope"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Workspace \"nope\" not found"), "{stderr}");
}

#[test]
fn workspace_deleted_behind_terraforms_back_is_planned_for_creation() {
    let h = Harness::new("ws-deleted");
    h.write_config(WORKSPACE);
    h.apply();
    assert!(h.emulator.state().remove_project_now("team-alpha"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    h.apply();
    assert!(h.emulator.state().project("team-alpha").is_some());
}

#[test]
fn invalid_name_fails_plan_with_an_error_naming_the_attribute() {
    let h = Harness::new("ws-invalid");
    for bad in ["Team_Alpha", "kube-system", "-lead", &"a".repeat(64)] {
        h.write_config(&format!(
            "resource \"acp_workspace\" \"team\" {{\n  name = \"{bad}\"\n}}\n"
        ));
        let (code, text) = h.plan();
        assert_eq!(code, 1, "{bad}: {text}");
        assert!(text.contains("Invalid value for name"), "{bad}: {text}");
        assert!(
            text.contains("name ="),
            "{bad}: the error points at the line: {text}"
        );
    }
    assert!(
        h.emulator.state().is_empty(),
        "nothing reached the platform"
    );
}

#[test]
fn creating_a_workspace_that_exists_shows_the_import_command() {
    let h = Harness::new("ws-exists");
    h.emulator
        .state()
        .create_project("team-alpha", Some("bob@example.com"));
    h.write_config(WORKSPACE);
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("terraform import"), "{stderr}");
}

#[test]
fn destroy_waits_for_termination_and_leaves_the_emulator_empty() {
    let config = Config {
        terminating_period: Duration::from_secs(2),
        ..Config::default()
    };
    let h = Harness::with_emulator("ws-destroy", config);
    h.write_config(WORKSPACE);
    h.apply();
    h.destroy();
    assert!(
        h.emulator.state().is_empty(),
        "{:?}",
        h.emulator.state().project_names()
    );
}

#[test]
fn replacing_a_workspace_waits_for_the_old_name_to_be_free() {
    let config = Config {
        terminating_period: Duration::from_secs(2),
        ..Config::default()
    };
    let h = Harness::with_emulator("ws-recreate", config);
    h.write_config(WORKSPACE);
    h.apply();
    // Delete on the platform (terminating) and ask Terraform to create it again meanwhile.
    assert!(h.emulator.state().start_deleting_project("team-alpha"));
    h.apply();
    assert_eq!(
        h.emulator
            .state()
            .project("team-alpha")
            .expect("recreated")
            .status,
        "Active"
    );
}

#[test]
fn the_timeouts_block_limits_delete_and_says_which_setting_to_raise() {
    let config = Config {
        terminating_period: Duration::from_secs(60),
        ..Config::default()
    };
    let h = Harness::with_emulator("ws-timeouts", config);
    h.write_config(
        "resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n  timeouts {\n    delete = \"2s\"\n  }\n}\n",
    );
    h.apply();
    h.assert_empty_plan();
    let values = h.state_values("acp_workspace.team");
    assert_eq!(
        values["timeouts"]["delete"], "2s",
        "the block is kept in state"
    );

    let started = std::time::Instant::now();
    let out = h.run(&["destroy", "-auto-approve", "-no-color"]);
    assert!(
        !out.status.success(),
        "destroy cannot finish while the workspace terminates"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up at the limit"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Timed out after 2s"), "{stderr}");
    assert!(stderr.contains("timeouts { delete"), "{stderr}");
    assert_eq!(
        h.emulator.state().project("team-alpha").map(|p| p.status),
        Some("Terminating".to_string()),
        "the platform goes on deleting"
    );
}

#[test]
fn an_invalid_timeout_is_refused_at_plan() {
    let h = Harness::new("ws-bad-timeout");
    h.write_config(
        "resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n  timeouts {\n    create = \"soon\"\n  }\n}\n",
    );
    let (code, text) = h.plan();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Invalid value for timeouts.create"), "{text}");
}
