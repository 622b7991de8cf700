//! `acp_api_key` under real Terraform: the once-only token, import without it, drift,
//! rotation before expiry, and cleanup of keys the platform half-creates.

use std::time::Duration;

use acp_client::{Client, ClientConfig};
use acp_emulator::{Config, KeyView, UserToken};

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";

/// One key block plus a sensitive output of its token.
fn key_config(extra: &str) -> String {
    format!(
        "resource \"acp_api_key\" \"ci\" {{\n  workspace = \"{WS}\"\n  name      = \"ci-bot\"\n\
         {extra}}}\n\noutput \"token\" {{\n  value     = acp_api_key.ci.key\n  sensitive = true\n}}\n"
    )
}

fn harness_with(test: &str, config: Config) -> Harness {
    let h = Harness::with_emulator(test, config);
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h
}

fn harness(test: &str) -> Harness {
    harness_with(test, Config::default())
}

fn keys(h: &Harness) -> Vec<KeyView> {
    h.emulator.state().keys(WS)
}

fn only_key(h: &Harness) -> KeyView {
    let keys = keys(h);
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys.into_iter().next().expect("one key")
}

/// Lists the workspace's keys with `token` as bearer, as a user of the key would.
fn list_keys_as(h: &Harness, token: &str) -> Result<usize, acp_client::Error> {
    let config = ClientConfig::new(h.emulator.url().parse().expect("url"), token.to_string());
    let client = Client::new(config).expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(client.list_keys(WS)).map(|k| k.len())
}

#[test]
fn key_is_created_usable_and_never_printed() {
    let mut h = harness("key-create");
    // Provider logs at the most verbose level must not carry the token either.
    h.env("TF_LOG_PROVIDER", "trace");
    h.write_config(&key_config("  description = \"GitHub Actions\"\n"));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let key = only_key(&h);
    let token = key.token.clone().expect("the platform issued a token");
    assert_eq!(key.name, "ci-bot");
    assert_eq!(key.role.as_deref(), Some("edit"));
    assert_eq!(key.description, "GitHub Actions");
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(&token),
            "token leaked into terraform output or provider logs"
        );
    }

    let values = h.state_values("acp_api_key.ci");
    assert_eq!(values["id"], key.id.as_str());
    assert_eq!(values["created_at"], key.created_at.as_str());
    assert_eq!(values["expiration_seconds"], 7_776_000);
    assert_eq!(
        values["expires_at"],
        key.expires_at.as_str(),
        "created time + 90 days"
    );

    let (code, plan) = h.plan();
    assert_eq!(code, 0, "{plan}");
    assert!(!plan.contains(&token));
    h.ok(&["refresh", "-no-color"]);
    h.assert_empty_plan();
    assert_eq!(h.ok(&["output", "-raw", "token"]), token);
    let shown = h.ok(&["output", "-no-color"]);
    assert!(
        !shown.contains(&token) && shown.contains("sensitive"),
        "{shown}"
    );

    // The token works as a bearer token, with the key's edit role.
    assert_eq!(list_keys_as(&h, &token).expect("key authenticates"), 1);
    assert!(
        only_key(&h).last_used_at.is_some(),
        "the platform saw the key"
    );
    // ... and reading it back did not change the plan (last use is not an attribute).
    h.assert_empty_plan();

    h.destroy();
    assert!(keys(&h).is_empty(), "{:?}", keys(&h));
    assert!(
        list_keys_as(&h, &token).is_err(),
        "a destroyed key no longer authenticates"
    );
}

#[test]
fn import_brings_everything_but_the_token() {
    let h = harness("key-import");
    h.write_config(&key_config("  role = \"view\"\n"));
    h.apply();
    let id = only_key(&h).id;

    h.ok(&["state", "rm", "acp_api_key.ci"]);
    let out = h.run(&[
        "import",
        "-no-color",
        "acp_api_key.ci",
        &format!("{WS}/{id}"),
    ]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Imported API key has no token"), "{text}");
    let values = h.state_values("acp_api_key.ci");
    assert_eq!(values["role"], "view");
    assert_eq!(values["key"], serde_json::Value::Null);
    assert_eq!(values["expires_at"], serde_json::Value::Null);
    assert_eq!(values["expiration_seconds"], serde_json::Value::Null);
    h.assert_empty_plan();
    assert_eq!(keys(&h).len(), 1, "import changed nothing on the platform");

    // Writing the lifetime into the configuration records it without a new key.
    h.write_config(&key_config(
        "  role = \"view\"\n  expiration_seconds = 7776000\n",
    ));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("updated in-place"), "{plan}");
    h.apply();
    assert_eq!(only_key(&h).id, id, "not replaced");
    h.assert_empty_plan();
}

