//! Write-only secret inputs (`value_wo`, `secret_key_wo`) at the gRPC level, since the pinned
//! Terraform 1.0.3 cannot send write-only values: the value must reach the platform while the
//! planned and the new state returned to Terraform hold null for it.

use acp_emulator::{Config, Emulator};
use magma_protocol::tfplugin6 as pb;
use magma_protocol::tfplugin6::provider_client::ProviderClient;
use terraform_provider_acp::framework::codec::{from_msgpack, to_msgpack};
use terraform_provider_acp::framework::{served_schema, Provider, Schema, Value};
use terraform_provider_acp::provider::AcpProvider;
use terraform_provider_acp::resources::workspace_secret::WorkspaceSecretResource;
use terraform_provider_acp::resources::workspace_storage::WorkspaceStorageResource;
use tonic::transport::Channel;

use crate::support::Plugin;

const WS: &str = "team-alpha";

fn dynamic(value: &Value, schema: &Schema) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: to_msgpack(value, &schema.value_type()),
        json: Vec::new(),
    })
}

fn decoded(value: Option<pb::DynamicValue>, schema: &Schema) -> Value {
    let bytes = value.expect("a value").msgpack;
    from_msgpack(&bytes, &schema.value_type()).expect("msgpack of the schema type")
}

/// An object of the schema with every attribute null, then `pairs` set.
fn object(schema: &Schema, pairs: &[(&str, Value)]) -> Value {
    let mut v = Value::object(schema.attributes.iter().map(|a| (a.name, Value::Null)));
    for (k, val) in pairs {
        v.set(k, val.clone());
    }
    v
}

/// What Terraform 1.11 and later announce: they can send write-only values.
fn write_only_client() -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities {
        write_only_attributes_allowed: true,
        ..Default::default()
    })
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

async fn configured(plugin: &Plugin, emulator: &Emulator) -> ProviderClient<Channel> {
    let mut c = plugin.provider_client().await;
    let schema = AcpProvider.schema();
    let config = object(
        &schema,
        &[
            ("endpoint", Value::from(emulator.url())),
            ("token", Value::from(emulator.admin_token())),
            ("username", Value::from("alice@example.com")),
        ],
    );
    let response = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".into(),
            config: dynamic(&config, &schema),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        errors(&response.diagnostics).is_empty(),
        "{:?}",
        response.diagnostics
    );
    c
}

/// Validate, plan and apply a create as Terraform 1.11 would; returns (planned, new state).
async fn create(
    c: &mut ProviderClient<Channel>,
    type_name: &str,
    schema: &Schema,
    config: &Value,
) -> (Value, Value) {
    let validated = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: type_name.into(),
            config: dynamic(config, schema),
            client_capabilities: write_only_client(),
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        errors(&validated.diagnostics).is_empty(),
        "{:?}",
        validated.diagnostics
    );

    // Terraform proposes the configuration itself, with computed attributes unknown.
    let mut proposed = config.clone();
    for attribute in schema.attributes.iter().filter(|a| a.is_computed()) {
        if config.get(attribute.name).is_null() {
            proposed.set(attribute.name, Value::Unknown);
        }
    }
    let planned = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: type_name.into(),
            prior_state: dynamic(&Value::Null, schema),
            proposed_new_state: dynamic(&proposed, schema),
            config: dynamic(config, schema),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        errors(&planned.diagnostics).is_empty(),
        "{:?}",
        planned.diagnostics
    );
    let planned_state = planned.planned_state.clone();

    let applied = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: type_name.into(),
            prior_state: dynamic(&Value::Null, schema),
            planned_state: planned_state.clone(),
            config: dynamic(config, schema),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        errors(&applied.diagnostics).is_empty(),
        "{:?}",
        applied.diagnostics
    );
    (
        decoded(planned_state, schema),
        decoded(applied.new_state, schema),
    )
}

