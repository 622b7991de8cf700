//! Creates whose answer never arrives although the platform carried them out: the connection
//! closes after the handler ran (`process_then_close`), or the answer comes after the
//! client's per-attempt timeout (`late`). The provider must recognise its own object instead
//! of failing with a conflict or leaving an object Terraform does not know about.

use std::time::Duration;

use acp_emulator::{FaultPlan, FaultRule};

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";

fn lose_first(route: &str, rule: FaultRule) -> FaultPlan {
    FaultPlan::new(vec![rule.route(route).method("POST").count(1)]).with_seed(1)
}

/// A harness whose workspace exists, configured with the API key `acp_api_key.ci`; `extra`
/// goes into its block as written (a `timeouts` block, say).
fn key_harness(test: &str, extra: &str) -> Harness {
    let h = Harness::new(test);
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h.write_config(&format!(
        "resource \"acp_api_key\" \"ci\" {{\n  workspace = \"{WS}\"\n  name = \"ci\"\n  \
         role = \"edit\"\n{extra}}}\n"
    ));
    h
}

fn assert_fired(h: &Harness) {
    let fired: u64 = h.emulator.state().fault_counts().values().sum();
    assert_eq!(fired, 1, "{:?}", h.emulator.state().fault_counts());
}

#[test]
fn workspace_whose_create_answer_was_lost_is_adopted() {
    for (label, rule, timeout) in [
        ("closed", FaultRule::process_then_close(), None),
        ("late", FaultRule::late(Duration::from_secs(3)), Some("1s")),
    ] {
        let mut h = Harness::new(&format!("lost-ws-{label}"));
        if let Some(t) = timeout {
            h.env("ACP_REQUEST_TIMEOUT", t);
        }
        h.write_config(&format!(
            "resource \"acp_workspace\" \"w\" {{\n  name = \"{WS}\"\n}}\n"
        ));
        h.emulator
            .state()
            .set_faults(lose_first("/api/projects", rule));
        let out = h.apply();
        assert_fired(&h);
        assert!(
            out.contains("adopted after a lost answer"),
            "{label}: {out}"
        );
        assert_eq!(h.emulator.state().project_names(), vec![WS], "{label}");
        assert_eq!(h.state_values("acp_workspace.w")["id"], WS, "{label}");
        h.assert_empty_plan();
    }
}

#[test]
fn share_whose_grant_answer_was_lost_is_recognised() {
    let h = Harness::new("lost-share");
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h.write_config(&format!(
        "resource \"acp_workspace_share\" \"bob\" {{\n  workspace = \"{WS}\"\n  \
         subject_type = \"user\"\n  subject_name = \"bob@example.com\"\n  role = \"edit\"\n}}\n"
    ));
    h.emulator.state().set_faults(lose_first(
        "/api/projects/*/permissions",
        FaultRule::process_then_close(),
    ));
    h.apply();
    assert_fired(&h);
    assert_eq!(
        h.emulator.state().permissions(WS),
        vec![("user".into(), "bob@example.com".into(), "edit".into())]
    );
    h.assert_empty_plan();
}

#[test]
fn api_key_whose_create_answer_was_lost_is_replaced_once_with_a_warning() {
    let h = key_harness("lost-key", "");
    h.emulator.state().set_faults(lose_first(
        "/api/projects/*/keys",
        FaultRule::process_then_close(),
    ));
    let out = h.apply();
    assert_fired(&h);
    assert!(out.contains("created a second time"), "{out}");
    let keys = h.emulator.state().keys(WS);
    assert_eq!(
        keys.len(),
        1,
        "the key of the lost answer is gone: {keys:?}"
    );
    let state = h.state_values("acp_api_key.ci");
    assert_eq!(state["id"], keys[0].id.as_str());
    assert_eq!(
        state["key"].as_str(),
        keys[0].token.as_deref(),
        "the token in state is the live key's"
    );
    h.assert_empty_plan();
}

/// A secret's and a storage's first write reach the platform but the answer is lost (the
/// connection closes after the handler ran, or the answer comes after the client gave up).
/// Repeating the write from a fresh read finds the provider's own keys there: the create must
/// recognise them as its own, not refuse them as set outside Terraform.
#[test]
fn secret_and_storage_whose_write_answer_was_lost_are_recognised() {
    for (label, rule, timeout) in [
        ("closed", FaultRule::process_then_close(), None),
        ("late", FaultRule::late(Duration::from_secs(3)), Some("1s")),
    ] {
        for (resource, body) in [
            (
                "acp_workspace_secret.gh",
                "resource \"acp_workspace_secret\" \"gh\" {\n  workspace = \"WS\"\n  \
                 name = \"GITHUB_TOKEN\"\n  value = \"ghp_lost\"\n}\n",
            ),
            (
                "acp_workspace_storage.s3",
                "resource \"acp_workspace_storage\" \"s3\" {\n  workspace = \"WS\"\n  \
                 endpoint = \"https://s3.example.com\"\n  bucket = \"lost-answers\"\n  \
                 access_key = \"AKIALOST\"\n  secret_key = \"lost-secret\"\n}\n",
            ),
        ] {
            let mut h = Harness::new(&format!("lost-map-{label}"));
            if let Some(t) = timeout {
                h.env("ACP_REQUEST_TIMEOUT", t);
            }
            let state = h.emulator.state();
            assert!(state.create_project(WS, Some(USERNAME)));
            assert!(state.set_integration_secret(WS, "SET_IN_UI", "keep"));
            h.write_config(&body.replace("\"WS\"", &format!("\"{WS}\"")));
            state.set_faults(
                FaultPlan::new(vec![rule
                    .clone()
                    .route("/api/projects/*/integration-secrets")
                    .method("PUT")
                    .count(1)])
                .with_seed(1),
            );
            h.apply();
            assert_fired(&h);
            let map = state.integration_secrets(WS);
            assert_eq!(
                map.get("SET_IN_UI").map(String::as_str),
                Some("keep"),
                "{label} {resource}"
            );
            assert!(
                !h.state_values(resource).is_null(),
                "{label} {resource} is in the state"
            );
            h.assert_empty_plan();
        }
    }
}

