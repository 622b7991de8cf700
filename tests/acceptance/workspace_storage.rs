//! `acp_workspace_storage` under real Terraform: settings kept as keys of the integration
//! secret, drift (edited keys, switch back to shared), import, destroy back to shared storage,
//! validation at plan time, and storage written alongside secrets of the same map.

use std::collections::BTreeMap;

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";
const SECRET_KEY: &str = "wJalr-s3cret-key-7777";
const ACCESS_KEY: &str = "AKIA-access-8888";

fn storage(bucket: &str, secret_key: &str) -> String {
    format!(
        "resource \"acp_workspace_storage\" \"s3\" {{\n  workspace  = \"{WS}\"\n  \
         endpoint   = \"https://s3.eu-west-1.amazonaws.com\"\n  bucket     = \"{bucket}\"\n  \
         region     = \"eu-west-1\"\n  access_key = \"{ACCESS_KEY}\"\n  \
         secret_key = \"{secret_key}\"\n}}\n"
    )
}

fn harness(test: &str) -> Harness {
    let h = Harness::new(test);
    let state = h.emulator.state();
    assert!(state.create_project(WS, Some(USERNAME)));
    // What the settings page leaves behind, plus an integration configured there.
    assert!(state.set_integration_secret(WS, "STORAGE_MODE", "shared"));
    assert!(state.set_integration_secret(WS, "GITHUB_TOKEN", "ghp-ui-token"));
    h
}

fn integration(h: &Harness) -> BTreeMap<String, String> {
    h.emulator.state().integration_secrets(WS)
}

fn assert_hidden(output: &str) {
    for s in [SECRET_KEY, ACCESS_KEY] {
        assert!(!output.contains(s), "secret leaked:\n{output}");
    }
}

#[test]
fn storage_lifecycle_and_destroy_back_to_shared() {
    let h = harness("storage-lifecycle");
    h.write_config(&storage("acme-agent-state", SECRET_KEY));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("+ id         = \"team-alpha\""), "{plan}");
    assert_hidden(&plan);
    assert_hidden(&h.apply());

    let map = integration(&h);
    assert_eq!(map["STORAGE_MODE"], "custom");
    assert_eq!(map["S3_ENDPOINT"], "https://s3.eu-west-1.amazonaws.com");
    assert_eq!(map["S3_BUCKET"], "acme-agent-state");
    assert_eq!(map["S3_REGION"], "eu-west-1");
    assert_eq!(map["S3_ACCESS_KEY"], ACCESS_KEY);
    assert_eq!(map["S3_SECRET_KEY"], SECRET_KEY);
    assert_eq!(map["GITHUB_TOKEN"], "ghp-ui-token");
    assert_eq!(h.state_values("acp_workspace_storage.s3")["id"], WS);

    h.assert_empty_plan();
    let refreshed = h.run(&["refresh", "-no-color"]);
    assert!(refreshed.status.success());
    assert_hidden(&String::from_utf8_lossy(&refreshed.stdout));
    h.assert_empty_plan();

    assert_hidden(&h.destroy());
    let map = integration(&h);
    let expected: BTreeMap<String, String> =
        [("GITHUB_TOKEN", "ghp-ui-token"), ("STORAGE_MODE", "shared")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!(map, expected);
}