#[tokio::test]
async fn value_wo_reaches_the_platform_but_never_plan_or_state() {
    let emulator = Emulator::start(Config::default()).expect("emulator");
    assert!(emulator.state().create_project(WS, None));
    let plugin = Plugin::start();
    let mut c = configured(&plugin, &emulator).await;

    let schema = served_schema(&WorkspaceSecretResource);
    let config = object(
        &schema,
        &[
            ("workspace", Value::from(WS)),
            ("name", Value::from("GITHUB_TOKEN")),
            ("value_wo", Value::from("ghp-write-only-1234")),
            ("value_wo_version", Value::from(1)),
        ],
    );
    let (planned, state) = create(&mut c, "acp_workspace_secret", &schema, &config).await;

    assert_eq!(
        emulator.state().integration_secrets(WS)["GITHUB_TOKEN"],
        "ghp-write-only-1234"
    );
    for (label, v) in [("planned", &planned), ("new state", &state)] {
        assert!(v.get("value_wo").is_null(), "{label} holds value_wo");
        assert!(v.get("value").is_null(), "{label} holds a value");
        assert_eq!(v.get("value_wo_version").as_i64(), Some(1), "{label}");
        assert_eq!(v.get("kind").as_str(), Some("integration"), "{label}");
    }

    // Read after a change on the platform reports no drift: there is nothing to compare.
    assert!(emulator
        .state()
        .set_integration_secret(WS, "GITHUB_TOKEN", "changed-in-ui"));
    let read = c
        .read_resource(pb::read_resource::Request {
            type_name: "acp_workspace_secret".into(),
            current_state: dynamic(&state, &schema),
            ..Default::default()
        })
        .await
        .expect("rpc")
        .into_inner();
    assert!(
        errors(&read.diagnostics).is_empty(),
        "{:?}",
        read.diagnostics
    );
    assert_eq!(decoded(read.new_state, &schema), state);
}

#[tokio::test]
async fn both_value_and_value_wo_are_refused_at_validate() {
    let plugin = Plugin::start();
    let mut c = plugin.provider_client().await;
    let schema = served_schema(&WorkspaceSecretResource);
    let config = object(
        &schema,
        &[
            ("workspace", Value::from(WS)),
            ("name", Value::from("GITHUB_TOKEN")),
            ("value", Value::from("plain-5678")),
            ("value_wo", Value::from("wo-5678")),
        ],
    );
    let response = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "acp_workspace_secret".into(),
            config: dynamic(&config, &schema),
            client_capabilities: write_only_client(),
        })
        .await
        .expect("rpc")
        .into_inner();
    let found = errors(&response.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        !found[0].contains("5678"),
        "values are never quoted: {found:?}"
    );
    let path = response.diagnostics[0]
        .attribute
        .clone()
        .expect("attribute path");
    assert_eq!(path.steps.len(), 1);
}

#[tokio::test]
async fn secret_key_wo_reaches_the_platform_but_never_plan_or_state() {
    let emulator = Emulator::start(Config::default()).expect("emulator");
    assert!(emulator.state().create_project(WS, None));
    let plugin = Plugin::start();
    let mut c = configured(&plugin, &emulator).await;

    let schema = served_schema(&WorkspaceStorageResource);
    let config = object(
        &schema,
        &[
            ("workspace", Value::from(WS)),
            ("endpoint", Value::from("https://s3.example.com")),
            ("bucket", Value::from("acme-state")),
            ("access_key", Value::from("AKIAEXAMPLE")),
            ("secret_key_wo", Value::from("s3-write-only-9012")),
            ("secret_key_wo_version", Value::from(7)),
        ],
    );
    let (planned, state) = create(&mut c, "acp_workspace_storage", &schema, &config).await;

    let map = emulator.state().integration_secrets(WS);
    assert_eq!(map["STORAGE_MODE"], "custom");
    assert_eq!(map["S3_SECRET_KEY"], "s3-write-only-9012");
    for (label, v) in [("planned", &planned), ("new state", &state)] {
        assert!(v.get("secret_key_wo").is_null(), "{label}");
        assert!(v.get("secret_key").is_null(), "{label}");
        assert_eq!(v.get("id").as_str(), Some(WS), "{label}");
    }
}

#[tokio::test]
async fn clients_without_write_only_support_are_told_at_validate() {
    let plugin = Plugin::start();
    let mut c = plugin.provider_client().await;
    let schema = served_schema(&WorkspaceSecretResource);
    let config = object(
        &schema,
        &[
            ("workspace", Value::from(WS)),
            ("name", Value::from("GITHUB_TOKEN")),
            ("value_wo", Value::from("wo-3456")),
        ],
    );
    // Terraform before 1.11 sends no client capabilities.
    let response = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "acp_workspace_secret".into(),
            config: dynamic(&config, &schema),
            client_capabilities: None,
        })
        .await
        .expect("rpc")
        .into_inner();
    let found = errors(&response.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("1.11"), "{found:?}");
    assert!(!found[0].contains("3456"), "{found:?}");
}
