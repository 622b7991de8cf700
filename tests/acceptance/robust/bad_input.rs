//! Malformed and hostile configuration values for every attribute of every resource: each is
//! refused at plan time with a diagnostic naming the attribute, or round-trips through the
//! platform exactly as written. Refused values never reach the platform.

use crate::support::{Harness, USERNAME};

const WS: &str = "team-alpha";

/// An HCL string literal for any text (control characters escaped).
fn lit(text: &str) -> String {
    serde_json::to_string(text).expect("JSON strings are HCL strings")
}

/// (label, resource type, attribute, HCL value of the attribute); the other attributes hold
/// valid values.
fn refused_cases() -> Vec<(String, &'static str, &'static str, String)> {
    let long = |n: usize| lit(&"a".repeat(n));
    let mut cases = Vec::new();
    let mut add = |ty: &'static str, attr: &'static str, values: Vec<String>| {
        for (i, v) in values.into_iter().enumerate() {
            cases.push((format!("{attr}_{i}"), ty, attr, v));
        }
    };
    add(
        "acp_workspace",
        "name",
        vec![
            lit(""),
            lit(" "),
            lit("Team-Alpha"),
            long(64),
            lit("kube-system"),
            lit("team\n"),
            lit("tëam"),
            lit("team\u{2014}a"),
            lit("-team"),
        ],
    );
    add("acp_workspace", "display_name", vec![lit(""), lit(" \t")]);
    add("acp_workspace", "description", vec![lit(""), lit("   ")]);
    add(
        "acp_workspace_share",
        "subject_name",
        vec![
            lit(""),
            lit(" "),
            lit("ops/admins"),
            lit("a\tb"),
            long(254),
            lit("a\u{7f}"),
        ],
    );
    add(
        "acp_workspace_share",
        "subject_type",
        vec![lit("User"), lit("robot"), lit("")],
    );
    add(
        "acp_workspace_share",
        "role",
        vec![lit("owner"), lit("Admin"), lit("")],
    );
    add(
        "acp_workspace_share",
        "workspace",
        vec![lit(""), lit("Team")],
    );
    add(
        "acp_workspace_secret",
        "name",
        vec![
            lit(""),
            lit("HAS SPACE"),
            lit("S3_BUCKET"),
            lit("STORAGE_MODE"),
            lit("ÄPI"),
            lit(".."),
            lit("..data"),
        ],
    );
    add("acp_workspace_secret", "workspace", vec![long(64)]);
    // More than the 1 MiB a Kubernetes Secret holds.
    add("acp_workspace_secret", "value", vec![long(1024 * 1024 + 1)]);
    add(
        "acp_workspace_storage",
        "endpoint",
        vec![lit(""), lit("ftp://x"), lit("https://")],
    );
    add(
        "acp_workspace_storage",
        "bucket",
        vec![
            lit("ab"),
            long(64),
            lit("Upper"),
            lit("a..b"),
            lit("192.168.0.1"),
        ],
    );
    add("acp_workspace_storage", "region", vec![lit(" ")]);
    add("acp_workspace_storage", "access_key", vec![lit("")]);
    add("acp_api_key", "name", vec![lit(""), lit("  ")]);
    add("acp_api_key", "role", vec![lit("root"), lit("")]);
    add("acp_api_key", "description", vec![lit(""), lit(" ")]);
    add(
        "acp_api_key",
        "expiration_seconds",
        vec!["599".into(), "31536001".into(), "0".into(), "-1".into()],
    );
    add(
        "acp_api_key",
        "rotate_before_seconds",
        vec!["0".into(), "31536001".into()],
    );
    cases
}

/// The valid attributes of each type, overridden per case.
fn block(ty: &str, label: &str, attr: &str, value: &str) -> String {
    let defaults: &[(&str, &str)] = match ty {
        "acp_workspace" => &[("name", "\"team-x\"")],
        "acp_workspace_share" => &[
            ("workspace", "\"team-alpha\""),
            ("subject_type", "\"user\""),
            ("subject_name", "\"bob\""),
            ("role", "\"view\""),
        ],
        "acp_workspace_secret" => &[
            ("workspace", "\"team-alpha\""),
            ("name", "\"X_TOKEN\""),
            ("value", "\"v\""),
        ],
        "acp_workspace_storage" => &[
            ("workspace", "\"team-alpha\""),
            ("endpoint", "\"https://s3.example.com\""),
            ("bucket", "\"bucket-a\""),
            ("access_key", "\"AK\""),
            ("secret_key", "\"SK\""),
        ],
        _ => &[("workspace", "\"team-alpha\""), ("name", "\"k\"")],
    };
    let mut text = format!("resource \"{ty}\" \"{label}\" {{\n");
    for (name, default) in defaults {
        let v = if *name == attr { value } else { default };
        text.push_str(&format!("  {name} = {v}\n"));
    }
    if !defaults.iter().any(|(name, _)| *name == attr) {
        text.push_str(&format!("  {attr} = {value}\n"));
    }
    text + "}\n"
}

