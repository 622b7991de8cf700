//! Eventual consistency: the backend's 30 s access-review cache, and lists that do not yet
//! show a write that just happened. Both are waited out, not reported.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use acp_emulator::{BodyShape, Config, FaultPlan, FaultRule, UserToken};

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";
const CAROL: &str = "carol@example.com";
const CAROL_TOKEN: &str = "carol-token";

/// One GET with `token`; returns the status line. A bare request keeps the probe independent
/// of the client under test.
fn probe(url: &str, path: &str, token: &str) -> String {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("connect to emulator");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .expect("send probe");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read probe");
    answer.lines().next().unwrap_or_default().to_string()
}

#[test]
fn freshly_shared_user_waits_out_the_access_cache() {
    let config = Config {
        access_cache: true,
        users: vec![UserToken::new(CAROL_TOKEN, CAROL, &[])],
        ..Config::default()
    };
    let mut h = Harness::with_emulator("access-cache", config);
    let state = h.emulator.state();
    assert!(state.create_project(WS, Some(USERNAME)));
    // Carol looks before she is given a role: the platform caches "no" for 30 s.
    let status = probe(
        &h.emulator.url(),
        &format!("/api/projects/{WS}/keys"),
        CAROL_TOKEN,
    );
    assert!(status.contains("403"), "{status}");
    assert!(state.grant(WS, "user", CAROL, "admin"));

    h.env("ACP_TOKEN", CAROL_TOKEN);
    h.env("ACP_USERNAME", CAROL);
    h.write_config(&format!(
        "resource \"acp_workspace_share\" \"ops\" {{\n  workspace = \"{WS}\"\n  \
         subject_type = \"group\"\n  subject_name = \"ops\"\n  role = \"view\"\n}}\n\
         resource \"acp_workspace_secret\" \"jira\" {{\n  workspace = \"{WS}\"\n  \
         name = \"JIRA_URL\"\n  value = \"https://jira.example.com\"\n}}\n\
         resource \"acp_api_key\" \"ci\" {{\n  workspace = \"{WS}\"\n  name = \"ci\"\n  \
         role = \"edit\"\n}}\n"
    ));
    let started = Instant::now();
    h.apply();
    assert!(
        started.elapsed().as_secs() >= 5,
        "the apply must have met the cached denial, took {:?}",
        started.elapsed()
    );
    let mut grants = state.permissions(WS);
    grants.sort();
    assert!(
        grants.contains(&("group".into(), "ops".into(), "view".into())),
        "{grants:?}"
    );
    assert_eq!(
        state
            .integration_secrets(WS)
            .get("JIRA_URL")
            .map(String::as_str),
        Some("https://jira.example.com")
    );
    assert_eq!(state.keys(WS).len(), 1);
    h.assert_empty_plan();
}

#[test]
fn key_and_grant_missing_from_lists_right_after_create_are_waited_for() {
    let h = Harness::new("list-lag");
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h.write_config(&format!(
        "resource \"acp_api_key\" \"ci\" {{\n  workspace = \"{WS}\"\n  name = \"ci\"\n  \
         role = \"edit\"\n}}\n\
         resource \"acp_workspace_share\" \"bob\" {{\n  workspace = \"{WS}\"\n  \
         subject_type = \"user\"\n  subject_name = \"bob@example.com\"\n  role = \"edit\"\n}}\n"
    ));
    // The key list lags twice (the list before the create and the one after it); the grant's
    // answer is lost and the next permission list does not show it yet.
    h.emulator.state().set_faults(
        FaultPlan::new(vec![
            FaultRule::malformed(BodyShape::StaleList)
                .route("/api/projects/*/keys")
                .method("GET")
                .count(2),
            FaultRule::process_then_close()
                .route("/api/projects/*/permissions")
                .method("POST")
                .count(1),
            FaultRule::malformed(BodyShape::StaleList)
                .route("/api/projects/*/permissions")
                .method("GET")
                .count(1),
        ])
        .with_seed(3),
    );
    let out = h.run(&["apply", "-auto-approve", "-no-color", "-parallelism=1"]);
    let counts = h.emulator.state().fault_counts();
    assert!(
        out.status.success(),
        "faults {counts:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts.get("malformed_stale_list"), Some(&3), "{counts:?}");
    let keys = h.emulator.state().keys(WS);
    assert_eq!(keys.len(), 1, "{keys:?}");
    let state = h.state_values("acp_api_key.ci");
    assert_eq!(state["created_at"], keys[0].created_at.as_str());
    assert_eq!(
        h.emulator.state().permissions(WS),
        vec![("user".into(), "bob@example.com".into(), "edit".into())]
    );
    h.assert_empty_plan();
}
