//! Credentials that do not work: a wrong or expired token gives one clear error and no storm
//! of requests; a token whose user lacks the admin role gets an error that says so.

use acp_emulator::{Config, UserToken};

use super::team::{write_demo, WS};
use crate::support::{Harness, USERNAME};

#[test]
fn wrong_token_names_the_setting_and_makes_few_calls() {
    let mut h = Harness::new("wrong-token");
    write_demo(&h);
    h.apply();
    h.env("ACP_TOKEN", "expired-or-wrong");
    h.emulator.state().reset_request_counts();
    let (code, out) = h.plan();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`token`") && out.contains("ACP_TOKEN"),
        "{out}"
    );
    // The provider asks the platform about the token once, when it is configured, and stops
    // there: one error for the whole run, not one per resource.
    assert_eq!(out.matches("Error: ").count(), 1, "{out}");
    let counts = h.emulator.state().request_counts();
    assert_eq!(
        counts.values().sum::<u64>(),
        1,
        "a failed plan made more than the one check: {counts:?}"
    );
}

/// Many workspaces that do not depend on each other: without the check at configuration each
/// would fail on its own, once per workspace, each after its own call.
#[test]
fn wrong_token_gives_one_error_for_many_independent_workspaces() {
    let mut h = Harness::new("wrong-token-many");
    let state = h.emulator.state();
    let workspaces: String = (0..12)
        .map(|i| {
            assert!(state.create_project(&format!("team-{i}"), Some(USERNAME)));
            format!(
                "resource \"acp_workspace_secret\" \"s{i}\" {{\n  workspace = \"team-{i}\"\n  \
                 name = \"X\"\n  value = \"y\"\n}}\n\
                 resource \"acp_workspace_share\" \"v{i}\" {{\n  workspace = \"team-{i}\"\n  \
                 subject_type = \"group\"\n  subject_name = \"viewers\"\n  role = \"view\"\n}}\n"
            )
        })
        .collect();
    h.write_config(&format!("provider \"acp\" {{}}\n{workspaces}"));
    h.apply();
    h.env("ACP_TOKEN", "expired-or-wrong");
    state.reset_request_counts();
    for args in [
        &["plan", "-no-color", "-input=false"][..],
        &["apply", "-auto-approve", "-no-color", "-input=false"][..],
        &["destroy", "-auto-approve", "-no-color", "-input=false"][..],
    ] {
        let out = h.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{args:?}: {text}");
        assert_eq!(text.matches("Error: ").count(), 1, "{args:?}: {text}");
        assert!(
            text.contains("`token`") && text.contains("ACP_TOKEN"),
            "{text}"
        );
    }
    let counts = state.request_counts();
    assert_eq!(
        counts.values().sum::<u64>(),
        3,
        "one check per command and nothing else: {counts:?}"
    );
    assert_eq!(state.project_names().len(), 12, "nothing was touched");
}

#[test]
fn view_and_edit_tokens_are_told_admin_is_needed() {
    let config = Config {
        users: vec![
            UserToken::new("viola-token", "viola@example.com", &[]),
            UserToken::new("eddie-token", "eddie@example.com", &[]),
        ],
        ..Config::default()
    };
    for (user, token, role) in [
        ("viola@example.com", "viola-token", "view"),
        ("eddie@example.com", "eddie-token", "edit"),
    ] {
        let mut h = Harness::with_emulator(&format!("role-{role}"), config.clone());
        let state = h.emulator.state();
        assert!(state.create_project(WS, Some(USERNAME)));
        assert!(state.grant(WS, "user", user, role));
        h.env("ACP_TOKEN", token);
        h.env("ACP_USERNAME", user);
        h.write_config(&format!(
            "resource \"acp_workspace_secret\" \"gh\" {{\n  workspace = \"{WS}\"\n  \
             name = \"GITHUB_TOKEN\"\n  value = \"ghp_x\"\n}}\n\
             resource \"acp_api_key\" \"ops\" {{\n  workspace = \"{WS}\"\n  name = \"ops\"\n  \
             role = \"admin\"\n}}\n"
        ));
        let out = h.run(&["apply", "-auto-approve", "-no-color"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{role}: {text}");
        assert!(text.contains("the admin role"), "{role}: {text}");
        assert!(state.integration_secrets(WS).is_empty(), "{role}");
        // An edit user's admin key fails half-way and the platform does not let edit users
        // delete it; the error must then say the half-created key is still there.
        assert!(
            state.keys(WS).is_empty() || text.contains("is still in workspace"),
            "{role}: a partial key is neither removed nor reported: {text}"
        );
    }
}
