//! `acp_workspace_secret` under real Terraform: lifecycle in both secret maps, drift, import,
//! 40 secrets of one workspace written in one parallel apply, and validation at plan time.
//! Every secret value used here is distinctive, so that its absence from Terraform's output
//! can be checked.

use std::collections::BTreeMap;

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";
const GITHUB_VALUE: &str = "ghp-s3cret-github-1111";
const ANTHROPIC_VALUE: &str = "sk-ant-s3cret-2222";

/// A secret block with the workspace written literally (the workspace is created through the
/// emulator, so that it outlives `terraform destroy` and its maps can be inspected).
fn secret(label: &str, name: &str, value: &str) -> String {
    format!(
        "resource \"acp_workspace_secret\" \"{label}\" {{\n  workspace = \"{WS}\"\n  \
         name      = \"{name}\"\n  value     = \"{value}\"\n}}\n"
    )
}

fn harness(test: &str) -> Harness {
    let h = Harness::new(test);
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    h
}

fn integration(h: &Harness) -> BTreeMap<String, String> {
    h.emulator.state().integration_secrets(WS)
}

fn runner(h: &Harness) -> BTreeMap<String, String> {
    h.emulator.state().runner_secrets(WS)
}

/// Runs terraform and returns stdout and stderr together, asserting success.
fn ok_all(h: &Harness, args: &[&str]) -> String {
    let out = h.run(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "terraform {args:?} failed:\n{text}");
    text
}

fn assert_hidden(output: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!output.contains(s), "secret value leaked:\n{output}");
    }
}

#[test]
fn secrets_land_in_the_right_map_and_destroy_leaves_other_keys_alone() {
    let mut h = harness("secret-lifecycle");
    let state = h.emulator.state();
    assert!(state.set_integration_secret(WS, "SET_IN_UI", "ui-value"));
    assert!(state.set_runner_secret(WS, "GEMINI_API_KEY", "gemini-from-ui"));
    // Provider debug logs go to stderr; secret values must not appear there either.
    h.env("TF_LOG_PROVIDER", "DEBUG");
    h.write_config(
        &(secret("github", "GITHUB_TOKEN", GITHUB_VALUE)
            + &secret("anthropic", "ANTHROPIC_API_KEY", ANTHROPIC_VALUE)),
    );

    let output = ok_all(&h, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        output.contains("secret map written"),
        "provider logs were captured, so the leak check means something:\n{output}"
    );
    assert_hidden(&output, &[GITHUB_VALUE, ANTHROPIC_VALUE]);

    assert_eq!(integration(&h)["GITHUB_TOKEN"], GITHUB_VALUE);
    assert_eq!(integration(&h)["SET_IN_UI"], "ui-value");
    assert!(!integration(&h).contains_key("ANTHROPIC_API_KEY"));
    assert_eq!(runner(&h)["ANTHROPIC_API_KEY"], ANTHROPIC_VALUE);
    assert_eq!(runner(&h)["GEMINI_API_KEY"], "gemini-from-ui");

    let github = h.state_values("acp_workspace_secret.github");
    assert_eq!(github["id"], format!("{WS}/GITHUB_TOKEN"));
    assert_eq!(github["kind"], "integration");
    assert_eq!(
        h.state_values("acp_workspace_secret.anthropic")["kind"],
        "runner"
    );

    h.assert_empty_plan();
    let refreshed = ok_all(&h, &["refresh", "-no-color"]);
    assert_hidden(&refreshed, &[GITHUB_VALUE, ANTHROPIC_VALUE]);
    h.assert_empty_plan();

    let destroyed = ok_all(&h, &["destroy", "-auto-approve", "-no-color"]);
    assert_hidden(&destroyed, &[GITHUB_VALUE, ANTHROPIC_VALUE]);
    let left = integration(&h);
    assert!(!left.contains_key("GITHUB_TOKEN"), "{:?}", left.keys());
    assert_eq!(left["SET_IN_UI"], "ui-value");
    let left = runner(&h);
    assert!(!left.contains_key("ANTHROPIC_API_KEY"), "{:?}", left.keys());
    assert_eq!(left["GEMINI_API_KEY"], "gemini-from-ui");
}

