//! `Emulator::start` over real HTTP, and the state file across restarts.

use std::time::Duration;

use acp_emulator::{Config, Emulator, UserToken};
use reqwest::blocking::Client;
use serde_json::{json, Value};

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

#[test]
fn serves_over_http_and_stops_on_drop() {
    let emulator = Emulator::start(Config::default()).expect("start");
    let url = emulator.url();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with('/'));
    assert_eq!(emulator.admin_token(), "admin-token");
    let http = client();

    let created = http
        .post(format!("{url}/api/projects"))
        .bearer_auth(emulator.admin_token())
        .header("X-Forwarded-User", "alice")
        .json(&json!({"name": "team-alpha"}))
        .send()
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(
        created.headers()["content-type"].to_str().expect("ascii"),
        "application/json; charset=utf-8"
    );
    assert_eq!(emulator.state().project_names(), ["team-alpha"]);

    // A change behind the API's back is visible through it.
    emulator
        .state()
        .set_integration_secret("team-alpha", "GITHUB_TOKEN", "ghp");
    let data: Value = http
        .get(format!("{url}/api/projects/team-alpha/integration-secrets"))
        .bearer_auth("admin-token")
        .send()
        .expect("get")
        .json()
        .expect("json");
    assert_eq!(data, json!({"data": {"GITHUB_TOKEN": "ghp"}}));

    drop(emulator);
    assert!(
        http.get(format!("{url}/health")).send().is_err(),
        "server must be gone"
    );
}

#[test]
fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    let config = Config {
        state_file: Some(path.clone()),
        users: vec![UserToken::new("bob-token", "bob", &[])],
        ..Config::default()
    };
    let http = client();
    let key;
    {
        let emulator = Emulator::start(config.clone()).expect("start");
        let url = emulator.url();
        let post = |path: &str, body: Value| {
            http.post(format!("{url}{path}"))
                .bearer_auth("admin-token")
                .header("X-Forwarded-User", "alice")
                .json(&body)
                .send()
                .expect("post")
        };
        assert_eq!(
            post("/api/projects", json!({"name": "keep"}))
                .status()
                .as_u16(),
            201
        );
        let grant = json!({"subjectType": "user", "subjectName": "bob", "role": "edit"});
        assert_eq!(
            post("/api/projects/keep/permissions", grant)
                .status()
                .as_u16(),
            201
        );
        let created: Value = post(
            "/api/projects/keep/keys",
            json!({"name": "k", "expirationSeconds": 3600}),
        )
        .json()
        .expect("json");
        key = created["key"].as_str().expect("key").to_owned();
        let put = http
            .put(format!("{url}/api/projects/keep/runner-secrets"))
            .bearer_auth("admin-token")
            .json(&json!({"data": {"ANTHROPIC_API_KEY": "sk"}}))
            .send()
            .expect("put");
        assert_eq!(put.status().as_u16(), 200);
        assert!(path.exists(), "state written after mutating requests");
    }

    let emulator = Emulator::start(config).expect("restart");
    let state = emulator.state();
    assert_eq!(state.project_names(), ["keep"]);
    assert_eq!(
        state.permissions("keep"),
        [("user".into(), "bob".into(), "edit".into())]
    );
    assert_eq!(
        state
            .runner_secrets("keep")
            .get("ANTHROPIC_API_KEY")
            .map(String::as_str),
        Some("sk")
    );
    assert_eq!(
        state.project("keep").and_then(|p| p.creator).as_deref(),
        Some("alice")
    );
    // Users and keys still authenticate after the restart.
    let url = emulator.url();
    for token in ["bob-token", key.as_str()] {
        let reply = http
            .get(format!("{url}/api/projects/keep/keys"))
            .bearer_auth(token)
            .send()
            .expect("get");
        assert_eq!(reply.status().as_u16(), 200, "token {token}");
    }
    // Helper mutations are saved too.
    state.remove_project_now("keep");
    drop(emulator);
    let text = std::fs::read_to_string(&path).expect("state file");
    assert!(!text.contains("\"keep\""), "{text}");
}

#[test]
fn a_broken_state_file_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("state.json");
    std::fs::write(&path, "not json").expect("write");
    let config = Config {
        state_file: Some(path),
        ..Config::default()
    };
    let err = Emulator::start(config).err().expect("must fail");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
}
