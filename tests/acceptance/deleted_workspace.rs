//! A workspace deleted behind Terraform's back takes its shares, secrets, storage and keys
//! with it: the next plan proposes to create all of them again, and destroy succeeds.

use crate::support::Harness;

/// The demo configuration: a workspace with two shares, three secrets, storage and a key.
fn demo() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo/main.tf");
    let text = std::fs::read_to_string(path).expect("read examples/demo/main.tf");
    // The harness writes its own terraform block.
    let start = text.find("provider \"acp\"").expect("provider block");
    text[start..].to_string()
}

#[test]
fn every_child_of_a_deleted_workspace_is_planned_again_without_errors() {
    let h = Harness::new("deleted-ws");
    h.write_config(&demo());
    h.apply();
    assert!(h.emulator.state().remove_project_now("team-payments"));

    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(!plan.contains("Error"), "{plan}");
    assert!(
        plan.contains("Plan: 8 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );

    h.destroy();
    assert!(h.emulator.state().is_empty());
}

#[test]
fn destroy_after_the_workspace_vanished_succeeds() {
    let h = Harness::new("deleted-ws-destroy");
    h.write_config(&demo());
    h.apply();
    assert!(h.emulator.state().remove_project_now("team-payments"));
    let out = h.destroy();
    assert!(out.contains("Destroy complete!"), "{out}");
    assert!(h.emulator.state().is_empty());
}

#[test]
fn children_of_a_terminating_workspace_are_recreated_in_the_same_apply() {
    let config = acp_emulator::Config {
        terminating_period: std::time::Duration::from_secs(3),
        ..acp_emulator::Config::default()
    };
    let h = Harness::with_emulator("terminating-ws", config);
    h.write_config(&demo());
    h.apply();
    assert!(h.emulator.state().start_deleting_project("team-payments"));

    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("Plan: 8 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    h.apply();
    h.assert_empty_plan();
    assert_eq!(h.emulator.state().permissions("team-payments").len(), 2);
    assert_eq!(h.emulator.state().keys("team-payments").len(), 1);
}