#[test]
fn kind_and_id_are_known_at_plan_time() {
    let h = harness("secret-plan-known");
    h.write_config(&secret("gemini", "GEMINI_API_KEY", "gem-value-3333"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("+ kind      = \"runner\""), "{plan}");
    assert!(
        plan.contains("+ id        = \"team-alpha/GEMINI_API_KEY\""),
        "{plan}"
    );
    assert!(plan.contains("(sensitive value)"), "{plan}");
    assert_hidden(&plan, &["gem-value-3333"]);
}

#[test]
fn changing_the_value_updates_in_place() {
    let h = harness("secret-update");
    h.write_config(&secret("github", "GITHUB_TOKEN", GITHUB_VALUE));
    h.apply();

    h.write_config(&secret("github", "GITHUB_TOKEN", "ghp-rotated-4444"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    assert!(!plan.contains("must be replaced"), "{plan}");
    assert_hidden(&plan, &[GITHUB_VALUE, "ghp-rotated-4444"]);
    let applied = h.apply();
    assert_hidden(&applied, &[GITHUB_VALUE, "ghp-rotated-4444"]);

    assert_eq!(integration(&h)["GITHUB_TOKEN"], "ghp-rotated-4444");
    h.assert_empty_plan();
}

#[test]
fn value_changed_or_removed_behind_terraforms_back_is_restored() {
    let h = harness("secret-drift");
    h.write_config(&secret("github", "GITHUB_TOKEN", GITHUB_VALUE));
    h.apply();
    let state = h.emulator.state();

    assert!(state.set_integration_secret(WS, "GITHUB_TOKEN", "changed-in-ui-5555"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("update in-place"), "{plan}");
    assert!(plan.contains("(sensitive value)"), "{plan}");
    assert_hidden(&plan, &[GITHUB_VALUE, "changed-in-ui-5555"]);
    h.apply();
    assert_eq!(integration(&h)["GITHUB_TOKEN"], GITHUB_VALUE);
    h.assert_empty_plan();

    assert!(state.remove_integration_secret(WS, "GITHUB_TOKEN"));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(plan.contains("will be created"), "{plan}");
    h.apply();
    assert_eq!(integration(&h)["GITHUB_TOKEN"], GITHUB_VALUE);
    h.assert_empty_plan();
}

#[test]
fn a_deleted_workspace_takes_its_secrets_without_errors() {
    let h = Harness::new("secret-ws-gone");
    h.write_config(
        "resource \"acp_workspace\" \"team\" {\n  name = \"team-alpha\"\n}\n\
         resource \"acp_workspace_secret\" \"github\" {\n  workspace = acp_workspace.team.name\n  \
         name      = \"GITHUB_TOKEN\"\n  value     = \"ghp-s3cret-github-1111\"\n}\n",
    );
    h.apply();
    assert_eq!(integration(&h)["GITHUB_TOKEN"], GITHUB_VALUE);

    assert!(h.emulator.state().remove_project_now(WS));
    let (code, plan) = h.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("acp_workspace_secret.github will be created"),
        "{plan}"
    );
    h.apply();
    assert_eq!(integration(&h)["GITHUB_TOKEN"], GITHUB_VALUE);
    h.destroy();
    assert!(h.emulator.state().is_empty());
}

#[test]
fn import_reads_the_value_and_gives_an_empty_plan() {
    let h = harness("secret-import");
    assert!(h
        .emulator
        .state()
        .set_integration_secret(WS, "GITHUB_TOKEN", GITHUB_VALUE));
    h.write_config(&secret("github", "GITHUB_TOKEN", GITHUB_VALUE));

    let imported = ok_all(
        &h,
        &[
            "import",
            "-no-color",
            "acp_workspace_secret.github",
            "team-alpha/GITHUB_TOKEN",
        ],
    );
    assert_hidden(&imported, &[GITHUB_VALUE]);
    let values = h.state_values("acp_workspace_secret.github");
    assert_eq!(values["value"], GITHUB_VALUE);
    assert_eq!(values["kind"], "integration");
    h.assert_empty_plan();

    h.forget_state();
    let out = h.run(&[
        "import",
        "-no-color",
        "acp_workspace_secret.github",
        "GITHUB_TOKEN",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("<workspace>/<name>"), "{stderr}");

    let out = h.run(&[
        "import",
        "-no-color",
        "acp_workspace_secret.github",
        "team-alpha/MISSING_KEY",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("not found"), "{stderr}");
}

#[test]
fn creating_a_key_that_already_exists_says_how_to_import_it() {
    let h = harness("secret-exists");
    assert!(h
        .emulator
        .state()
        .set_integration_secret(WS, "GITHUB_TOKEN", "set-in-ui-6666"));
    h.write_config(&secret("github", "GITHUB_TOKEN", GITHUB_VALUE));
    let out = h.run(&["apply", "-auto-approve", "-no-color"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(
        stderr.contains("terraform import acp_workspace_secret.<name> team-alpha/GITHUB_TOKEN"),
        "{stderr}"
    );
    assert_hidden(&stderr, &["set-in-ui-6666", GITHUB_VALUE]);
    assert_eq!(
        integration(&h)["GITHUB_TOKEN"],
        "set-in-ui-6666",
        "left alone"
    );
}

#[test]
fn forty_secrets_in_one_apply_all_survive() {
    let h = harness("secret-forty");
    assert!(h
        .emulator
        .state()
        .set_integration_secret(WS, "SET_IN_UI", "ui-value"));
    h.write_config(&format!(
        "resource \"acp_workspace_secret\" \"many\" {{\n  \
         for_each  = toset([for i in range(37) : \"KEY_${{i}}\"])\n  \
         workspace = \"{WS}\"\n  name      = each.value\n  value     = \"v-${{each.value}}\"\n}}\n\
         resource \"acp_workspace_secret\" \"models\" {{\n  \
         for_each  = toset([\"ANTHROPIC_API_KEY\", \"GOOGLE_API_KEY\", \"GEMINI_API_KEY\"])\n  \
         workspace = \"{WS}\"\n  name      = each.value\n  value     = \"v-${{each.value}}\"\n}}\n"
    ));
    let applied = h.apply();
    assert!(applied.contains("40 added"), "{applied}");
    assert!(
        !applied.contains("v-KEY_"),
        "values stay hidden:\n{applied}"
    );

    let map = integration(&h);
    for i in 0..37 {
        let key = format!("KEY_{i}");
        assert_eq!(map.get(&key), Some(&format!("v-{key}")), "{key}");
    }
    assert_eq!(map["SET_IN_UI"], "ui-value");
    assert_eq!(map.len(), 38, "{:?}", map.keys());
    let models = runner(&h);
    for key in ["ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"] {
        assert_eq!(models.get(key), Some(&format!("v-{key}")), "{key}");
    }
    h.assert_empty_plan();

    h.destroy();
    let map = integration(&h);
    assert_eq!(map.keys().collect::<Vec<_>>(), vec!["SET_IN_UI"]);
    assert!(runner(&h).is_empty());
}

#[test]
fn invalid_names_are_refused_at_plan_with_the_attribute_named() {
    let h = harness("secret-invalid");
    let missing_value =
        "resource \"acp_workspace_secret\" \"s\" {\n  workspace = \"team-alpha\"\n  \
                         name      = \"GITHUB_TOKEN\"\n}\n";
    let bad_workspace =
        "resource \"acp_workspace_secret\" \"s\" {\n  workspace = \"Team_Alpha\"\n  \
                         name      = \"GITHUB_TOKEN\"\n  value     = \"x\"\n}\n";
    let cases: [(String, &[&str]); 5] = [
        (
            secret("s", "S3_BUCKET", "x"),
            &[
                "Invalid value for name",
                "name      = \"S3_BUCKET\"",
                "acp_workspace_storage",
            ],
        ),
        (
            secret("s", "STORAGE_MODE", "x"),
            &["Invalid value for name", "acp_workspace_storage"],
        ),
        (
            secret("s", "BAD KEY!", "x"),
            &["Invalid value for name", "Use only letters, digits"],
        ),
        (
            bad_workspace.to_string(),
            &["Invalid value for workspace", "workspace = \"Team_Alpha\""],
        ),
        (missing_value.to_string(), &["Missing value", "Set `value`"]),
    ];
    for (config, expected) in cases {
        h.write_config(&config);
        let (code, text) = h.plan();
        assert_eq!(code, 1, "{config}\n{text}");
        for e in expected {
            assert!(text.contains(e), "expected {e:?} in:\n{text}");
        }
    }
    assert!(integration(&h).is_empty() && runner(&h).is_empty());
}

#[test]
fn value_wo_needs_a_terraform_that_supports_write_only_attributes() {
    let h = harness("secret-wo-old-terraform");
    // The value comes from a sensitive variable, as it would in practice: Terraform quotes the
    // configuration line a diagnostic points at, and a literal there would be the user's own.
    h.write_config(&format!(
        "variable \"token\" {{\n  default   = \"wo-value-4321\"\n  sensitive = true\n}}\n\
         resource \"acp_workspace_secret\" \"s\" {{\n  workspace        = \"{WS}\"\n  \
         name             = \"GITHUB_TOKEN\"\n  value_wo         = var.token\n  \
         value_wo_version = 1\n}}\n"
    ));
    let (code, text) = h.plan();
    assert_eq!(code, 1, "{text}");
    assert!(!text.contains("Provider produced invalid plan"), "{text}");
    assert!(
        text.contains("Write-only attribute value_wo not supported"),
        "{text}"
    );
    assert!(text.contains("1.11"), "{text}");
    assert_hidden(&text, &["wo-value-4321"]);
    assert!(integration(&h).is_empty());
}