#[test]
fn changing_bucket_and_secret_key_updates_in_place() {
    let h = harness("storage-update");
    h.write_config(&storage("acme-agent-state", SECRET_KEY));
    h.apply();

    h.write_config(&storage("acme-agent-state-v2", "rotated-key-9999"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    assert!(
        plan.contains("\"acme-agent-state\" -> \"acme-agent-state-v2\""),
        "{plan}"
    );
    assert!(!plan.contains("rotated-key-9999"), "{plan}");
    h.apply();

    let map = integration(&h);
    assert_eq!(map["S3_BUCKET"], "acme-agent-state-v2");
    assert_eq!(map["S3_SECRET_KEY"], "rotated-key-9999");
    assert_eq!(map["GITHUB_TOKEN"], "ghp-ui-token");
    h.assert_empty_plan();

    // Dropping the region removes the key instead of leaving a stale one.
    h.write_config(
        &storage("acme-agent-state-v2", "rotated-key-9999")
            .replace("  region     = \"eu-west-1\"\n", ""),
    );
    h.apply();
    assert!(!integration(&h).contains_key("S3_REGION"));
    h.assert_empty_plan();
}

#[test]
fn settings_edited_or_reset_behind_terraforms_back_show_as_drift() {
    let h = harness("storage-drift");
    h.write_config(&storage("acme-agent-state", SECRET_KEY));
    h.apply();
    let state = h.emulator.state();

    assert!(state.set_integration_secret(WS, "S3_BUCKET", "edited-in-ui"));
    assert!(state.set_integration_secret(WS, "S3_SECRET_KEY", "edited-key-0000"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("\"edited-in-ui\" -> \"acme-agent-state\""),
        "{plan}"
    );
    assert!(plan.contains("secret_key"), "{plan}");
    assert!(!plan.contains("edited-key-0000"), "{plan}");
    assert_hidden(&plan);
    h.apply();
    assert_eq!(integration(&h)["S3_BUCKET"], "acme-agent-state");
    assert_eq!(integration(&h)["S3_SECRET_KEY"], SECRET_KEY);
    h.assert_empty_plan();

    // The settings page's "shared" switch: mode shared and every S3_* key gone.
    for key in [
        "S3_ENDPOINT",
        "S3_BUCKET",
        "S3_REGION",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
    ] {
        assert!(state.remove_integration_secret(WS, key));
    }
    assert!(state.set_integration_secret(WS, "STORAGE_MODE", "shared"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    h.apply();
    assert_eq!(integration(&h)["STORAGE_MODE"], "custom");
    assert_eq!(integration(&h)["S3_SECRET_KEY"], SECRET_KEY);
    h.assert_empty_plan();
}

#[test]
fn import_of_custom_storage_gives_an_empty_plan() {
    let h = harness("storage-import");
    let state = h.emulator.state();
    for (k, v) in [
        ("STORAGE_MODE", "custom"),
        ("S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com"),
        ("S3_BUCKET", "acme-agent-state"),
        ("S3_REGION", "eu-west-1"),
        ("S3_ACCESS_KEY", ACCESS_KEY),
        ("S3_SECRET_KEY", SECRET_KEY),
    ] {
        assert!(state.set_integration_secret(WS, k, v));
    }
    h.write_config(&storage("acme-agent-state", SECRET_KEY));
    let imported = h.ok(&["import", "-no-color", "acp_workspace_storage.s3", WS]);
    assert_hidden(&imported);
    assert_eq!(
        h.state_values("acp_workspace_storage.s3")["secret_key"],
        SECRET_KEY
    );
    h.assert_empty_plan();

    // Applying over storage that already exists outside the state points to import.
    h.forget_state();
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("terraform import acp_workspace_storage.<name> team-alpha"),
        "{stderr}"
    );
    assert_hidden(&stderr);
}

#[test]
fn import_of_a_workspace_on_shared_storage_says_so() {
    let h = harness("storage-import-shared");
    h.write_config(&storage("acme-agent-state", SECRET_KEY));
    let out = h.run(&["import", "-no-color", "acp_workspace_storage.s3", WS]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("uses shared storage"), "{stderr}");
    assert_eq!(integration(&h)["STORAGE_MODE"], "shared");
}

#[test]
fn endpoint_and_bucket_are_checked_at_plan() {
    let h = harness("storage-invalid");
    let good = storage("acme-agent-state", SECRET_KEY);
    let cases = [
        (
            good.replace("https://s3.eu-west-1.amazonaws.com", "s3.amazonaws.com"),
            "Invalid value for endpoint",
        ),
        (
            good.replace("https://s3.eu-west-1.amazonaws.com", "ftp://s3.example.com"),
            "Invalid value for endpoint",
        ),
        (
            good.replace("acme-agent-state", "Acme_State"),
            "Invalid value for bucket",
        ),
        (
            good.replace("acme-agent-state", "10.0.0.1"),
            "Invalid value for bucket",
        ),
        (
            good.replace(&format!("  secret_key = \"{SECRET_KEY}\"\n"), ""),
            "Missing secret_key",
        ),
    ];
    for (config, expected) in cases {
        h.write_config(&config);
        let (code, text) = h.plan();
        assert_eq!(code, 1, "{config}\n{text}");
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
        assert_hidden(&text);
    }
    assert_eq!(integration(&h)["STORAGE_MODE"], "shared");
}

#[test]
fn storage_and_secrets_of_one_workspace_applied_together_all_land() {
    let h = harness("storage-with-secrets");
    h.write_config(&format!(
        "{}resource \"acp_workspace_secret\" \"many\" {{\n  \
         for_each  = toset([for i in range(15) : \"KEY_${{i}}\"])\n  \
         workspace = \"{WS}\"\n  name      = each.value\n  value     = \"v-${{each.value}}\"\n}}\n",
        storage("acme-agent-state", SECRET_KEY)
    ));
    h.apply();
    let map = integration(&h);
    assert_eq!(map["STORAGE_MODE"], "custom");
    assert_eq!(map["S3_SECRET_KEY"], SECRET_KEY);
    for i in 0..15 {
        assert_eq!(map.get(&format!("KEY_{i}")), Some(&format!("v-KEY_{i}")));
    }
    assert_eq!(map["GITHUB_TOKEN"], "ghp-ui-token");
    h.assert_empty_plan();

    h.destroy();
    let map = integration(&h);
    assert_eq!(
        map.keys().collect::<Vec<_>>(),
        vec!["GITHUB_TOKEN", "STORAGE_MODE"]
    );
    assert_eq!(map["STORAGE_MODE"], "shared");
}
