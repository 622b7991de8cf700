//! How many platform calls a refresh makes: reads of the same secret map, grant list or key
//! list within one plan share one request, while drift between plans is still seen.

use crate::support::Harness;

fn config() -> String {
    let mut hcl = String::from("resource \"acp_workspace\" \"w\" {\n  name = \"calls\"\n}\n");
    for i in 0..40 {
        hcl += &format!(
            "resource \"acp_workspace_secret\" \"s{i}\" {{\n  workspace = acp_workspace.w.name\n  name = \"SECRET_{i}\"\n  value = \"v{i}\"\n}}\n"
        );
    }
    for i in 0..10 {
        hcl += &format!(
            "resource \"acp_workspace_share\" \"u{i}\" {{\n  workspace = acp_workspace.w.name\n  subject_type = \"user\"\n  subject_name = \"user{i}@example.com\"\n  role = \"view\"\n}}\n"
        );
    }
    for i in 0..5 {
        hcl += &format!(
            "resource \"acp_api_key\" \"k{i}\" {{\n  workspace = acp_workspace.w.name\n  name = \"key{i}\"\n}}\n"
        );
    }
    hcl
}

#[test]
fn refreshing_a_workspace_with_55_children_takes_a_handful_of_calls_and_still_sees_drift() {
    let h = Harness::new("refresh-calls");
    h.write_config(&config());
    h.apply();

    h.emulator.state().reset_request_counts();
    h.assert_empty_plan();
    let counts = h.emulator.state().request_counts();
    let total: u64 = counts.values().sum();
    assert!(
        total <= 10,
        "a refresh of 1 workspace, 40 secrets, 10 shares and 5 keys made {total} calls: {counts:?}"
    );

    // Drift made between two plans is seen by the next one.
    h.emulator
        .state()
        .set_integration_secret("calls", "SECRET_7", "changed");
    h.emulator
        .state()
        .revoke_subject("calls", "user", "user3@example.com");
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("acp_workspace_secret.s7 will be updated in-place"),
        "{plan}"
    );
    assert!(
        plan.contains("acp_workspace_share.u3 will be created"),
        "{plan}"
    );
}
