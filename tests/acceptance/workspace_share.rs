//! `acp_workspace_share` under real Terraform: lifecycle, drift, import, and the multi-role
//! safety of destroying one role of a subject that holds several.

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";
const BOB: &str = "bob@example.com";

/// A share block with the workspace name written literally (the workspace is created through
/// the emulator, so only shares are under test).
fn share(label: &str, subject_type: &str, subject_name: &str, role: &str) -> String {
    format!(
        "resource \"acp_workspace_share\" \"{label}\" {{\n  workspace    = \"{WS}\"\n  \
         subject_type = \"{subject_type}\"\n  subject_name = \"{subject_name}\"\n  \
         role         = \"{role}\"\n}}\n"
    )
}

/// A harness whose emulator already holds the workspace, created by the provider's user.
fn harness(test: &str) -> Harness {
    let h = Harness::new(test);
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h
}

/// The roles a subject holds on the platform, sorted.
fn roles_of(h: &Harness, subject_type: &str, subject_name: &str) -> Vec<String> {
    let mut roles: Vec<String> = h
        .emulator
        .state()
        .permissions(WS)
        .into_iter()
        .filter(|(t, n, _)| t == subject_type && n == subject_name)
        .map(|(_, _, r)| r)
        .collect();
    roles.sort();
    roles
}

#[test]
fn share_lifecycle_create_refresh_import_destroy() {
    let h = harness("share-lifecycle");
    h.write_config(&(share("bob", "user", BOB, "edit") + &share("ops", "group", "ops", "view")));
    h.apply();

    assert_eq!(roles_of(&h, "user", BOB), vec!["edit"]);
    assert_eq!(roles_of(&h, "group", "ops"), vec!["view"]);
    let values = h.state_values("acp_workspace_share.bob");
    assert_eq!(values["id"], format!("{WS}/user/{BOB}/edit"));
    h.assert_empty_plan();
    h.ok(&["refresh", "-no-color"]);
    h.assert_empty_plan();

    h.ok(&["state", "rm", "acp_workspace_share.bob"]);
    h.ok(&[
        "import",
        "-no-color",
        "acp_workspace_share.bob",
        &format!("{WS}/user/{BOB}/edit"),
    ]);
    h.assert_empty_plan();

    h.destroy();
    assert!(
        h.emulator.state().permissions(WS).is_empty(),
        "{:?}",
        h.emulator.state().permissions(WS)
    );
}

#[test]
fn share_revoked_behind_terraforms_back_is_granted_again() {
    let h = harness("share-drift");
    h.write_config(&share("bob", "user", BOB, "edit"));
    h.apply();
    assert_eq!(h.emulator.state().revoke_subject(WS, "user", BOB), 1);

    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    h.apply();
    assert_eq!(roles_of(&h, "user", BOB), vec!["edit"]);
    h.assert_empty_plan();
}

#[test]
fn destroying_one_role_keeps_the_subjects_other_roles() {
    let h = harness("share-multi-role");
    h.write_config(&(share("view", "user", BOB, "view") + &share("edit", "user", BOB, "edit")));
    h.apply();
    assert_eq!(roles_of(&h, "user", BOB), vec!["edit", "view"]);
    // A role granted outside Terraform must survive too.
    assert!(h.emulator.state().grant(WS, "user", BOB, "admin"));

    h.write_config(&share("edit", "user", BOB, "edit"));
    let out = h.apply();
    assert!(out.contains("1 destroyed"), "{out}");
    assert_eq!(roles_of(&h, "user", BOB), vec!["admin", "edit"]);
    h.assert_empty_plan();

    h.destroy();
    assert_eq!(
        roles_of(&h, "user", BOB),
        vec!["admin"],
        "the role granted outside Terraform is left alone"
    );
}

/// Granting the other roles back after the revoke meets gateway errors (and a grant whose
/// answer is lost): the grants are repeated, so the subject keeps every other role.
#[test]
fn roles_granted_back_survive_gateway_errors() {
    use acp_emulator::{FaultPlan, FaultRule};
    let h = harness("share-regrant-faults");
    h.write_config(&(share("view", "user", BOB, "view") + &share("edit", "user", BOB, "edit")));
    h.apply();
    assert!(h.emulator.state().grant(WS, "user", BOB, "admin"));
    let grants = |rule: FaultRule| rule.route("/api/projects/*/permissions").method("POST");
    h.emulator.state().set_faults(FaultPlan::new(vec![
        grants(FaultRule::status(502)).count(2),
        grants(FaultRule::process_then_close()).count(1),
        grants(FaultRule::status(504)).count(1),
    ]));
    h.write_config(&share("edit", "user", BOB, "edit"));
    let out = h.apply();
    assert!(out.contains("1 destroyed"), "{out}");
    assert_eq!(roles_of(&h, "user", BOB), vec!["admin", "edit"]);
    h.emulator.state().set_faults(FaultPlan::default());
    h.assert_empty_plan();
}