/// A create cut off by the resource's own `timeouts` while the platform still carries it out
/// (its answer comes after the limit): the object is recorded as tainted, so the next apply
/// finds it and replaces it instead of failing with "already exists" on every run.
#[test]
fn create_cut_off_by_its_time_limit_converges_on_the_next_apply() {
    for (label, route, block) in [
        (
            "workspace",
            "/api/projects",
            format!(
                "resource \"acp_workspace\" \"w\" {{\n  name = \"{WS}\"\n  \
                 timeouts {{\n    create = \"2s\"\n  }}\n}}\n"
            ),
        ),
        (
            "share",
            "/api/projects/*/permissions",
            format!(
                "resource \"acp_workspace_share\" \"bob\" {{\n  workspace = \"{WS}\"\n  \
                 subject_type = \"user\"\n  subject_name = \"bob@example.com\"\n  \
                 role = \"edit\"\n  timeouts {{\n    create = \"2s\"\n  }}\n}}\n"
            ),
        ),
    ] {
        let h = Harness::new(&format!("cut-off-{label}"));
        if label == "share" {
            assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
        }
        h.write_config(&block);
        h.emulator
            .state()
            .set_faults(lose_first(route, FaultRule::late(Duration::from_secs(4))));
        let out = h.run(&["apply", "-auto-approve", "-no-color"]);
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{label}");
        assert!(text.contains("Timed out after 2s"), "{label}: {text}");
        // Let the platform finish what it was asked.
        std::thread::sleep(Duration::from_secs(3));
        let out = h.apply();
        assert!(!out.contains("already exists"), "{label}: {out}");
        h.assert_empty_plan();
        match label {
            "workspace" => assert_eq!(h.emulator.state().project_names(), vec![WS]),
            _ => assert!(h.emulator.state().permissions(WS).contains(&(
                "user".into(),
                "bob@example.com".into(),
                "edit".into()
            ))),
        }
    }
}

/// Answers lost twice in a row, and a success answer the provider cannot read (the platform
/// acted, but the body is not what the API returns): the key create is repeated until one
/// answer arrives, and every key a lost answer left behind is removed.
#[test]
fn key_create_survives_repeated_and_unreadable_answers() {
    use acp_emulator::BodyShape;
    for (label, rules) in [
        (
            "closed-twice",
            vec![FaultRule::process_then_close().count(2)],
        ),
        (
            "unreadable",
            vec![FaultRule::malformed(BodyShape::NullFields).count(1)],
        ),
    ] {
        let h = key_harness(&format!("lost-key-{label}"), "");
        let rules = rules
            .into_iter()
            .map(|r| r.route("/api/projects/*/keys").method("POST"))
            .collect();
        h.emulator.state().set_faults(FaultPlan::new(rules));
        h.apply();
        let keys = h.emulator.state().keys(WS);
        assert_eq!(keys.len(), 1, "{label}: no key left behind: {keys:?}");
        let state = h.state_values("acp_api_key.ci");
        assert_eq!(state["id"], keys[0].id.as_str(), "{label}");
        assert_eq!(state["key"].as_str(), keys[0].token.as_deref(), "{label}");
        h.assert_empty_plan();
    }
}

/// A workspace create answered with a success body the provider cannot read: the workspace
/// exists, so it is adopted rather than reported as existing on every later apply.
#[test]
fn workspace_whose_create_answer_was_unreadable_is_adopted() {
    use acp_emulator::BodyShape;
    let h = Harness::new("lost-ws-unreadable");
    h.write_config(&format!(
        "resource \"acp_workspace\" \"w\" {{\n  name = \"{WS}\"\n}}\n"
    ));
    h.emulator.state().set_faults(lose_first(
        "/api/projects",
        FaultRule::malformed(BodyShape::NullFields),
    ));
    let out = h.apply();
    assert_fired(&h);
    assert!(out.contains("adopted after a lost answer"), "{out}");
    assert_eq!(h.emulator.state().project_names(), vec![WS]);
    h.assert_empty_plan();
}

/// A key create cut off by its time limit cannot be recorded (the platform assigns the id), so
/// the run says so, and which key to look for, rather than staying silent about a key that may
/// exist outside Terraform.
#[test]
fn key_create_cut_off_by_its_time_limit_warns_that_it_is_unrecorded() {
    let h = key_harness("cut-off-key", "  timeouts {\n    create = \"2s\"\n  }\n");
    h.emulator.state().set_faults(lose_first(
        "/api/projects/*/keys",
        FaultRule::late(Duration::from_secs(4)),
    ));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Timed out after 2s"), "{text}");
    assert!(
        flat.contains("Abandoned acp_api_key create is not in the state"),
        "{text}"
    );
    assert_eq!(h.state_values("acp_api_key.ci"), serde_json::Value::Null);
}