fn writes(h: &Harness) -> u64 {
    h.emulator
        .state()
        .request_counts()
        .iter()
        .filter(|(route, _)| !route.starts_with("GET"))
        .map(|(_, n)| n)
        .sum()
}

#[test]
fn hostile_values_are_refused_at_plan_naming_the_attribute() {
    let h = Harness::new("bad-input");
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    let cases = refused_cases();
    let config: String = cases
        .iter()
        .map(|(label, ty, attr, value)| block(ty, label, attr, value))
        .collect();
    h.write_config(&config);
    let (code, out) = h.plan();
    assert_eq!(code, 1, "{out}");
    // Terraform prints one "Error:" block per diagnostic, naming the resource and the line of
    // the attribute at fault.
    let blocks: Vec<&str> = out.split("Error: ").skip(1).collect();
    for (label, ty, attr, value) in &cases {
        let at = format!("resource \"{ty}\" \"{label}\"");
        let named = blocks
            .iter()
            .any(|b| b.contains(&at) && b.contains(&format!("{attr} ")));
        assert!(
            named,
            "{ty}.{attr} = {value} was not refused by name:\n{out}"
        );
    }
    assert_eq!(writes(&h), 0, "{:?}", h.emulator.state().request_counts());
}

#[test]
fn unusual_but_valid_values_round_trip_exactly() {
    let h = Harness::new("odd-values");
    assert!(h.emulator.state().create_project(WS, Some(USERNAME)));
    let secrets = [
        ("EM_DASH", "pay \u{2014} ments"),
        ("COMBINING", "e\u{301}te\u{301} \u{1F600}"),
        ("JSON_LIKE", "{\"a\": [1, null]}"),
        ("PADDED", "  spaced  "),
        ("MULTI_LINE", "line one\nline two\ttabbed"),
        ("EMPTY", ""),
        ("LONG", &"x".repeat(10_000)),
    ];
    let mut config = String::new();
    for (name, value) in secrets {
        config.push_str(&format!(
            "resource \"acp_workspace_secret\" \"{}\" {{\n  workspace = \"{WS}\"\n  \
             name = \"{name}\"\n  value = {}\n}}\n",
            name.to_lowercase(),
            lit(value)
        ));
    }
    let subjects = [
        ("zoe", "Zoë Ünïcode", "view"),
        ("bob_upper", "Bob@Example.com", "edit"),
        ("bob_lower", "bob@example.com", "view"),
        ("json", "{\"group\":1}", "view"),
        ("max", &"s".repeat(253), "view"),
    ];
    for (label, subject, role) in subjects {
        config.push_str(&format!(
            "resource \"acp_workspace_share\" \"{label}\" {{\n  workspace = \"{WS}\"\n  \
             subject_type = \"user\"\n  subject_name = {}\n  role = \"{role}\"\n}}\n",
            lit(subject)
        ));
    }
    config.push_str(&format!(
        "resource \"acp_api_key\" \"edge\" {{\n  workspace = \"{WS}\"\n  name = \"k\"\n  \
         description = {}\n  role = \"view\"\n  expiration_seconds = 600\n  \
         rotate_before_seconds = 1\n}}\n\
         resource \"acp_api_key\" \"longest\" {{\n  workspace = \"{WS}\"\n  name = \"k2\"\n  \
         role = \"view\"\n  expiration_seconds = 31536000\n}}\n",
        lit("CI \u{2014} déploiement")
    ));
    h.write_config(&config);
    h.apply();
    let state = h.emulator.state();
    let mut stored = state.runner_secrets(WS);
    stored.extend(state.integration_secrets(WS));
    for (name, value) in secrets {
        // Terraform itself normalises string literals to Unicode NFC before the provider sees
        // them: "e" + combining acute arrives as "é". The platform then stores exactly that.
        let expected = if name == "COMBINING" {
            "\u{e9}t\u{e9} \u{1F600}"
        } else {
            value
        };
        assert_eq!(
            stored.get(name).map(String::as_str),
            Some(expected),
            "{name}"
        );
    }
    let grants = state.permissions(WS);
    for (_, subject, role) in subjects {
        assert!(
            grants.contains(&("user".into(), subject.to_string(), role.to_string())),
            "{subject}: {grants:?}"
        );
    }
    let keys = state.keys(WS);
    let edge = keys.iter().find(|k| k.name == "k").expect("key k");
    assert_eq!(edge.description, "CI \u{2014} déploiement");
    h.assert_empty_plan();
}