#[test]
fn parallel_destroys_of_one_subject_do_not_interleave() {
    let h = harness("share-parallel");
    let all = ["view", "edit", "admin"]
        .iter()
        .map(|r| share(r, "user", BOB, r))
        .collect::<String>();
    h.write_config(&(all + &share("carol", "user", "carol@example.com", "view")));
    h.apply();
    assert_eq!(roles_of(&h, "user", BOB), vec!["admin", "edit", "view"]);

    // Terraform destroys both at once; each revoke must see the other's outcome.
    h.write_config(
        &(share("admin", "user", BOB, "admin")
            + &share("carol", "user", "carol@example.com", "view")),
    );
    h.apply();
    assert_eq!(roles_of(&h, "user", BOB), vec!["admin"]);
    assert_eq!(roles_of(&h, "user", "carol@example.com"), vec!["view"]);
    h.assert_empty_plan();
}

#[test]
fn changing_the_role_replaces_only_that_share() {
    let h = harness("share-role-change");
    h.write_config(&(share("a", "user", BOB, "edit") + &share("b", "user", BOB, "view")));
    h.apply();
    h.write_config(&(share("a", "user", BOB, "admin") + &share("b", "user", BOB, "view")));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("must be replaced"), "{plan}");
    h.apply();
    assert_eq!(roles_of(&h, "user", BOB), vec!["admin", "view"]);
    h.assert_empty_plan();
}

#[test]
fn invalid_values_fail_plan_naming_the_attribute() {
    let h = harness("share-invalid");
    let long = "a".repeat(254);
    let cases = [
        (share("x", "user", "team/a", "edit"), "subject_name", "'/'"),
        (
            share("x", "user", "tab\\there", "edit"),
            "subject_name",
            "control",
        ),
        (
            share("x", "user", &long, "edit"),
            "subject_name",
            "253 bytes",
        ),
        (
            share("x", "robot", BOB, "edit"),
            "subject_type",
            "\"group\"",
        ),
        (share("x", "user", BOB, "owner"), "role", "\"admin\""),
    ];
    for (config, attribute, reason) in cases {
        h.write_config(&config);
        let (code, text) = h.plan();
        assert_eq!(code, 1, "{attribute}: {text}");
        assert!(
            text.contains(&format!("Invalid value for {attribute}")),
            "{text}"
        );
        assert!(text.contains(reason), "{reason}: {text}");
    }
    assert!(h.emulator.state().permissions(WS).is_empty());
}

#[test]
fn granting_an_existing_share_shows_the_import_command() {
    let h = harness("share-exists");
    assert!(h.emulator.state().grant(WS, "user", BOB, "edit"));
    h.write_config(&share("bob", "user", BOB, "edit"));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Share already exists"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "terraform import acp_workspace_share.<name> {WS}/user/{BOB}/edit"
        )),
        "{stderr}"
    );
    assert_eq!(
        roles_of(&h, "user", BOB),
        vec!["edit"],
        "the failed create left the existing grant alone"
    );
}

#[test]
fn names_that_collide_after_sanitising_are_explained() {
    let h = harness("share-collision");
    assert!(h
        .emulator
        .state()
        .grant(WS, "user", "Bob@Example.com", "edit"));
    h.write_config(&share("bob", "user", "bob.example.com", "edit"));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Share collides with another subject"),
        "{stderr}"
    );
    assert!(stderr.contains("Bob@Example.com"), "{stderr}");
    assert_eq!(
        roles_of(&h, "user", "bob.example.com"),
        Vec::<String>::new()
    );
}

#[test]
fn share_in_a_deleted_workspace_leaves_state_without_error() {
    let h = harness("share-ws-gone");
    h.write_config(&share("bob", "user", BOB, "edit"));
    h.apply();
    assert!(h.emulator.state().remove_project_now(WS));

    h.ok(&["refresh", "-no-color"]);
    assert_eq!(
        h.state_values("acp_workspace_share.bob"),
        serde_json::Value::Null
    );
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
}

#[test]
fn malformed_import_ids_show_the_expected_shape() {
    let h = harness("share-import-bad");
    h.write_config(&share("bob", "user", BOB, "edit"));
    for bad in [format!("{WS}/user/{BOB}"), format!("{WS}/user/{BOB}/owner")] {
        let out = h.run(&["import", "-no-color", "acp_workspace_share.bob", &bad]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("<workspace>/<subject_type>/<subject_name>/<role>"),
            "{stderr}"
        );
    }
    let out = h.run(&[
        "import",
        "-no-color",
        "acp_workspace_share.bob",
        &format!("{WS}/user/{BOB}/edit"),
    ]);
    assert!(!out.status.success(), "no such grant exists yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Share not found"));
    assert!(h.emulator.state().permissions(WS).is_empty());
    assert_eq!(
        h.state_values("acp_workspace_share.bob"),
        serde_json::Value::Null
    );
}
