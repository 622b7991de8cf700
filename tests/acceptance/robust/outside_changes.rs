//! A secret-map write racing with a change made outside Terraform (the UI, a script). The
//! platform replaces a whole map on every PUT and offers no version to detect a writer in
//! between, so the provider must never write back a map it read before someone else's change.

use std::time::{Duration, Instant};

use acp_emulator::{FaultPlan, FaultRule};

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";

/// An update's PUT of the integration map is refused once with 503 and `Retry-After: 2`; while
/// the provider waits to try again, someone changes the map. The repeat must start from a fresh
/// read: the outside key survives, and the key Terraform manages ends up with Terraform's value.
#[test]
fn outside_change_made_while_a_write_waits_to_repeat_survives() {
    let h = Harness::new("outside-change");
    let state = h.emulator.state();
    assert!(state.create_project(WS, Some(USERNAME)));
    assert!(state.set_integration_secret(WS, "JIRA_URL", "https://old.example.com"));
    let config = |value: &str| {
        format!(
            "resource \"acp_workspace_secret\" \"gh\" {{\n  workspace = \"{WS}\"\n  \
             name = \"GITHUB_TOKEN\"\n  value = \"{value}\"\n}}\n"
        )
    };
    h.write_config(&config("ghp_first"));
    h.apply();
    // The update below is the write that races.
    h.write_config(&config("ghp_from_terraform"));
    state.reset_request_counts();
    refuse_first_put_for_two_seconds(&h);
    // Plays the person in the UI: as soon as the provider's first PUT has been turned away,
    // edit an unmanaged key, add a new one, and set the managed key to something else.
    let outside = {
        let state = state.clone();
        std::thread::spawn(move || {
            wait_for_the_refusal(&state);
            assert!(state.set_integration_secret(WS, "JIRA_URL", "https://new.example.com"));
            assert!(state.set_integration_secret(WS, "SET_IN_UI", "keep me"));
            assert!(state.set_integration_secret(WS, "GITHUB_TOKEN", "ghp_from_the_ui"));
        })
    };
    h.apply();
    outside.join().expect("outside writer");

    let map = state.integration_secrets(WS);
    assert_eq!(
        map.get("JIRA_URL").map(String::as_str),
        Some("https://new.example.com"),
        "an outside edit was undone: {:?}",
        map.keys()
    );
    assert_eq!(map.get("SET_IN_UI").map(String::as_str), Some("keep me"));
    assert_eq!(
        map.get("GITHUB_TOKEN").map(String::as_str),
        Some("ghp_from_terraform"),
        "the key Terraform manages takes Terraform's value"
    );
    let counts = state.request_counts();
    let gets = counts
        .get("GET /api/projects/{project}/integration-secrets")
        .copied()
        .unwrap_or(0);
    assert!(gets >= 2, "the repeat must read the map again: {counts:?}");
    h.assert_empty_plan();
}

/// While creating a secret, the first PUT is turned away and someone creates the same key in
/// the UI before the repeat. The provider must not take the key over silently: the create
/// fails with the import command, and the UI's value stays.
#[test]
fn key_created_outside_while_a_create_waits_to_repeat_is_not_taken_over() {
    let h = Harness::new("outside-create");
    let state = h.emulator.state();
    assert!(state.create_project(WS, Some(USERNAME)));
    h.write_config(&format!(
        "resource \"acp_workspace_secret\" \"gh\" {{\n  workspace = \"{WS}\"\n  \
         name = \"GITHUB_TOKEN\"\n  value = \"ghp_from_terraform\"\n}}\n"
    ));
    refuse_first_put_for_two_seconds(&h);
    let outside = {
        let state = state.clone();
        std::thread::spawn(move || {
            wait_for_the_refusal(&state);
            assert!(state.set_integration_secret(WS, "GITHUB_TOKEN", "ghp_from_the_ui"));
        })
    };
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    outside.join().expect("outside writer");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        text.contains("already exists") && text.contains("terraform import"),
        "{text}"
    );
    assert_eq!(
        state
            .integration_secrets(WS)
            .get("GITHUB_TOKEN")
            .map(String::as_str),
        Some("ghp_from_the_ui")
    );
}

/// Arms a fault plan that answers the first PUT of an integration map with 503 and
/// `Retry-After: 2`, the way a router does while the backend restarts.
fn refuse_first_put_for_two_seconds(h: &Harness) {
    h.emulator.state().set_faults(
        FaultPlan::new(vec![FaultRule::status_retry_after(503, 2)
            .route("/api/projects/*/integration-secrets")
            .method("PUT")
            .count(1)])
        .with_seed(7),
    );
}

/// Blocks until the provider's PUT has been turned away (it then waits two seconds).
fn wait_for_the_refusal(state: &acp_emulator::SharedState) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.fault_counts().get("status_503").copied().unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the PUT was never refused");
        std::thread::sleep(Duration::from_millis(5));
    }
}