#[test]
fn malformed_import_id_shows_the_expected_shape() {
    let h = harness("key-import-bad");
    h.write_config(&key_config(""));
    let out = h.run(&["import", "-no-color", "acp_api_key.ci", "ambient-key-x"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<workspace>/<key id>"), "{stderr}");
    let out = h.run(&[
        "import",
        "-no-color",
        "acp_api_key.ci",
        &format!("{WS}/nope"),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("API key \"nope\" not found"));
    assert!(keys(&h).is_empty(), "a failed import creates nothing");
}

#[test]
fn key_revoked_behind_terraforms_back_is_created_again() {
    let h = harness("key-drift");
    h.write_config(&key_config(""));
    h.apply();
    let old = only_key(&h).id;
    assert!(h.emulator.state().revoke_key(WS, &old));

    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    h.apply();
    let new = only_key(&h);
    assert_ne!(new.id, old);
    assert_eq!(
        h.ok(&["output", "-raw", "token"]),
        new.token.expect("token"),
        "state holds the new key's token"
    );
    h.assert_empty_plan();
}

#[test]
fn keys_rotate_only_inside_the_window() {
    let h = harness("key-rotate");
    let config = |window: i64| {
        key_config(&format!(
            "  expiration_seconds    = 700\n  rotate_before_seconds = {window}\n"
        ))
    };
    h.write_config(&config(600));
    h.apply();
    let first = only_key(&h);

    // Expires in 700 s, window 600 s: outside for another 100 s.
    h.assert_empty_plan();

    // Window 699 s: inside as soon as one second has passed since creation.
    std::thread::sleep(Duration::from_millis(1100));
    h.write_config(&config(699));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("must be replaced"), "{plan}");
    assert!(plan.contains("expires_at"), "{plan}");
    h.apply();
    let second = only_key(&h);
    assert_ne!(second.id, first.id, "a new key replaced the old one");
    assert_eq!(
        h.ok(&["output", "-raw", "token"]),
        second.token.expect("token")
    );

    // Back to 600 s: the fresh key is outside the window, only the setting changes.
    h.write_config(&config(600));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("updated in-place"), "{plan}");
    h.apply();
    assert_eq!(only_key(&h).id, second.id);
    h.assert_empty_plan();
}

#[test]
fn invalid_values_fail_plan_naming_the_attribute() {
    let h = harness("key-invalid");
    let cases = [
        ("  expiration_seconds = 599\n", "expiration_seconds"),
        ("  expiration_seconds = 31536001\n", "expiration_seconds"),
        ("  role = \"owner\"\n", "role"),
        (
            "  rotate_before_seconds = 7776000\n",
            "rotate_before_seconds",
        ),
        ("  description = \"\"\n", "description"),
    ];
    for (extra, attribute) in cases {
        h.write_config(&key_config(extra));
        let (code, text) = h.plan();
        assert_eq!(code, 1, "{attribute}: {text}");
        assert!(
            text.contains(&format!("Invalid value for {attribute}")),
            "{text}"
        );
    }
    assert!(keys(&h).is_empty());
}

#[test]
fn a_half_created_key_that_cannot_be_removed_is_named_in_the_error() {
    // An edit-role user may create ServiceAccounts but not bind the admin role, and may not
    // delete ServiceAccounts: the platform leaves a key without role or token behind.
    let config = Config {
        users: vec![UserToken::new("erin-token", "erin@example.com", &[])],
        ..Config::default()
    };
    let mut h = harness_with("key-orphan", config);
    assert!(h
        .emulator
        .state()
        .grant(WS, "user", "erin@example.com", "edit"));
    h.env("ACP_TOKEN", "erin-token");
    h.env("ACP_USERNAME", "erin@example.com");
    h.write_config(&key_config("  role = \"admin\"\n"));

    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let orphan = only_key(&h);
    assert_eq!(orphan.role, None);
    assert!(
        stderr.contains("Failed to bind service account"),
        "{stderr}"
    );
    assert!(stderr.contains(&orphan.id), "{stderr}");
    assert!(stderr.contains("still in workspace"), "{stderr}");
    assert_eq!(
        h.state_values("acp_api_key.ci"),
        serde_json::Value::Null,
        "nothing recorded in state"
    );
}
